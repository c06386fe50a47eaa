"""the manager dashboard's level counts, kept by triggers as ratings change

level_count_change holds +n / -n rows per organisation, team, profession, competency and
level; the dashboard sums an organisation's rows instead of counting its millions of
ratings. Triggers write the rows in the transaction of the change, so every path that
writes a rating, and every move of a learner between teams or organisations or change of
role or profession, keeps the counts, whatever code makes it:

- competency_level insert, update, delete: the learner's key at that moment (on PostgreSQL
  once per statement, from its transition tables: a batch of a million ratings costs one
  grouped insert);
- team_member insert, update, delete and user_account updates of organisation, role or
  profession: the learner's ratings move from the old key to the new;
- a user_account row deleted: its ratings go first, so their removal is counted.

On PostgreSQL a trigger counting ratings waits for any change to the learners' key to
commit (FOR SHARE on the learner rows; a key change holds the row's update lock), so two
transactions never count under keys neither will leave. Only learners (role 'learner')
with an organisation are counted, as the dashboard shows only them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "organisation_id, team_id, profession, competency_code, level, change"
LEARNER = "u.role = 'learner' AND u.organisation_id IS NOT NULL"

# Every rating counted under its learner's key: the migration's starting point.
RECOUNT = f"""
INSERT INTO level_count_change ({COLUMNS})
SELECT u.organisation_id, m.team_id, u.profession, l.competency_code, l.level, count(*)
FROM competency_level l
JOIN user_account u ON u.id = l.user_id
LEFT JOIN team_member m ON m.user_id = u.id
WHERE {LEARNER}
GROUP BY u.organisation_id, m.team_id, u.profession, l.competency_code, l.level
"""


def _counted(rows: str) -> str:
    # Insert the changes `rows` (user_id, competency_code, level, change) under each
    # learner's key, netted per key.
    return f"""
  INSERT INTO level_count_change ({COLUMNS})
  SELECT u.organisation_id, m.team_id, u.profession, c.competency_code, c.level, sum(c.change)
  FROM ({rows}) AS c
  JOIN user_account u ON u.id = c.user_id
  LEFT JOIN team_member m ON m.user_id = u.id
  WHERE {LEARNER}
  GROUP BY u.organisation_id, m.team_id, u.profession, c.competency_code, c.level
  HAVING sum(c.change) <> 0;"""


def _lock(users: str) -> str:
    return f"  PERFORM 1 FROM user_account WHERE id IN ({users}) ORDER BY id FOR SHARE;"


ADDED = "SELECT user_id, competency_code, level, 1 AS change FROM new_rows"
REMOVED = "SELECT user_id, competency_code, level, -1 AS change FROM old_rows"

POSTGRESQL = f"""
CREATE FUNCTION level_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_lock("SELECT user_id FROM new_rows")}
{_counted(ADDED)}
  RETURN NULL;
END $$;

CREATE FUNCTION level_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_lock("SELECT user_id FROM old_rows")}
{_counted(REMOVED)}
  RETURN NULL;
END $$;

CREATE FUNCTION level_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_lock("SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows")}
{_counted(ADDED + " UNION ALL " + REMOVED)}
  RETURN NULL;
END $$;

CREATE TRIGGER level_counts_added AFTER INSERT ON competency_level
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION level_counts_added();
CREATE TRIGGER level_counts_removed AFTER DELETE ON competency_level
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION level_counts_removed();
CREATE TRIGGER level_counts_changed AFTER UPDATE ON competency_level
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION level_counts_changed();

