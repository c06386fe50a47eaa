"""How many attempts a learner has, and how a new set opens after the last one fails.

A quiz allows `max_attempts`. Each extra attempt a trainer or manager grants, and each
new set the quiz's retake rule opens, is a grant kept beside the attempts, so the count
is always the history added up, never a number overwritten.

The retake rule (`retake:` in the front matter) opens a new set of `max_attempts` once
the learner has waited `wait_days` since their last failed attempt and, with
`revisit_screens`, gone back over every screen of the module since then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .. import dates
from ..calendar_limits import moved
from .model import RetakeRule


@dataclass(frozen=True)
class Allowance:
    """Where a learner stands with a quiz's attempts now."""

    used: int
    allowed: int | None  # None: no limit
    passed: bool
    rule: RetakeRule | None = None
    opens_at: datetime | None = None  # when the rule's wait ends, once locked out
    to_revisit: tuple[str, ...] = ()  # screens still to go back over, in module order
    rule_ready: bool = False  # the rule would open a new set if the learner starts now
    waited: bool = False  # the rule's wait is over (screens may still need revisiting)

    @property
    def left(self) -> int | None:
        """Return the attempts left, or None when there is no limit."""
        return None if self.allowed is None else max(0, self.allowed - self.used)

    @property
    def locked(self) -> bool:
        """Say whether every attempt is used without a pass."""
        return self.left == 0 and not self.passed


def allowance(
    *,
    max_attempts: int | None,
    rule: RetakeRule | None,
    outcomes: Sequence[tuple[bool, datetime]],
    granted: int,
    screens: Sequence[str],
    revisited: Mapping[str, datetime],
    now: datetime,
) -> Allowance:
    """Work out the attempts left and, when none are, what the retake rule still needs.

    `outcomes` are the graded attempts as (passed, submitted at); `granted` the extra
    attempts given so far; `revisited` when each screen was last completed.
    """
    passed = any(ok for ok, _ in outcomes)
    allowed = None if max_attempts is None else max_attempts + granted
    found = Allowance(len(outcomes), allowed, passed, rule)
    if not found.locked or rule is None or not outcomes:
        return found
    last = max(at for _, at in outcomes)
    opens_at = moved(last, days=rule.wait_days)  # a wait past the calendar's end never ends
    to_revisit = ()
    if rule.revisit_screens:
        to_revisit = tuple(s for s in screens if (seen := revisited.get(s)) is None or seen < last)
    waited = now >= opens_at
    ready = waited and not to_revisit
    return Allowance(len(outcomes), allowed, passed, rule, opens_at, to_revisit, ready, waited)


def rule_in_words(found: Allowance) -> str | None:
    """Say, for the people who can give another attempt, when the retake rule opens a new
    set for a learner with none left: "the quiz's retake rule opens a new set at 10:31am GMT
    on 14 December 2026, once they have gone back over 3 of the module's screens"; None
    when no rule applies.
    """
    if not found.locked or found.rule is None:
        return None
    if found.rule_ready:
        return "the quiz's retake rule opens a new set as soon as they start the quiz"
    if found.opens_at is None:  # a wait past the calendar's end
        return "the quiz's retake rule will not open a new set"
    said = "the quiz's retake rule opens a new set"
    if not found.waited:
        said += f" {dates.opens(found.opens_at)}"
    if found.to_revisit:
        count = len(found.to_revisit)
        screens = "1 of the module's screens" if count == 1 else f"{count} of the module's screens"
        said += f", once they have gone back over {screens}"
    return said
