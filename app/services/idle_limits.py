"""Each person's choice of how long Linkwise waits, unused, before signing them out."""

from sqlalchemy import update

from app import db
from app.models import User
from app.services import audit


def choose_long_limit(user_id: int, *, long: bool, minutes: int, address: str | None) -> bool:
    """Record whether the person wants the longer idle limit (`minutes` long), with its audit
    event, in one transaction; say whether anything changed (asking for what already is, a
    double click, changes nothing; nor does an account erased meanwhile)."""
    session = db.session()
    changed = session.execute(
        update(User)
        .where(User.id == user_id, User.long_idle_limit.is_not(long), User.erased_at.is_(None))
        .values(long_idle_limit=long)
        .returning(User.id)
    ).first()
    if changed is not None:
        audit.record(
            session,
            "account.idle_limit",
            actor_id=user_id,
            subject_id=user_id,
            address=address,
            minutes=minutes,
        )
    session.commit()
    return changed is not None
