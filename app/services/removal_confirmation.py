"""The page that confirms a learner's removal from the organisation, in one statement.

It reads the learner (with their team) if the manager sees them, or, once they have gone,
their latest leaving among the manager's leavers; the statement that reads them records
the visit (see `tagged_rows.read_recording`). The team pages are in team_pages.py.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import exists, func, or_

from app import db
from app.models import User
from app.models_teams import Leaver
from app.services import audit, learner_rows, tagged_rows
from app.services.leavers import gone_from
from app.services.tagged_rows import Row, branch
from app.services.teams import Scope, in_scope


class Gone(NamedTuple):
    """Someone no longer in the organisation, as the manager's list of leavers has them."""

    full_name: str
    left_at: datetime
    by_themselves: bool  # they left (or moved, or erased their account) on their own
    removed_by: str | None  # who removed them, when recorded


_REMOVER = User.__table__.alias("remover")
# texts: their name, the remover's; numbers: who removed them, the place, newest first;
# time: when they left.
_GONE = (
    branch(
        "gone",
        text=(User.full_name, _REMOVER.c.full_name),
        number=(
            Leaver.removed_by,
            func.row_number().over(order_by=(Leaver.left_at.desc(), Leaver.id.desc())),
        ),
        at=(Leaver.left_at,),
    )
    .join(User, User.id == Leaver.user_id)
    .outerjoin(_REMOVER, _REMOVER.c.id == Leaver.removed_by)
    .where(Leaver.user_id == learner_rows.SELF)
)


def removal_page(
    scope: Scope, user_id: int, *, viewer_id: int
) -> learner_rows.Person | Gone | None:
    """Return the learner (with their team) if the manager sees them; once they have gone
    (removed, or left on their own), their latest leaving if the manager sees it among the
    leavers (the back button or a reload after a removal); else None. The visit is audited.

    The visit is recorded by the statement that reads the learner, when it finds them.
    """
    person = learner_rows.PERSON.where(in_scope(scope))
    gone = _GONE.where(gone_from(scope))
    seen_leaving = exists().where(Leaver.user_id == User.id, gone_from(scope))
    viewed = audit.recorded_where(
        "learner.viewed",
        User.id,
        User.id == user_id,
        or_(in_scope(scope), seen_leaving),
        actor_id=viewer_id,
    )
    # While the database only reads, the page is still shown, the visit logged instead.
    found, recorded = tagged_rows.read_recording((person, gone), viewed, user_id=user_id)
    shown = learner_rows.person_of(found) or _latest_leaving(found, user_id)
    if shown is not None:
        if not recorded:
            db.not_written("learner.viewed", actor=viewer_id, subject=user_id)
        db.session().commit()
    return shown


def _latest_leaving(found: dict[str, list[Row]], user_id: int) -> Gone | None:
    row = min(found.get("gone", ()), key=lambda row: row.number[1], default=None)
    if row is None:
        return None
    name, remover = row.text[:2]
    removed_by = row.number[0]
    by_themselves = removed_by == user_id
    return Gone(name, row.at[0], by_themselves, None if by_themselves else remover)
