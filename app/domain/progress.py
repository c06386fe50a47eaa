"""A learner's progress through a module, with the encouraging line shown on each screen.

A learner who passed the module's quiz completed the module as it then was. Items a
trainer adds afterwards (a screen, a knowledge check) are shown as added since, to read,
and never reopen the module: the pass, its certificate and its CPD time stand.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from app.domain.content import quiz_key

Status = Literal["not-started", "in-progress", "completed"]

READY = "Ready to start"
GOOD_START = "Good start, keep going"
GETTING_THERE = "Well done, you're getting there"
COMPLETED = "Well done, you've completed this module"
# Every attempt at the quiz used without a pass: praise would mislead, so the line says so.
QUIZ_NOT_PASSED = "Quiz not passed: you have used all your attempts"
QUIZ_PREFIX = quiz_key("")


@dataclass(frozen=True)
class Progress:
    """How much of a module is complete, as counts, a whole percentage and words."""

    completed: int
    total: int
    percent: int
    status: Status
    message: str
    added: int = 0  # items added since the learner completed the module, not yet done
    # Every attempt at the quiz used without a pass, none open yet: the bar is not drawn as
    # good progress beside words that say the quiz was not passed.
    out_of_attempts: bool = False

    @property
    def line(self) -> str:
        """Return the progress line, e.g. "Well done, you're getting there (40% complete)"."""
        if self.added:
            return f"{self.message} ({self.added} added since)"
        return f"{self.message} ({self.percent}% complete)"


def passed_quiz(completed_keys: Collection[str]) -> bool:
    """Say whether a module's completions hold a pass of its quiz, under any id it has had."""
    return any(key.startswith(QUIZ_PREFIX) for key in completed_keys)


def module_progress(
    item_keys: Sequence[str],
    completed_keys: Collection[str],
    *,
    passed: bool = False,
    quiz_locked: bool = False,
) -> Progress:
    """Count completed items of a module, ignoring completions of items it no longer has.

    `passed`: the learner passed the module's quiz (passed_quiz), so completed the module
    as it was; what they have not done of it now was added since. `quiz_locked`: they used
    every attempt at its quiz without passing, and none is open yet (retakes.Allowance).
    """
    items = dict.fromkeys(item_keys)
    total = len(items)
    # A pass under an id the quiz had before completes the quiz under the id it has now: the
    # quiz is not something added since, to do.
    completed = sum(
        1 for key in items if key in completed_keys or (passed and key.startswith(QUIZ_PREFIX))
    )
    # Floor, so 100% is shown only when everything is done.
    percent = completed * 100 // total if total else 0
    if passed or (total and completed == total):
        return Progress(completed, total, percent, "completed", COMPLETED, total - completed)
    if completed == 0:
        return Progress(completed, total, percent, "not-started", READY)
    # A first item of a very long module floors to 0%, but the learner has started.
    message = QUIZ_NOT_PASSED if quiz_locked else GOOD_START if percent < 30 else GETTING_THERE
    return Progress(completed, total, percent, "in-progress", message, out_of_attempts=quiz_locked)
