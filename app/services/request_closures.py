"""Requests no one can decide any more are closed, so the learner can ask someone else.

A request waits for the supervisor it names. Once that person is erased, is no longer named
a supervisor or has left the organisation, nobody can decide it: it is closed (a row of
its own, never a decision) and the learner's practice stops reading "Awaiting
confirmation". So is a request whose learner erased their account, or left the
organisation it was asked in (their learning is no longer that organisation's to read): it
leaves the supervisor's queue, and a decision sent from a page opened before is refused.
A learner who changes profession has the requests they left waiting for a competency
the new profession's framework does not hold closed too (close_outside_framework), in the
same transaction as the change. Each closing records why. A decision already made stands
whatever happens to its supervisor or its learner later. A learner whose request closed
because its supervisor can no longer decide it is emailed once the closing commits, so they
can ask someone else; a supervisor whose request closed because its learner changed
profession is emailed once the change commits, if they could still have decided it, so
they know it needs nothing from them (an email that goes through closes its reader's spell
of refused emails: reminder_failures.py).
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
    CLOSED_PROFESSION,
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
    """An email telling someone a request was closed: all it needs, read before commit."""

    user_id: int  # whom it tells
    email: str
    template: str
    fields: tuple[tuple[str, str | None], ...]  # what the template reads, by name


def _send_notices(session: Session) -> None:
    delivered = []
    for notice in session.info.pop(NOTICES, ()):
        if mail.send_quietly(notice.email, notice.template, **dict(notice.fields)):
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
            fields = (
                ("name", name),
                ("supervisor", None if asked_erased else asked),
                ("competency", catalogue.called(code)),
                ("url", absolute_url("practice.competency", code=code)),
            )
            notices.append(_Notice(learner_id, email, "practice_closed", fields))
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


def close_outside_framework(
    user_id: int, profession: str, catalogue=None, *, actor_id: int | None, via: str = "web"
) -> int:
    """Close the learner's undecided requests for competencies that the framework for
    `profession` does not hold (after a change of profession), recording why and re-rating
    them; return how many closed. Requests for competencies it holds stay open.

    The caller holds the learner's lock (a decision takes it too, so the two never cross:
    a decision sent after finds the request closed) and commits; each supervisor who could
    still have decided a request it closed is emailed once that commit is made.
    """
    session = db.session()
    if catalogue is None:
        from app.content import catalogue as current

        catalogue = current()
    framework = catalogue.framework_for(profession or "")
    kept = [c.code for c in framework.competencies] if framework is not None else []
    learner, supervisor = aliased(User), aliased(User)
    waiting = session.execute(
        select(
            ConfirmationRequest.id,
            ConfirmationRequest.competency_code,
            learner.full_name,
            supervisor.id,
            supervisor.email,
            supervisor.full_name,
            # An erased supervisor, or one no longer a supervisor there, has nothing to drop.
            supervisor_can_decide(),
        )
        .join(learner, learner.id == ConfirmationRequest.user_id)
        .outerjoin(supervisor, supervisor.id == ConfirmationRequest.supervisor_id)
        .where(
            ConfirmationRequest.user_id == user_id,
            ConfirmationRequest.competency_code.not_in(kept),
            ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
            ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
        )
        .order_by(ConfirmationRequest.id)
    ).all()
    if not waiting:
        return 0
    now, notices = utcnow(), []
    for request_id, code, name, asked_id, email, asked, can_decide in waiting:
        closure = ConfirmationClosure(
            request_id=request_id, closed_at=now, reason=CLOSED_PROFESSION
        )
        session.add(closure)
        if can_decide:
            fields = (
                ("name", asked),
                ("learner", name),
                ("competency", catalogue.called(code)),
                ("url", absolute_url("supervise.queue")),
            )
            notices.append(_Notice(asked_id, email, "practice_closed_profession", fields))
        audit.record(
            session,
            "practice.closed",
            actor_id=actor_id,
            subject_id=user_id,
            via=via,
            competency=code,
            request=request_id,
            reason=CLOSED_PROFESSION,
        )
    session.flush()
    organisation_id = session.scalar(select(User.organisation_id).where(User.id == user_id))
    codes = {row.competency_code for row in waiting}
    refresh_levels(user_id, organisation_id, codes, catalogue, cause="closed")
    _tell_once_committed(session, notices)
    return len(waiting)
