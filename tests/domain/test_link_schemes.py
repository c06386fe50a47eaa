"""A link the sanitiser would take out is an error at its line, in screens and quizzes alike."""

import pytest

from app.domain.markdown import URL_SCHEMES, render_markdown
from app.domain.quizzes import parse_quiz

from .quizzes.conftest import BODY_LINE, KNOWN_CODES, PATH, quiz_file

ALLOWED = "use an address starting 'http:', 'https:', 'mailto:' or 'tel:'"


def render(text):
    return render_markdown(text, module_slug="what-is", path="screen.md")


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(2)",
        "  vbscript:x",
        "data:text/html,x",
        "ftp://files.example/a",
        "Screen:foo",
        "https://www.nhs.uk",
        "HTTP://www.nhs.uk",
        "mailto:team@example.org",
        "tel:+441234567890",
        "../other/",
        "page#part",
        "java\tscript:x",
    ],
)
def test_a_link_is_an_error_exactly_when_the_sanitiser_takes_its_address_out(href):
    result = render(f"Text\n\n[the words]({href})")
    kept = "href" in result.html  # what the sanitiser left on the page
    errors = [p for p in result.problems if p.is_error]
    assert bool(errors) == (not kept), result.problems
    if errors:
        assert [(p.line, p.message.split(":")[0]) for p in errors] == [
            (3, "link '" + href.strip().split(":")[0])
        ]
        assert ALLOWED in errors[0].message


def test_the_message_names_the_link_and_its_scheme():
    result = render("[click me](javascript:alert(1))")
    assert [str(p) for p in result.problems] == [
        "screen.md:1: error: link 'javascript:alert(1)' is taken out of the page, leaving "
        "its words with no link: links starting 'javascript:' are not allowed; " + ALLOWED
    ]


@pytest.mark.parametrize("link", ["<javascript:alert(4)>", "<tel:+441234567890>"])
def test_an_angle_bracket_address_markdown_leaves_as_html_is_an_error(link):
    result = render(f"One\n\nSee {link} now")
    assert "alert" not in result.html and "tel" not in result.html
    assert [(p.line, p.severity) for p in result.problems] == [(3, "error")]
    assert f"link '{link}' is left out of the page" in result.problems[0].message


def test_angle_bracket_web_and_email_addresses_are_links_and_no_error():
    result = render("<https://www.nhs.uk> and <team@example.org> and <mailto:a@example.org>")
    assert result.problems == ()
    assert result.html.count("href=") == 3


def test_the_checked_schemes_are_the_sanitisers():
    for scheme in URL_SCHEMES:
        assert render(f"[w]({scheme}:x)").problems == ()


def test_links_in_a_quizs_general_feedback_that_would_vanish_are_errors_at_their_lines():
    body = (
        "ID: check-q1\n"
        "1.  Which is right?\n"
        "... [click me](javascript:alert(1)) and\n"
        "    [m](JaVaScRiPt:alert(2)) and\n"
        "    <javascript:alert(4)>\n"
        "*a) This\n"
        "b)  That\n"
    )
    result = parse_quiz(quiz_file(body), PATH, KNOWN_CODES)
    found = [(p.line, p.message.split(" is ")[0]) for p in result.problems if p.is_error]
    assert found == [
        (BODY_LINE + 2, "link 'javascript:alert(1)'"),
        (BODY_LINE + 3, "link 'JaVaScRiPt:alert(2)'"),
        (BODY_LINE + 4, "link '<javascript:alert(4)>'"),
    ]
