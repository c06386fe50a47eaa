"""PyYAML's parse errors said in our words, for files trainers edit by hand.

PyYAML explains its parser ("expected <block end>, but found '?'"); a trainer needs the
slip behind it, which is nearly always an indent, a missing colon or an unclosed quote.
The place is PyYAML's own: its line is where the parser gave up, so the words say what to
check there and, when a construct began earlier, where it began.
"""

from __future__ import annotations

from .yamlfields import error_text


def explain_yaml_error(exc: BaseException, first_line: int) -> str:
    """Return what a YAML parse error means to its author, falling back to PyYAML's words."""
    problem = getattr(exc, "problem", None) or ""
    context = getattr(exc, "context", None) or ""
    context_mark = getattr(exc, "context_mark", None)
    began = first_line + context_mark.line if context_mark is not None else None
    what = "list" if "collection" in context else "group of keys"
    if problem == "mapping values are not allowed here":
        return (
            "the 'key:' on this line does not fit where it is: indent it exactly like the "
            "keys beside it, check the line above has its ':', and put a value that holds "
            "': ' in quotes"
        )
    if problem.startswith("expected <block end>") and began is not None:
        return (
            f"this line is indented differently from the {what} that begins on line "
            f"{began}: indent it exactly like the lines it belongs with, or check the "
            "line above is complete"
        )
    if problem.startswith("did not find expected key") and began is not None:
        return (
            f"this line does not fit the {what} that begins on line {began}: check it "
            "is indented like the keys beside it and has a ':' after its key"
        )
    if problem.startswith("could not find expected ':'"):
        line = f"line {began}" if began is not None else "a line above"
        return f"{line} has no ':' after its key: write it as 'key: value'"
    if "cannot start any token" in problem and "'\\t'" in problem:
        return "this line has a tab: indent with spaces only"
    if problem == "found unexpected end of stream" and "quoted scalar" in context and began:
        return f"the quote opened on line {began} is never closed: add the closing quote"
    return error_text(exc, first_line)
