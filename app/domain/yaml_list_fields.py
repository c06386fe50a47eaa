"""Lists read from YAML: their items, and a list or mapping found where one value belongs.

ListFields is mixed into YamlReader (yamlfields.py), whose `value`, `unbuilt`, `line`,
`error`, `first_line` and the lines read (to find items YAML silently merges) it uses.
PyYAML is imported where it is first used: see yamlfields.py for why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml

    from .yamlfields import Field


class ListFields:
    """Read lists from a mapping's fields, reporting what is not a list of the kind asked."""

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
            if (shape := shape_of(node)) is not None:
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
            elif not self.unbuilt(node):
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


def shape_of(node: yaml.Node) -> tuple[str, bool] | None:
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
