"""Parts of a quiz form that its templates would otherwise work out over and over.

The attempt page draws every option of every question each time it is shown, and it is
shown again after every save that has a mistake in it. Per option, the templates looked up
the answer given and rendered the label through a call each; `choice_fields` does that in
one call per question, and the template only writes each option out, escaped. The error
summary's nested NHS.UK templates cost a sixth of a page with one error, and more with
many; `error_list` lets its HTML be rendered once for each number of errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from markupsafe import Markup


class ChoiceField(NamedTuple):
    """One radio or checkbox: its id, the value it sends, its label and whether it is chosen."""

    id: str
    value: str
    label: Markup
    checked: bool


def choice_fields(shown, values: Mapping[str, list[str]], texts) -> list[ChoiceField]:
    """Return a choice question's options in the attempt's order, as radios or checkboxes.

    `texts` renders the label's Markdown (app/quiz_texts.QuizTexts, or the SCORM package's).
    """
    name = shown.question.answer_field
    picked = values.get(name, ())
    inline = texts.inline
    return [
        ChoiceField(f"{name}-{value}", value, inline(choice.text), value in picked)
        for choice in shown.options
        for value in (choice.form_value,)
    ]


class ErrorList(NamedTuple):
    """An error summary's list with a placeholder for each text, and the texts that fill them."""

    items: list[dict[str, str]]
    texts: dict[str, str]


def error_list(errors: list[tuple[str, str]]) -> ErrorList:
    """Return an error summary's (message, link) pairs as placeholders and their texts.

    Given to `form_field` (app/components.render_field), the summary's HTML is rendered once for
    each number of errors, and the messages and links go into it escaped, as the component
    escapes them; the cache holds the placeholders' HTML, never a message or a link.
    """
    items, texts = [], {}
    for number, (message, href) in enumerate(errors):
        # A link built in a template is Markup, escaped there: it goes in as its plain
        # text, which is escaped again as it is put in place (the same HTML in the end).
        href = href.unescape() if isinstance(href, Markup) else href
        text, link = f"TEXT{_letters(number)}", f"HREF{_letters(number)}"
        items.append({"text": f"__{text}__", "href": f"__{link}__"})
        texts[text], texts[link] = message, href
    return ErrorList(items, texts)


def _letters(number: int) -> str:
    """Return a number in capitals (A, B, ... Z, BA, BB, ...): a placeholder holds no digits."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = chr(ord("A") + digit) + letters
        if not number:
            return letters
