"""The Flask class Linkwise runs on (kept apart so `import app` stays free of Flask)."""

import re
from urllib.parse import parse_qsl

from flask import Flask, Request
from werkzeug.formparser import FormDataParser
from werkzeug.routing import Rule

URLENCODED = "application/x-www-form-urlencoded"


class FormParser(FormDataParser):
    """Werkzeug's form parser, splitting a urlencoded body with nothing to decode itself,
    and giving every line break in a value as one LF.

    Werkzeug reads a urlencoded body through `parse_qsl`, which unquotes every name and
    value: about 70% of the parser's time on a quiz submit's 54 fields (3.8% of the
    submit's instructions, counted by callgrind). A body without `%` or `+` has
    nothing to unquote, and `parse_qsl` then only splits it at each `&` (skipping empty
    parts) and each part at its first `=` (a part without one is a name with an empty
    value): this splits such a body so, and sends any other to `parse_qsl` as Werkzeug
    does. The stream, its limits, a body that is not UTF-8 (an empty form, as Werkzeug
    gives) and every other content type are Werkzeug's own. tests/web/test_form_parser.py
    compares the two.

    A browser sends each line break of a textarea as CR LF, and counts it as one character
    (its maxlength does): every value's CR LF, and any lone CR, is read as one LF here,
    once for every form, so each limit the app sets counts what the person typed.

    What people write in their own words (FREE_TEXT: a reflection, a supervisor's comments
    and action plan, a reason) has its control characters other than line breaks and tabs
    quietly removed here, NUL among them: they show nothing, HTML may not carry them and
    PostgreSQL refuses a NUL, so a pasted one never costs the person what they wrote. Any
    other field keeps them, and a NUL there is refused (security.py).
    """

    def parse(self, stream, mimetype, content_length, options=None):
        if mimetype != URLENCODED:
            stream, form, files = super().parse(stream, mimetype, content_length, options)
            if any("\r" in value for _, value in form.items(multi=True)):
                form = self.cls(_one_line_break(form.items(multi=True)))
            if any(name in FREE_TEXT for name in form):
                form = self.cls(_free_text_cleaned(form.items(multi=True)))
            return stream, form, files
        try:
            text = stream.read().decode()
        except ValueError:
            if not self.silent:
                raise
            return stream, self.cls(), self.cls()
        if "%" in text or "+" in text:
            items = parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
        else:
            items = [part.partition("=")[::2] for part in text.split("&") if part]
        if "\r" in text or "%0D" in text or "%0d" in text:
            items = _one_line_break(items)
        if any(name in FREE_TEXT for name, _ in items):
            items = _free_text_cleaned(items)
        return stream, self.cls(items), self.cls()


# The fields people fill in their own words, by name, in every form that has one.
FREE_TEXT = frozenset({"reflection", "comments", "action_plan", "learned", "reason"})
# Control characters but the tab and the line feed (every line break is one by now): C0,
# DEL and C1. None shows anything; HTML may carry none of them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _free_text_cleaned(items) -> list[tuple[str, str]]:
    """Return the form's items with the control characters taken out of free text."""
    return [
        (name, _CONTROL.sub("", value) if name in FREE_TEXT else value) for name, value in items
    ]


def _one_line_break(items) -> list[tuple[str, str]]:
    """Return the form's items with each CR LF, and each lone CR, in a value made one LF."""
    return [(name, value.replace("\r\n", "\n").replace("\r", "\n")) for name, value in items]


class LinkwiseRequest(Request):
    """Flask's request, its form read by FormParser (one LF for each line break)."""

    form_data_parser_class = FormParser


class LazyRule(Rule):
    """A URL rule that writes its url_for code when first asked to build a URL.

    Werkzeug writes each rule's two URL builders (with and without extra query arguments) as
    Python source trees and compiles them when the rule is added: 190 compilations, about a
    third of `create_app()` past its imports. Most are never used by a given process (a
    `linkwise` command, a worker that serves learners only). Here each builder is compiled on
    its first call, by Werkzeug's own code, and then replaces itself on the rule: the same
    URLs, and no extra call after the first. tests/web/test_lazy_rules.py compares every
    rule's URLs with Werkzeug's eager rules.
    """

    def _compile_builder(self, append_unknown: bool = True):
        name = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: Rule, *args, **kwargs) -> tuple[str, str]:
            built = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, built)
            return built(*args, **kwargs)

        return build_first


class Linkwise(Flask):
    """Flask, asking once per function whether it is a coroutine (none is, here).

    Flask asks for every hook and view of every request, through `inspect`: 14 times a page.
    Its URL rules compile their url_for code on first use (LazyRule), and its requests read
    forms with FormParser.
    """

    url_rule_class = LazyRule
    request_class = LinkwiseRequest

    def log_exception(self, exc_info):
        """Log an unhandled error with its traceback, unless the database is out of reach.

        An outage met while answering (an error page's header asking who is signed in, say)
        comes here before the 500 handler, which logs it in the one line an outage gets.
        """
        from app.web.errors import is_outage  # the web package loads in create_app, after this

        if not is_outage(exc_info[1]):
            super().log_exception(exc_info)

    def ensure_sync(self, func):
        known = self.__dict__.setdefault("_ensured", {})
        found = known.get(func)
        if found is None:
            found = known[func] = super().ensure_sync(func)
        return found
