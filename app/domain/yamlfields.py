"""Read YAML through its node tree so every key and value keeps the line it came from.

PyYAML is imported where it is first used, not above: an app started from stored content
(app/content_cache.py) reads no YAML, and importing it cost 1% of that start-up's
instructions (4% of importing the app's web modules alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .plain_numbers import unplain_message
from .problems import Problems, meant_key
from .yaml_errors import explain_yaml_error
from .yaml_loading import yaml_failures

# GOV.UK's content design guidance keeps a page title to 65 characters: past that, search
# results and browser tabs cut it, and a 320 px phone shows it over five lines or more.
LONGEST_TITLE = 65
HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True)
class Field:
    """A mapping key's line and its value node."""

    line: int
    node: yaml.Node


class YamlReader:
    """Check values in a composed YAML tree, recording problems at their lines."""

    def __init__(
        self, path: str, first_line: int, problems: Problems, text: str | None = None
    ) -> None:
        """`text` is the YAML read, so list items YAML silently merges can be reported."""
        import yaml

        self.path = path
        self.first_line = first_line
        self.problems = problems
        self._lines = text.split("\n") if text is not None else None
        self._constructor = yaml.SafeLoader("")

    def line(self, node: yaml.Node) -> int:
        """Return the file line where a node starts."""
        return self.first_line + node.start_mark.line

    def error(self, line: int, message: str) -> None:
        """Record an error in this file."""
        self.problems.error(self.path, line, message)

    def warning(self, line: int, message: str) -> None:
        """Record a warning in this file."""
        self.problems.warning(self.path, line, message)

    def value(self, node: yaml.Node, unbuilt: str | None = None) -> Any:
        """Build the Python value of a node, or report it (as `unbuilt` if given); None then."""
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml_failures() as exc:
            message = unbuilt or f"invalid value: {explain_yaml_error(exc, self.first_line)}"
            self.error(self.line(node), message)
            return None

    def mapping(self, node: yaml.Node, what: str) -> dict[str, Field] | None:
        """Return a mapping's fields by key, reporting a non-mapping or repeated keys."""
        import yaml

        if not isinstance(node, yaml.MappingNode):
            self.error(self.line(node), f"{what} must be a mapping of 'key: value' lines")
            return None
        fields: dict[str, Field] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or not key:
                self.error(self.line(key_node), f"{what} has a key that is not a name")
            elif key in fields:
                # PyYAML keeps the last silently; a trainer would lose the first.
                first = fields[key].line
                self.error(self.line(key_node), f"'{key}' is given twice (first at line {first})")
            else:
                fields[key] = Field(self.line(key_node), value_node)
        return fields

    def check_keys(
        self,
        fields: dict[str, Field],
        *,
        required: Iterable[str],
        known: Iterable[str],
        missing_line: int,
        what: str,
    ) -> bool:
        """Report missing required keys (errors) and unknown keys (warnings).

        A required key written with other capitals or a slip of spelling (`Title:`) is one
        error at its line, naming the key meant, not a missing key and an unknown one.
        """
        required = tuple(required)
        allowed = sorted(set(required) | set(known))
        unknown = [key for key in fields if key not in allowed]
        meant = {key: meant_key(key, allowed) for key in unknown}
        complete = True
        for key in required:
            if key in fields:
                continue
            complete = False
            slip = next((u for u in unknown if meant[u] == key), None)
            if slip is None:
                self.error(missing_line, f"{what} is missing required key '{key}'")
                continue
            unknown.remove(slip)
            case = ", and a key is read only in lower case" if str(slip).lower() == key else ""
            self.error(
                fields[slip].line,
                f"key '{slip}' should be '{key}': {what} is missing required key '{key}'{case}",
            )
        for key in unknown:
            hint = f" (did you mean '{meant[key]}'?)" if meant[key] else ""
            self.warning(fields[key].line, f"unknown key '{key}' in {what} is ignored{hint}")
        return complete

    def single(self, found: Field, key: str, expected: str = "text on one line") -> bool:
        """Return True if a value is one value; else report the list or mapping found instead.

        `expected` says what the key takes, e.g. "a whole number".
        """
        shape = _shape(found.node)
        if shape is None:
            return True
        what, quoted = shape
        remedy = (
            "put the whole text in quotes"
            if quoted and expected.startswith("text")
            else f"write it on the same line as '{key}:'"
        )
        self.error(found.line, f"'{key}' must be {expected}, not {what}; {remedy}")
        return False

    def text(self, fields: dict[str, Field], key: str) -> str | None:
        """Return a non-empty text value, reporting anything else."""
        found = fields.get(key)
        if found is None or not self.single(found, key):
            return None
        value = self.value(found.node)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is None or value == "":
            self.error(found.line, f"'{key}' is empty")
        else:
            self.error(found.line, f"'{key}' must be text; put it in quotes")
        return None

    def plain_text(self, fields: dict[str, Field], key: str) -> str | None:
        """Return a text value shown as written (a title), reporting raw HTML tags in it.

        Such text is escaped, not rendered, so tags would show on the page as typed.
        """
        value = self.text(fields, key)
        tags = list(dict.fromkeys(t[1].lower() for t in HTML_TAG.finditer(value or "")))
        if tags:
            named = ", ".join(f"<{tag}>" for tag in tags)
            self.error(
                fields[key].line,
                f"'{key}' holds raw HTML {named}, which is not allowed: the page shows "
                "the tags as typed, as plain text; take them out",
            )
        return value

    def title(self, fields: dict[str, Field], key: str = "title") -> str | None:
        """Return a title as `plain_text` does, warning of one too long to read at a glance."""
        value = self.plain_text(fields, key)
        if value is not None and len(value) > LONGEST_TITLE:
            self.warning(
                fields[key].line,
                f"'{key}' is {len(value)} characters long: keep a title to {LONGEST_TITLE} "
                "characters or fewer, so it is read at a glance and not cut short in a "
                "browser tab; put the detail in the text below it",
            )
        return value

    def integer(
        self,
        fields: dict[str, Field],
        key: str,
        *,
        minimum: int = 0,
        maximum: int | None = None,
        meaning: str = "",
    ) -> int | None:
        """Return a whole number from `minimum` to `maximum`, reporting anything else.

        `meaning` follows the range in the message, e.g. " (24 hours)".
        """
        found = fields.get(key)
        if found is None or not self.single(found, key, "a whole number"):
            return None
        value = self.value(found.node)
        if not self._written_plainly(found, key, value, whole=True):
            return None
        # bool is an int in Python, but "order: yes" is a mistake.
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(found.line, _not_a_number(found, key, value, "a whole number"))
            return None
        if maximum is not None and not minimum <= value <= maximum:
            self.error(
                found.line,
                f"'{key}' must be from {minimum} to {maximum}{meaning}, not {_shown(value)}",
            )
            return None
        if value < minimum:
            self.error(found.line, f"'{key}' must be at least {minimum}")
            return None
        return value

    def number(self, fields: dict[str, Field], key: str) -> float | None:
        """Return a number (whole or decimal), reporting anything else."""
        found = fields.get(key)
        if found is None or not self.single(found, key, "a number"):
            return None
        value = self.value(found.node)
        if not self._written_plainly(found, key, value, whole=False):
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.error(found.line, _not_a_number(found, key, value, "a number"))
            return None
        return value

    def _written_plainly(self, found: Field, key: str, value: Any, *, whole: bool) -> bool:
        """Report a number written otherwise than plainly (plain_numbers.py); False then.

        Only an unquoted value is looked at: quoted, it is text, reported as such.
        """
        import yaml

        node = found.node
        if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):
            return True
        problem = unplain_message(key, node.value, value, whole=whole)
        if problem is not None:
            self.error(found.line, problem)
        return problem is None

    def calendar_date(
        self, fields: dict[str, Field], key: str, *, after: date | None = None, because: str = ""
    ) -> date | None:
        """Return a calendar date written YYYY-MM-DD, reporting anything else at its line.

        A date on or before `after` is refused too, saying `because`.
        """
        found = fields.get(key)
        if found is None or not self.single(found, key, "a date written YYYY-MM-DD"):
            return None
        written = found.node.value
        value = self.value(found.node, f"'{key}' must be a real date, not {written}")
        if isinstance(value, datetime):  # a datetime is also a date: test it first
            self.error(found.line, f"'{key}' is a date alone, YYYY-MM-DD, without a time")
        elif isinstance(value, date) and after is not None and value <= after:
            self.error(found.line, f"'{key}' must be after {after}: {because}")
        elif isinstance(value, date):
            return value
        elif isinstance(value, str) and found.node.style in ("'", '"'):
            self.error(found.line, f"'{key}' is a date written YYYY-MM-DD, without quotes")
        elif value is not None or not found.node.tag.endswith(":timestamp"):  # else reported
            self.error(
                found.line, f"'{key}' must be a date written YYYY-MM-DD, not {_shown(value)}"
            )
        return None

    def sequence(self, fields: dict[str, Field], key: str) -> list[yaml.Node] | None:
        """Return the item nodes of a non-empty list, reporting anything else."""
        import yaml

        found = fields.get(key)
        if found is None:
            return None
        if not isinstance(found.node, yaml.SequenceNode):
            self.error(
                found.line,
                f"'{key}' must be a list: under the '{key}:' line, write each item on a line "
                "of its own starting '  - '",
            )
            return None
        if not found.node.value:
            self.error(found.line, f"'{key}' must have at least one item")
            return None
        return list(found.node.value)

    def item_count(self, fields: dict[str, Field], key: str) -> int:
        """Return how many items a list has as written, good or not; 0 if it is no list."""
        import yaml

        found = fields.get(key)
        is_list = found is not None and isinstance(found.node, yaml.SequenceNode)
        return len(found.node.value) if is_list else 0

    def text_items(
        self, fields: dict[str, Field], key: str, each: str = ""
    ) -> list[tuple[int, str]] | None:
        """Return (line, text) for each item of a non-empty list of text.

        An item indented more than the one above it is reported, then read as its own item.
        `each` says what one item is and where more belongs, for an item that is a list or
        mapping, e.g. "each learning outcome is one line of text; ...".
        """
        nodes = self.sequence(fields, key)
        if nodes is None:
            return None
        items = []
        for number, node in enumerate(nodes, start=1):
            if (shape := _shape(node)) is not None:
                what, quoted = shape
                rule = each or f"each item of '{key}' is one line of text"
                rule = "put the whole item in quotes" if quoted else rule
                self.error(self.line(node), f"item {number} of '{key}' is {what}; {rule}")
                continue
            if merged := self._merged_items(node):
                for line in (line for line, _ in merged[1:]):
                    self.error(line, _merged_message(key, self.line(node)))
                items.extend((line, text) for line, text in merged if text)
                continue
            value = self.value(node)
            if isinstance(value, str) and value.strip():
                items.append((self.line(node), value.strip()))
            else:
                self.error(self.line(node), f"each item of '{key}' must be text")
        return items

    def _merged_items(self, node: yaml.Node) -> list[tuple[int, str]]:
        """Split a plain text item that holds further `- ` items, as (line, text); else [].

        YAML reads "- One" then "   - Two", indented more, as the single item "One - Two":
        a learning outcome printed on certificates as two run together.
        """
        import yaml

        start, end = node.start_mark.line, node.end_mark.line
        if not isinstance(node, yaml.ScalarNode) or self._lines is None or end <= start:
            return []
        if node.style not in (None, ""):
            return []
        pieces: list[tuple[int, list[str]]] = [
            (start, [self._lines[start][node.start_mark.column :].strip()])
        ]
        for index in range(start + 1, min(end, len(self._lines) - 1) + 1):
            text = self._lines[index].strip()
            if text == "-" or text.startswith("- "):
                pieces.append((index, [text[1:].strip()]))
            else:
                pieces[-1][1].append(text)
        if len(pieces) == 1:
            return []
        return [
            (self.first_line + index, " ".join(part for part in parts if part))
            for index, parts in pieces
        ]


