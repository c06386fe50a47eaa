"""Parse JSON keeping the line of every object, array and member, for `FILE:LINE` errors.

The standard library's parser checks the syntax first (its error carries the line); this
small reader then walks the same, valid, text and records where each part began.
"""

from __future__ import annotations

import json
import math
import re
from json.decoder import scanstring

NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
WHITESPACE = re.compile(r"[ \t\n\r]*")
MOST_DIGITS = 300  # past what a float holds; ample for any sequence number or score


class JsonObject(dict):
    """A JSON object that knows its line and the line of each of its keys."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of a member, or the object's own line when it is missing."""
        return self.key_lines.get(key, self.line)


class JsonArray(list):
    """A JSON array that knows its line and the line of each item."""

    line: int = 1
    item_lines: list[int]


class JsonSyntaxError(ValueError):
    """The text is not JSON; `line` says where the parser gave up."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def parse(text: str):
    """Return the JSON value with line-aware objects and arrays, or raise JsonSyntaxError."""
    try:
        # Numbers stay text here: the reader below converts them where it knows the line.
        json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as error:
        raise JsonSyntaxError(error.msg, error.lineno) from None
    except RecursionError:
        raise JsonSyntaxError("it is nested too deeply", 1) from None
    return _Reader(text).document()


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        # Line starts, so an offset's line is found by counting newlines once.
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def document(self):
        self._skip()
        return self._value()

    def _line(self, offset: int) -> int:
        low, high = 0, len(self.newlines)
        while low < high:
            middle = (low + high) // 2
            if self.newlines[middle] < offset:
                low = middle + 1
            else:
                high = middle
        return low + 1

    def _skip(self) -> None:
        self.at = WHITESPACE.match(self.text, self.at).end()

    def _value(self):
        char = self.text[self.at]
        if char == "{":
            return self._object()
        if char == "[":
            return self._array()
        if char == '"':
            value, self.at = scanstring(self.text, self.at + 1)
            return value
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.at):
                self.at += len(word)
                return value
        match = NUMBER.match(self.text, self.at)
        if match is None:  # Python's parser also takes NaN, Infinity and -Infinity
            word = re.match(r"-?[A-Za-z]+", self.text[self.at :]).group()
            raise JsonSyntaxError(f"{word} is not a JSON value", self._line(self.at))
        self.at = match.end()
        return self._number(match.group())

    def _number(self, number: str) -> int | float:
        if any(c in number for c in ".eE"):
            value = float(number)
            if math.isinf(value):
                raise JsonSyntaxError(f"the number {number} is too large", self._line(self.at))
            return value
        if len(number.lstrip("-")) > MOST_DIGITS:
            # int() refuses very long digit strings, and no CASE field needs one.
            raise JsonSyntaxError(
                f"the number {number[:20]}… has more than {MOST_DIGITS} digits",
                self._line(self.at),
            )
        return int(number)

    def _object(self) -> JsonObject:
        found = JsonObject()
        found.line, found.key_lines = self._line(self.at), {}
        self.at += 1
        self._skip()
        while self.text[self.at] != "}":
            line = self._line(self.at)
            key, self.at = scanstring(self.text, self.at + 1)
            self._skip()
            self.at += 1  # the colon
            self._skip()
            found[key] = self._value()
            found.key_lines[key] = line
            self._skip()
            if self.text[self.at] == ",":
                self.at += 1
                self._skip()
        self.at += 1
        return found

    def _array(self) -> JsonArray:
        found = JsonArray()
        found.line, found.item_lines = self._line(self.at), []
        self.at += 1
        self._skip()
        while self.text[self.at] != "]":
            found.item_lines.append(self._line(self.at))
            found.append(self._value())
            self._skip()
            if self.text[self.at] == ",":
                self.at += 1
                self._skip()
        self.at += 1
        return found
