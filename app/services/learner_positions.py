"""Where a learner stands in the modules their profile points to, as their manager reads it.

The learner's own competency page says what to do next ("Screens to read: ... then take the
quiz"), with links into the module. Their manager reads the same steps as facts about the
learner: how many of the module's screens they have read and whether its quiz is open to
them, with no links, since the manager's own module screens are not the learner's. Worked
out from the rows the manager's page has already read (`drilldown.PAGE_ROWS`).
"""

from collections import defaultdict
from dataclasses import dataclass

from app.domain.gating import first_incomplete
from app.services.attempt_standings import QuizStanding
from app.services.next_modules import NextStep

# How the module's quiz stands for the learner, in the order the page checks them.
NOT_OPEN = "not-open"  # a screen (or its knowledge check) is still to finish
OPEN = "open"
IN_PROGRESS = "in-progress"
NO_ATTEMPTS_LEFT = "no-attempts-left"


@dataclass(frozen=True)
class ModulePosition:
    """A module the learner's profile points to, and how far the learner is through it.

    `renew`: they passed its quiz, and passing it again would renew `competencies`;
    otherwise the module develops them.
    """

    title: str
    competencies: tuple[str, ...]  # their names
    renew: bool
    screens_read: int
    screens: int
    quiz: str  # NOT_OPEN, OPEN, IN_PROGRESS or NO_ATTEMPTS_LEFT


def positions(
    steps: tuple[NextStep, ...], found, quizzes: tuple[QuizStanding, ...]
) -> tuple[ModulePosition, ...]:
    """Return where the learner is in each module of `steps`, from their completions
    (`found`'s "done" rows) and their quiz standings."""
    done = defaultdict(set)
    for row in found.get("done", ()):
        done[row.text[0]].add(row.text[1])
    standing = {quiz.module_slug: quiz for quiz in quizzes if not quiz.removed}
    return tuple(
        _position(step, done[step.module.slug], standing.get(step.module.slug)) for step in steps
    )


def _position(step: NextStep, done: set[str], quiz: QuizStanding | None) -> ModulePosition:
    module = step.module
    read = sum(1 for screen in module.screens if screen.key in done)
    if quiz is not None and quiz.in_progress:
        state = IN_PROGRESS
    elif quiz is not None and quiz.locked:
        state = NO_ATTEMPTS_LEFT
    elif step.renew or first_incomplete(module.screen_item_keys, done) is None:
        state = OPEN  # a passed quiz the profile points to is open for renewal
    else:
        state = NOT_OPEN
    return ModulePosition(
        module.title,
        tuple(c.name for c in step.competencies),
        step.renew,
        read,
        len(module.screens),
        state,
    )