def _shape(node: yaml.Node) -> tuple[str, bool] | None:
    """Name a list or mapping found where one value belongs; None for one value.

    A trainer writes these by accident: '- ' lines under a key, a line ending in ':' with
    points indented under it, or text holding ': ', which YAML reads as 'name: value' (and
    quotes put right: the bool says so).
    """
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return "a list", False
    if not isinstance(node, yaml.MappingNode):
        return None
    if any(not isinstance(value, yaml.ScalarNode) for _, value in node.value):
        return "a line ending in ':' with points indented under it", False
    return "text holding ': ', which YAML reads as 'name: value'", True


def _merged_message(key: str, above: int) -> str:
    return (
        f"this item of '{key}' is indented more than the item on line {above}, so it is read "
        f"as part of that item's text; start its '-' exactly under the '-' on line {above}"
    )


def _not_a_number(found: Field, key: str, value: Any, kind: str) -> str:
    """Say that a value is not a number, showing it as the trainer typed it.

    YAML reads `yes` as true and `"2025"` as text: "not True" names what they never wrote,
    and quotes around a number are the one thing to take out.
    """
    import yaml

    node = found.node
    if not isinstance(node, yaml.ScalarNode) or value is None:
        return f"'{key}' must be {kind}, not {_shown(value)}"
    written = node.value
    if node.style in ("'", '"') and re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", written.strip()):
        return (
            f"'{key}' must be {kind}, not the text {node.style}{written}{node.style}: "
            f"remove the quotes ({key}: {written.strip()})"
        )
    return f"'{key}' must be {kind}, not '{written}'"


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    return repr(value) if isinstance(value, str) else str(value)
