"""Withdrawing an assignment, after the manager confirms; a second withdrawal changes nothing.

The withdrawal deletes the assignment and keeps what it was in `assignment_withdrawal`, under
its own id (never given twice), in one transaction with its audit event. The delete is the
statement that decides: of two withdrawals at once (a double click, two tabs) one deletes
the row and records it, and the other finds it already withdrawn and records nothing.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, case, select

from app import db
from app.domain.content import Catalogue
from app.models import User
from app.models_assignments import Assignment, AssignmentWithdrawal
from app.models_teams import Team
from app.services import audit, module_titles
from app.services.assignment_reach import reach_columns
from app.services.assignment_rows import AssignedRow, assigned_row, left_columns
from app.services.assignments import changeable_by
from app.services.teams import Scope

_ASSIGNMENT = Assignment.__table__


@dataclass(frozen=True)
class Withdrawal:
    """An assignment to withdraw, or withdrawn: `withdrawn_at` is None while it stands.

    `already` says a withdrawal found it withdrawn before (and changed nothing).
    """

    assignment: AssignedRow
    withdrawn_at: datetime | None = None
    already: bool = False


def to_withdraw(scope: Scope, assignment_id: int, catalogue: Catalogue) -> Withdrawal | None:
    """Return the assignment the manager asks to withdraw, or its withdrawal if it has gone;
    None when it is not one they may withdraw (the view answers 404)."""
    reach = reach_columns(scope, assignment_id)
    found = _shown(Assignment, Assignment.id, scope, assignment_id, catalogue, *reach)
    if found is not None:
        return Withdrawal(replace(found[0], earlier=found[1][0], own_dates=found[1][1]))
    return _withdrawn_before(scope, assignment_id, catalogue)


def withdraw(
    scope: Scope, assignment_id: int, actor_id: int, catalogue: Catalogue
) -> Withdrawal | None:
    """Withdraw an assignment the manager may withdraw; audited, in one transaction.

    Returns the withdrawal (`already` when it had been withdrawn before, and nothing was
    changed), or None when it is not one they may withdraw.
    """
    session = db.session()
    gone = session.execute(
        _ASSIGNMENT.delete()
        .where(_ASSIGNMENT.c.id == assignment_id, changeable_by(scope))
        .returning(*_ASSIGNMENT.c)
    ).first()
    if gone is None:
        return _withdrawn_before(scope, assignment_id, catalogue)
    kept = AssignmentWithdrawal(
        assignment_id=gone.id,
        organisation_id=gone.organisation_id,
        module_slug=gone.module_slug,
        target=gone.target,
        team_id=gone.team_id,
        profession=gone.profession,
        user_id=gone.user_id,
        due_on=gone.due_on,
        renew_months=gone.renew_months,
        assigned_by=gone.assigned_by,
        assigned_at=gone.assigned_at,
        module_title=gone.module_title,
        withdrawn_by=actor_id,
    )
    session.add(kept)
    audit.record(
        session,
        "assignment.withdrawn",
        actor_id=actor_id,
        assignment=gone.id,
        module=gone.module_slug,
        target=gone.target,
        due_on=gone.due_on.isoformat(),
        renew_months=gone.renew_months,
    )
    session.flush()
    found = _withdrawn(scope, gone.id, catalogue)
    session.commit()
    return found


def _withdrawn_before(scope: Scope, assignment_id: int, catalogue: Catalogue) -> Withdrawal | None:
    found = _withdrawn(scope, assignment_id, catalogue)
    return Withdrawal(found.assignment, found.withdrawn_at, already=True) if found else None


def _withdrawn(scope: Scope, assignment_id: int, catalogue: Catalogue) -> Withdrawal | None:
    found = _shown(
        AssignmentWithdrawal,
        AssignmentWithdrawal.assignment_id,
        scope,
        assignment_id,
        catalogue,
        AssignmentWithdrawal.withdrawn_at,
    )
    return Withdrawal(found[0], found[1][0]) if found else None


def _shown(table, key, scope: Scope, assignment_id: int, catalogue: Catalogue, *more):
    """Return the row of `table` (Assignment or AssignmentWithdrawal) as the manager's list
    shows it, with the columns `more` asks for, if the manager may withdraw it; else None."""
    person = User.__table__.alias("person")
    left, left_at = left_columns(person, table)
    row = (
        db.session()
        .execute(
            select(
                key,
                table.module_slug,
                table.profession,
                # A team deleted since keeps its withdrawals, which name it no more.
                case(
                    (and_(Team.id.is_(None), table.target.like("team:%")), "A team since deleted"),
                    else_=Team.name,
                ),
                person.c.full_name,
                table.due_on,
                table.renew_months,
                person.c.email,
                left.label("left"),
                left_at.label("left_at"),
                *more,
            )
            .outerjoin(Team, Team.id == table.team_id)
            .outerjoin(person, person.c.id == table.user_id)
            .where(key == assignment_id, changeable_by(scope, table))
        )
        .first()
    )
    if row is None:
        return None
    titles = module_titles.titles_of((row.module_slug,), catalogue)
    shown = assigned_row(
        *row[:7], catalogue, titles, email=row.email, left=row.left, left_at=row.left_at
    )
    return shown, tuple(row[10:])
