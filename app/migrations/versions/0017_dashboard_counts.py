"""the manager dashboard's counts, kept by triggers as ratings, passes and learners change

dashboard_count_change holds +n / -n rows per organisation, team and profession of what
the dashboard counts: learners ('learner'), ratings by competency and level ('level': key
the code, value the level) and module quiz passes by month ('passed': key the quiz's item
key, value 'YYYY-MM'). The dashboard sums an organisation's rows instead of counting its
millions of ratings and completions. The view dashboard_counted lists what each learner
adds (their own row, their ratings, their passes).

Triggers write the rows in the transaction of the change, so every path keeps the counts,
whatever code makes it:

- competency_level and completion insert, update, delete, user_account insert: the
  learner's key at that moment (on PostgreSQL once per statement, from its transition
  tables: a batch of a million ratings costs one grouped insert);
- team_member insert, update, delete and user_account updates of organisation, role or
  profession: everything the learner adds moves from the old key to the new;
- a user_account row deleted: its ratings and passes go first (so their removal is
  counted), then the learner.

On PostgreSQL a trigger counting ratings or passes waits for any change to the learners'
key to commit (FOR SHARE on the learner rows; a key change holds the row's update lock),
so two transactions never count under keys neither leaves. Only learners (role
'learner') with an organisation are counted, as the dashboard shows only them.

On PostgreSQL the grid's name index also carries the profession (INCLUDE), so a page deep
in the grid sorted by competencies met is read from the index alone.

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

COLUMNS = "organisation_id, team_id, profession, kind, key, value, change"
LEARNER = "u.role = 'learner' AND u.organisation_id IS NOT NULL"
QUIZ = "item_key LIKE 'quiz:%'"
MONTH = {
    "postgresql": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM')",
    "sqlite": "strftime('%Y-%m', {})",
}


def _view(dialect: str) -> str:
    month = MONTH[dialect].format("completed_at")
    text = "varchar" if dialect == "postgresql" else "text"
    return f"""
CREATE VIEW dashboard_counted AS
SELECT id AS user_id, CAST('learner' AS {text}) AS kind, CAST('' AS {text}) AS key,
       CAST('' AS {text}) AS value
FROM user_account
UNION ALL
SELECT user_id, 'level', competency_code, level FROM competency_level
UNION ALL
SELECT user_id, 'passed', item_key, {month} FROM completion WHERE {QUIZ}"""


# Everything counted, under each learner's key: the migration's starting point.
RECOUNT = f"""
INSERT INTO dashboard_count_change ({COLUMNS})
SELECT u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value, count(*)
FROM dashboard_counted c
JOIN user_account u ON u.id = c.user_id
LEFT JOIN team_member m ON m.user_id = u.id
WHERE {LEARNER}
GROUP BY u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value
"""


def _counted(rows: str) -> str:
    # Insert the changes `rows` (user_id, kind, key, value, change) under each learner's
    # key, netted per key.
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value, sum(c.change)
  FROM ({rows}) AS c
  JOIN user_account u ON u.id = c.user_id
  LEFT JOIN team_member m ON m.user_id = u.id
  WHERE {LEARNER}
  GROUP BY u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value
  HAVING sum(c.change) <> 0;"""


def _lock(users: str) -> str:
    return f"  PERFORM 1 FROM user_account WHERE id IN ({users}) ORDER BY id FOR SHARE;"


# What one row of each table adds, from a transition table, with a sign.
ADDS = {
    "competency_level": "SELECT user_id, 'level' AS kind, competency_code AS key, "
    "level AS value, {sign} AS change FROM {rows}",
    "completion": "SELECT user_id, 'passed' AS kind, item_key AS key, "
    + MONTH["postgresql"].format("completed_at")
    + " AS value, {sign} AS change FROM {rows} WHERE "
    + QUIZ,
}


def _postgresql_table(table: str) -> str:
    added = ADDS[table].format(sign=1, rows="new_rows")
    removed = ADDS[table].format(sign=-1, rows="old_rows")
    return f"""
CREATE FUNCTION {table}_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_lock("SELECT user_id FROM new_rows")}
{_counted(added)}
  RETURN NULL;
END $$;

CREATE FUNCTION {table}_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_lock("SELECT user_id FROM old_rows")}
{_counted(removed)}
  RETURN NULL;
END $$;

CREATE FUNCTION {table}_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_lock("SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows")}
{_counted(added + " UNION ALL " + removed)}
  RETURN NULL;
END $$;

CREATE TRIGGER {table}_counts_added AFTER INSERT ON {table}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {table}_counts_added();
CREATE TRIGGER {table}_counts_removed AFTER DELETE ON {table}
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {table}_counts_removed();
CREATE TRIGGER {table}_counts_changed AFTER UPDATE ON {table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {table}_counts_changed();
"""


