"""Requests no one can decide any more are closed, so the learner can ask someone else.

A request waits for the supervisor it names. Once that person is erased, is no longer named
a supervisor or has left the organisation, nobody can decide it: it is closed (a row of
its own, never a decision) and the learner's practice stops reading "Awaiting
confirmation". So is a request whose learner erased their account, or left the
organisation it was asked in (their learning is no longer that organisation's to read): it
leaves the supervisor's queue, and a decision sent from a page opened before is refused.
Each closing records why. A decision already made stands whatever happens to its
supervisor or its learner later. A learner whose request closed because its supervisor can
no longer decide it is emailed once the closing commits, so they can ask someone else (an
email that goes through closes their spell of refused emails: reminder_failures.py).
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, event, exists, select
from sqlalchemy.orm import Session, aliased

from app import db, mail
from app.links import absolute_url
from app.models import User, utcnow
from app.models_practice import (
    CLOSED_LEARNER_ERASED,
    CLOSED_LEARNER_LEFT,
    CLOSED_SUPERVISOR,
    CLOSED_SUPERVISOR_ERASED,
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationRequest,
)
from app.services import audit, reminder_failures
from app.services.locks import lock_people
from app.services.practice_reads import learner_erased, learner_left, supervisor_can_decide
from app.services.ratings import refresh_levels

# session.info key: the emails to send once the closings they tell of are committed.
NOTICES = "linkwise.closure_notices"


@dataclass(frozen=True)
class _Notice:
    """An email telling a learner their request was closed: all it needs, read before commit."""

    user_id: int
    email: str
    name: str
    code: str
    competency: str  # its code and name
    supervisor: str | None  # None when the supervisor's account was erased


def _send_notices(session: Session) -> None:
    delivered = []
    for notice in session.info.pop(NOTICES, ()):
        if mail.send_quietly(
            notice.email,
            "practice_closed",
            name=notice.name,
            supervisor=notice.supervisor,
            competency=notice.competency,
            url=absolute_url("practice.competency", code=notice.code),
        ):
            delivered.append((notice.user_id, notice.email))
    # After the commit this session may run no SQL: the spells close on a connection of
    # their own, and a failure there is logged, so every notice is sent and nothing raised.
    reminder_failures.addresses_took_mail(delivered)


def _drop_notices(session: Session) -> None:
    session.info.pop(NOTICES, None)


def _tell_once_committed(session: Session, notices: list[_Notice]) -> None:
    """Email the notices when the transaction commits; forget them if it rolls back."""
    if not notices:
        return
    if NOTICES not in session.info:
        session.info[NOTICES] = []
        if not event.contains(session, "after_commit", _send_notices):
            event.listen(session, "after_commit", _send_notices)
            event.listen(session, "after_rollback", _drop_notices)
    session.info[NOTICES].extend(notices)


def lock_for_closing(user_id: int) -> None:
    """Lock the person, and the learners whose requests wait for them (whose ratings closing
    those requests changes), in id order (locks.lock_people), before anything they change:
    a supervisor's decision on one of those requests, which locks the same two people the
    same way, waits for the closing or the closing for it; neither waits for the other
    while holding what it needs. (Re-rating a learner waits for their lock, in the counts'
    triggers.)"""
    waiting_for_them = select(ConfirmationRequest.user_id).where(
        ConfirmationRequest.supervisor_id == user_id,
        ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
        ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
    )
    lock_people(db.session(), User.id == user_id, User.id.in_(waiting_for_them))


def close_stranded(*where, actor_id: int | None, catalogue=None, via: str = "web") -> int:
    """Close the undecided requests matching `where` that no one can decide any more (their
    learner was erased or left the request's organisation, or their supervisor can no
    longer decide), recording why, and re-rate their learners; return how many closed. The
    caller commits."""
    session = db.session()
    learner, supervisor = aliased(User), aliased(User)
    # The first reason that holds is the one recorded.
    reason = case(
        (learner_erased(), CLOSED_LEARNER_ERASED),
        (learner_left(), CLOSED_LEARNER_LEFT),
        (supervisor.erased_at.is_not(None), CLOSED_SUPERVISOR_ERASED),
        else_=CLOSED_SUPERVISOR,
    )
    stranded = session.execute(
        select(
            ConfirmationRequest.id,
            ConfirmationRequest.user_id,
            ConfirmationRequest.competency_code,
            reason,
            learner.email,
            learner.full_name,
            supervisor.full_name,
            supervisor.erased_at.is_not(None),
        )
        .join(learner, learner.id == ConfirmationRequest.user_id)
        .join(supervisor, supervisor.id == ConfirmationRequest.supervisor_id)
        .where(
            *where,
            ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
            ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
            ~supervisor_can_decide() | learner_erased() | learner_left(),
        )
        # In the order the requests were made: the audit log then reads the same on every
        # database and plan (PostgreSQL returned them in either order under load).
        .order_by(ConfirmationRequest.id)
    ).all()
    if not stranded:
        return 0
    if catalogue is None:
        from app.content import catalogue as current

        catalogue = current()
    now, codes, notices = utcnow(), defaultdict(set), []
    for request_id, learner_id, code, why, email, name, asked, asked_erased in stranded:
        if why in (CLOSED_SUPERVISOR, CLOSED_SUPERVISOR_ERASED):
            competency = catalogue.competency(code)
            called = f"{code} {competency.name}" if competency else code
            supervisor_name = None if asked_erased else asked
            notices.append(_Notice(learner_id, email, name, code, called, supervisor_name))
        session.add(ConfirmationClosure(request_id=request_id, closed_at=now, reason=why))
        codes[learner_id].add(code)
        audit.record(
            session,
            "practice.closed",
            actor_id=actor_id,
            subject_id=learner_id,
            via=via,
            competency=code,
            request=request_id,
            reason=why,
        )
    session.flush()
    for learner_id, learner_codes in codes.items():
        organisation_id = session.scalar(select(User.organisation_id).where(User.id == learner_id))
        refresh_levels(learner_id, organisation_id, learner_codes, catalogue, cause="closed")
    _tell_once_committed(session, notices)
    return len(stranded)
