"""A choice, a step or a prompt is the label of its answer: inline Markdown only.

`linkwise validate` reports block Markdown in one at the line the choice starts (how a page
draws what slips through: tests/domain/test_quiz_markdown.py).
"""

import pytest

from .conftest import BODY_LINE, PATH, messages, parse_body

BLOCKS = {
    "a list": "Ask either of these:\n\n    - a walking group\n    - a lunch club",
    "a numbered list": "1. Ask first",
    "a heading": "## Ask first",
    "a quote": "> Ask first",
    "a code block": "Ask:\n\n        code",
    "a table": "Ask:\n\n    | A | B |\n    | --- | --- |\n    | 1 | 2 |",
    "a footnote": "Ask first[^1]\n\n    [^1]: NHS England, 2023.",
    "a callout": 'Ask:\n\n    !!! info "Remember"\n        Ask first.',
    "more than one paragraph": "Ask first.\n\n    Then listen.",
    "a horizontal rule": "Ask first.\n\n    ---",
}


def inline_only(part: str, found: str) -> str:
    return (
        f"a {part} may use only inline Markdown (bold, italics, code and links), as the page "
        f"shows it as the label of its answer, but this {part} has {found}; put lists, "
        "headings, quotes, tables, footnotes and further paragraphs in the question or its "
        "feedback"
    )


@pytest.mark.parametrize("found", BLOCKS)
def test_block_markdown_in_a_choice_is_an_error_at_the_choice_line(found):
    body = f"ID: q\n1.  What first?\n*a) Ask\nb)  {BLOCKS[found]}\nc)  Wait\n"
    assert messages(parse_body(body)) == [
        f"{PATH}:{BODY_LINE + 3}: error: {inline_only('choice', found)}"
    ]


def test_block_markdown_in_a_step_or_a_prompt_is_an_error_at_its_line():
    body = (
        "ID: q1\nCompetencies: SPLW-1.1\nOutcomes: 1\nType: ordering\n1.  In order.\n"
        "1)  Read the referral\n2)  - Meet the person\n3)  Agree a plan\n\n"
        "ID: q2\nCompetencies: SPLW-1.1\nOutcomes: 1\nType: matching\n2.  Match them.\n"
        "=   > Debt -> Advice\n=   Loneliness -> Befriending\n"
    )
    assert messages(parse_body(body, kind="assessment")) == [
        f"{PATH}:{BODY_LINE + 6}: error: {inline_only('step', 'a list')}",
        f"{PATH}:{BODY_LINE + 14}: error: {inline_only('prompt', 'a quote')}",
    ]


def test_inline_markdown_in_a_choice_and_blocks_in_its_question_and_feedback_are_fine():
    body = (
        "ID: q\n1.  Which two?\n\n    - a walking group\n    - a lunch club\n"
        "... Both help.[^1]\n\n    [^1]: NHS England, 2023.\n"
        "a)  Wait a week and\n    see\n... Waiting:\n\n    > loses the moment\n"
        "*b) **Ask** what *matters*, `first`, and read [how](https://www.nhs.uk/)\n"
    )
    result = parse_body(body)
    assert result.quiz is not None and messages(result) == []
