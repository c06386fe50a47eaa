"""One more attempt at a quiz, given by a trainer or a manager of the learner's organisation.

Every grant is kept (who, when, why) beside the attempts and written to the audit log in
the same transaction. A manager, and a trainer who belongs to an organisation, reach only
the learners of their own organisation: any other learner is not found, exactly as if they
did not exist. A trainer with no organisation (the course's own staff) reaches everyone.
What the people giving one see of a learner's attempts is in attempt_standings.py.
"""

from datetime import datetime

from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain import dates
from app.domain.names import direction_problem
from app.models import AttemptGrant, User, utcnow
from app.services import audit, locks, quiz_standing
from app.services.quizzes import aware

MAX_REASON = 500


class NotFound(LookupError):
    """No such learner or quiz, or a learner outside the manager's organisation."""


class GrantRefused(ValueError):
    """The grant cannot be made; the message is for the person giving it."""

    def __init__(self, quiz_id: str, message: str):
        super().__init__(message)
        self.quiz_id = quiz_id
        self.message = message


class NothingChanged(GrantRefused):
    """The grant is not needed, so none was made: the form sent again (a second tab, Back
    after giving it) or from a page left open. Told as a notice, not as an error."""


def grant_attempt(
    actor_id: int | None,
    learner_id: int,
    quiz_id: str,
    reason: str,
    *,
    organisation_id: int | None = None,
    now: datetime | None = None,
    via: str = "web",
) -> None:
    """Give the learner one more attempt at a quiz they have no attempts left at.

    A learner who passed it may have one only while their pass is open for renewal.

    `actor_id` is the trainer or manager giving it; None from the command line (`via`
    "cli"), where the audit log names the operating-system user instead.
    """
    session = db.session()
    person = _learner(learner_id, organisation_id)
    module = next(
        (m for m in catalogue().modules if m.assessment and m.assessment.id == quiz_id), None
    )
    if module is None:
        raise NotFound(quiz_id)
    reason = " ".join(reason.split())
    if not reason:
        raise GrantRefused(quiz_id, "Enter the reason for the extra attempt")
    if len(reason) > MAX_REASON:
        raise GrantRefused(quiz_id, f"Reason must be {MAX_REASON} characters or fewer")
    # Kept, and shown on the learner's page and in the audit log: nothing may turn it round.
    if turned := direction_problem(reason, label="Reason"):
        raise GrantRefused(quiz_id, turned)
    # Locked first, so a double click or two people at once give one attempt, not two. The
    # learner is read again under the lock: erased, or gone from the organisation, since
    # the read above, they are not found (and the audit names the address they have now).
    try:
        locked = locks.lock_account(session, person.id)
    except locks.AccountGone:
        raise NotFound(learner_id) from None
    if organisation_id is not None and locked.organisation_id != organisation_id:
        session.rollback()
        raise NotFound(learner_id)
    status = quiz_standing.status(person.id, module, now)
    if status.passed is not None and not status.renewing:
        session.rollback()
        raise NothingChanged(
            quiz_id, f"Nothing was changed: {_not_due(locked.full_name, status.renewal)}."
        )
    if not status.allowance.locked:
        unused = _unused_grant(session, person.id, quiz_id, status.latest)
        session.rollback()
        raise NothingChanged(quiz_id, _still_has(locked.full_name, unused))
    session.add(
        AttemptGrant(
            user_id=person.id,
            quiz_id=quiz_id,
            extra=1,
            kind="person",
            reason=reason,
            granted_by=actor_id,
            granted_at=now or utcnow(),
        )
    )
    audit.record(
        session,
        "quiz.extra-attempt",
        actor_id=actor_id,
        email=locked.email,
        via=via,
        learner_id=person.id,
        quiz_id=quiz_id,
        reason=reason,
    )
    session.commit()


def _unused_grant(session, user_id: int, quiz_id: str, latest) -> datetime | None:
    """Return when the extra attempt the learner has not started yet was given, if one was."""
    given = session.scalar(
        select(func.max(AttemptGrant.granted_at)).where(
            AttemptGrant.user_id == user_id, AttemptGrant.quiz_id == quiz_id
        )
    )
    if given is None or (latest is not None and aware(latest.started_at) >= aware(given)):
        return None
    return given


def _still_has(name: str, given: datetime | None) -> str:
    """Say that nothing changed: the learner has an attempt to use, the one given if so."""
    said = f"Nothing was changed: {name} still has an attempt to use at this quiz"
    if given is None:
        return f"{said}."
    return f"{said}, the extra attempt given on {dates.day(given)}."


def _not_due(name: str, renewal) -> str:
    """Say that the learner passed and their pass is not (yet) due for renewal: when it
    opens, to the minute as the learner is told (dates.opens), when that is known."""
    if renewal is not None and renewal.opens_at is not None:
        return (
            f"{name} has passed this quiz and it opens for renewal {dates.opens(renewal.opens_at)}"
        )
    return f"{name} has passed this quiz and it is not due for renewal"


def _learner(user_id: int, organisation_id: int | None) -> User:
    person = db.session().get(User, user_id)
    if person is None or (
        organisation_id is not None and person.organisation_id != organisation_id
    ):
        raise NotFound(user_id)
    return person
