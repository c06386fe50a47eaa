"""A person's rights over their data: a copy of everything, and erasure.

Erasure anonymises the account in place rather than deleting it: its learning records
stay, tied to a row that no longer says who it was, so the organisation's counts (learners,
completions, competency levels) still add up; certificates are withdrawn, free text is
deleted, and the audit log keeps only the row's id, a pseudonym.
"""

import io
import json
import secrets
import zipfile
from datetime import datetime

from sqlalchemy import func, or_, select, update

from app import db
from app.domain.certificates import render_certificate_pdf
from app.domain.content import Catalogue
from app.models import (
    Answer,
    Attempt,
    AttemptGrant,
    AuditEvent,
    Certificate,
    CompetencyLevel,
    Completion,
    Evidence,
    PendingRegistration,
    User,
    utcnow,
)
from app.models_assignments import MailPreference, ReminderSent
from app.models_practice import ConfirmationRequest
from app.models_teams import TeamManager
from app.services import (
    audit,
    certificates,
    credential_revocations,
    credentials,
    data_rights_teams,
    leavers,
)
from app.services.accounts import check_current_password
from app.services.practice_rights import erase_practice, export_practice
from app.services.request_closures import close_stranded, lock_for_closing

ERASED_NAME = "Erased account"


def export_archive(
    user_id: int,
    catalogue: Catalogue,
    *,
    actor_id: int | None,
    via: str = "web",
    address: str | None = None,
) -> bytes:
    """Return a zip of everything held about the user (JSON) and their certificates (PDF)."""
    session = db.session()
    user = session.get(User, user_id)
    data = export_data(user, catalogue)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("linkwise-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        # Each as it was issued: a module since removed from the course still has its PDF.
        for certificate in _certificates(user.id):
            details = certificates.details(certificate)
            pdf = render_certificate_pdf(details)
            archive.writestr(f"certificates/{certificate.module_slug}.pdf", pdf)
        for held in data["credentials"]:
            if held["credential"]:
                archive.writestr(f"credentials/{held['module']}.jwt", held["credential"])
    audit.record(
        session, "data.exported", actor_id=actor_id, subject_id=user.id, via=via, address=address
    )
    session.commit()
    return buffer.getvalue()


def export_data(user: User, catalogue: Catalogue) -> dict:
    """Return everything held about the user, as plain JSON-ready values."""
    session = db.session()
    attempts = session.scalars(
        select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.id)
    ).all()
    return {
        "about": "Everything Linkwise holds about you, exported at your request.",
        "exported_at": _iso(utcnow()),
        "account": {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "profession": user.profession,
            "registration_number": user.registration_number,
            "role": user.role,
            "organisation": user.organisation.name if user.organisation else None,
            "professional_confirmed_at": _iso(user.professional_confirmed_at),
            "professional_confirmed_as": user.professional_confirmed_as,
            "created_at": _iso(user.created_at),
            "last_signed_in_at": _iso(user.last_signed_in_at),
        },
        "completions": [
            {
                "module": c.module_slug,
                "item": c.item_key,
                "completed_at": _iso(c.completed_at),
                "last_completed_at": _iso(c.last_completed_at),
            }
            for c in session.scalars(
                select(Completion).where(Completion.user_id == user.id).order_by(Completion.id)
            )
        ],
        "attempts": [_attempt(a) for a in attempts],
        "extra_attempts": [
            {
                "quiz": g.quiz_id,
                "extra": g.extra,
                "kind": g.kind,
                "reason": g.reason,
                "granted_at": _iso(g.granted_at),
            }
            for g in session.scalars(
                select(AttemptGrant)
                .where(AttemptGrant.user_id == user.id)
                .order_by(AttemptGrant.id)
            )
        ],
        "certificates": [
            {
                "code": c.code,
                "module": c.module_slug,
                "issued_at": _iso(c.issued_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                # What it certifies, as recorded when it was issued.
                "holder_name": c.holder_name,
                "holder_profession": c.holder_profession,
                "holder_registration_number": c.holder_registration_number,
                "module_title": c.module_title,
                "cpd_minutes": c.cpd_minutes,
                "learning_outcomes": list(c.learning_outcomes),
                "competencies": [{"code": code, "name": name} for code, name in c.competencies],
                "reflective_account": c.reflective_account or {},
            }
            for c in _certificates(user.id)
        ],
        "credentials": credentials.export_for(user.id),
        "competency_levels": [
            {
                "competency": level.competency_code,
                "level": level.level,
                "score": level.score,
                "evidence_count": level.evidence_count,
                "last_evidence_at": _iso(level.last_evidence_at),
                "practice": level.practice,
                "met": level.met,
                "met_until": _iso(level.met_until),
            }
            for level in session.scalars(
                select(CompetencyLevel).where(CompetencyLevel.user_id == user.id)
            )
        ],
        "evidence": [
            {
                "competency": e.competency_code,
                "quiz": e.quiz_id,
                "question": e.question_id,
                "question_version": e.question_version,
                "attempt_id": e.attempt_id,
                "score": e.score,
                "recorded_at": _iso(e.recorded_at),
            }
            for e in session.scalars(
                select(Evidence).where(Evidence.user_id == user.id).order_by(Evidence.id)
            )
        ],
        "practice": export_practice(user.id),
        **data_rights_teams.export(user),
        "security_log": [
            {
                "event": event.kind,
                "occurred_at": _iso(event.occurred_at),
                "address": event.address,
                "detail": event.detail or {},
            }
            for event in session.scalars(
                select(AuditEvent).where(_about(user)).order_by(AuditEvent.id)
            )
        ],
    }


def _attempt(attempt: Attempt) -> dict:
    return {
        "id": attempt.id,
        "quiz": attempt.quiz_id,
        "module": attempt.module_slug,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": _iso(attempt.started_at),
        "submitted_at": _iso(attempt.submitted_at),
        "points": attempt.points,
        "points_possible": attempt.points_possible,
        "percent": attempt.percent,
        "passed": attempt.passed,
        "quiz_settings": attempt.quiz_settings,
        # Which question versions were shown, in what order: the record behind the score.
        "questions_shown": attempt.selection,
        "answers": [
            {
                "question": answer.question_id,
                "question_version": answer.question_version,
                "answer": (answer.response or {}).get("value"),
                "points": answer.points,
                "saved_at": _iso(answer.saved_at),
            }
            for answer in attempt.answers
        ],
    }


def erase_own_account(user_id: int, password: str, *, address: str | None = None) -> bool:
    """Erase the signed-in user's account once they have re-entered their password; False
    when another request (a double click) erased it first."""
    user = db.session().get(User, user_id)
    check_current_password(user, password, address=address)
    return erase(user_id, actor_id=user_id, address=address)


def erase(
    user_id: int, *, actor_id: int | None = None, via: str = "web", address: str | None = None
) -> bool:
    """Anonymise the account and delete its free text, in one transaction.

    Returns False, changing nothing and writing no audit row, when the account was already
    erased (two erasures at once take the person's lock in turn: the second finds it done).
    """
    session = db.session()
    # The person's lock first (with those of the learners whose requests wait for them): a
    # supervisor's decision on a request of theirs waits for the erasure (and then finds it
    # closed), or the erasure waits for the decision to stand.
    lock_for_closing(user_id)
    user = session.get(User, user_id, populate_existing=True)
    if user.erased_at is not None:
        session.rollback()
        return False
    now = utcnow()
    old_email, old_name = user.email, user.full_name
    for event in session.scalars(select(AuditEvent).where(_about(user))):
        event.email = None
        event.address = None
        if event.detail and any(v in (old_email, old_name) for v in event.detail.values()):
            event.detail = {
                key: "[erased]" if value in (old_email, old_name) else value
                for key, value in event.detail.items()
            }
    session.execute(
        PendingRegistration.__table__.delete().where(PendingRegistration.email == old_email)
    )
    session.execute(
        update(Certificate)
        .where(Certificate.user_id == user.id)
        # The name and number it recorded go with the account's: nothing says who held it.
        .values(
            withdrawn_at=now,
            reflective_account={},
            holder_name=ERASED_NAME,
            holder_registration_number=None,
        )
    )
    credential_revocations.withdraw_for_erasure(session, user.id, now)
    # An erased person is nobody's learner any more: they leave their organisation as a
    # manager's removal would take them (a leaver row, its figures drop them). Managed
    # teams, reminder history and mail choices go (a manager's account must keep its
    # organisation; managers are not counted as learners).
    if user.organisation_id is not None and user.role != "manager":
        # Its requests are closed below, once the account reads as erased.
        leavers.leave_organisation(
            user.id, user.organisation_id, actor_id=actor_id, close_requests=False, via=via
        )
    for table in (TeamManager, ReminderSent, MailPreference):
        session.execute(table.__table__.delete().where(table.user_id == user.id))
    # A reason given for an extra attempt is free text about the person; the grant stands.
    session.execute(update(AttemptGrant).where(AttemptGrant.user_id == user.id).values(reason=""))
    erase_practice(user.id)  # reflections, what supervisors wrote, supervisor standing
    # Answers keep their marks (the attempt's score stands) but not what was written.
    session.execute(
        update(Answer)
        .where(Answer.attempt_id.in_(select(Attempt.id).where(Attempt.user_id == user.id)))
        .values(response={"value": None})
    )
    user.email = f"erased-{user.id}@erased.invalid"
    user.full_name = ERASED_NAME
    user.registration_number = None
    user.password_hash = "!erased"  # matches no password
    user.session_token = secrets.token_hex(16)  # ends every session
    user.last_signed_in_at = None
    user.erased_at = now
    session.flush()
    # Requests can now be decided by no one, and are closed (audited): those waiting for
    # them as a supervisor, so their learners can ask someone else, and those they sent as a
    # learner, which leave their supervisors' queues. Decisions already made stand.
    close_stranded(
        or_(ConfirmationRequest.supervisor_id == user.id, ConfirmationRequest.user_id == user.id),
        actor_id=actor_id,
        via=via,
    )
    audit.record(session, "account.erased", actor_id=actor_id, subject_id=user.id, via=via)
    session.commit()
    return True


def _about(user: User):
    return or_(
        AuditEvent.actor_id == user.id,
        AuditEvent.subject_id == user.id,
        func.lower(AuditEvent.email) == user.email.lower(),
    )


def _certificates(user_id: int):
    return (
        db.session()
        .scalars(select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id))
        .all()
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