NEW_LEARNERS = (
    "SELECT id AS user_id, 'learner' AS kind, '' AS key, '' AS value, 1 AS change FROM new_rows"
)
POSTGRESQL = (
    _postgresql_table("competency_level")
    + _postgresql_table("completion")
    + f"""
CREATE FUNCTION learner_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_counted(NEW_LEARNERS)}
  RETURN NULL;
END $$;

CREATE TRIGGER learner_counts_added AFTER INSERT ON user_account
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_counts_added();

-- What a learner adds moves from the key they had to the one they have (their team as it
-- stands: a team change counts its own move).
CREATE FUNCTION learner_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  team integer := (SELECT team_id FROM team_member WHERE user_id = NEW.id);
BEGIN
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT moved.organisation_id, team, moved.profession, c.kind, c.key, c.value,
         moved.sign * count(*)
  FROM dashboard_counted c
  CROSS JOIN (VALUES (OLD.organisation_id, OLD.profession, OLD.role, -1),
                     (NEW.organisation_id, NEW.profession, NEW.role, 1))
    AS moved(organisation_id, profession, role, sign)
  WHERE c.user_id = NEW.id AND moved.role = 'learner' AND moved.organisation_id IS NOT NULL
  GROUP BY moved.organisation_id, moved.profession, moved.sign, c.kind, c.key, c.value;
  RETURN NULL;
END $$;

CREATE TRIGGER learner_counts_moved
  AFTER UPDATE OF organisation_id, role, profession ON user_account FOR EACH ROW
  WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
        OR OLD.role IS DISTINCT FROM NEW.role OR OLD.profession IS DISTINCT FROM NEW.profession)
  EXECUTE FUNCTION learner_counts_moved();

CREATE FUNCTION team_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
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
  -- Wait for ratings or passes being written for the learner to commit, then move all.
  PERFORM 1 FROM user_account WHERE id = learner FOR NO KEY UPDATE;
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, moved.team_id, u.profession, c.kind, c.key, c.value,
         moved.sign * count(*)
  FROM user_account u
  JOIN dashboard_counted c ON c.user_id = u.id
  CROSS JOIN (VALUES (left_team, -1), (joined_team, 1)) AS moved(team_id, sign)
  WHERE u.id = learner AND {LEARNER}
  GROUP BY u.organisation_id, moved.team_id, u.profession, moved.sign, c.kind, c.key, c.value;
  RETURN NULL;
END $$;

CREATE TRIGGER team_counts_moved AFTER INSERT OR DELETE ON team_member
  FOR EACH ROW EXECUTE FUNCTION team_counts_moved();
CREATE TRIGGER team_counts_changed AFTER UPDATE OF user_id, team_id ON team_member
  FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.user_id <> NEW.user_id)
  EXECUTE FUNCTION team_counts_moved();

CREATE FUNCTION learner_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM competency_level WHERE user_id = OLD.id;
  DELETE FROM completion WHERE user_id = OLD.id;
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT OLD.organisation_id, (SELECT team_id FROM team_member WHERE user_id = OLD.id),
         OLD.profession, 'learner', '', '', -1
  WHERE OLD.role = 'learner' AND OLD.organisation_id IS NOT NULL;
  RETURN OLD;
END $$;

CREATE TRIGGER learner_counts_removed BEFORE DELETE ON user_account
  FOR EACH ROW EXECUTE FUNCTION learner_counts_removed();
"""
)


def _sqlite_counted(user: str, kind: str, key: str, value: str, change: str) -> str:
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, (SELECT m.team_id FROM team_member m WHERE m.user_id = u.id),
         u.profession, '{kind}', {key}, {value}, {change}
  FROM user_account u WHERE u.id = {user} AND {LEARNER};"""


def _sqlite_moved(learner: str, left_team: str, joined_team: str) -> str:
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, moved.team_id, u.profession, c.kind, c.key, c.value,
         moved.sign * count(*)
  FROM user_account u
  JOIN dashboard_counted c ON c.user_id = u.id
  JOIN (SELECT {left_team} AS team_id, -1 AS sign UNION ALL SELECT {joined_team}, 1) AS moved
  WHERE u.id = {learner} AND {LEARNER}
  GROUP BY u.organisation_id, moved.team_id, u.profession, moved.sign, c.kind, c.key, c.value;"""


