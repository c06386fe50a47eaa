"""the dashboard counts a module's completion under any id its quiz has had in the module

A trainer may give a module's quiz a new id in the same module folder. The learner's pages
follow the quiz (passes.AT_MODULE_QUIZ), but the dashboard's kept 'passed' counts were keyed
by the quiz's item key ('quiz:' and its id, migration 0017): the dashboard asks for the key
of today's id, so a module that five learners had completed showed '0 completed', and its
completions left the chart. From this revision the 'passed' counts are keyed by the module's
slug, and count each learner once a module:

- a learner's completion of a module is their earliest quiz completion in it, under
  whatever id (a learner who passed under the old id and renewed under the new one has a
  completion row for each: counted once, from the earlier);
- it counts by 0036's rule with the learner's passes of the module's quiz under any id:
  their passed attempts in the module at a quiz of kind 'assessment' (passes.PASSED), as
  compliance and the module page already read them (passes.COUNTED, COMPLETION_STANDS);
- a module given a new folder (a new slug) starts afresh, as the learner's record says: its
  completions stay with the old slug, which no module has now.

dashboard_counted counts each learner's earliest quiz completion of a module (no other quiz
completion of theirs in the module before it: a condition, not an aggregate, so a trigger
reading one learner's rows reads only theirs). The triggers count, for each learner and
module a change touches, the module's completion as it stands after the change less as it
stood before: its earliest date among the quiz completions (min over the learner's rows in
the module, through the unique index), counted by the passes as 0036 said. The completion
triggers (statement triggers on PostgreSQL, row triggers on SQLite) gain the completions
before the change; the attempt and credential triggers (0036's, WHEN unchanged) read the
learner's completions in the module instead of those of one quiz id.

Cost. The triggers fire in the same statements as before (no statement added to the quiz
submit). On PostgreSQL a grade's pass, as a rule the learner's first quiz completion in the
module with nothing of it revoked, asks one more index probe (no other quiz completion of
theirs in the module) and counts from its date as 0036 did; otherwise the module's
earliest date is read before and after. Measured on a throwaway database (a passed attempt
and its completion written 200 times, trigger time by EXPLAIN ANALYZE): 0.32 to 0.33 ms a
grade, as at 0039 (0.33). On SQLite (1,000 grades, synchronous off) the wall time of the
two writes stayed within the noise: 0.47 to 0.60 ms at 0040, 0.57 to 0.70 at 0039.

Upgrade recounts the 'passed' counts by the new rule (0036's recount, from the view).
Downgrade restores 0036's view and triggers and recounts by its rule.

Revision ID: 0040
Revises: 0039
Create Date: 2027-01-20 09:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision_0036():
    """Return migration 0036's module: its rule's parts, and its view and triggers to restore."""
    path = Path(__file__).with_name("0036_completions_count_while_a_pass_counts.py")
    spec = importlib.util.spec_from_file_location("linkwise_migration_0036", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EARLIER = _revision_0036()
Rows, TABLES = EARLIER.Rows, EARLIER.TABLES
MONTH, PASSED, KIND = EARLIER.MONTH, EARLIER.PASSED, EARLIER.KIND


def _quiz(row: str) -> str:
    return f"{row}.item_key LIKE 'quiz:%'"


def _earliest(dialect: str, q: str, rows: Rows, *, counted: bool) -> str:
    """The time of the learner's earliest pass (that counts) of the module `q`'s quiz,
    under any id it has had: a passed attempt in the module at a quiz of kind 'assessment'."""

    def of_module(a: str) -> str:
        passes = (
            f"{a}.user_id = {q}.user_id AND {a}.module_slug = {q}.module_slug"
            f" AND {PASSED[dialect].format(a)} AND {KIND[dialect].format(a)} = 'assessment'"
        )
        return f"{passes} AND NOT {EARLIER._withdrawn(a, rows)}" if counted else passes

    without = f" AND a.id <> {rows.attempt_without}.id" if rows.attempt_without else ""
    found = f"(SELECT min(a.submitted_at) FROM attempt a WHERE {of_module('a')}{without})"
    added = rows.attempt_adding
    if added is None:
        return found
    return (
        f"(SELECT min(t) FROM (SELECT {found} AS t"
        f" UNION ALL SELECT {added}.submitted_at WHERE {of_module(added)}) AS earliest)"
    )


def _counted_from(dialect: str, q: str, rows: Rows) -> str:
    """When the learner's completion `q` of a module (user_id, module_slug, completed_at:
    their earliest quiz completion in it) counts from, NULL while it does not (0036's rule)."""
    earliest = _earliest(dialect, q, rows, counted=False)
    counted = _earliest(dialect, q, rows, counted=True)
    same = "IS NOT DISTINCT FROM" if dialect == "postgresql" else "IS"
    return (
        f"CASE WHEN NOT {EARLIER._revoked_in_module(q, rows)} THEN {q}.completed_at"
        f" WHEN {earliest} {same} {counted} THEN {q}.completed_at ELSE {counted} END"
    )


def _counts(dialect: str, modules: str, sign: int, rows: Rows = TABLES) -> str:
    """Return SELECT (user_id, kind, key, value, change) of the completions of modules
    `modules` (a SELECT of user_id, module_slug, completed_at), each `sign` in the month it
    counts from with `rows`, those that do not count left out."""
    month = MONTH[dialect].format("p.counted_from")
    return (
        f"SELECT p.user_id, 'passed' AS kind, p.module_slug AS key, {month} AS value,"
        f" {sign} AS change FROM (SELECT q.user_id, q.module_slug,"
        f" {_counted_from(dialect, 'q', rows)} AS counted_from FROM ({modules}) q) p"
        " WHERE p.counted_from IS NOT NULL"
    )


# Each learner's earliest quiz completion of a module (the first by date, then by key).
FIRST = (
    "SELECT c.user_id, c.module_slug, c.completed_at FROM completion c"
    f" WHERE {_quiz('c')} AND NOT EXISTS (SELECT 1 FROM completion e"
    f" WHERE e.user_id = c.user_id AND e.module_slug = c.module_slug AND {_quiz('e')}"
    " AND (e.completed_at < c.completed_at"
    " OR (e.completed_at = c.completed_at AND e.item_key < c.item_key)))"
)


def _view(dialect: str) -> str:
    text = "varchar" if dialect == "postgresql" else "text"
    return f"""
CREATE VIEW dashboard_counted AS
SELECT id AS user_id, CAST('learner' AS {text}) AS kind, CAST('' AS {text}) AS key,
       CAST('' AS {text}) AS value
FROM user_account
UNION ALL
SELECT user_id, 'level', competency_code, level FROM competency_level
UNION ALL
SELECT user_id, kind, key, value FROM ({_counts(dialect, FIRST, 1)}) AS passed"""


def _modules(which: str, without: str | None = None, adding: Sequence[str] = ()) -> str:
    """Return SELECT (user_id, module_slug, completed_at) of the learners' completions of
    the modules `which` (a condition on c) selects, dated by their earliest quiz completion:
    the completions as they stand, less those of `without` (a table of rows, or a row), with
    `adding` (SELECTs of user_id, module_slug, item_key, completed_at aliased c)."""
    less = ""
    if without is not None:
        less = (
            f" AND c.id NOT IN (SELECT id FROM {without})"
            if without.endswith("_rows")
            else f" AND c.id <> {without}.id"
        )
    members = [
        "SELECT c.user_id, c.module_slug, c.completed_at FROM completion c"
        f" WHERE {_quiz('c')} AND ({which}){less}",
        *(
            f"SELECT c.user_id, c.module_slug, c.completed_at FROM ({rows}) c"
            f" WHERE {_quiz('c')} AND ({which})"
            for rows in adding
        ),
    ]
    return (
        "SELECT m.user_id, m.module_slug, min(m.completed_at) AS completed_at"
        f" FROM ({' UNION ALL '.join(members)}) m GROUP BY m.user_id, m.module_slug"
    )


def _restanding(dialect: str, after: tuple[str, Rows], before: tuple[str, Rows]) -> str:
    """Insert the change in the counts from the completions `before` (SELECT of modules,
    with the rows of the rule) to those `after`."""
    return EARLIER._counted(
        _counts(dialect, after[0], 1, after[1])
        + " UNION ALL "
        + _counts(dialect, before[0], -1, before[1])
    )


# PostgreSQL: the completion triggers' functions (statement triggers: new_rows, old_rows).


def _dated(modules_after: str, modules_before: str) -> str:
    """The change when nothing of the modules was revoked: each counts from its date."""
    month = MONTH["postgresql"].format("q.completed_at")

    def dated(modules: str, sign: int) -> str:
        return (
            f"SELECT q.user_id, 'passed' AS kind, q.module_slug AS key, {month} AS value,"
            f" {sign} AS change FROM ({modules}) q"
        )

    return EARLIER._counted(dated(modules_after, 1) + " UNION ALL " + dated(modules_before, -1))


def _row_of(table: str) -> str:
    return f"SELECT user_id, module_slug, item_key, completed_at FROM {table}"


def _first_pass(tables: Sequence[str]) -> str:
    """A grade's pass, as a rule: each quiz completion written is its learner's first in
    the module (no other quiz completion of theirs there), so their completion of the
    module, new, counts from its date while nothing of the module was revoked."""
    if tables != ("new_rows",):
        return ""
    month = MONTH["postgresql"].format("r.completed_at")
    others = (
        "EXISTS (SELECT FROM new_rows r JOIN completion c ON c.user_id = r.user_id"
        f" AND c.module_slug = r.module_slug AND {_quiz('c')} AND c.id <> r.id"
        f" WHERE {_quiz('r')})"
    )
    dated = (
        f"SELECT r.user_id, 'passed' AS kind, r.module_slug AS key, {month} AS value,"
        f" 1 AS change FROM new_rows r WHERE {_quiz('r')}"
    )
    return f"""  IF NOT {others} THEN
{EARLIER._counted(dated)}
    RETURN NULL;
  END IF;
"""


def _postgresql_completion_function(name: str, tables: Sequence[str], shortcut: str = "") -> str:
    touched = " UNION ".join(
        f"SELECT user_id, module_slug FROM {t} r WHERE {_quiz('r')}" for t in tables
    )
    which = f"(c.user_id, c.module_slug) IN ({touched})"
    after = _modules(which)
    # The completions before: the table less the rows the statement wrote, with those it
    # removed (AFTER a statement the table stands as after it).
    without = "new_rows" if "new_rows" in tables else None
    adding = [_row_of("old_rows")] if "old_rows" in tables else []
    before = _modules(which, without, adding)
    quiz = " OR ".join(f"EXISTS (SELECT FROM {t} r WHERE {_quiz('r')})" for t in tables)
    revoked = " OR ".join(
        f"EXISTS (SELECT FROM {t} r WHERE {_quiz('r')}"
        f" AND {EARLIER._revoked_in_module('r', TABLES)})"
        for t in tables
    )
    learners = " UNION ".join(f"SELECT user_id FROM {t}" for t in tables)
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only a quiz's completion counts: a screen's (every Next) returns at once.
  IF NOT ({quiz}) THEN RETURN NULL; END IF;
{shortcut}{EARLIER._lock(learners)}
  -- Nothing of the modules revoked: each completion counts from its (earliest) date.
  IF NOT ({revoked}) THEN
{_first_pass(tables)}{_dated(after, before)}
    RETURN NULL;
  END IF;
{_restanding("postgresql", (after, TABLES), (before, TABLES))}
  RETURN NULL;
END $$;
"""


def _postgresql_completion() -> str:
    # An update that changes nothing counted (none of these columns) returns at once.
    unchanged = (
        "  IF NOT EXISTS (SELECT FROM new_rows n JOIN old_rows o ON o.id = n.id"
        " WHERE (n.user_id, n.module_slug, n.item_key, n.completed_at)"
        " IS DISTINCT FROM (o.user_id, o.module_slug, o.item_key, o.completed_at))"
        " THEN RETURN NULL; END IF;\n"
    )
    return "".join(
        (
            _postgresql_completion_function("completion_counts_added", ("new_rows",)),
            _postgresql_completion_function("completion_counts_removed", ("old_rows",)),
            _postgresql_completion_function(
                "completion_counts_changed", ("new_rows", "old_rows"), unchanged
            ),
        )
    )


# The attempt and credential triggers (0036's, reading the learner's modules).


def _touches(change) -> str:
    if change.table == "credential":
        return f"(c.user_id, c.module_slug) IN ({EARLIER._of_certificates(*change.rows)})"
    return " OR ".join(
        f"(c.user_id = {row}.user_id AND c.module_slug = {row}.module_slug)" for row in change.rows
    )


def _change_counts(change, dialect: str) -> str:
    before, after = EARLIER._states(change, dialect)
    modules = _modules(_touches(change))
    return _restanding(dialect, (modules, after), (modules, before))


def _postgresql_change(change) -> str:
    if change.table == "credential":
        learners = f"SELECT ce.user_id FROM ({EARLIER._of_certificates(*change.rows)}) ce"
    else:
        learners = " UNION ".join(f"SELECT {row}.user_id" for row in change.rows)
    quick = (
        f"  IF NOT ({EARLIER._module_revoked(*change.rows)})"
        f" THEN RETURN {change.rows[-1]}; END IF;\n"
        if change.table == "attempt"
        else ""
    )
    generic = " SET plan_cache_mode = force_generic_plan" if change.table == "credential" else ""
    return f"""
CREATE OR REPLACE FUNCTION {change.name}() RETURNS trigger LANGUAGE plpgsql{generic} AS $$
BEGIN
{EARLIER._lock(learners, "NO KEY UPDATE")}
{quick}{_change_counts(change, "postgresql")}
  RETURN {change.rows[-1]};
END $$;
"""


def _sqlite_change(change) -> str:
    when = change.when
    if change.table == "attempt":
        when = f"({when}) AND ({EARLIER._module_revoked(*change.rows)})"
    return (
        f"CREATE TRIGGER {change.name} AFTER {change.event} ON {change.table}"
        f" WHEN {when} BEGIN{_change_counts(change, 'sqlite')}\nEND"
    )


def _sqlite_completion() -> list[str]:
    def pair(row: str) -> str:
        return f"c.user_id = {row}.user_id AND c.module_slug = {row}.module_slug"

    def old() -> str:
        return (
            "SELECT OLD.user_id AS user_id, OLD.module_slug AS module_slug,"
            " OLD.item_key AS item_key, OLD.completed_at AS completed_at"
        )

    def counts(which: str, without: str | None, adding: Sequence[str]) -> str:
        # AFTER a row the table stands as after it; before: less NEW, with OLD.
        return _restanding(
            "sqlite",
            (_modules(which), TABLES),
            (_modules(which, without, adding), TABLES),
        )

    added = counts(pair("NEW"), "NEW", ())
    removed = counts(pair("OLD"), None, (old(),))
    changed = counts(f"({pair('NEW')}) OR ({pair('OLD')})", "NEW", (old(),))
    # Only a quiz's completion counts: a screen's (every Next) fires nothing.
    return [
        "CREATE TRIGGER completion_counts_added AFTER INSERT ON completion"
        f" WHEN {_quiz('NEW')} BEGIN{added}\nEND",
        "CREATE TRIGGER completion_counts_removed AFTER DELETE ON completion"
        f" WHEN {_quiz('OLD')} BEGIN{removed}\nEND",
        "CREATE TRIGGER completion_counts_changed"
        " AFTER UPDATE OF user_id, module_slug, item_key, completed_at ON completion"
        f" WHEN {_quiz('OLD')} OR {_quiz('NEW')} BEGIN{changed}\nEND",
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW dashboard_counted")
    op.execute(_view(dialect))
    if dialect == "postgresql":
        op.execute(_postgresql_completion())
        for change in EARLIER._changes(dialect):
            op.execute(_postgresql_change(change))
    else:
        EARLIER._drop_triggers(
            EARLIER.COMPLETION_TRIGGERS + EARLIER.CHANGE_TRIGGERS, functions=False
        )
        for statement in _sqlite_completion():
            op.execute(statement)
        for change in EARLIER._changes(dialect):
            op.execute(_sqlite_change(change))
    EARLIER._recount_passes()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW dashboard_counted")
    op.execute(EARLIER._view(dialect))
    if dialect == "postgresql":
        op.execute(EARLIER._postgresql_completion())
        EARLIER._drop_triggers(EARLIER.CHANGE_TRIGGERS, functions=True)
        for change in EARLIER._changes(dialect):
            op.execute(EARLIER._postgresql_change(change))
    else:
        EARLIER._drop_triggers(
            EARLIER.COMPLETION_TRIGGERS + EARLIER.CHANGE_TRIGGERS, functions=False
        )
        for statement in EARLIER._sqlite_completion():
            op.execute(statement)
        for change in EARLIER._changes(dialect):
            op.execute(EARLIER._sqlite_change(change))
    EARLIER._recount_passes()
