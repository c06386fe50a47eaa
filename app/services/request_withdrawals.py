"""A learner withdraws their own waiting request, so they may ask someone else, or no one.

Withdrawing is a closing like the others (request_closures): a row of its own with the
reason `learner_withdrew`, in the audit log as `practice.closed`, never an edit of the
request. It takes the learner's and the supervisor's locks in id order, as a decision does
(locks.lock_people), so the two never cross: a decision written first stands and the
withdrawal is refused; a decision sent after is told the request was withdrawn.

Once the withdrawal commits, the supervisor is emailed that they need not decide it, if
they still could have (not erased, still a supervisor there): a refused second withdrawal
sends nothing.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app import db, mail
from app.domain.content import Catalogue
from app.links import absolute_url
from app.models import User, utcnow
from app.models_practice import (
    CLOSED_WITHDRAWN,
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationRequest,
)
from app.services import audit, practice_reads, reminder_failures
from app.services.locks import lock_people
from app.services.practice import NotFound, Told
from app.services.practice_page import RequestRecord, request_record
from app.services.practice_reads import supervisor_can_decide
from app.services.ratings import refresh_levels


class AlreadyWithdrawn(Exception):
    """The learner had withdrawn the request already (a second click, or another tab)."""


class AlreadyDecided(Exception):
    """The supervisor decided the request before it could be withdrawn: the decision stands."""


class AlreadyClosed(Exception):
    """The request was closed for another reason before it could be withdrawn."""


@dataclass(frozen=True)
class ToWithdraw:
    """A waiting request as the page asking to withdraw it shows it."""

    request: RequestRecord
    competency: str  # its code and name (the code alone once taken out of the framework)


def to_withdraw(user_id: int, code: str, request_id: int, catalogue: Catalogue) -> ToWithdraw:
    """Return the learner's request for the competency while it may be withdrawn (one
    statement); raise as `withdraw` would refuse it: not theirs, decided, withdrawn, closed."""
    found = practice_reads.own_request(user_id, code, request_id)
    if not found:
        raise NotFound(request_id)
    asked = request_record(found[0])
    if asked.outcome is not None:
        raise AlreadyDecided(request_id)
    if asked.withdrawn:
        raise AlreadyWithdrawn(request_id)
    if asked.closed_at is not None:
        raise AlreadyClosed(request_id)
    return ToWithdraw(asked, catalogue.called(code))


def withdraw(user_id: int, code: str, request_id: int, catalogue: Catalogue) -> Told:
    """Withdraw the learner's request for the competency while no one has decided or closed
    it; re-rate them and audit it. Refuse plainly (and write nothing) once it is decided,
    withdrawn or closed; another person's request is not found. Commits, then emails the
    supervisor (when they could still have decided it): return whom, and whether it went."""
    session = db.session()
    asked = session.execute(
        select(ConfirmationRequest.supervisor_id).where(
            ConfirmationRequest.id == request_id,
            ConfirmationRequest.user_id == user_id,
            ConfirmationRequest.competency_code == code,
        )
    ).one_or_none()
    if asked is None:
        raise NotFound(request_id)
    supervisor_id = asked.supervisor_id
    people = {user_id} if supervisor_id is None else {user_id, supervisor_id}
    organisation_of = lock_people(session, User.id.in_(people))
    decided = select(ConfirmationDecision.id).where(ConfirmationDecision.request_id == request_id)
    if session.scalar(decided) is not None:
        session.rollback()
        raise AlreadyDecided(request_id)
    closed = session.execute(
        select(ConfirmationClosure.reason).where(ConfirmationClosure.request_id == request_id)
    ).one_or_none()
    if closed is not None:
        session.rollback()
        raise (
            AlreadyWithdrawn(request_id)
            if closed.reason == CLOSED_WITHDRAWN
            else AlreadyClosed(request_id)
        )
    try:
        with session.begin_nested():
            session.add(
                ConfirmationClosure(
                    request_id=request_id, closed_at=utcnow(), reason=CLOSED_WITHDRAWN
                )
            )
            session.flush()
    except IntegrityError:  # a withdrawal in another tab wrote it first
        session.rollback()
        raise AlreadyWithdrawn(request_id) from None
    refresh_levels(user_id, organisation_of.get(user_id), {code}, catalogue, cause="withdrawn")
    supervisor, learner = aliased(User), aliased(User)
    # Read under the locks: who to tell, if anyone (an erased supervisor, or one who is no
    # longer a supervisor there, had nothing left to decide).
    tell = session.execute(
        select(
            supervisor.email,
            supervisor.full_name.label("supervisor_name"),
            learner.full_name.label("learner_name"),
        )
        .select_from(ConfirmationRequest)
        .join(supervisor, supervisor.id == ConfirmationRequest.supervisor_id)
        .join(learner, learner.id == ConfirmationRequest.user_id)
        .where(ConfirmationRequest.id == request_id, supervisor_can_decide())
    ).one_or_none()
    audit.record(
        session,
        "practice.closed",
        actor_id=user_id,
        subject_id=user_id,
        competency=code,
        request=request_id,
        reason=CLOSED_WITHDRAWN,
        supervisor=supervisor_id,
    )
    session.commit()
    if tell is None:
        return Told(None)
    emailed = mail.send_quietly(
        tell.email,
        "practice_withdrawn",
        name=tell.supervisor_name,
        learner=tell.learner_name,
        competency=catalogue.called(code),
        url=absolute_url("supervise.queue"),
    )
    if emailed:
        reminder_failures.address_took_mail(supervisor_id, tell.email)
    return Told(tell.supervisor_name, emailed)
