"""a grade's foreign keys checked once a statement, not once a row (PostgreSQL)

A grade inserts some fourteen answers, twenty evidence rows and ten competency levels, and
its count trigger some ten dashboard_count_change rows. PostgreSQL checked each key of each
row with a query of its own that also locked the parent row FOR KEY SHARE: about a hundred
queries a grade, and under concurrency the organisation row every learner of it shares
gathered its lockers into MultiXacts. These keys become triggers:

- shared parents: evidence.organisation_id, evidence.question_version,
  competency_level.organisation_id, dashboard_count_change.organisation_id;
- the grade's own parents: answer.attempt_id, evidence (attempt_id, user_id) to attempt
  (id, user_id), competency_level.user_id.

The child: an AFTER INSERT trigger FOR EACH STATEMENT looks up the distinct keys of its new
rows in one anti-join a key and raises foreign_key_violation naming the constraint and the
missing key, as the constraint did; an AFTER UPDATE row trigger does the same for a row
whose key changes (its WHEN is false on a re-rating). The parent: deleting rows, changing a
key or truncating is refused while a row refers to it (NO ACTION), or takes the rows that
do with it (ON DELETE CASCADE: dashboard counts with their organisation; answers and
evidence with their attempt; levels with their learner), as the constraints did.

Why nothing slips between a check and a concurrent delete:
- The grade's own parents: the check locks the statement's distinct parents FOR KEY SHARE
  (one attempt and one learner, which the grade holds FOR NO KEY UPDATE already), as the
  constraint locked each row's. A delete waits for the writer to commit; its trigger (a
  new snapshot for each query at READ COMMITTED) then sees and takes the new rows. A
  writer that comes second waits for the delete and finds its parent gone.
- Shared parents, at READ COMMITTED (what the app runs): no row lock. The parent's trigger
  first locks the child tables IN SHARE ROW EXCLUSIVE MODE, which conflicts with the ROW
  EXCLUSIVE lock any insert or update of a child holds until it commits. So either the
  writer came first, and the delete waits for it to commit and then sees its rows and
  refuses (or takes them); or the delete came first, and the writer waits for it and its
  own check (a new snapshot) finds the parent gone. At REPEATABLE READ or SERIALIZABLE
  the writer's check locks the distinct parents FOR KEY SHARE first, as the constraint
  did: a parent deleted since the snapshot raises a serialization failure.
- A parent's delete, key change or truncation is refused outside READ COMMITTED, where its
  snapshot could miss rows committed while it waited. Nothing in the app deletes
  organisations, question versions, attempts or learners (erasure anonymises); the tests
  empty their tables at READ COMMITTED.
- TRUNCATE of a parent takes ACCESS EXCLUSIVE, which waits for every transaction that read
  it in a check; its AFTER trigger then refuses, or empties the children that cascade.

SQLite keeps the constraints: its checks cost little. The models declare these keys for
SQLite only (`models.sqlite_key`).

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
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    cascade: bool  # ON DELETE CASCADE; otherwise NO ACTION
    # A parent every learner grading at once shares: checked with no row lock at READ
    # COMMITTED, its deletes locking the child table instead. Otherwise the check locks
    # the statement's distinct parents FOR KEY SHARE (a grade's own attempt and learner,
    # which it holds FOR NO KEY UPDATE already).
    shared: bool

    @property
    def name(self) -> str:
        return f"fk_{self.child}_{self.columns[0]}_{self.parent}"


KEYS = (
    Key("evidence", ("organisation_id",), "organisation", ("id",), False, True),
    Key("evidence", ("question_version",), "question_version", ("hash",), False, True),
    Key("competency_level", ("organisation_id",), "organisation", ("id",), False, True),
    Key("dashboard_count_change", ("organisation_id",), "organisation", ("id",), True, True),
    Key("answer", ("attempt_id",), "attempt", ("id",), True, False),
    Key("evidence", ("attempt_id", "user_id"), "attempt", ("id", "user_id"), True, False),
    Key("competency_level", ("user_id",), "user_account", ("id",), True, False),
)
CHILDREN = tuple(dict.fromkeys(k.child for k in KEYS))
PARENTS = tuple(dict.fromkeys(k.parent for k in KEYS))
READ_COMMITTED = "current_setting('transaction_isolation') = 'read committed'"


def _listed(names, prefix: str = "") -> str:
    return ", ".join(prefix + n for n in names)


def _matching(left, right, left_prefix: str, right_prefix: str) -> str:
    return " AND ".join(f"{left_prefix}{a} = {right_prefix}{b}" for a, b in zip(left, right))


def _not_null(names, prefix: str) -> str:
    return " AND ".join(f"{prefix}{n} IS NOT NULL" for n in names)


def _shown(names, prefix: str) -> str:
    return f"concat_ws(', ', {_listed(names, prefix)})"


def _missing(key: Key, value: str) -> str:
    return (
        f'  RAISE EXCEPTION \'insert or update on table "{key.child}" violates foreign key'
        f' constraint "{key.name}"\'\n'
        f"    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{key.name}',"
        f" TABLE = '{key.child}',\n"
        f"    DETAIL = format('Key ({_listed(key.columns)})=(%s) is not present in table"
        f' "{key.parent}".\', {value});\n'
    )


def _referenced(key: Key, value: str) -> str:
    return (
        f'  RAISE EXCEPTION \'update or delete on table "{key.parent}" violates foreign key'
        f' constraint "{key.name}" on table "{key.child}"\'\n'
        f"    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{key.name}',"
        f" TABLE = '{key.child}',\n"
        f"    DETAIL = format('Key ({_listed(key.parent_columns)})=(%s) is still referenced"
        f' from table "{key.child}".\', {value});\n'
    )


def _lock(key: Key, keys: str) -> str:
    """Return the statement locking the parents named by `keys` FOR KEY SHARE."""
    return (
        f"PERFORM FROM {key.parent} WHERE ({_listed(key.parent_columns)}) IN ({keys})"
        f" ORDER BY {_listed(key.parent_columns)} FOR KEY SHARE;\n"
    )


def _child_functions(child: str) -> str:
    keys = [k for k in KEYS if k.child == child]
    new_keys = {k: f"SELECT {_listed(k.columns)} FROM new_rows" for k in keys}
    always = "".join("  " + _lock(k, new_keys[k]) for k in keys if not k.shared)
    unless = "".join("    " + _lock(k, new_keys[k]) for k in keys if k.shared)
    checks = "".join(
        f"  SELECT {_shown(k.columns, 'n.')} INTO missing FROM"
        f" (SELECT DISTINCT {_listed(k.columns)} FROM new_rows) n\n"
        f"  WHERE {_not_null(k.columns, 'n.')} AND NOT EXISTS (SELECT FROM {k.parent} p"
        f" WHERE {_matching(k.parent_columns, k.columns, 'p.', 'n.')}) LIMIT 1;\n"
        f"  IF FOUND THEN\n{_missing(k, 'missing')}  END IF;\n"
        for k in keys
    )
    new_key = {k: f"SELECT {_listed(k.columns, 'NEW.')}" for k in keys}
    row_always = "".join("  " + _lock(k, new_key[k]) for k in keys if not k.shared)
    row_unless = "".join("    " + _lock(k, new_key[k]) for k in keys if k.shared)
    row_checks = "".join(
        f"  IF {_not_null(k.columns, 'NEW.')} AND NOT EXISTS (SELECT FROM {k.parent} p"
        f" WHERE {_matching(k.parent_columns, k.columns, 'p.', 'NEW.')}) THEN\n"
        f"{_missing(k, _shown(k.columns, 'NEW.'))}  END IF;\n"
        for k in keys
    )
    changed = " OR ".join(
        f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in dict.fromkeys(c for k in keys for c in k.columns)
    )
    return f"""
