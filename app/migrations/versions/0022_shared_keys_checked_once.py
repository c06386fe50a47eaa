"""keys to shared parents checked once a statement, not once a row (PostgreSQL)

A grade inserts some twenty evidence rows and ten competency levels, and its count trigger
some ten dashboard_count_change rows. Four of their foreign keys point at rows every learner
grading at the same time shares: evidence.organisation_id and evidence.question_version,
competency_level.organisation_id and dashboard_count_change.organisation_id. PostgreSQL
checked each key of each row with a query of its own that also locked the parent row FOR
KEY SHARE, about forty queries a grade, and under concurrency the shared organisation row
gathered its lockers into MultiXacts. Here those four keys become triggers:

- The child: an AFTER INSERT trigger FOR EACH STATEMENT looks up the distinct keys of its
  new rows in one anti-join and raises foreign_key_violation naming the constraint and the
  missing key, as the constraint did; an AFTER UPDATE row trigger does the same for a row
  whose key changes (its WHEN is false on a re-rating, which keeps the organisation).
- The parent (organisation, question_version): deleting rows, changing a key or truncating
  is refused while a row refers to it, as NO ACTION refused it; dashboard_count_change
  rows go with their organisation, as ON DELETE CASCADE took them.

Why nothing can slip between the check and a concurrent delete, with no row lock:
- At READ COMMITTED (what the app runs), the parent's trigger first locks the child tables
  IN SHARE ROW EXCLUSIVE MODE, which conflicts with the ROW EXCLUSIVE lock any insert or
  update of a child holds until it commits. So either the writer came first, and the
  delete waits for it to commit and then (a new snapshot for each query of the trigger)
  sees its rows and refuses; or the delete came first, and the writer waits for it to
  commit, and its own check (again a new snapshot) finds the parent gone and refuses. The
  parent's trigger is refused outside READ COMMITTED, where its snapshot could miss rows
  committed after it began; nothing in the app deletes organisations or question versions.
- At REPEATABLE READ or SERIALIZABLE the child's check locks the distinct parents FOR KEY
  SHARE first (one row a key, not one a child row), as the constraint did: a parent
  deleted since the snapshot raises a serialization failure.
- TRUNCATE of a parent takes ACCESS EXCLUSIVE, which waits for every transaction that
  read it in a check; its AFTER trigger then finds any row still referring to it. (A
  TRUNCATE ... CASCADE of organisation reaches evidence and competency_level through
  user_account and attempt, whose keys stay constraints.)

SQLite keeps the constraints: its checks cost little. The models declare these four keys
for SQLite only (`ddl_if`).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence
from typing import NamedTuple

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class Key(NamedTuple):
    """A foreign key checked by triggers on PostgreSQL."""

    child: str
    column: str
    parent: str
    parent_column: str
    cascade: bool  # ON DELETE CASCADE; otherwise NO ACTION

    @property
    def name(self) -> str:
        return f"fk_{self.child}_{self.column}_{self.parent}"


KEYS = (
    Key("evidence", "organisation_id", "organisation", "id", False),
    Key("evidence", "question_version", "question_version", "hash", False),
    Key("competency_level", "organisation_id", "organisation", "id", False),
    Key("dashboard_count_change", "organisation_id", "organisation", "id", True),
)
CHILDREN = tuple(dict.fromkeys(k.child for k in KEYS))
PARENTS = tuple(dict.fromkeys(k.parent for k in KEYS))
READ_COMMITTED = "current_setting('transaction_isolation') = 'read committed'"


def _missing(key: Key, value: str) -> str:
    return (
        f'  RAISE EXCEPTION \'insert or update on table "{key.child}" violates foreign key'
        f' constraint "{key.name}"\'\n'
        f"    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{key.name}',"
        f" TABLE = '{key.child}',\n"
        f"    DETAIL = format('Key ({key.column})=(%s) is not present in table"
        f' "{key.parent}".\', {value});\n'
    )


def _referenced(key: Key, value: str) -> str:
    return (
        f'  RAISE EXCEPTION \'update or delete on table "{key.parent}" violates foreign key'
        f' constraint "{key.name}" on table "{key.child}"\'\n'
        f"    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{key.name}',"
        f" TABLE = '{key.child}',\n"
        f"    DETAIL = format('Key ({key.parent_column})=(%s) is still referenced from table"
        f' "{key.child}".\', {value});\n'
    )


def _child_functions(child: str) -> str:
    keys = [k for k in KEYS if k.child == child]
    locks = "".join(
        f"    PERFORM FROM {k.parent} WHERE {k.parent_column} IN"
        f" (SELECT {k.column} FROM new_rows) ORDER BY {k.parent_column} FOR KEY SHARE;\n"
        for k in keys
    )
    checks = "".join(
        f"  SELECT n.k::text INTO missing FROM (SELECT DISTINCT {k.column} AS k FROM new_rows) n\n"
        f"  WHERE n.k IS NOT NULL AND NOT EXISTS"
        f" (SELECT FROM {k.parent} p WHERE p.{k.parent_column} = n.k) LIMIT 1;\n"
        f"  IF FOUND THEN\n{_missing(k, 'missing')}  END IF;\n"
        for k in keys
    )
    row_locks = "".join(
        f"    PERFORM FROM {k.parent} WHERE {k.parent_column} = NEW.{k.column} FOR KEY SHARE;\n"
        for k in keys
    )
    row_checks = "".join(
        f"  IF NEW.{k.column} IS NOT NULL AND NOT EXISTS"
        f" (SELECT FROM {k.parent} WHERE {k.parent_column} = NEW.{k.column}) THEN\n"
        f"{_missing(k, f'NEW.{k.column}')}  END IF;\n"
        for k in keys
    )
    changed = " OR ".join(f"OLD.{k.column} IS DISTINCT FROM NEW.{k.column}" for k in keys)
    return f"""
