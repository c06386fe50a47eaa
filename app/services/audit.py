"""The audit log: write events beside the change they record (audit_reads.py reads them).

Every event names its actor: a signed-in user (actor_id), the command line (via "cli",
with the operating-system user), or a visitor who is not signed in (their address).
"""

import getpass
from collections.abc import Mapping
from types import MappingProxyType

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


# Every kind of event the app writes, with its name as people read it: the audit page shows
# the name, the code under it (after it in the filter); the stored events, the data export
# and the command line keep the code. Tests read the code to keep this whole
# (tests/web/test_audit_names.py): the command line accepts a kind before its first event,
# and refuses one that can never exist.
KIND_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "account.created": "Account created",
        "account.details_changed": "Account details changed",
        "account.erased": "Account erased",
        "account.idle_limit": "Idle sign-out time chosen",
        "account.registered": "Sign-up confirmed",
        "assignment.added": "Learning assigned",
        "audit.pruned": "Addresses with no account cleared from old records",
        "assignment.withdrawn": "Assignment withdrawn",
        "credential.revoked": "Certificate revoked",
        "data.exported": "Personal data exported",
        "email.change_requested": "Email address change requested",
        "email.changed": "Email address changed",
        "export.competencies": "Competency report downloaded",
        "export.compliance": "Compliance report downloaded",
        "learner.removed": "Learner removed from organisation",
        "learner.viewed": "Learner's record viewed",
        "mail.resubscribed": "Emails turned back on",
        "mail.unsubscribed": "Unsubscribed from emails",
        "manager.teams": "Manager's teams changed",
        "organisation.code_replaced": "Organisation join code replaced",
        "organisation.created": "Organisation created",
        "organisation.joined": "Joined an organisation",
        "organisation.left": "Left an organisation",
        "password.changed": "Password changed",
        "password.check_failed": "Wrong current password entered",
        "password.reset": "Password reset",
        "password.reset_not_sent": "Password reset email not sent",
        "password.reset_requested": "Password reset requested",
        "practice.closed": "Confirmation request closed",
        "practice.confirmed": "Practice confirmed",
        "practice.requested": "Confirmation of practice requested",
        "practice.returned": "Practice returned with an action plan",
        "practice.self_assessed": "Self-assessment recorded",
        "quiz.extra-attempt": "Extra quiz attempt granted",
        "registration.existing": "Sign-up for an existing account",
        "registration.not_sent": "Sign-up email not sent",
        "registration.started": "Sign-up started",
        "request.throttled": "Request refused: too many attempts",
        "role.changed": "Role changed",
        "sign_in.failure": "Sign-in failed",
        "sign_in.success": "Signed in",
        "sign_in.throttled": "Sign-in refused: too many attempts",
        "sign_in.unlocked": "Sign-in lock lifted",
        "sign_out": "Signed out",
        "supervisor.named": "Supervisor named",
        "supervisor.removed": "Supervisor removed",
        "team.code_replaced": "Team join code replaced",
        "team.created": "Team created",
        "team.deleted": "Team deleted",
        "team.joined": "Joined a team",
        "team.placed": "Placed in a team",
        "team.renamed": "Team renamed",
    }
)
WRITTEN_KINDS = frozenset(KIND_NAMES)


def kind_name(kind: str) -> str:
    """Return a kind of event's name as people read it; a kind with no name keeps its code."""
    return KIND_NAMES.get(kind, kind)