CREATE FUNCTION {child}_keys_present() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
{always}  IF NOT {READ_COMMITTED} THEN
{unless}  END IF;
{checks}  RETURN NULL;
END $$;

CREATE FUNCTION {child}_key_present() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{row_always}  IF NOT {READ_COMMITTED} THEN
{row_unless}  END IF;
{row_checks}  RETURN NULL;
END $$;

CREATE TRIGGER {child}_keys_present AFTER INSERT ON {child}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {child}_keys_present();
CREATE TRIGGER {child}_key_present AFTER UPDATE ON {child} FOR EACH ROW
  WHEN ({changed}) EXECUTE FUNCTION {child}_key_present();
"""


def _parent_functions(parent: str) -> str:
    keys = [k for k in KEYS if k.parent == parent]
    columns = tuple(dict.fromkeys(c for k in keys for c in k.parent_columns))
    shared = ", ".join(dict.fromkeys(k.child for k in keys if k.shared))
    guard = f"""  IF NOT {READ_COMMITTED} THEN
    RAISE EXCEPTION 'rows of {parent} are deleted or renumbered only at READ COMMITTED'
      USING ERRCODE = 'object_not_in_prerequisite_state', TABLE = '{parent}',
      HINT = 'Only there does the check for rows referring to them see every committed row.';
  END IF;
{f"  LOCK TABLE {shared} IN SHARE ROW EXCLUSIVE MODE;{chr(10)}" if shared else ""}"""
    old_keys = {k: f"SELECT {_listed(k.parent_columns)} FROM old_rows" for k in keys}
    deleted = "".join(
        f"  DELETE FROM {k.child} WHERE ({_listed(k.columns)}) IN ({old_keys[k]});\n"
        if k.cascade
        else f"  SELECT {_shown(k.parent_columns, 'o.')} INTO referrer FROM old_rows o"
        f" WHERE EXISTS (SELECT FROM {k.child} c"
        f" WHERE {_matching(k.columns, k.parent_columns, 'c.', 'o.')}) LIMIT 1;\n"
        f"  IF FOUND THEN\n{_referenced(k, 'referrer')}  END IF;\n"
        for k in keys
    )
    renumbered = "".join(
        f"  IF ({_listed(k.parent_columns, 'OLD.')}) IS DISTINCT FROM"
        f" ({_listed(k.parent_columns, 'NEW.')}) AND EXISTS (SELECT FROM {k.child} c"
        f" WHERE {_matching(k.columns, k.parent_columns, 'c.', 'OLD.')}) THEN\n"
        f"{_referenced(k, _shown(k.parent_columns, 'OLD.'))}  END IF;\n"
        for k in keys
    )
    truncated = "".join(
        f"  DELETE FROM {k.child} WHERE {_not_null(k.columns, '')};\n"
        if k.cascade
        else f"  SELECT {_shown(k.columns, '')} INTO referrer FROM {k.child}"
        f" WHERE {_not_null(k.columns, '')} LIMIT 1;\n"
        f"  IF FOUND THEN\n{_referenced(k, 'referrer')}  END IF;\n"
        for k in keys
    )
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
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
CREATE TRIGGER {parent}_key_changed AFTER UPDATE OF {_listed(columns)} ON {parent} FOR EACH ROW
  WHEN ({changed}) EXECUTE FUNCTION {parent}_key_changed();
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
            list(key.columns),
            list(key.parent_columns),
            ondelete="CASCADE" if key.cascade else None,
        )
