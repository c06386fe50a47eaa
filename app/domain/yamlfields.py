"""Read YAML through its node tree so every key and value keeps the line it came from.

YamlReader holds mappings, keys, text and titles here; its whole numbers, numbers and dates
are read in yaml_numbers_and_dates.py, its lists in yaml_list_fields.py.

PyYAML is imported where it is first used, not above: an app started from stored content
(app/content_cache.py) reads no YAML, and importing it cost 1% of that start-up's
instructions (4% of importing the app's web modules alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .problems import Problems, meant_key
from .yaml_errors import explain_yaml_error
from .yaml_list_fields import ListFields, shape_of
from .yaml_loading import yaml_failures
from .yaml_numbers_and_dates import NumberFields

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


class YamlReader(NumberFields, ListFields):
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
        self._unbuilt: set[int] = set()  # nodes whose value could not be built, reported

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
            self._unbuilt.add(id(node))
            return None

    def unbuilt(self, node: yaml.Node) -> bool:
        """Say whether a node's value could not be built: reported once already, by value()."""
        return id(node) in self._unbuilt

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
        shape = shape_of(found.node)
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
        if self.unbuilt(found.node):
            return None
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
