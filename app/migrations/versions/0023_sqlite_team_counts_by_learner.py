"""SQLite's team triggers read only the learner's counted rows, not every learner's

When a learner joins, leaves or changes team, a trigger moves what they add to the
dashboard's counts (their own row, their ratings, their passes: the dashboard_counted
view) from the old team to the new. On SQLite the triggers of 0017 found those rows by
joining the view to the learner (`c.user_id = u.id`, `u.id = NEW.user_id`); SQLite passes a
constant through such a join into the view's three parts, but not a trigger's NEW or OLD
value, so each team change read the view whole. At 10,000 learners every placement took
about 80 ms and `seed-demo --practices` ran for over ten minutes. The learner is now named
to the view as well (`c.user_id = NEW.user_id`): each part is read through its index on
user_id, about 0.1 ms. The rows written are the same. PostgreSQL carries the equality into
the view itself, so its trigger is left as it is.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0017.
COLUMNS = "organisation_id, team_id, profession, kind, key, value, change"
LEARNER = "u.role = 'learner' AND u.organisation_id IS NOT NULL"


def _moved(learner: str, left_team: str, joined_team: str, *, named: bool) -> str:
    """Return the insert moving a learner's counted rows between teams (0017's, or named)."""
    view_learner = f" AND c.user_id = {learner}" if named else ""
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, moved.team_id, u.profession, c.kind, c.key, c.value,
         moved.sign * count(*)
  FROM user_account u
  JOIN dashboard_counted c ON c.user_id = u.id
  JOIN (SELECT {left_team} AS team_id, -1 AS sign UNION ALL SELECT {joined_team}, 1) AS moved
  WHERE u.id = {learner}{view_learner} AND {LEARNER}
  GROUP BY u.organisation_id, moved.team_id, u.profession, moved.sign, c.kind, c.key, c.value;"""


def _triggers(*, named: bool) -> list[str]:
    return [
        "CREATE TRIGGER team_counts_joined AFTER INSERT ON team_member BEGIN"
        f"{_moved('NEW.user_id', 'NULL', 'NEW.team_id', named=named)}\nEND",
        "CREATE TRIGGER team_counts_left AFTER DELETE ON team_member BEGIN"
        f"{_moved('OLD.user_id', 'OLD.team_id', 'NULL', named=named)}\nEND",
        "CREATE TRIGGER team_counts_changed AFTER UPDATE OF user_id, team_id ON team_member"
        " WHEN OLD.team_id IS NOT NEW.team_id OR OLD.user_id <> NEW.user_id BEGIN"
        f"{_moved('OLD.user_id', 'OLD.team_id', 'NULL', named=named)}"
        f"{_moved('NEW.user_id', 'NULL', 'NEW.team_id', named=named)}\nEND",
    ]


def _replace(*, named: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("team_counts_joined", "team_counts_left", "team_counts_changed"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _triggers(named=named):
        op.execute(statement)


def upgrade() -> None:
    _replace(named=True)


def downgrade() -> None:
    _replace(named=False)
