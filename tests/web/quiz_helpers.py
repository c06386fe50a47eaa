"""Helpers for quiz tests: the form a learner who knows (or misses) every answer sends.

Each question type knows its own right and wrong answers and its form fields, so nothing
here switches on the type.
"""

import re
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from app.domain.quizzes.attempts import shown_questions


def answer_fields(question, *, right: bool) -> dict:
    """Return form fields answering one question rightly (or wrongly)."""
    fields = question.form_fields(question.example_answer(right))
    data = {name: values[0] if len(values) == 1 else values for name, values in fields.items()}
    return {question.marker_field: "1", **data}


def field_value(question, answer) -> str:
    """Return the one value a form sends for an answer (a choice's form value, not its id)."""
    (value,) = question.form_fields(answer)[question.answer_field]
    return value


def attempt_questions(quiz, selection) -> list:
    """Return the questions of an attempt, from the versions it recorded."""
    versions = {version.hash: version.question for version in quiz.versions.values()}
    shown, missing = shown_questions(selection, versions, quiz)
    assert not missing, missing
    return [item.question for item in shown]


def attempt_form(quiz, selection, *, right: bool) -> dict:
    """Return the fields answering every question of an attempt."""
    data = {}
    for question in attempt_questions(quiz, selection):
        data.update(answer_fields(question, right=right))
    return data


def page_revision(html: str) -> str:
    """Return the revision an attempt page's form carries."""
    match = re.search(r'name="revision" value="(\d+)"', html)
    assert match, "no revision on the page"
    return match.group(1)


class _FormReader(HTMLParser):
    """Collect what a browser would send from one form: checked boxes, chosen options, text."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self.select, self.options = attrs["name"], []
        elif tag == "option" and self.select is not None:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and attrs.get("name"):
            self.textarea, self.text = attrs["name"], []

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            # The one newline straight after <textarea> is not part of its text.
            text = "".join(self.text)
            self.fields.append((self.textarea, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.fields.append((self.select, chosen[0]))
            self.select = None


def browser_form(html: str, form_id: str = "questions") -> MultiDict:
    """Return the fields a browser sends from the page's form, untouched by the learner."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return MultiDict(reader.fields)


def set_answer(form: MultiDict, question, answer) -> MultiDict:
    """Return the form with one question answered as a learner would fill it in."""
    changed = MultiDict(form)
    for name in question.field_names():
        changed.poplist(name)
    for name, values in question.form_fields(answer).items():
        for value in values:
            changed.add(name, value)
    return changed
