"""Markdown in a question, its choices and its feedback is checked as a screen's is.

Each slip is reported at the line it is on in the file, which is often a wrapped line below
the line its marker starts.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.markdown import render_markdown
from app.domain.quiz_markdown import check_quiz_text
from app.domain.quizzes import parse_quiz

from .conftest import BODY_LINE, FIXTURES, KNOWN_CODES, PATH, messages, parse_body

SLIPS = "markdown-slips"
RAW_HTML = (
    "is not allowed: the page leaves out the tags, keeping at most the text between them; "
    "write it in Markdown instead"
)


def test_every_slip_in_every_part_of_a_question_is_reported_at_its_own_line():
    path = f"content/quizzes/{SLIPS}.md"
    text = (FIXTURES / "broken" / f"{SLIPS}.md").read_text(encoding="utf-8")
    result = parse_quiz(text, path, KNOWN_CODES)
    assert result.quiz is None
    assert messages(result) == [
        f"{path}:{line}: error: {message}"
        for line, message in [
            (17, f"raw HTML <b> {RAW_HTML}"),  # the question's second line
            (
                21,  # general feedback
                "callout text is not indented, so it is shown after the callout at line 20, "
                "not in it; indent it by 4 spaces, or leave a blank line above it to end the "
                "callout",
            ),
            (
                24,  # feedback when right
                "callout title 'Important' is not in straight double quotes, so the callout is "
                "headed 'Warning' and the title is lost; write !!! warning \"Important\"",
            ),
            (
                28,  # feedback when wrong
                "table caption 'Table 1: Where to start' has no blank line after it, so the "
                "table is shown as plain text with its | signs; leave a blank line between the "
                "caption and the table",
            ),
            (
                33,  # a choice
                "footnote [^1] has no footnote text, so learners see '[^1]' as it is; add a "
                "line '[^1]: Source, year.' at the end of the choice",
            ),
            (36, f"raw HTML <i> {RAW_HTML}"),  # a choice's feedback
            (
                37,  # a choice of two paragraphs: the second is the image's
                "a choice may use only inline Markdown (bold, italics, code and links), as the "
                "page shows it as the label of its answer, but this choice has more than one "
                "paragraph; put lists, headings, quotes, tables, footnotes and further "
                "paragraphs in the question or its feedback",
            ),
            (
                39,  # an image, with its caption, in a choice
                "image 'groups.svg' is not shown: quizzes show no images; say in words what "
                "learners need from it, or put the figure on a screen of the module",
            ),
            (48, f"raw HTML <em> {RAW_HTML}"),  # a step to put in order
            (56, f"raw HTML <u> {RAW_HTML}"),  # a matching prompt
        ]
    ]


def test_a_knowledge_check_question_is_checked_too():
    body = "ID: q\n1.  Who can refer?\n... Almost anyone.\n*a) Almost anyone\nb)  GPs <br> only\n"
    assert messages(parse_body(body)) == [
        f"{PATH}:{BODY_LINE + 4}: error: raw HTML <br> {RAW_HTML}"
    ]


def test_markdown_a_quiz_page_shows_as_written_is_no_problem():
    body = (
        "ID: q\n1.  Which is **right**? See [the NHS](https://www.nhs.uk/) and `<b>`.\n"
        '... A list:\n\n    - one\n    - two\n\n    !!! info "Remember"\n        Ask first.\n'
        "a)  A < B and C > D\n*b) Ask what *matters*\n"
    )
    result = parse_body(body)
    assert result.quiz is not None and messages(result) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet="ab *_`[]()!<>&#|:^\\-=.1T\n\t", max_size=60),
    st.sampled_from(["choice", "feedback"]),
)
def test_text_left_unrendered_could_hold_no_problem(text, part):
    rendered = render_markdown(text, module_slug="quiz", path=PATH, first_line=7, quiz_part=part)
    checked = check_quiz_text(text, module_slug="quiz", path=PATH, first_line=7, part=part)
    assert (checked.problems, checked.links) == (rendered.problems, rendered.links)
