"""team names are unique in their organisation whatever their case and spacing; leavers keep
the id of the team they left

Teams can now be renamed and deleted (services/teams.py). Two changes make that safe:

- team.name_key holds the name's key (domain/names.py: team_name_key: spaces folded, one
  Unicode form, case folded), unique within the organisation, so "elm street surgery" can
  no longer stand beside "Elm Street Surgery", also when two requests add them at once.
  Existing teams get their key here, computed in Python as the application computes it;
  where two existing names of an organisation already share a key, the older team (the
  lower id) gets it and the later keeps none: nothing is renamed, and renaming that team
  gives it its key.
- organisation_leaver.team_id names the team the leaver left. A manager confined to teams
  saw leavers by the name of the team they left, so renaming a team would have hidden its
  leavers from its managers; the id does not change with the name. Filled here from the
  recorded team_name in the leaver's organisation; it is emptied (ON DELETE SET NULL) if
  the team is deleted, and team_name keeps what was recorded.

On SQLite the team table is rebuilt with AUTOINCREMENT, as 0028 did for assignments:
SQLite otherwise gives a deleted team's id to the next team made, and a stale form about the
deleted team (a rename from another tab) would reach the new one.

Downgrade drops both columns (and the key's unique constraint), and on SQLite rebuilds team
without AUTOINCREMENT.

Revision ID: 0037
Revises: 0036
Create Date: 2027-01-10 12:00:00
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEAM = sa.table(
    "team",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
)


def _key(name: str) -> str:
    # As domain/names.py: team_name_key computes it today (kept here as it was then): runs
    # of spaces (not tabs or line breaks) made one, none around, one Unicode form, folded.
    spaces = re.compile(r"[^\S\t\n\r\f\v\x1c-\x1f\x85\u2028\u2029]+")
    return unicodedata.normalize("NFC", spaces.sub(" ", name).strip(" ")).casefold()


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
    connection = op.get_bind()
    taken: set[tuple[int, str]] = set()
    rows = connection.execute(
        sa.select(_TEAM.c.id, _TEAM.c.organisation_id, _TEAM.c.name).order_by(_TEAM.c.id)
    ).all()
    for team_id, organisation_id, name in rows:
        key = (organisation_id, _key(name))
        if key in taken:
            continue  # a later team whose name clashes with an older one's: none
        taken.add(key)
        connection.execute(sa.update(_TEAM).where(_TEAM.c.id == team_id).values(name_key=key[1]))
    sqlite = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
    with op.batch_alter_table("team", schema=None, **_on_sqlite(sqlite)) as batch_op:
        batch_op.create_unique_constraint("uq_team_name_key", ["organisation_id", "name_key"])
    with op.batch_alter_table("organisation_leaver", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_organisation_leaver_team_id_team"),
            "team",
            ["team_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        """
        UPDATE organisation_leaver SET team_id = (
            SELECT team.id FROM team
            WHERE team.organisation_id = organisation_leaver.organisation_id
              AND team.name = organisation_leaver.team_name
        )
        WHERE team_name IS NOT NULL
        """
    )


def _on_sqlite(options: dict) -> dict:
    return options if op.get_bind().dialect.name == "sqlite" else {}


def downgrade() -> None:
    with op.batch_alter_table("organisation_leaver", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_organisation_leaver_team_id_team"), type_="foreignkey")
        batch_op.drop_column("team_id")
    sqlite = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": False}}
    with op.batch_alter_table("team", schema=None, **_on_sqlite(sqlite)) as batch_op:
        batch_op.drop_constraint("uq_team_name_key", type_="unique")
        batch_op.drop_column("name_key")