CREATE FUNCTION {child}_keys_present() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
  IF NOT {READ_COMMITTED} THEN
{locks}  END IF;
{checks}  RETURN NULL;
END $$;

CREATE FUNCTION {child}_key_present() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT {READ_COMMITTED} THEN
{row_locks}  END IF;
{row_checks}  RETURN NULL;
END $$;

CREATE TRIGGER {child}_keys_present AFTER INSERT ON {child}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {child}_keys_present();
CREATE TRIGGER {child}_key_present AFTER UPDATE ON {child} FOR EACH ROW
  WHEN ({changed}) EXECUTE FUNCTION {child}_key_present();
"""


def _parent_functions(parent: str) -> str:
    keys = [k for k in KEYS if k.parent == parent]
    column = keys[0].parent_column
    children = ", ".join(dict.fromkeys(k.child for k in keys))
    guard = f"""  IF NOT {READ_COMMITTED} THEN
    RAISE EXCEPTION 'rows of {parent} are deleted or renumbered only at READ COMMITTED'
      USING ERRCODE = 'object_not_in_prerequisite_state', TABLE = '{parent}',
      HINT = 'Only there does the check for rows referring to them see every committed row.';
  END IF;
  LOCK TABLE {children} IN SHARE ROW EXCLUSIVE MODE;
"""
    deleted = "".join(
        f"  DELETE FROM {k.child} WHERE {k.column} IN (SELECT {column} FROM old_rows);\n"
        if k.cascade
        else f"  SELECT o.{column}::text INTO referrer FROM old_rows o WHERE EXISTS"
        f" (SELECT FROM {k.child} c WHERE c.{k.column} = o.{column}) LIMIT 1;\n"
        f"  IF FOUND THEN\n{_referenced(k, 'referrer')}  END IF;\n"
        for k in keys
    )
    renumbered = "".join(
        f"  IF EXISTS (SELECT FROM {k.child} WHERE {k.column} = OLD.{column}) THEN\n"
        f"{_referenced(k, f'OLD.{column}')}  END IF;\n"
        for k in keys
    )
    truncated = "".join(
        f"  DELETE FROM {k.child};\n"
        if k.cascade
        else f"  SELECT {k.column}::text INTO referrer FROM {k.child}"
        f" WHERE {k.column} IS NOT NULL LIMIT 1;\n"
        f"  IF FOUND THEN\n{_referenced(k, 'referrer')}  END IF;\n"
        for k in keys
    )
    return f"""
CREATE FUNCTION {parent}_rows_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  referrer text;
BEGIN
{guard}{deleted}  RETURN NULL;
END $$;

CREATE FUNCTION {parent}_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{guard}{renumbered}  RETURN NULL;
END $$;

CREATE FUNCTION {parent}_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  referrer text;
BEGIN
{guard}{truncated}  RETURN NULL;
END $$;

CREATE TRIGGER {parent}_rows_deleted AFTER DELETE ON {parent}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {parent}_rows_deleted();
CREATE TRIGGER {parent}_key_changed AFTER UPDATE OF {column} ON {parent} FOR EACH ROW
  WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) EXECUTE FUNCTION {parent}_key_changed();
CREATE TRIGGER {parent}_truncated AFTER TRUNCATE ON {parent}
  FOR EACH STATEMENT EXECUTE FUNCTION {parent}_truncated();
"""


# The triggers and their functions, by table: what upgrade adds and downgrade drops.
TRIGGERS = {
    **{child: (f"{child}_keys_present", f"{child}_key_present") for child in CHILDREN},
    **{
        parent: (f"{parent}_rows_deleted", f"{parent}_key_changed", f"{parent}_truncated")
        for parent in PARENTS
    },
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for key in KEYS:
        op.drop_constraint(key.name, key.child, type_="foreignkey")
    op.execute(
        "".join(_child_functions(c) for c in CHILDREN)
        + "".join(_parent_functions(p) for p in PARENTS)
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "".join(
            f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();\n"
            for table, names in TRIGGERS.items()
            for name in names
        )
    )
    for key in KEYS:
        op.create_foreign_key(
            key.name,
            key.child,
            key.parent,
            [key.column],
            [key.parent_column],
            ondelete="CASCADE" if key.cascade else None,
        )
