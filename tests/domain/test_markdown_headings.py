"""Headings keep the page's outline whole: none skips a level, and the title is the only h1.

The guide (section 5) says "Do not skip levels": a skipped level is an error, as a screen
reader's list of headings would miss one (WCAG 1.3.1). A `#` in the text is shown as `##`,
so the outline holds, and is a warning, as the guide says.
"""

from app.domain.markdown import render_markdown

GUIDE = "docs/authoring.md"


def problems(text: str) -> list[str]:
    rendered = render_markdown(text, module_slug="demo", path="s.md", first_line=4)
    return [str(p) for p in rendered.problems]


def test_a_heading_two_levels_below_the_one_before_is_an_error_at_its_line():
    text = "## Three kinds of need\n\nText.\n\n#### Practical needs\n\nMore text.\n"
    assert problems(text) == [
        "s.md:8: error: heading '#### Practical needs' skips a level: it comes under a '##' "
        "heading, so screen readers' outline of the page misses one; write '###', or add "
        "the heading between"
    ]


def test_a_first_heading_below_level_two_skips_the_level_under_the_title():
    assert problems("Intro.\n\n### Practical needs\n\nText.\n") == [
        "s.md:6: error: heading '### Practical needs' skips a level: it comes under the "
        "page's title ('#'), so screen readers' outline of the page misses one; write '##', "
        "or add the heading between"
    ]


def test_each_skip_is_found_at_its_own_line_and_going_back_up_is_fine():
    text = "## A\n\n### B\n\n#### C\n\n## D\n\n#### E\n\n### F\n"
    assert [p.split(": error: ")[0] for p in problems(text)] == ["s.md:12"]


def test_a_single_hash_heading_is_shown_as_level_two_with_a_warning_as_the_guide_says():
    rendered = render_markdown("# Needs\n\n### Practical\n", module_slug="d", path="s.md")
    assert "<h2" in rendered.html and "<h1" not in rendered.html
    assert [str(p) for p in rendered.problems] == [
        "s.md:1: warning: the screen title is the h1; start headings in the text at '##'"
    ]
    with open(GUIDE, encoding="utf-8") as guide:
        text = " ".join(guide.read().split())
    assert "A single `#` heading is shown as `##`, with a warning" in text
    assert "A skipped level is an error" in text