-- A learner's ratings move from the key they had to the one they have (their team as it
-- stands: a team change counts its own move).
CREATE FUNCTION level_counts_follow_learner() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  team integer := (SELECT team_id FROM team_member WHERE user_id = NEW.id);
BEGIN
  INSERT INTO level_count_change ({COLUMNS})
  SELECT moved.organisation_id, team, moved.profession, l.competency_code, l.level,
         moved.sign * count(*)
  FROM competency_level l
  CROSS JOIN (VALUES (OLD.organisation_id, OLD.profession, OLD.role, -1),
                     (NEW.organisation_id, NEW.profession, NEW.role, 1))
    AS moved(organisation_id, profession, role, sign)
  WHERE l.user_id = NEW.id AND moved.role = 'learner' AND moved.organisation_id IS NOT NULL
  GROUP BY moved.organisation_id, moved.profession, moved.sign, l.competency_code, l.level;
  RETURN NULL;
END $$;

CREATE TRIGGER level_counts_follow_learner
  AFTER UPDATE OF organisation_id, role, profession ON user_account FOR EACH ROW
  WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
        OR OLD.role IS DISTINCT FROM NEW.role OR OLD.profession IS DISTINCT FROM NEW.profession)
  EXECUTE FUNCTION level_counts_follow_learner();

CREATE FUNCTION level_counts_follow_team() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  learner integer;
  left_team integer;
  joined_team integer;
BEGIN
  IF TG_OP = 'INSERT' THEN
    learner := NEW.user_id; joined_team := NEW.team_id;
  ELSIF TG_OP = 'DELETE' THEN
    learner := OLD.user_id; left_team := OLD.team_id;
  ELSE
    learner := NEW.user_id; left_team := OLD.team_id; joined_team := NEW.team_id;
  END IF;
  -- Wait for ratings being written for the learner to commit, then move them all.
  PERFORM 1 FROM user_account WHERE id = learner FOR NO KEY UPDATE;
  INSERT INTO level_count_change ({COLUMNS})
  SELECT u.organisation_id, moved.team_id, u.profession, l.competency_code, l.level,
         moved.sign * count(*)
  FROM user_account u
  JOIN competency_level l ON l.user_id = u.id
  CROSS JOIN (VALUES (left_team, -1), (joined_team, 1)) AS moved(team_id, sign)
  WHERE u.id = learner AND {LEARNER}
  GROUP BY u.organisation_id, moved.team_id, u.profession, moved.sign, l.competency_code,
           l.level;
  RETURN NULL;
END $$;

CREATE TRIGGER level_counts_follow_team AFTER INSERT OR DELETE ON team_member
  FOR EACH ROW EXECUTE FUNCTION level_counts_follow_team();
CREATE TRIGGER level_counts_follow_team_change AFTER UPDATE OF user_id, team_id ON team_member
  FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.user_id <> NEW.user_id)
  EXECUTE FUNCTION level_counts_follow_team();

CREATE FUNCTION level_counts_learner_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM competency_level WHERE user_id = OLD.id;
  RETURN OLD;
END $$;

CREATE TRIGGER level_counts_learner_removed BEFORE DELETE ON user_account
  FOR EACH ROW EXECUTE FUNCTION level_counts_learner_removed();
"""


def _sqlite_counted(user: str, code: str, level: str, change: str) -> str:
    return f"""
  INSERT INTO level_count_change ({COLUMNS})
  SELECT u.organisation_id, (SELECT m.team_id FROM team_member m WHERE m.user_id = u.id),
         u.profession, {code}, {level}, {change}
  FROM user_account u WHERE u.id = {user} AND {LEARNER};"""


def _sqlite_moved(learner: str, left_team: str, joined_team: str) -> str:
    return f"""
  INSERT INTO level_count_change ({COLUMNS})
  SELECT u.organisation_id, moved.team_id, u.profession, l.competency_code, l.level,
         moved.sign * count(*)
  FROM user_account u
  JOIN competency_level l ON l.user_id = u.id
  JOIN (SELECT {left_team} AS team_id, -1 AS sign UNION ALL SELECT {joined_team}, 1) AS moved
  WHERE u.id = {learner} AND {LEARNER}
  GROUP BY u.organisation_id, moved.team_id, u.profession, moved.sign, l.competency_code,
           l.level;"""


def _sqlite_learner(row: str, sign: int) -> str:
    team = f"(SELECT team_id FROM team_member WHERE user_id = {row}.id)"
    return f"""
  INSERT INTO level_count_change ({COLUMNS})
  SELECT {row}.organisation_id, {team}, {row}.profession, competency_code, level,
         {sign} * count(*)
  FROM competency_level
  WHERE user_id = {row}.id AND {row}.role = 'learner' AND {row}.organisation_id IS NOT NULL
  GROUP BY competency_code, level;"""


SQLITE = [
    f"""CREATE TRIGGER level_counts_added AFTER INSERT ON competency_level BEGIN
{_sqlite_counted("NEW.user_id", "NEW.competency_code", "NEW.level", "1")}
END""",
    f"""CREATE TRIGGER level_counts_removed AFTER DELETE ON competency_level BEGIN
{_sqlite_counted("OLD.user_id", "OLD.competency_code", "OLD.level", "-1")}
END""",
    f"""CREATE TRIGGER level_counts_changed
