"""Gating: which items of a module a learner may open, in strict learning order.

A module's gated items are keys in order: "screen:<slug>" now, "check:<id>" and
"quiz:<id>" later. An item opens once every item before it is complete; the first
is always open, and a completed item stays open even if content changed since.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

ItemState = Literal["done", "current", "locked"]


def first_incomplete(item_keys: Sequence[str], completed_keys: Collection[str]) -> str | None:
    """Return the first item not yet completed, or None when all are complete."""
    return next((key for key in item_keys if key not in completed_keys), None)


def screen_states(item_keys: Sequence[str], completed_keys: Collection[str]) -> list[ItemState]:
    """Return "done", "current" or "locked" for each item, in the items' order."""
    current = first_incomplete(item_keys, completed_keys)
    states: list[ItemState] = []
    reached_current = False
    for key in item_keys:
        if key in completed_keys:
            states.append("done")
        elif key == current and not reached_current:
            states.append("current")
            reached_current = True
        else:
            states.append("locked")
    return states


def can_open(key: str, item_keys: Sequence[str], completed_keys: Collection[str]) -> bool:
    """Return True if the learner may open this item now."""
    if key not in item_keys:
        return False
    if key in completed_keys:
        return True
    return key == first_incomplete(item_keys, completed_keys)
