"""Write audit events beside the change they record."""

from sqlalchemy.orm import Session

from app.models import AuditEvent


def record(
    db_session: Session,
    kind: str,
    *,
    actor_id: int | None = None,
    email: str | None = None,
    address: str | None = None,
    **detail,
) -> None:
    """Add an audit event to the session; the caller's commit makes it last."""
    db_session.add(
        AuditEvent(kind=kind, actor_id=actor_id, email=email, address=address, detail=detail)
    )
