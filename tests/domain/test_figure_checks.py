"""An SVG figure holding code, a link or a file from outside is an error at its line."""

from pathlib import Path

import pytest

from app.domain.catalogue import load_catalogue
from app.domain.figure_checks import svg_problems

from .conftest import TINY_FRAMEWORK, VALID

ROOT = Path(__file__).resolve().parents[2]
OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
CODE = "take it out, as a figure runs no code"
OUTSIDE = "which is outside the figure"


def problems_in(*lines: str) -> list[tuple[int, str]]:
    return svg_problems((OPEN + "\n".join(lines) + "\n</svg>\n").encode())


def test_the_course_figures_and_a_figure_drawn_plainly_pass():
    figures = [*ROOT.glob("content/modules/*/*.svg"), VALID / "modules/first-steps/model.svg"]
    assert len(figures) > 3
    for figure in figures:
        assert svg_problems(figure.read_bytes()) == [], figure
    plain = problems_in(
        '<defs><marker id="tip"><path d="M0 0"/></marker></defs>',
        "<style>text { font-family: Arial }</style>",
        '<line x1="0" y1="0" x2="5" y2="5" marker-end="url(#tip)" style="stroke: #005eb8"/>',
        '<use href="#tip"/><image href="data:image/png;base64,iVBORw0KGgo="/>',
    )
    assert plain == []


@pytest.mark.parametrize(
    ("lines", "line", "part"),
    [
        (['<script>alert("x")</script>'], 2, f"holds a <script>: {CODE}"),
        (['<rect onclick="go()"/>'], 2, f"event handler (onclick=...): {CODE}"),
        (["", '<image href="https://example.org/x.png"/>'], 3, "<image> fetches 'https://"),
        (['<image xlink:href="photo.png"/>'], 2, f"<image> fetches 'photo.png', {OUTSIDE}"),
        (['<use href="other.svg#part"/>'], 2, f"<use> fetches 'other.svg#part', {OUTSIDE}"),
        (['<a href="https://example.org"><text>x</text></a>'], 2, "holds a link (<a>)"),
        (["<foreignObject><p>x</p></foreignObject>"], 2, "holds a <foreignObject>"),
        (["<style>", "@import url(https://fonts.example.org/f.css);", "</style>"], 2, OUTSIDE),
        (['<text style="fill: url(https://example.org/p.svg#g)">x</text>'], 2, "style fetches"),
    ],
)
def test_code_links_and_outside_files_are_reported_at_their_line(lines, line, part):
    found = problems_in(*lines)
    assert len(found) == 1 and found[0][0] == line and part in found[0][1], found


def test_a_style_sheet_instruction_and_an_entity_are_reported():
    sheet = b'<?xml-stylesheet href="https://example.org/s.css"?>\n<svg/>'
    assert svg_problems(sheet)[0][0] == 1
    assert "<?xml-stylesheet?>" in svg_problems(sheet)[0][1]
    # Many nested entities would expand to gigabytes: the reading stops at the first.
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "ha">\n'
        + b"".join(
            b'<!ENTITY %c "&%c;&%c;&%c;&%c;">\n' % (c, c - 1, c - 1, c - 1, c - 1)
            for c in range(ord("b"), ord("z"))
        )
        + b"]>\n<svg>&y;</svg>"
    )
    assert svg_problems(laughs) == [
        (
            3,
            "the figure declares an entity (<!ENTITY ...>): take the declaration out; "
            "a figure needs none",
        )
    ]


def test_a_figure_that_is_not_xml_says_so_at_its_line():
    found = problems_in("<rect>")
    assert found[0][0] == 3 and "not well-formed XML (mismatched tag)" in found[0][1]


def test_validate_reports_the_figure_file_and_line(course):
    folder = course(
        {
            "01-a.md": "---\ntitle: A\n---\n![A circle](fig.svg)\n",
            "fig.svg": OPEN + '<circle r="4"/>\n<script>x()</script>\n</svg>\n',
        }
    )
    result = load_catalogue([folder], [TINY_FRAMEWORK])
    assert result.catalogue is None
    assert [str(p) for p in result.errors] == [
        f"{folder / 'fig.svg'}:3: error: the figure holds a <script>: {CODE}"
    ]
