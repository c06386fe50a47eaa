"""What a learner can do next with a quiz: renew, try again, wait for the retake rule, or ask.

No message names a person who does not exist: managers are named only when the learner's
organisation has some, and trainers are mentioned only when there is one who can reach the
learner.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_, select

from app import db
from app.domain.content import Module
from app.models import Organisation, User
from app.services import quiz_standing


@dataclass(frozen=True)
class ScreenLink:
    """A screen to go back to: its slug and title."""

    slug: str
    title: str


@dataclass(frozen=True)
class NextAttempt:
    """What a learner can do next with a quiz, and who can help when nothing is left."""

    state: str  # "passed", "renew", "in-progress", "try-again", "wait", "locked", "closed"
    attempts_left: int | None = None
    opens_at: datetime | None = None  # the moment the wait ends; None once it is over
    to_revisit: tuple[ScreenLink, ...] = ()
    managers: tuple[str, ...] = ()
    organisation: str | None = None
    trainers: bool = False


def next_from(module: Module, standing: quiz_standing.QuizStatus, user_id: int) -> NextAttempt:
    """Say what comes next from a learner's standing with the module's quiz."""
    allowed = standing.allowance
    if standing.passed and not standing.renewing:
        return NextAttempt("passed")
    # Out of attempts, "wait" or "locked": what the module page and its screens' progress
    # line call "Quiz not passed" (QuizStatus.out_of_attempts).
    if not standing.out_of_attempts:
        if standing.in_progress:
            return NextAttempt("in-progress", allowed.left)
        if not allowed.locked:
            # A renewal's first attempt is a renewal; after a failed one, trying again is.
            first = standing.renewing and not allowed.used
            return NextAttempt("renew" if first else "try-again", allowed.left)
        return NextAttempt("try-again", module.assessment.max_attempts)  # the retake rule met
    if allowed.rule is not None:
        screens = {screen.slug: screen for screen in module.screens}
        return NextAttempt(
            "wait",
            0,
            # The wait ends at the moment the last attempt was submitted, `wait_days` on: the
            # page names that time, not only its day. Once over, only the revisit is left.
            opens_at=None if allowed.waited else allowed.opens_at,
            to_revisit=tuple(ScreenLink(s, screens[s].title) for s in allowed.to_revisit),
        )
    managers, organisation = _managers_of(user_id)
    session = db.session()
    # A trainer of another organisation cannot reach this learner (web/author.py): only the
    # course's own trainers (no organisation), their organisation's and admins count.
    theirs = select(User.organisation_id).where(User.id == user_id).scalar_subquery()
    reaches = or_(
        User.role == "admin", User.organisation_id.is_(None), User.organisation_id == theirs
    )
    trainers = session.scalar(select(exists().where(User.role.in_(("trainer", "admin")), reaches)))
    return NextAttempt("locked", 0, managers=managers, organisation=organisation, trainers=trainers)


def _managers_of(user_id: int) -> tuple[tuple[str, ...], str | None]:
    session = db.session()
    organisation_id = session.scalar(select(User.organisation_id).where(User.id == user_id))
    if organisation_id is None:
        return (), None
    names = session.scalars(
        select(User.full_name)
        .where(User.organisation_id == organisation_id, User.role == "manager")
        .order_by(User.full_name)
    ).all()
    return tuple(names), session.get(Organisation, organisation_id).name
