"""A list or mapping where one value belongs is reported at its line, never raised.

Every key of module.md, a screen, a quiz's front matter and a framework file (and every
key inside their lists and mappings) is given each shape in turn.
"""

import copy
import datetime
from pathlib import Path

import pytest
import yaml

from app.domain.catalogue import load_catalogue
from app.domain.framework_files import load_frameworks

from .conftest import MODULE_MD, TINY_FRAMEWORK

SHAPES = {
    "nested list": ["a", ["b"]],
    "heading over a list": {"Recognise the needs of unpaid carers": ["practical"]},
    "list of mappings": [{"a": "b"}],
    "mapping of a mapping": {"a": {"b": "c"}},
    "empty list": [],
    "empty mapping": {},
    "nothing": None,
    "deep list": [[["x"]]],
    "mixed list": ["x", {"y": None}],
}
SCREEN = "---\ntitle: A\nmenu_title: B\nknowledge_check: tiny-check\n---\nText.\n"
QUESTION = "\nTitle: Q\nID: q1\nCompetencies: TINY-1.1\nOutcomes: 1\n1.  Q?\n*a) Yes\nb)  No\n"
ASSESSMENT = {
    "id": "tiny-assessment",
    "module": "tiny",
    "title": "End of module",
    "kind": "assessment",
    "pass_mark": 80,
    "max_attempts": 3,
    "time_limit_minutes": 30,
    "retake": {"wait_days": 7, "revisit_screens": True},
    "shuffle_answers": True,
    "shuffle_questions": False,
    "show_correct_answers": "after-pass",
    "description": "Questions on the module.",
}
CHECK = {
    **{k: ASSESSMENT[k] for k in ("title", "pass_mark", "shuffle_answers", "shuffle_questions")},
    "id": "tiny-check",
    "module": "tiny",
    "kind": "knowledge-check",
    "show_correct_answers": "never",
}


def front_matter(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def paths(value, prefix=()):
    """Yield the path of every value, and of the first two items of every list."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:2]):
            yield from paths(inner, (*prefix, index))


def replaced(data, path, shape):
    data = copy.deepcopy(data)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = copy.deepcopy(shape)
    return data


def as_file(data: dict, body: str = "") -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False) + "---\n" + body


class Course:
    """One module, its screen, an assessment and a knowledge check, rewritten per case."""

    def __init__(self, folder: Path):
        self.module = folder / "tiny"
        self.module.mkdir()
        self.quizzes = (folder / "tiny-assessment.md", folder / "tiny-check.md")

    def load(self, module=MODULE_MD, screen=SCREEN, assessment=None):
        (self.module / "module.md").write_text(module, encoding="utf-8")
        (self.module / "01-a.md").write_text(screen, encoding="utf-8")
        self.quizzes[0].write_text(assessment or as_file(ASSESSMENT, QUESTION), encoding="utf-8")
        self.quizzes[1].write_text(as_file(CHECK, QUESTION), encoding="utf-8")
        return load_catalogue([self.module], [TINY_FRAMEWORK], quiz_files=self.quizzes)


def test_the_course_the_shapes_are_put_into_is_valid(tmp_path):
    assert Course(tmp_path).load().errors == ()


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("kind", ["module", "screen", "quiz"])
def test_any_shape_for_any_front_matter_key_is_reported_not_raised(tmp_path, kind, shape):
    course = Course(tmp_path)
    texts = {"module": MODULE_MD, "screen": SCREEN, "quiz": as_file(ASSESSMENT)}
    data, body = front_matter(texts[kind]), texts[kind].split("---\n", 2)[2]
    for path in paths(data):
        text = as_file(replaced(data, path, shape), body + (QUESTION if kind == "quiz" else ""))
        result = course.load(**{"assessment" if kind == "quiz" else kind: text})
        assert result.catalogue is not None or result.errors, path
        assert all(problem.line >= 1 for problem in result.problems), path


def full_framework() -> dict:
    """Return the tiny framework with every optional key, at both levels, filled in."""
    data = yaml.safe_load(TINY_FRAMEWORK.read_text("utf-8"))
    data.update(
        updated=datetime.date(2026, 1, 5),
        applies_to=["gp", "pharmacist"],
        valid_for="3y",
        renew_within="3m",
        met={"all": [{"knowledge": "Secure"}, {"any": [{"practice": "confirmed"}]}]},
    )
    data["domains"][0]["competencies"][0].update(
        valid_for="1y", met={"all": [{"knowledge": "Secure"}, {"recent": "1y"}]}
    )
    return data


def test_the_framework_the_shapes_are_put_into_is_valid(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(full_framework()), encoding="utf-8")
    assert load_frameworks([path]).problems == ()


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_any_shape_for_any_framework_key_is_reported_not_raised(tmp_path, shape):
    data, path = full_framework(), tmp_path / "tiny.yaml"
    for where in paths(data):
        path.write_text(yaml.safe_dump(replaced(data, where, shape)), encoding="utf-8")
        result = load_frameworks([path])
        assert result.frameworks or result.problems, where
        assert all(problem.line >= 1 for problem in result.problems), where


def module_with(key: str, value: str) -> str:
    lines = [
        f"{key}:{value}" if line.startswith(f"{key}:") else line for line in MODULE_MD.split("\n")
    ]
    return "\n".join(lines)


def errors(result) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in result.errors]


def test_a_learning_outcome_with_points_under_it_is_reported_at_its_line(tmp_path):
    outcomes = "\n  - Pass the test\n  - Recognise the needs of unpaid carers:\n      - practical"
    result = Course(tmp_path).load(module=module_with("learning_outcomes", outcomes))
    assert errors(result) == [
        "module.md:9: item 2 of 'learning_outcomes' is a line ending in ':' with points "
        "indented under it; each learning outcome is one line of text, printed on "
        "certificates: keep one line and cover the points under it on a screen instead"
    ]


def test_a_competency_with_a_list_under_it_is_reported_at_its_line(tmp_path):
    codes = "\n  - TINY-1.1\n  - - TINY-1.2"
    result = Course(tmp_path).load(module=module_with("competencies", codes))
    assert errors(result) == [
        "module.md:10: item 2 of 'competencies' is a list; each item is one competency code, "
        "such as SPLW-1.2: give every code its own '- ' line directly under 'competencies:', "
        "with nothing under it"
    ]


def test_an_outcome_holding_a_colon_is_told_to_take_quotes(tmp_path):
    result = Course(tmp_path).load(module=module_with("learning_outcomes", "\n  - Say: why"))
    assert errors(result) == [
        "module.md:8: item 1 of 'learning_outcomes' is text holding ': ', which YAML reads "
        "as 'name: value'; put the whole item in quotes"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "\n  - One\n  - Two",
            "'title' must be text on one line, not a list; write it on the same line as 'title:'",
        ),
        (
            "\n  Part: two",
            "'title' must be text on one line, not text holding ': ', which "
            "YAML reads as 'name: value'; put the whole text in quotes",
        ),
    ],
)
def test_a_title_written_as_a_list_or_mapping_says_how_to_write_it(tmp_path, value, message):
    result = Course(tmp_path).load(module=module_with("title", value))
    assert errors(result) == [f"module.md:2: {message}"]


def test_a_number_written_as_a_list_is_not_read_as_text(tmp_path):
    result = Course(tmp_path).load(module=module_with("order", "\n  - 1"))
    assert errors(result) == [
        "module.md:4: 'order' must be a whole number, not a list; write it on the same line "
        "as 'order:'"
    ]
