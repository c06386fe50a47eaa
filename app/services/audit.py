"""The audit log: write events beside the change they record (audit_reads.py reads them).

Every event names its actor: a signed-in user (actor_id), the command line (via "cli",
with the operating-system user), or a visitor who is not signed in (their address).
"""

import getpass

from sqlalchemy import Insert, insert, literal, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, utcnow


def record(
    db_session: Session,
    kind: str,
    *,
    actor_id: int | None = None,
    subject_id: int | None = None,
    email: str | None = None,
    address: str | None = None,
    via: str = "web",
    **detail,
) -> None:
    """Add an audit event to the session; the caller's commit makes it last."""
    if via == "cli":
        detail.setdefault("os_user", command_line_user())
    db_session.add(
        AuditEvent(
            kind=kind[:40],
            actor_id=actor_id,
            subject_id=subject_id,
            # Cut to the columns' sizes: an over-long sign-in email is still worth a record.
            email=email[:254] if email else email,
            address=address[:64] if address else address,
            via=via,
            detail=detail,
        )
    )


def recorded_where(kind: str, subject, *where, actor_id: int) -> Insert:
    """Return INSERT ... SELECT of a web event about each `subject` (a column) that `where`
    selects: an event recorded by the statement that finds its subject (see
    `tagged_rows.read_writing`), so no statement of its own."""
    event = AuditEvent.__table__.c
    found = select(
        literal(utcnow(), event.occurred_at.type),
        literal(kind[:40], event.kind.type),
        literal(actor_id, event.actor_id.type),
        subject,
        literal("web", event.via.type),
        literal({}, event.detail.type),
    ).where(*where)
    return insert(AuditEvent).from_select(
        ["occurred_at", "kind", "actor_id", "subject_id", "via", "detail"], found
    )


def command_line_user() -> str:
    """Return the operating-system user running a command: the actor of CLI events."""
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (a bare container)
        return "unknown"


# Every kind of event the app writes (a test reads the code to keep this whole): the
# command line accepts a kind before its first event, and refuses one that can never exist.
WRITTEN_KINDS = frozenset(
    {
        "account.created",
        "account.details_changed",
        "account.erased",
        "account.registered",
        "assignment.added",
        "assignment.withdrawn",
        "credential.revoked",
        "data.exported",
        "email.change_requested",
        "email.changed",
        "export.competencies",
        "export.compliance",
        "learner.removed",
        "learner.viewed",
        "mail.unsubscribed",
        "manager.teams",
        "organisation.code_replaced",
        "organisation.created",
        "organisation.joined",
        "organisation.left",
        "password.changed",
        "password.check_failed",
        "password.reset",
        "password.reset_not_sent",
        "password.reset_requested",
        "practice.closed",
        "practice.confirmed",
        "practice.requested",
        "practice.returned",
        "practice.self_assessed",
        "quiz.extra-attempt",
        "registration.existing",
        "registration.not_sent",
        "registration.started",
        "request.throttled",
        "role.changed",
        "sign_in.failure",
        "sign_in.success",
        "sign_in.throttled",
        "sign_in.unlocked",
        "sign_out",
        "supervisor.named",
        "supervisor.removed",
        "team.code_replaced",
        "team.created",
        "team.deleted",
        "team.joined",
        "team.placed",
        "team.renamed",
    }
)
