"""Whatever a trainer types, the loaders return content or problems, never an exception."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.catalogue import load_catalogue
from app.domain.framework_files import load_frameworks
from app.domain.markdown import render_markdown

from .conftest import MODULE_MD, TINY_FRAMEWORK

# Markdown and YAML punctuation makes the interesting inputs far more likely.
SYNTAX = st.sampled_from(
    [
        "---\n",
        "title: ",
        "order: ",
        "[",
        "]",
        "(",
        ")",
        "!",
        "![",
        "](",
        "screen:",
        "module:",
        '!!! info "T"\n    ',
        "!!! warning T\n  ",
        "!!! ",
        "  ",
        "<b>",
        "</b>",
        "<!--",
        "-->",
        "`",
        "Figure 1: ",
        "|",
        "| --- |\n",
        "[^1]",
        "[^1]: ",
        "\n",
        "\n\n",
        "    ",
        "- ",
        "{",
        "}",
        ":",
        "&",
        "*a",
        "&a ",
        "<",
        ">",
        "<script>",
        "\t",
        "#",
        "Table 1: ",
        '"',
        "'",
        "\x00",
        "\ufeff",
        "\r",
        "\u2028",
        "2024-02-30",
        "\\",
    ]
)
TEXT = st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=40).map("".join)
FRONT_MATTER_FIRST = st.builds(lambda body: "---\n" + body, TEXT)
ANY_TEXT = st.one_of(TEXT, FRONT_MATTER_FIRST, st.text())
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=")
RELAXED = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@RELAXED
@given(ANY_TEXT)
def test_any_text_as_module_md_yields_problems_not_exceptions(tmp_path, text):
    folder = tmp_path / "mod"
    folder.mkdir(exist_ok=True)
    (folder / "module.md").write_text(text, encoding="utf-8")
    (folder / "01-a.md").write_text("---\ntitle: A\n---\nText.\n", encoding="utf-8")
    result = load_catalogue([folder], [TINY_FRAMEWORK])
    assert result.catalogue is not None or result.errors


@RELAXED
@given(ANY_TEXT)
def test_any_text_as_a_screen_yields_content_or_problems(tmp_path, text):
    folder = tmp_path / "mod"
    folder.mkdir(exist_ok=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "01-a.md").write_text(text, encoding="utf-8")
    result = load_catalogue([folder], [TINY_FRAMEWORK])
    assert result.catalogue is not None or result.errors


@RELAXED
@given(ANY_TEXT)
def test_any_text_as_a_framework_yields_problems_not_exceptions(tmp_path, text):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_frameworks([path])
    assert result.frameworks or result.problems


@RELAXED
@given(st.binary(max_size=200))
def test_any_bytes_as_a_screen_yield_content_or_problems(tmp_path, data):
    folder = tmp_path / "mod"
    folder.mkdir(exist_ok=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "01-a.md").write_bytes(data)
    result = load_catalogue([folder], [TINY_FRAMEWORK])
    assert result.catalogue is not None or result.errors


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_rendered_html_never_contains_script_or_event_handlers(text):
    html = render_markdown(text, module_slug="m").html.lower()
    assert "<script" not in html
    assert EVENT_HANDLER.search(html) is None
    assert "javascript:" not in html
