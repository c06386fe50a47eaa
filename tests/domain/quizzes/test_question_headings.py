"""Headings in a question's text and its feedback skip no level, as on a screen.

A screen reader lists the quiz page's headings as its outline (WCAG 1.3.1); `linkwise
validate` reports a skipped level at the heading's line in the quiz file, as it does for
screens and module introductions (tests/domain/test_markdown_headings.py).
"""

from .conftest import BODY_LINE, PATH, messages, parse_body


def skipped(written: str, above: str, write: str) -> str:
    return (
        f"heading '{written}' skips a level: it comes under {above}, so screen readers' "
        f"outline of the page misses one; write '{write}', or add the heading between"
    )


def test_a_skipped_heading_in_a_question_is_an_error_at_its_line_in_the_file():
    body = (
        "ID: q\n1.  Read the case first.\n\n    ## The case\n\n    Mr A is 80.\n\n"
        "    #### What he said\n\n    He is lonely. What first?\na)  Wait\n*b) Ask\n"
    )
    assert messages(parse_body(body)) == [
        f"{PATH}:{BODY_LINE + 7}: error: " + skipped("#### What he said", "a '##' heading", "###")
    ]


def test_a_question_or_feedback_opening_below_level_two_skips_the_level_under_the_title():
    body = (
        "ID: q\n1.  What first?\n\n    ### The case\n\n    Mr A is lonely.\n"
        "... Asking comes first.\n\n    ### Why\n\n    It shows what matters.\n"
        "a)  Wait\n*b) Ask\n"
    )
    assert messages(parse_body(body)) == [
        f"{PATH}:{BODY_LINE + 3}: error: "
        + skipped("### The case", "the page's title ('#')", "##"),
        f"{PATH}:{BODY_LINE + 8}: error: " + skipped("### Why", "the page's title ('#')", "##"),
    ]


def test_headings_in_order_in_each_question_are_fine():
    body = (
        "ID: q1\nCompetencies: SPLW-1.1\nOutcomes: 1\n1.  Read the case.\n\n"
        "    ## The case\n\n    ### What he said\n\n"
        "    He is lonely. What first?\na)  Wait\n*b) Ask\n\n"
        "ID: q2\nCompetencies: SPLW-1.1\nOutcomes: 1\n2.  Read the next.\n\n"
        "    ## The next case\n\n    What first?\na)  Wait\n*b) Ask\n"
    )
    assert messages(parse_body(body, kind="assessment")) == []