def _sqlite_learner(row: str, sign: int) -> str:
    team = f"(SELECT team_id FROM team_member WHERE user_id = {row}.id)"
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT {row}.organisation_id, {team}, {row}.profession, kind, key, value, {sign} * count(*)
  FROM dashboard_counted
  WHERE user_id = {row}.id AND {row}.role = 'learner' AND {row}.organisation_id IS NOT NULL
  GROUP BY kind, key, value;"""


def _sqlite_level(row: str, sign: str) -> str:
    return _sqlite_counted(
        f"{row}.user_id", "level", f"{row}.competency_code", f"{row}.level", sign
    )


def _sqlite_pass(row: str, sign: str) -> str:
    month = MONTH["sqlite"].format(f"{row}.completed_at")
    counted = _sqlite_counted(f"{row}.user_id", "passed", f"{row}.item_key", month, sign)
    return counted.rstrip(";") + f" AND {row}.{QUIZ};"


SQLITE = [
    f"CREATE TRIGGER competency_level_counts_added AFTER INSERT ON competency_level BEGIN"
    f"{_sqlite_level('NEW', '1')}\nEND",
    f"CREATE TRIGGER competency_level_counts_removed AFTER DELETE ON competency_level BEGIN"
    f"{_sqlite_level('OLD', '-1')}\nEND",
    "CREATE TRIGGER competency_level_counts_changed"
    " AFTER UPDATE OF user_id, competency_code, level ON competency_level"
    " WHEN OLD.user_id <> NEW.user_id OR OLD.competency_code <> NEW.competency_code"
    " OR OLD.level <> NEW.level BEGIN"
    f"{_sqlite_level('OLD', '-1')}{_sqlite_level('NEW', '1')}\nEND",
    f"CREATE TRIGGER completion_counts_added AFTER INSERT ON completion BEGIN"
    f"{_sqlite_pass('NEW', '1')}\nEND",
    f"CREATE TRIGGER completion_counts_removed AFTER DELETE ON completion BEGIN"
    f"{_sqlite_pass('OLD', '-1')}\nEND",
    "CREATE TRIGGER completion_counts_changed"
    " AFTER UPDATE OF user_id, item_key, completed_at ON completion BEGIN"
    f"{_sqlite_pass('OLD', '-1')}{_sqlite_pass('NEW', '1')}\nEND",
    "CREATE TRIGGER learner_counts_added AFTER INSERT ON user_account BEGIN"
    f"{_sqlite_counted('NEW.id', 'learner', chr(39) * 2, chr(39) * 2, '1')}\nEND",
    "CREATE TRIGGER learner_counts_moved"
    " AFTER UPDATE OF organisation_id, role, profession ON user_account"
    " WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.role IS NOT NEW.role"
    " OR OLD.profession IS NOT NEW.profession BEGIN"
    f"{_sqlite_learner('OLD', -1)}{_sqlite_learner('NEW', 1)}\nEND",
    "CREATE TRIGGER team_counts_joined AFTER INSERT ON team_member BEGIN"
    f"{_sqlite_moved('NEW.user_id', 'NULL', 'NEW.team_id')}\nEND",
    "CREATE TRIGGER team_counts_left AFTER DELETE ON team_member BEGIN"
    f"{_sqlite_moved('OLD.user_id', 'OLD.team_id', 'NULL')}\nEND",
    "CREATE TRIGGER team_counts_changed AFTER UPDATE OF user_id, team_id ON team_member"
    " WHEN OLD.team_id IS NOT NEW.team_id OR OLD.user_id <> NEW.user_id BEGIN"
    f"{_sqlite_moved('OLD.user_id', 'OLD.team_id', 'NULL')}"
    f"{_sqlite_moved('NEW.user_id', 'NULL', 'NEW.team_id')}\nEND",
    f"""CREATE TRIGGER learner_counts_removed BEFORE DELETE ON user_account BEGIN
  DELETE FROM competency_level WHERE user_id = OLD.id;
  DELETE FROM completion WHERE user_id = OLD.id;
{_sqlite_counted("OLD.id", "learner", "''", "''", "-1")}
END""",
]

TRIGGERS = (
    *(
        (table, f"{table}_counts_{event}")
        for table in ("competency_level", "completion")
        for event in ("added", "removed", "changed")
    ),
    ("user_account", "learner_counts_added"),
    ("user_account", "learner_counts_moved"),
    ("user_account", "learner_counts_removed"),
    ("team_member", "team_counts_moved"),
    ("team_member", "team_counts_changed"),
    ("team_member", "team_counts_joined"),
    ("team_member", "team_counts_left"),
)
FUNCTIONS = (
    *(
        f"{table}_counts_{event}"
        for table in ("competency_level", "completion")
        for event in ("added", "removed", "changed")
    ),
    "learner_counts_added",
    "learner_counts_moved",
    "learner_counts_removed",
    "team_counts_moved",
)


def upgrade() -> None:
    op.create_table(
        "dashboard_count_change",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("profession", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_dashboard_count_change_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_count_change")),
    )
    op.create_index(
        "ix_dashboard_count_change_organisation_kind",
        "dashboard_count_change",
        ["organisation_id", "kind"],
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The grid's name index carries the profession: a page deep in the grid, which
        # keeps the learners of a framework's professions, is read from the index alone.
        op.drop_index("ix_user_account_org_role_name", table_name="user_account")
        op.create_index(
            "ix_user_account_org_role_name",
            "user_account",
            ["organisation_id", "role", "full_name", "id"],
            postgresql_include=["profession"],
        )
    op.execute(_view(dialect))
    op.execute(RECOUNT)
    if dialect == "postgresql":
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
    op.execute("DROP VIEW dashboard_counted")
    if postgresql:
        op.drop_index("ix_user_account_org_role_name", table_name="user_account")
        op.create_index(
            "ix_user_account_org_role_name",
            "user_account",
            ["organisation_id", "role", "full_name", "id"],
        )
    op.drop_index(
        "ix_dashboard_count_change_organisation_kind", table_name="dashboard_count_change"
    )
    op.drop_table("dashboard_count_change")
