"""Erased learners leave their organisation

Erasing an account anonymised it but left it in its organisation and team, so managers
went on counting "Erased account" among their learners: on the dashboard, the compliance
matrix, the team counts, the CSV and the weekly summary, with a learner page offering
actions on nobody. Erasure now takes the learner out as a manager's removal does (a leaver
row for the organisation's audit; the figures drop them), in the same transaction.

Existing rows. Every learner erased before this revision who is still in an organisation
leaves it here the same way: a leaver row dated when they were erased (naming the team
they were in, removed by nobody), their team place deleted, their stored ratings and
their account taken out of the organisation. The dashboard's kept counts move with them
through the usual triggers. Managers keep their organisation (a manager's account must
have one, and managers are not counted as learners). Evidence keeps the organisation it
was recorded in: that is history.

Downgrade leaves the rows as they are: the learners were erased, and putting them back
among an organisation's learners would be the defect this fixes.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None



def _erased_in_an_organisation(user: str = "user_account") -> str:
    return (
        f"{user}.erased_at IS NOT NULL AND {user}.organisation_id IS NOT NULL"
        f" AND {user}.role <> 'manager'"
    )


def upgrade() -> None:
    op.execute(
        f"""
        INSERT INTO organisation_leaver (organisation_id, user_id, team_name, removed_by, left_at)
        SELECT u.organisation_id, u.id, t.name, NULL, u.erased_at
        FROM user_account u
        LEFT JOIN team_member m ON m.user_id = u.id
        LEFT JOIN team t ON t.id = m.team_id
        WHERE {_erased_in_an_organisation("u")}
        """
    )
    erased = f"SELECT id FROM user_account WHERE {_erased_in_an_organisation()}"
    op.execute(f"DELETE FROM team_member WHERE user_id IN ({erased})")
    op.execute(f"UPDATE competency_level SET organisation_id = NULL WHERE user_id IN ({erased})")
    op.execute(
        f"UPDATE user_account SET organisation_id = NULL WHERE {_erased_in_an_organisation()}"
    )


def downgrade() -> None:
    pass  # see the docstring: erased learners stay out of their organisations
