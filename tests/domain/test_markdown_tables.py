"""A Markdown table sits in the box the app's own tables scroll in: a named region that takes
focus, so a keyboard can scroll a table too wide for a phone (WCAG 2.1.1, 1.4.10)."""

from html.parser import HTMLParser

import pytest

from app.domain.markdown import render_markdown, sanitise
from app.domain.markdown_layout import QuizLayout

BOX = {"class": "lw-table-scroll", "role": "region", "tabindex": "0"}
# Attributes that change what the keyboard reaches or what a screen reader hears.
ACCESSIBILITY = ("role", "tabindex", "aria-")


class Elements(HTMLParser):
    """Every start tag of a piece of HTML, with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def render(text, **options):
    return render_markdown(text, module_slug="what-is", **options)


def boxes(html: str) -> list[dict[str, str]]:
    """Return the attributes of each table box in the HTML, in order."""
    found = Elements(html).found
    return [attrs for _, attrs in found if "lw-table-scroll" in attrs.get("class", "")]


def accessibility_attributes(html: str) -> list[tuple[str, str, str]]:
    """Return each role, tabindex or aria-* attribute as (tag, name, value), but a footnote
    link's own name ("Reference 1", "Back to reference 1 in the text")."""
    return [
        (tag, name, value)
        for tag, attrs in Elements(html).found
        for name, value in attrs.items()
        if name.startswith(ACCESSIBILITY) and not (tag == "a" and name == "aria-label")
    ]


def test_a_table_sits_in_a_focusable_region_named_by_its_caption():
    html = render(
        "Table 2: Money *and* housing[^1]\n\n| Need | Service |\n| --- | --- |\n| Debt | Advice |\n"
        "\n[^1]: A note.\n"
    ).html
    assert boxes(html) == [{**BOX, "aria-label": "Table 2: Money and housing"}]
    assert html.index('class="lw-table-scroll"') < html.index("<table")


def test_a_table_without_a_caption_is_named_by_its_first_column_headings():
    two = render("| Role | What it involves |\n| --- | --- |\n| Listener | Hears |\n").html
    assert boxes(two) == [{**BOX, "aria-label": "Table: Role, What it involves"}]
    many = "| Sign | What to do | Who to tell | **By when** | Record |\n" + "| --- " * 5 + "|\n"
    assert boxes(render(many + "| a | b | c | d | e |\n").html) == [
        {**BOX, "aria-label": "Table: Sign, What to do, Who to tell and 2 more columns"}
    ]
    four = "| A | B | C | D |\n| --- | --- | --- | --- |\n| 1 | 2 | 3 | 4 |\n"
    assert boxes(render(four).html)[0]["aria-label"] == "Table: A, B, C and 1 more column"


def test_a_table_with_no_words_in_its_headings_is_still_named():
    assert boxes(render("|  |  |\n| --- | --- |\n| 1 | 2 |\n").html) == [
        {**BOX, "aria-label": "Table"}
    ]


def test_each_table_on_a_screen_has_its_own_box():
    text = (
        "Table 1: Roles\n\n| Role |\n| --- |\n| Listener |\n\nBetween.\n\n"
        "Table 2: Routes\n\n| Route |\n| --- |\n| Self-referral |\n"
    )
    assert [box["aria-label"] for box in boxes(render(text).html)] == [
        "Table 1: Roles",
        "Table 2: Routes",
    ]


def test_a_caption_names_its_box_with_the_text_the_page_shows_and_nothing_more():
    # An entity and a tag typed in the caption: the page shows their text, so does the name,
    # and a quote in it cannot end the name and start an attribute of the trainer's.
    html = render(
        'Table 1: Say &quot;yes&quot; tabindex=&quot;-1&quot; <b role="button">now</b>\n\n'
        "| A |\n| --- |\n| 1 |\n"
    ).html
    assert boxes(html) == [{**BOX, "aria-label": 'Table 1: Say "yes" tabindex="-1" now'}]
    assert accessibility_attributes(html) == [
        ("div", "aria-label", 'Table 1: Say "yes" tabindex="-1" now'),
        ("div", "role", "region"),
        ("div", "tabindex", "0"),
    ]


def test_a_table_in_a_question_sits_in_its_box_under_the_legend():
    html = render(
        "Which row is right?\n\n| Need | Service |\n| --- | --- |\n| Debt | Advice |\n",
        quiz_part="question",
        layout=QuizLayout(shape="lead", ids="q1"),
    ).html
    assert boxes(html) == [{**BOX, "aria-label": "Table: Need, Service"}]
    assert html.index('class="lw-question__more"') < html.index('class="lw-table-scroll"')


def test_the_sanitiser_keeps_a_table_box_as_the_renderer_writes_it():
    box = '<div aria-label="Table 1: Roles" class="lw-table-scroll" role="region" tabindex="0">'
    assert sanitise(box + "x</div>") == box + "x</div>"


@pytest.mark.parametrize(
    "html",
    [
        '<div role="button" tabindex="-1" aria-hidden="true">x</div>',
        '<div role="presentation" tabindex="1" aria-labelledby="a" aria-describedby="b">x</div>',
        '<div role="region " tabindex=" 0">x</div>',
        '<span role="region" tabindex="0" aria-label="Trap">x</span>',
        '<table role="presentation" tabindex="0" aria-label="Trap"><tr><td role="cell">x</td>'
        "</tr></table>",
        '<p role="region" tabindex="0" aria-label="Trap">x</p>',
    ],
)
def test_the_sanitiser_lets_the_box_attributes_through_on_the_box_alone(html):
    # Only a div takes them, and only with the values the box has.
    assert accessibility_attributes(sanitise(html)) == []


@pytest.mark.parametrize(
    "markdown",
    [
        '<div role="region" tabindex="0" aria-label="Trap">Some text</div>',
        'Some <span role="button" tabindex="0" aria-hidden="true">text</span> here',
        '<table role="presentation" tabindex="-1"><tr><td aria-label="Trap">x</td></tr></table>',
        '| A |\n| --- |\n| 1 |\n{: tabindex="-1" role="presentation" aria-hidden="true" }\n',
        'Table 1: Roles <span aria-hidden="true" tabindex="-1">hid</span>\n\n'
        "| A |\n| --- |\n| 1 |\n",
        '<div class="lw-table-scroll" role="region" tabindex="0" aria-label="Trap">\n\n'
        "| A |\n| --- |\n| 1 |\n\n</div>\n",
    ],
)
def test_a_trainers_own_role_tabindex_and_aria_attributes_never_reach_the_page(markdown):
    html = render(markdown).html
    found = accessibility_attributes(html)
    # What is left is the renderer's own table boxes, if any, named by the table's words.
    assert all(tag == "div" for tag, _, _ in found), found
    assert [(name, value) for _, name, value in found if name != "aria-label"] == [
        ("role", "region"),
        ("tabindex", "0"),
    ] * len(boxes(html))
    assert "Trap" not in [value for _, _, value in found]
