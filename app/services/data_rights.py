"""A person's rights over their data: a copy of everything held about them.

The copy is one zip: their data as JSON, each certificate as it was issued (PDF), and each
credential as it was signed (JWT). Erasure, the other right, is in erasure.py.
"""

import io
import json
import zipfile

from sqlalchemy import func, or_, select

from app import db
from app.domain.certificates import content_review
from app.domain.competencies import knowledge_shown, practice_shown
from app.domain.content import Catalogue
from app.domain.dates import in_utc, iso_utc
from app.models import (
    Attempt,
    AttemptGrant,
    AuditEvent,
    Certificate,
    CompetencyLevel,
    Completion,
    Evidence,
    RevokedPass,
    User,
    utcnow,
)
from app.services import (
    audit,
    certificate_pdfs,
    certificates,
    competency_names,
    credentials,
    data_rights_attempts,
    data_rights_teams,
    mail_outbox_runs,
    rating_history,
)
from app.services.practice_rights import export_practice
from app.services.rating_reads import aware


def export_archive(
    user_id: int,
    catalogue: Catalogue | None,
    *,
    actor_id: int | None,
    via: str = "web",
    address: str | None = None,
) -> bytes:
    """Return a zip of everything held about the user (JSON) and their certificates (PDF)."""
    archive = build_archive(user_id, catalogue)
    record_export(user_id, actor_id=actor_id, via=via, address=address)
    # While the database only reads, the download is still given (it reads, and a learner
    # may need their record then); its event goes to the log instead.
    db.commit_or_log(
        db.session(), "data.exported", actor=actor_id, subject=user_id, via=via, address=address
    )
    return archive


