"""Callouts: NHS.UK markup for the three kinds, and the checks of how they are written.

The kinds are info (inset text), warning and reflect (a card). Callout headings are h3:
screen bodies start at h2, so a callout sits under a section.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

CALLOUT_KINDS = ("info", "warning", "reflect")
TAB = 4  # Python-Markdown's tab length: callout text is indented by this much
# Python-Markdown's own callout line (markdown.extensions.admonition), matched whole.
CALLOUT_LINE = re.compile(r'!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *')
CALLOUT_START = re.compile(r"!!! ?([\w\-]*)(.*)")
QUOTES = "\"'\u201c\u201d\u2018\u2019"


def build_callout(kind: str, div: etree.Element, title: str, body: list[etree.Element]) -> None:
    """Fill an emptied div with the NHS.UK component for this kind of callout."""
    build = {"info": _inset_text, "warning": _warning_callout, "reflect": _reflect_card}
    build[kind](div, title, body)


def _visually_hidden(text: str) -> etree.Element:
    span = etree.Element("span", {"class": "nhsuk-u-visually-hidden"})
    span.text = text
    return span


def _inset_text(div: etree.Element, title: str, body: list[etree.Element]) -> None:
    div.set("class", "nhsuk-inset-text")
    hidden = _visually_hidden("Information: ")
    if title:
        heading = etree.SubElement(div, "h3", {"class": "nhsuk-heading-s"})
        heading.append(hidden)
        hidden.tail = title
    else:
        div.append(hidden)
    div.extend(body)


def _warning_callout(div: etree.Element, title: str, body: list[etree.Element]) -> None:
    div.set("class", "nhsuk-warning-callout")
    label = etree.SubElement(div, "h3", {"class": "nhsuk-warning-callout__label"})
    # NHS.UK wraps this label in role="text", which is not a valid ARIA role (the Nu HTML
    # checker refuses it); the visually hidden prefix reads well without it. As NHS.UK's
    # template does, a label that already says "important" has no prefix: "Important"
    # would be read out "Important: Important".
    title = title or "Important"
    if "important" in title.casefold():
        label.text = title
    else:
        hidden = _visually_hidden("Important: ")
        label.append(hidden)
        hidden.tail = title
    div.extend(body)


def _reflect_card(div: etree.Element, title: str, body: list[etree.Element]) -> None:
    div.set("class", "nhsuk-card nhsuk-card--feature lw-reflect")
    content = etree.SubElement(
        div, "div", {"class": "nhsuk-card__content nhsuk-card__content--feature"}
    )
    heading = etree.SubElement(
        content, "h3", {"class": "nhsuk-card__heading nhsuk-card__heading--feature"}
    )
    heading.text = title or "Reflect"
    content.extend(body)


# Checks -------------------------------------------------------------------------------


@dataclass
class _OpenCallout:
    line: int  # the file line of its `!!!` line
    indent: int  # the indent its text needs
    title: str
    has_text: bool = False


def callout_problems(source: str, first_line: int) -> list[tuple[int, str]]:
    """Report callout lines the renderer cannot read, and text that falls out of a callout.

    Python-Markdown keeps a line in a callout while it is indented by 4 spaces more than the
    `!!!` line; the first line that is not ends the callout, and it and what follows are shown
    after it, without a word. A paragraph after a blank line carries on the callout only when
    indented by 4 spaces, so 1 to 3 are a slip too.
    """
    found: list[tuple[int, str]] = []
    lines = source.split("\n")
    end = 0  # lines before this one were read as part of a callout
    for start in [index for index, line in enumerate(lines) if "!!!" in line]:
        if start >= end:
            end = _read_callouts(lines, start, first_line, found)
    return found


def _read_callouts(lines: list[str], start: int, first_line: int, found: list) -> int:
    # Read from a `!!!` line to the end of its callout (and of any that follow on at once),
    # adding what is wrong to `found`; return the index of the first line not read.
    open_callouts: list[_OpenCallout] = []
    follows_text = False  # no blank line since the last text: this line carries on its block
    for index in range(start, len(lines)):
        line = lines[index].expandtabs(TAB)
        text = line.lstrip(" ")
        if not text.strip():
            follows_text = False
            continue
        number, indent = first_line + index, len(line) - len(text)
        reported = False
        while open_callouts and indent < open_callouts[-1].indent:
            callout = open_callouts.pop()
            if reported:
                continue
            problem = _left_out(callout, number, indent, follows_text, text)
            if problem is not None:
                found.append(problem)
                reported = True
        if open_callouts:
            open_callouts[-1].has_text = True
        if text.startswith("!!!"):
            base = open_callouts[-1].indent if open_callouts else 0
            problem, title = _callout_line(text, indent - base)
            if problem:
                found.append((number, problem))
            if title is not None:
                open_callouts.append(_OpenCallout(number, indent + TAB, title))
        if not open_callouts:
            return index + 1
        follows_text = True
    found.extend((c.line, _no_text(c)) for c in open_callouts if not c.has_text)
    return len(lines)


def _left_out(
    callout: _OpenCallout, number: int, indent: int, follows_text: bool, text: str
) -> tuple[int, str] | None:
    # Why a line that ends a callout was probably meant to be in it, or None if it was not.
    spaces = indent - (callout.indent - TAB)
    where = f"so it is shown after the callout at line {callout.line}, not in it"
    # A heading or another callout straight after a callout is shown as written.
    if follows_text and not text.startswith(("!!!", "#")):
        return number, (
            f"callout text {_indented(spaces)}, {where}; indent it by 4 spaces, or leave a "
            "blank line above it to end the callout"
        )
    if spaces > 0:
        return number, (
            f"callout text {_indented(spaces)}, {where}; indent it by 4 spaces, or by none to "
            "end the callout"
        )
    if not callout.has_text:
        return callout.line, _no_text(callout)
    return None


def _indented(spaces: int) -> str:
    if spaces <= 0:
        return "is not indented"
    return f"is indented by {spaces} space{'s' * (spaces != 1)}, not 4"


def _no_text(callout: _OpenCallout) -> str:
    return (
        f"callout '{callout.title}' has no text, so only its title is shown; write its text "
        "on the lines below the '!!!' line, indented by 4 spaces"
    )


def _callout_line(text: str, offset: int) -> tuple[str | None, str | None]:
    """Return what is wrong with a `!!!` line, if anything, and its title if it is a callout."""
    text = text.rstrip()
    stock = CALLOUT_LINE.fullmatch(text)
    start = CALLOUT_START.match(text)
    kind, rest = start[1], start[2].strip()
    as_text = "so the line is shown as plain text, not as a callout"
    if offset % TAB:
        return (
            f"callout line is indented by {offset} space{'s' * (offset != 1)}, {as_text}; "
            "start '!!!' at the beginning of the line (4 spaces in, inside another callout)",
            None,
        )
    if not kind:
        return (
            f"'!!!' starts a callout, but no kind follows, {as_text}; write !!! info, "
            '!!! warning or !!! reflect, then the title in double quotes: !!! info "Title"',
            None,
        )
    if stock is not None:
        words = stock[1].split()
        title = stock[2]
        if title is not None and len(words) > 1:
            extra = " ".join(words[1:])
            return (
                f"callout line has '{extra}' between its kind and its title, and it is not "
                f'shown; write !!! {kind} "{title}"',
                title,
            )
        if title is None and len(words) > 1:
            lost = f"so the callout is headed '{kind.capitalize()}' and the title is lost"
            return _unquoted(kind, rest, lost), rest
        return None, title if title is not None else kind
    if rest.startswith('"') and '"' in rest[1:]:
        return (
            f"callout line has text after its title's closing quote, {as_text}; end the line "
            "with the closing quote",
            None,
        )
    if rest.startswith('"'):
        title = rest.strip(QUOTES + " ")
        return (
            f"callout title '{title}' has no closing double quote, {as_text}; "
            f'write !!! {kind} "{title}"',
            None,
        )
    return _unquoted(kind, rest, as_text), None


def _unquoted(kind: str, rest: str, consequence: str) -> str:
    title = rest.strip(QUOTES + " ")
    return (
        f"callout title '{title}' is not in straight double quotes, {consequence}; "
        f'write !!! {kind} "{title}"'
    )