AFTER UPDATE OF user_id, competency_code, level ON competency_level
WHEN OLD.user_id <> NEW.user_id OR OLD.competency_code <> NEW.competency_code
  OR OLD.level <> NEW.level
BEGIN
{_sqlite_counted("OLD.user_id", "OLD.competency_code", "OLD.level", "-1")}
{_sqlite_counted("NEW.user_id", "NEW.competency_code", "NEW.level", "1")}
END""",
    f"""CREATE TRIGGER level_counts_follow_learner
AFTER UPDATE OF organisation_id, role, profession ON user_account
WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.role IS NOT NEW.role
  OR OLD.profession IS NOT NEW.profession
BEGIN
{_sqlite_learner("OLD", -1)}
{_sqlite_learner("NEW", 1)}
END""",
    f"""CREATE TRIGGER level_counts_team_joined AFTER INSERT ON team_member BEGIN
{_sqlite_moved("NEW.user_id", "NULL", "NEW.team_id")}
END""",
    f"""CREATE TRIGGER level_counts_team_left AFTER DELETE ON team_member BEGIN
{_sqlite_moved("OLD.user_id", "OLD.team_id", "NULL")}
END""",
    f"""CREATE TRIGGER level_counts_team_changed AFTER UPDATE OF user_id, team_id ON team_member
WHEN OLD.team_id IS NOT NEW.team_id OR OLD.user_id <> NEW.user_id
BEGIN
{_sqlite_moved("OLD.user_id", "OLD.team_id", "NULL")}
{_sqlite_moved("NEW.user_id", "NULL", "NEW.team_id")}
END""",
    """CREATE TRIGGER level_counts_learner_removed BEFORE DELETE ON user_account BEGIN
  DELETE FROM competency_level WHERE user_id = OLD.id;
END""",
]

TRIGGERS = (
    ("competency_level", "level_counts_added"),
    ("competency_level", "level_counts_removed"),
    ("competency_level", "level_counts_changed"),
    ("user_account", "level_counts_follow_learner"),
    ("team_member", "level_counts_follow_team"),
    ("team_member", "level_counts_follow_team_change"),
    ("team_member", "level_counts_team_joined"),
    ("team_member", "level_counts_team_left"),
    ("team_member", "level_counts_team_changed"),
    ("user_account", "level_counts_learner_removed"),
)
FUNCTIONS = (
    "level_counts_added",
    "level_counts_removed",
    "level_counts_changed",
    "level_counts_follow_learner",
    "level_counts_follow_team",
    "level_counts_learner_removed",
)


def upgrade() -> None:
    op.create_table(
        "level_count_change",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("profession", sa.String(length=40), nullable=True),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_level_count_change_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_level_count_change")),
    )
    op.create_index("ix_level_count_change_organisation", "level_count_change", ["organisation_id"])
    op.execute(RECOUNT)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL)
    else:
        for statement in SQLITE:
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for name in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_level_count_change_organisation", table_name="level_count_change")
    op.drop_table("level_count_change")
