"""A quiz text as plain words (for records that take no markup, such as xAPI statements)."""

from app.domain.quiz_markdown import quiz_plain_text


def test_plain_text_keeps_the_words_and_drops_the_markup():
    text = "A **bold** &amp; `code` choice, 2 < 3, [a link](https://example.org) and ŵ 😀"
    for inline in (True, False):
        plain = quiz_plain_text(text, module_slug="m", inline=inline)
        assert plain == "A bold & code choice, 2 < 3, a link and ŵ 😀"


def test_paragraphs_and_line_breaks_are_spaces_not_run_together():
    text = "Line one\n\nLine *two*"
    assert quiz_plain_text(text, module_slug="m") == "Line one Line two"
    assert quiz_plain_text(text, module_slug="m", inline=False) == "Line one Line two"
