"""Front matter parsed by libyaml, with the lines and messages of the pure-Python parser."""

from pathlib import Path

import yaml

from app.domain.yaml_loading import compose, fast_safe_loader

ROOT = Path(__file__).resolve().parents[2]


def test_front_matter_is_parsed_by_libyaml():
    assert yaml.__with_libyaml__, "PyYAML was built without libyaml: content loads slowly"
    assert fast_safe_loader() is yaml.CSafeLoader


def test_libyaml_nodes_carry_the_lines_the_pure_python_parser_gives():
    documents = [path.read_text("utf-8") for path in (ROOT / "competencies").glob("*.yaml")]
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text("utf-8")
        if text.startswith("---\n"):
            documents.append(text.split("---\n", 2)[1])
    assert len(documents) > 30
    for text in documents:
        assert lines(compose(text)) == lines(yaml.compose(text, Loader=yaml.SafeLoader))


def test_a_mistake_is_reported_as_the_pure_python_parser_reports_it():
    text = "title: x\norder: [1\nestimated_minutes: 10"
    try:
        compose(text)
    except yaml.MarkedYAMLError as error:
        assert error.problem == "expected ',' or ']', but got ':'"
        assert (error.context_mark.line, error.problem_mark.line) == (1, 2)
    else:
        raise AssertionError("the unclosed list was accepted")


def lines(node) -> list:
    """Return every node's kind, start line and column, and scalar value, in document order."""
    found = [(type(node).__name__, node.start_mark.line, node.start_mark.column)]
    if isinstance(node, yaml.ScalarNode):
        return [*found, node.value]
    for item in node.value:
        for part in item if isinstance(item, tuple) else (item,):
            found += lines(part)
    return found
