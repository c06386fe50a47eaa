"""The quick Markdown passes render exactly what stock Python-Markdown renders.

app/domain/markdown_inline.py and markdown_blocks.py skip patterns and block tests that
cannot match; every shipped screen, quiz and test fixture, every text in the Markdown
tests, and generated Markdown must come out the same, byte for byte, with the same links,
images and problems.
"""

import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import markdown
from app.domain.markdown_source import SourceLines
from app.domain.textfiles import split_front_matter

ROOT = Path(__file__).resolve().parents[2]
STOCK = markdown.build_renderer(quick=False)


def render_both(text: str, monkeypatch) -> tuple:
    """Render a text with the quick renderer, then with the stock one."""
    quick = markdown.render_markdown(text, module_slug="what-is", path="x.md")
    with monkeypatch.context() as patch:
        patch.setattr(markdown, "_renderer", lambda: STOCK)
        stock = markdown.render_markdown(text, module_slug="what-is", path="x.md")
    return quick, stock


def shipped_and_fixture_texts() -> list[tuple[str, str]]:
    """Every Markdown file's body under content/ and tests/, and the Markdown tests' strings."""
    texts = []
    files = sorted({*ROOT.glob("content/**/*.md"), *ROOT.glob("tests/**/*.md")})
    for path in files:
        text = path.read_text("utf-8")
        split = split_front_matter(text)
        texts.append((str(path.relative_to(ROOT)), split.body if split else text))
    for name in ("test_markdown.py", "test_loaders_never_raise.py"):
        tree = ast.parse((Path(__file__).parent / name).read_text("utf-8"))
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
        texts += [(f"{name}:{n}", s) for n, s in enumerate(strings) if isinstance(s, str)]
    return texts


def test_every_shipped_screen_quiz_and_fixture_renders_as_stock_markdown(monkeypatch):
    texts = shipped_and_fixture_texts()
    assert len([name for name, _ in texts if name.startswith("content/modules/")]) >= 20
    for name, text in texts:
        quick, stock = render_both(text, monkeypatch)
        assert quick == stock, name


# Lines built from every construct our content uses, and the syntax around it.
LINES = [
    "# Title",
    "## Section *one*",
    "Heading",
    "=======",
    "-------",
    "---",
    "* * *",
    "___",
    "> a quote with **bold**",
    "- an item",
    "* another_item_",
    "1. first",
    "    indented code or continuation",
    "        deeper",
    "!!! info",
    '!!! warning "Take care"',
    "!!! reflect",
    "| Role | Task |",
    "| --- | :---: |",
    "| a \\| b | `c|d` |",
    "Table 1: Roles",
    '![A model](model.svg "Figure 3: The model")',
    "![](http://example.org/x.png)",
    "[next](screen:how-it-works) and [mod](module:what-is#top)",
    "[ref][1] and [1]",
    '[1]: https://example.org "Title"',
    "See this[^1] and[^note].",
    "[^1]: A reference.",
    "[^note]: Another,",
    "    continued.",
    "<https://example.org> <me@example.org>",
    "<b>raw</b> &amp; &#169; &copy",
    "<script>alert(1)</script>",
    "trailing spaces  ",
    "an \\*escaped\\* star and `code`",
    "__strong__ _em_ ***both*** **a*b**",
    "",
    "",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(LINES) | st.text(alphabet="ab *_`[]()!<>&#|:^\\-=\n", max_size=12),
        max_size=14,
    )
)
def test_generated_markdown_renders_as_stock_markdown(lines):
    with pytest.MonkeyPatch.context() as monkeypatch:
        quick, stock = render_both("\n".join(lines), monkeypatch)
    assert quick == stock


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab[]:.\n", max_size=40),
    st.lists(st.text(alphabet="ab[]:.\n", min_size=1, max_size=4), max_size=6),
)
def test_a_link_is_found_on_the_line_its_regex_would_find(source, texts):
    by_text, by_regex = SourceLines(source, 3), SourceLines(source, 3)
    found = [by_text.line_of_text(text) for text in texts]
    assert found == [by_regex.line_of(re.escape(text)) for text in texts]
