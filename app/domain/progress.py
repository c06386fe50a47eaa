"""A learner's progress through a module, with the encouraging line shown on each screen."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["not-started", "in-progress", "completed"]

READY = "Ready to start"
GOOD_START = "Good start, keep going"
GETTING_THERE = "Well done, you're getting there"
COMPLETED = "Well done, you've completed this module"


@dataclass(frozen=True)
class Progress:
    """How much of a module is complete, as counts, a whole percentage and words."""

    completed: int
    total: int
    percent: int
    status: Status
    message: str

    @property
    def line(self) -> str:
        """Return the progress line, e.g. "Well done, you're getting there (40% complete)"."""
        return f"{self.message} ({self.percent}% complete)"


def module_progress(item_keys: Sequence[str], completed_keys: Collection[str]) -> Progress:
    """Count completed items of a module, ignoring completions of items it no longer has."""
    items = dict.fromkeys(item_keys)
    total = len(items)
    completed = sum(1 for key in items if key in completed_keys)
    # Floor, so 100% is shown only when everything is done.
    percent = completed * 100 // total if total else 0
    if completed == 0:
        return Progress(completed, total, percent, "not-started", READY)
    if completed == total:
        return Progress(completed, total, percent, "completed", COMPLETED)
    # A first item of a very long module floors to 0%, but the learner has started.
    message = GOOD_START if percent < 30 else GETTING_THERE
    return Progress(completed, total, percent, "in-progress", message)
