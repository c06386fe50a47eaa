"""Clearing what the audit log keeps of email addresses that have no account.

A sign-in failure at an address no account has, and a password reset asked for one, record
the address typed and the network address it came from: that is a person's data (often a
mistyped address of someone real), kept only to see guessing while it happens. After the
retention period (PRUNE_AFTER_DAYS, the privacy notice's figure) both are blanked; the row
stays, so counts of failures over time still add up. Rows about an account (its failures,
its resets, every record event) are never touched here: an account's rows lose its
addresses only when the account is erased (services/erasure.py).
"""

from datetime import timedelta

from sqlalchemy import and_, or_, update

from app import db
from app.models import AuditEvent, utcnow
from app.services import audit

PRUNE_AFTER_DAYS = 90
_RESET_KINDS = ("password.reset_requested", "password.reset_not_sent")


def _about_no_account():
    event = AuditEvent
    return and_(
        event.actor_id.is_(None),
        event.subject_id.is_(None),
        or_(
            and_(event.kind == "sign_in.failure", event.detail["reason"].as_string() == "unknown"),
            and_(event.kind.in_(_RESET_KINDS), event.detail["account"].as_string() == "none"),
        ),
        or_(event.email.is_not(None), event.address.is_not(None)),
    )


def prune_unknown_addresses(days: int = PRUNE_AFTER_DAYS) -> int:
    """Blank the email and network address of audit rows about no account older than `days`;
    return how many were cleared. The clearing is itself audited (audit.pruned)."""
    session = db.session()
    cutoff = utcnow() - timedelta(days=days)
    cleared = session.execute(
        update(AuditEvent)
        .where(AuditEvent.occurred_at < cutoff, _about_no_account())
        .values(email=None, address=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(session, "audit.pruned", via="cli", days=days, cleared=cleared)
    session.commit()
    return cleared
