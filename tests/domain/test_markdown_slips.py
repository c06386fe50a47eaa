"""Markdown that renders without a word but not as written is an error at its line: tables
shown as text or cut short, footnotes written twice, quotes nested past what the page shows."""

import pytest

from app.domain.markdown import render_markdown

AS_TEXT = "table is shown as plain text, | signs and all: "


def problems_of(text):
    return [str(p) for p in render_markdown(text, module_slug="m", path="s.md").problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Table 1: Roles\n\n| Role | What |\n| --- |\n| Listener | Listens |\n",
            f"s.md:3: error: {AS_TEXT}its heading row has 2 cells but the '---' line under it "
            "has 1; write one '---' for each heading: | --- | --- |",
        ),
        (
            "Intro.\n\n> | A | B | C |\n> | --- | --- |\n",
            f"s.md:3: error: {AS_TEXT}its heading row has 3 cells but the '---' line under it "
            "has 2; write one '---' for each heading: | --- | --- | --- |",
        ),
        (
            '!!! info "Roles"\n    | A | B |\n    |:---|---:|---|\n',
            f"s.md:2: error: {AS_TEXT}its heading row has 2 cells but the '---' line under it "
            "has 3; write one '---' for each heading: | --- | --- |",
        ),
        (
            "Some text runs on\n| A | B |\n| --- | --- |\n| a | b |\n",
            f"s.md:2: error: {AS_TEXT}text runs into it from the line above; leave a blank "
            "line above it",
        ),
        (
            "| Role | What |\n| --- | --- |\n| Listener | Listens |\n| A | B | C |\n",
            "s.md:4: error: table row has 3 cells but the table has 2 columns, so 'C' is not "
            "shown; add a heading for each column, or move the text into a cell of the row",
        ),
        (
            "| Role | What |\n| --- | --- |\n| A | B | C | D |\n",
            "s.md:3: error: table row has 4 cells but the table has 2 columns, so 'C' and 'D' "
            "are not shown; add a heading for each column, or move the text into a cell of the "
            "row",
        ),
        (
            "[^1]: First source, 2023.\n\nA fact.[^1]\n\n[^1]: Second source, 2024.\n",
            "s.md:5: error: footnote [^1] is written twice, here and at line 1, and the page "
            "shows only the text written last; give each footnote a number of its own, or "
            "delete one",
        ),
    ],
)
def test_a_slip_is_reported_at_its_line(text, expected):
    assert problems_of(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "| Role | What |\n| --- | --- |\n| Listener | Listens |\n",
        "## Roles\n| A | B |\n| --- | --- |\n| a | b |\n",
        "| A | `x|y` |\n| --- | --- |\n| a | `b|c` |\n",
        "| A | B |\n|---|---|\n| a \\| b | c |\n",
        "| A | B |\n| --- | --- |\n| a | b | |\n",  # an empty cell more loses nothing
        "| A | B |\n| --- | --- |\n| a |\n",  # a cell fewer is an empty cell
        "A | B\n--- | ---\na | b\n",
        "Either this | or that.\n",
        "Use `| --- |` under the headings.\n",
        "> > Quoted twice.\n\n> Once.\n",
        "A fact.[^1] Another.[^2]\n\n[^1]: One, 2023.\n[^2]: Two, 2024.\n",
    ],
)
def test_markdown_written_as_the_guide_says_has_no_slips(text):
    assert problems_of(text) == []


def test_a_quote_nested_past_what_the_page_shows_is_one_error_not_thousands_of_marks():
    result = render_markdown("Intro.\n\n" + "> " * 3000 + "deep\n", module_slug="m", path="s.md")
    assert [(p.line, p.severity) for p in result.problems] == [(3, "error")]
    assert result.problems[0].message.startswith("text is nested too deeply to show: quotes past ")
