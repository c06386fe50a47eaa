"""Whole numbers, numbers and calendar dates read from YAML, each checked at its line.

NumberFields is mixed into YamlReader (yamlfields.py), whose `single`, `value`, `unbuilt` and
`error` it uses. PyYAML is imported where it is first used: see yamlfields.py for why.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .plain_numbers import unplain_message

if TYPE_CHECKING:
    from .yamlfields import Field


class NumberFields:
    """Read whole numbers, numbers and dates from a mapping's fields, reporting the rest."""

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
        if self.unbuilt(found.node) or not self._written_plainly(found, key, value, whole=True):
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
        if self.unbuilt(found.node) or not self._written_plainly(found, key, value, whole=False):
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
