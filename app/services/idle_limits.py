"""Each person's choice of how long Linkwise waits, unused, before signing them out."""

from sqlalchemy import update

from app import db
from app.models import User


def choose_long_limit(user_id: int, *, long: bool) -> bool:
    """Record whether the person wants the longer idle limit, in one transaction; say
    whether anything changed (asking for what already is, a double click, changes nothing)."""
    session = db.session()
    changed = session.execute(
        update(User)
        .where(User.id == user_id, User.long_idle_limit.is_not(long))
        .values(long_idle_limit=long)
        .returning(User.id)
    ).first()
    session.commit()
    return changed is not None