def build_archive(user_id: int, catalogue: Catalogue | None) -> bytes:
    """Return the zip of everything held about the user, recording nothing."""
    user = db.session().get(User, user_id)
    data = export_data(user, catalogue)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("linkwise-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        # Each as it was issued: a module since removed from the course still has its PDF.
        held = _certificates(user.id)
        named = archive_names(held)
        for certificate in held:
            details = certificates.details(certificate)
            pdf = certificate_pdfs.pdf_for(details)
            archive.writestr(f"certificates/{named[certificate.code]}.pdf", pdf)
        for credential in data["credentials"]:
            if credential["credential"]:
                name = named[credential["certificate"]]
                archive.writestr(f"credentials/{name}.jwt", credential["credential"])
    return buffer.getvalue()


def record_export(
    user_id: int, *, actor_id: int | None, via: str, address: str | None = None
) -> None:
    """Record in the audit log that the user's data left Linkwise (flushed; the caller commits)."""
    audit.record(
        db.session(),
        "data.exported",
        actor_id=actor_id,
        subject_id=user_id,
        via=via,
        address=address,
    )


def export_data(user: User, catalogue: Catalogue | None) -> dict:
    """Return everything held about the user, as plain JSON-ready values."""
    session = db.session()
    attempts = session.scalars(
        select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.id)
    ).all()
    now = utcnow()
    # The passes a revoked certificate withdrew: their answers no longer count as evidence.
    withdrawn = dict(
        session.execute(
            select(RevokedPass.attempt_id, RevokedPass.revoked_at).where(
                RevokedPass.user_id == user.id
            )
        ).all()
    )
    return {
        "about": "Everything Linkwise holds about you, exported at your request.",
        "exported_at": iso_utc(now),
        "account": {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "profession": user.profession,
            "registration_number": user.registration_number,
            "role": user.role,
            "organisation": user.organisation.name if user.organisation else None,
            "organisation_joined_at": iso_utc(user.organisation_joined_at),
            "profession_since": iso_utc(user.profession_since),
            "professional_confirmed_at": iso_utc(user.professional_confirmed_at),
            "professional_confirmed_as": user.professional_confirmed_as,
            "created_at": iso_utc(user.created_at),
            "last_signed_in_at": iso_utc(user.last_signed_in_at),
            # Chose to be signed out after ten times the usual time without use.
            "long_idle_limit": user.long_idle_limit,
        },
        "completions": [
            {
                "module": c.module_slug,
                "item": c.item_key,
                "completed_at": iso_utc(c.completed_at),
                "last_completed_at": iso_utc(c.last_completed_at),
            }
            for c in session.scalars(
                select(Completion).where(Completion.user_id == user.id).order_by(Completion.id)
            )
        ],
        "attempts": [data_rights_attempts.export(a, withdrawn.get(a.id)) for a in attempts],
        "extra_attempts": [
            {
                "quiz": g.quiz_id,
                "extra": g.extra,
                "kind": g.kind,
                "reason": g.reason,
                "granted_at": iso_utc(g.granted_at),
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
                "issued_at": iso_utc(c.issued_at),
                "withdrawn_at": iso_utc(c.withdrawn_at),
                # What it certifies, as recorded when it was issued.
                "holder_name": c.holder_name,
                "holder_profession": c.holder_profession,
                "holder_registration_number": c.holder_registration_number,
                "module_title": c.module_title,
                "cpd_minutes": c.cpd_minutes,
                "learning_outcomes": list(c.learning_outcomes),
                "competencies": [{"code": code, "name": name} for code, name in c.competencies],
                # Who the module named as its clinical reviewer (null: not recorded then).
                "clinical_reviewer": c.clinical_reviewer,
                "clinical_review": content_review(c.clinical_reviewer),
                "reflective_account": c.reflective_account or {},
            }
            for c in _certificates(user.id)
        ],
        "credentials": credentials.export_for(user.id),
        "competency_levels": [
            {
                "competency": level.competency_code,
                # Its name in the framework; once taken out, the name a framework file last
                # gave it (null: none was recorded, as before Linkwise kept them).
                "competency_name": _name(level.competency_code, last_name, catalogue),
                # False once a trainer took it out of every framework: the rating as last
                # worked out, counted in no total (None: exported without the course).
                "in_framework": None
                if catalogue is None
                else catalogue.competency(level.competency_code) is not None,
                **_knowledge(level, now),
                "last_evidence_at": iso_utc(level.last_evidence_at),
                # As it stands now: a confirmation lapses before the next re-rating says so.
                "practice": practice_shown(level.practice, aware(level.practice_until), now),
                "practice_until": iso_utc(level.practice_until),
                "knowledge_until": iso_utc(level.knowledge_until),
                "met": level.met,
                "met_until": iso_utc(level.met_until),
            }
            for level, last_name in session.execute(
                select(CompetencyLevel, competency_names.last_name(CompetencyLevel.competency_code))
                .where(CompetencyLevel.user_id == user.id)
                .order_by(CompetencyLevel.competency_code)
            )
        ],
        # Each change of a rating's standing, as recorded, with its cause (rating_history).
        "rating_history": rating_history.export(user.id),
        "evidence": [
            {
                "competency": e.competency_code,
                "quiz": e.quiz_id,
                "question": e.question_id,
                "question_version": e.question_version,
                "attempt_id": e.attempt_id,
                "score": e.score,
                "recorded_at": iso_utc(e.recorded_at),
                # False once its attempt's certificate was revoked: kept, no longer counted.
                "counts": e.attempt_id not in withdrawn,
            }
            for e in session.scalars(
                select(Evidence).where(Evidence.user_id == user.id).order_by(Evidence.id)
            )
        ],
        "practice": export_practice(user.id),
        **data_rights_teams.export(user),
        # Emails telling them their password, address or role changed, or of many failed
        # sign-ins, and what is kept of them.
        "account_notices": mail_outbox_runs.export_for(user.id),
        "account_notices_kept": mail_outbox_runs.KEPT,
        "security_log": [
            {
                "event": event.kind,
                "occurred_at": iso_utc(event.occurred_at),
                "address": event.address,
                "detail": event.detail or {},
            }
            for event in session.scalars(
                select(AuditEvent).where(about_person(user)).order_by(AuditEvent.id)
            )
        ],
    }


def about_person(user: User):
    return or_(
        AuditEvent.actor_id == user.id,
        AuditEvent.subject_id == user.id,
        func.lower(AuditEvent.email) == user.email.lower(),
    )


def archive_names(held) -> dict[str, str]:
    """Name each certificate's files in the export, by code: the latest for its module by the
    module (SLUG), an earlier one by the module and its code (SLUG-CODE)."""
    latest = {c.module_slug: c for c in sorted(held, key=lambda c: (in_utc(c.issued_at), c.id))}
    return {
        c.code: c.module_slug if latest[c.module_slug] is c else f"{c.module_slug}-{c.code}"
        for c in held
    }


def _certificates(user_id: int):
    return (
        db.session()
        .scalars(select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id))
        .all()
    )


def _name(code: str, last_name: str | None, catalogue: Catalogue | None) -> str | None:
    """Return the competency's name in the framework now, else the name it last had."""
    competency = catalogue.competency(code) if catalogue is not None else None
    return competency.name if competency is not None else last_name


def _knowledge(level: CompetencyLevel, now) -> dict:
    """Return a stored rating's level, score and answers counted as they stand now."""
    # Once none of its answers is in date, what the next re-rating will store.
    shown = knowledge_shown(
        level.level, level.score, level.evidence_count, aware(level.knowledge_until), now
    )
    return dict(zip(("level", "score", "evidence_count"), shown, strict=True))
