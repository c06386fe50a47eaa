"""PyYAML's parse errors said in our words, for files trainers edit by hand.

PyYAML explains its parser ("expected <block end>, but found '?'"); a trainer needs the
slip behind it, which is nearly always an indent, a missing colon, an unclosed quote or
bracket, or text that begins with a character YAML keeps for itself. The place is PyYAML's
own (where the parser gave up), so the words say what to check there and, when a construct
began earlier, where it began; a bracket or quote never closed is placed where it opened,
since that is where it is put right.
"""

from __future__ import annotations

QUOTE_IT = "put the whole value in quotes"


def error_line(exc: BaseException, first_line: int) -> int:
    """Return the file line a YAML error points at, or the first line if it has no mark.

    A bracket or quote never closed is put right where it was opened, so that is the line
    given; PyYAML's own is wherever it noticed, often the next key's.
    """
    if _unclosed(exc):
        return first_line + exc.context_mark.line
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return first_line + mark.line if mark is not None else first_line


def _unclosed(exc: BaseException) -> bool:
    """Tell whether the error is a bracket or a quote opened and never closed."""
    problem = getattr(exc, "problem", None) or ""
    context = getattr(exc, "context", None) or ""
    if getattr(exc, "context_mark", None) is None:
        return False
    return (problem.startswith("expected ',' or ") and "flow" in context) or (
        problem == "found unexpected end of stream" and "quoted scalar" in context
    )


def error_text(exc: BaseException, first_line: int) -> str:
    """Return PyYAML's explanation, saying where an unfinished construct began."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    problem = getattr(exc, "problem", None)
    if not problem:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    problem_mark = getattr(exc, "problem_mark", None)
    # The mistake is often where the construct began, not where PyYAML gave up.
    if context and context_mark and problem_mark and context_mark.line != problem_mark.line:
        return f"{problem} ({context} that began on line {first_line + context_mark.line})"
    return f"{context}, {problem}" if context else str(problem)


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
    if problem.startswith("expected <block end>, but found '<scalar>'") and _after_text(exc):
        return (
            "there is text after a value that a closing quote or bracket already ended: "
            f"{QUOTE_IT}, with no text after the closing quote"
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
    if problem.startswith("expected ',' or ") and "flow" in context and began is not None:
        opener, closer, kind = ("[", "]", "list") if "sequence" in context else ("{", "}", what)
        return (
            f"the '{opener}' on line {began} starts a {kind} that is never closed: if the "
            f"value is text, {QUOTE_IT}; if it is a {kind}, close it with '{closer}'"
        )
    if "cannot start any token" in problem and "'\\t'" in problem:
        return "this line has a tab: indent with spaces only"
    if problem == "found unexpected end of stream" and "quoted scalar" in context and began:
        return f"the quote opened on line {began} is never closed: add the closing quote"
    if begins_with := _reserved_first_character(problem, context):
        return f"a value cannot begin with {begins_with} in YAML: {QUOTE_IT}"
    if problem == "sequence entries are not allowed here":
        return (
            "a '- ' list item must start its own line, under its key; "
            "put a value that begins with '- ' in quotes"
        )
    return error_text(exc, first_line)


def _after_text(exc: BaseException) -> bool:
    """Tell whether the error's place follows other text on its line (`"a" b`, `[a] b`)."""
    mark = getattr(exc, "problem_mark", None)
    buffer, pointer = getattr(mark, "buffer", None), getattr(mark, "pointer", None)
    if not isinstance(buffer, str) or pointer is None:
        return False
    return bool(buffer[pointer - mark.column : pointer].strip())


def _reserved_first_character(problem: str, context: str) -> str:
    """Return the character YAML keeps for itself that a value began with, quoted; else ''."""
    if "cannot start any token" in problem:  # @ ` %
        return problem.removeprefix("found character ").split(" ")[0]
    if problem.startswith("found undefined alias"):
        return "'*'"
    if "scanning an anchor" in context:
        return "'&'"
    if "scanning a block scalar" in context:
        return "'|' or '>'"
    if problem.startswith("could not determine a constructor for the tag '!"):
        return "'!'"
    return ""
