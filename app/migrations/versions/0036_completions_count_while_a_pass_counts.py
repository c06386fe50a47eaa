"""the dashboard counts a learner's completion of a quiz while one of their passes of it counts

Since 0034 each pass of a module's quiz earns a certificate of its own, and revoking one
withdraws that pass alone (services/passes.py: REVOKED_SINCE): compliance counts a learner
as having completed the module while any of their passes still counts. The dashboard's
module completions and its "Modules completed for the first time, by month" (the kept
'passed' counts of 0017, less what 0027 left out) did not. 0027 left a completion out when
any certificate of the module had a credential revoked at or after it, so:

- revoking a renewal's certificate took the learner's first completion off the dashboard,
  while the first pass's own certificate stood and compliance still counted them;
- revoking two certificates of one module subtracted the completion twice (0027's
  credential triggers subtracted once for each), so the kept counts fell below a recount;
- a pass made after the revocation (the quiz opens again) never brought it back.

The rule from this revision. A learner's pass of a quiz is a passed attempt at it, at the
module's quiz (its kind, as passes.KIND); it counts unless its certificate's credential
was revoked at or after it (for a pass with no certificate of its own, from before 0034:
any of the module's). This is passes.COUNTED. A quiz completion (one row a learner,
module and quiz, dated at their first pass) is counted:

- from its own date while the learner's earliest pass of the quiz still counts, and
  whenever no certificate of the module has a revoked credential or no pass of the quiz is
  on record (rows written by hand or imported: as before);
- from the learner's earliest pass of the quiz that still counts, when an earlier one was
  withdrawn: the chart counts them in that pass's month (when they first completed it in a
  way that still stands), and the summary still counts them once;
- not at all while every pass of the quiz is withdrawn.

So revoking a renewal leaves the first completion where it was; revoking the first pass
while a renewal stands moves it to the renewal's month; revoking both removes it; a pass
after that brings it back in its own month; undoing a revocation by hand, or removing a
revoked credential, puts everything back as it was. passes.COMPLETION_COUNTED_FROM says
the same for the counts made afresh (a filtered dashboard).

- dashboard_counted (what a recount counts) counts each quiz completion by that rule, in
  the month it counts from;
- the completion triggers count a completion written, changed or removed by that rule; a
  screen's completion (every Next) no longer runs them at all (it never counted);
- the credential triggers (a credential revoked or its revocation undone, moved to another
  certificate, added revoked or removed revoked) and new attempt triggers (an attempt
  becoming a pass, a pass changed, added or removed) count the change in standing of the
  learner's completions of that module (or quiz): each completion as it counts with the
  row after the change, less as it counted before, under the learner's key, in the
  transaction of the change. On PostgreSQL they are BEFORE row triggers: each row's
  trigger sees the rows the statement changed before it, so a statement changing several
  (erasure revokes all a learner's credentials at once, a renewal's and the first pass's
  among them) is counted row by row, exactly. They lock the learner FOR NO KEY UPDATE, as
  grading does (locks.lock_learner) and 0017's team trigger: a completion's standing
  rests on all the learner's passes and revocations in the module, so two revocations (or
  a revocation and a grade) of one learner are counted one after the other, each seeing
  the other's change, never side by side. On SQLite AFTER row triggers run row by row,
  one writer at a time.
- Certificates have no trigger: each is written in the transaction that grades its pass,
  which holds the learner's lock (so no revocation falls between the two), never changes,
  and goes only with its learner, whose completions go first (0017).

Cost, measured (PostgreSQL 15: trigger time by EXPLAIN ANALYZE and pg_stat_user_functions,
on analysed tables; SQLite: virtual machine steps). The grade path: a passing grade's quiz
completion takes 0.11 ms, as before: it asks first, as 0027 did, whether any certificate of
the module has a revoked credential, and when none has counts from its date by a plan as
small as 0027's. The attempt trigger adds 0.05 to 0.14 ms to a passing grade (it locks the
learner, whom grading has locked already, and asks the same); a failed grade and saving
answers fire nothing new. A screen's completion now takes 0.01 ms (0.08 before). On SQLite
a passing submit runs 5,497 steps (5,405 before, +1.7%). The revoke path: 0.4 to 0.7 ms of
trigger time a revocation (0.13 before), and some 10 ms the first time a connection plans
it (the credential functions keep one plan a connection); on SQLite 773 steps (427).

Upgrade recounts the 'passed' counts by the new rule (mending any that 0027 subtracted
twice). Downgrade restores 0027's view and triggers, as 0035 had them, and recounts the
'passed' counts by 0027's rule.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-08 09:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0017.
COLUMNS = "organisation_id, team_id, profession, kind, key, value, change"
LEARNER = "u.role = 'learner' AND u.organisation_id IS NOT NULL"
MONTH = {
    "postgresql": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM')",
    "sqlite": "strftime('%Y-%m', {})",
}
# An attempt that passed (as the partial index ix_attempt_passed_user_module says it), and
# its quiz's kind (passes.KIND).
PASSED = {"postgresql": "{}.passed", "sqlite": "{}.passed IS 1"}
KIND = {
    "postgresql": "coalesce({}.quiz_settings ->> 'kind', 'assessment')",
    "sqlite": "coalesce(json_extract({}.quiz_settings, '$.kind'), 'assessment')",
}


class Rows(NamedTuple):
    """The attempts and credentials the rule reads: the tables as they stand, or (in a
    trigger) less the row `*_without` and with the row `*_adding` (a trigger's OLD or NEW).
    Said as conditions on the tables and on that row, so each is read through its indexes."""

    attempt_without: str | None = None
    attempt_adding: str | None = None
    credential_without: str | None = None
    credential_adding: str | None = None


TABLES = Rows()


def _any_revoked(rows: Rows, certificate: str, revoked: str) -> str:
    """Some certificate ce meeting `certificate` has a credential whose revocation time
    meets `revoked` (a condition on {at})."""
    without = f" AND cr.id <> {rows.credential_without}.id" if rows.credential_without else ""
    found = (
        "EXISTS (SELECT 1 FROM certificate ce JOIN credential cr ON cr.certificate_id = ce.id"
        f" WHERE {certificate} AND {revoked.format(at='cr.revoked_at')}{without})"
    )
    added = rows.credential_adding
    if added is None:
        return found
    return (
        f"({found} OR EXISTS (SELECT 1 FROM certificate ce WHERE ce.id = {added}.certificate_id"
        f" AND {certificate} AND {revoked.format(at=f'{added}.revoked_at')}))"
    )


def _revoked_in_module(p: str, rows: Rows) -> str:
    """Some certificate of the module of the completion `p` has a revoked credential."""
    module = f"ce.user_id = {p}.user_id AND ce.module_slug = {p}.module_slug"
    return _any_revoked(rows, module, "{at} IS NOT NULL")


def _withdrawn(a: str, rows: Rows) -> str:
    """The pass `a` is withdrawn (passes.REVOKED_SINCE): its own certificate's credential,
    or for a pass without one any of the module's, revoked at or after it."""
    certificate = (
        f"ce.user_id = {a}.user_id AND ce.module_slug = {a}.module_slug"
        f" AND (ce.attempt_id = {a}.id"
        f" OR NOT EXISTS (SELECT 1 FROM certificate own WHERE own.attempt_id = {a}.id))"
    )
    return _any_revoked(rows, certificate, "{at} >= " + f"{a}.submitted_at")


def _earliest(dialect: str, p: str, rows: Rows, *, counted: bool) -> str:
    """The time of the learner's earliest pass (that counts) of the completion `p`'s quiz."""

    def of_quiz(a: str) -> str:
        passes = (
            f"{a}.user_id = {p}.user_id AND {a}.module_slug = {p}.module_slug"
            f" AND 'quiz:' || {a}.quiz_id = {p}.item_key AND {PASSED[dialect].format(a)}"
            f" AND {KIND[dialect].format(a)} = 'assessment'"
        )
        return f"{passes} AND NOT {_withdrawn(a, rows)}" if counted else passes

    without = f" AND a.id <> {rows.attempt_without}.id" if rows.attempt_without else ""
    found = f"(SELECT min(a.submitted_at) FROM attempt a WHERE {of_quiz('a')}{without})"
    added = rows.attempt_adding
    if added is None:
        return found
    return (
        f"(SELECT min(t) FROM (SELECT {found} AS t"
        f" UNION ALL SELECT {added}.submitted_at WHERE {of_quiz(added)}) AS earliest)"
    )


def _counted_from(dialect: str, p: str, rows: Rows = TABLES) -> str:
    """When the quiz completion `p` counts from, NULL while it does not (the rule above;
    passes.COMPLETION_COUNTED_FROM)."""
    earliest = _earliest(dialect, p, rows, counted=False)
    counted = _earliest(dialect, p, rows, counted=True)
    # The earliest pass counts, or there is none (both NULL).
    same = "IS NOT DISTINCT FROM" if dialect == "postgresql" else "IS"
    return (
        f"CASE WHEN NOT {_revoked_in_module(p, rows)} THEN {p}.completed_at"
        f" WHEN {earliest} {same} {counted} THEN {p}.completed_at ELSE {counted} END"
    )


def _passes(dialect: str, completions: str, which: str, sign: int, rows: Rows = TABLES) -> str:
    """Return SELECT (user_id, kind, key, value, change) of the quiz completions among
    `completions` (a table, aliased c) that `which` (a condition on c) keeps, each `sign`
    in the month it counts from with `rows`, those that do not count left out."""
    month = MONTH[dialect].format("p.counted_from")
    return (
        f"SELECT p.user_id, 'passed' AS kind, p.item_key AS key, {month} AS value,"
        f" {sign} AS change FROM (SELECT c.user_id, c.item_key,"
        f" {_counted_from(dialect, 'c', rows)} AS counted_from FROM {completions} c"
        f" WHERE c.item_key LIKE 'quiz:%' AND {which}) p WHERE p.counted_from IS NOT NULL"
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
SELECT user_id, kind, key, value FROM ({_passes(dialect, "completion", "1 = 1", 1)}) AS passed"""


def _counted(rows: str) -> str:
    """Insert the changes `rows` (user_id, kind, key, value, change) under each learner's
    key, netted per key (0017's)."""
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value, sum(c.change)
  FROM ({rows}) AS c
  JOIN user_account u ON u.id = c.user_id
  LEFT JOIN team_member m ON m.user_id = u.id
  WHERE {LEARNER}
  GROUP BY u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value
  HAVING sum(c.change) <> 0;"""


def _lock(users: str, mode: str = "SHARE") -> str:
    return f"  PERFORM 1 FROM user_account WHERE id IN ({users}) ORDER BY id FOR {mode};"


def _restanding(dialect: str, which: str, before: Rows, after: Rows) -> str:
    """Insert the change in the counts of the completions `which` selects (a condition on
    c) from their standing with the rows `before` to that with the rows `after`."""
    return _counted(
        _passes(dialect, "completion", which, 1, after)
        + " UNION ALL "
        + _passes(dialect, "completion", which, -1, before)
    )


# PostgreSQL: the completion triggers' functions (0027's, with this rule).


def _postgresql_completion() -> str:
    def adds(sign: int, rows: str) -> str:
        return _passes("postgresql", rows, "1 = 1", sign)

    def quiz(rows: str) -> str:
        # Only a quiz's completion counts: a screen's (every Next) returns at once.
        return f"EXISTS (SELECT FROM {rows} WHERE item_key LIKE 'quiz:%')"

    added, removed = adds(1, "new_rows"), adds(-1, "old_rows")
    after, before = adds(0, "new_rows"), adds(0, "old_rows")
    month = MONTH["postgresql"].format("completed_at")
    dated = (
        f"SELECT user_id, 'passed' AS kind, item_key AS key, {month} AS value, 1 AS change"
        " FROM new_rows WHERE item_key LIKE 'quiz:%'"
    )
    revoked = (
        "EXISTS (SELECT FROM new_rows r WHERE r.item_key LIKE 'quiz:%'"
        f" AND {_revoked_in_module('r', TABLES)})"
    )
    return f"""
CREATE OR REPLACE FUNCTION completion_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT {quiz("new_rows")} THEN RETURN NULL; END IF;
{_lock("SELECT user_id FROM new_rows")}
  -- A grade's pass, as a rule: nothing of its module revoked, so it counts from its date
  -- (the rule's first case, by a plan as small as 0027's).
  IF NOT {revoked} THEN
{_counted(dated)}
    RETURN NULL;
  END IF;
{_counted(added)}
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION completion_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT {quiz("old_rows")} THEN RETURN NULL; END IF;
{_lock("SELECT user_id FROM old_rows")}
{_counted(removed)}
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION completion_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ({quiz("new_rows")} OR {quiz("old_rows")}) THEN RETURN NULL; END IF;
  IF NOT EXISTS (({after} EXCEPT ALL {before}) UNION ALL ({before} EXCEPT ALL {after}))
    THEN RETURN NULL; END IF;
{_lock("SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows")}
{_counted(added + " UNION ALL " + removed)}
  RETURN NULL;
END $$;
"""


# What a changed row touches: the completions of its certificate's learner and module (a
# credential), or of its learner's quiz (an attempt); both rows' for an update.


def _of_certificates(*credentials: str) -> str:
    ids = ", ".join(f"{row}.certificate_id" for row in credentials)
    return f"SELECT user_id, module_slug FROM certificate WHERE id IN ({ids})"


def _credential_touches(*credentials: str) -> str:
    return f"(c.user_id, c.module_slug) IN ({_of_certificates(*credentials)})"


def _attempt_touches(*attempts: str) -> str:
    touched = " OR ".join(
        f"(c.user_id = {row}.user_id AND c.module_slug = {row}.module_slug"
        f" AND c.item_key = 'quiz:' || {row}.quiz_id)"
        for row in attempts
    )
    return f"({touched})"


def _module_revoked(*attempts: str) -> str:
    """Some certificate of the module of one of the attempts has a revoked credential."""
    return " OR ".join(_revoked_in_module(row, TABLES) for row in attempts)


class Change(NamedTuple):
    """One trigger: the table, its event and WHEN, the rows it reads (OLD, NEW or both)."""

    name: str
    table: str
    event: str
    when: str
    rows: tuple[str, ...]


CREDENTIAL_WHEN = (
    "(OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NOT NULL)"
    " AND (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at"
    " OR OLD.certificate_id <> NEW.certificate_id)"
)


def _attempt_when(dialect: str) -> str:
    passed = PASSED[dialect]
    kind = KIND[dialect]
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return (
        f"({passed.format('OLD')} OR {passed.format('NEW')}) AND (OLD.passed {distinct} NEW.passed"
        f" OR OLD.submitted_at {distinct} NEW.submitted_at"
        f" OR {kind.format('OLD')} <> {kind.format('NEW')} OR OLD.quiz_id <> NEW.quiz_id"
        " OR OLD.module_slug <> NEW.module_slug OR OLD.user_id <> NEW.user_id)"
    )


def _changes(dialect: str) -> list[Change]:
    attempt_columns = "passed, submitted_at, quiz_settings, quiz_id, module_slug, user_id"
    when = CREDENTIAL_WHEN
    if dialect == "sqlite":
        when = when.replace("IS DISTINCT FROM", "IS NOT")
    passed = PASSED[dialect]
    return [
        Change("credential_counts_revoked", "credential",
               "UPDATE OF revoked_at, certificate_id", when, ("OLD", "NEW")),
        Change("credential_counts_added", "credential", "INSERT",
               "NEW.revoked_at IS NOT NULL", ("NEW",)),
        Change("credential_counts_removed", "credential", "DELETE",
               "OLD.revoked_at IS NOT NULL", ("OLD",)),
        Change("attempt_counts_passed", "attempt", f"UPDATE OF {attempt_columns}",
               _attempt_when(dialect), ("OLD", "NEW")),
        Change("attempt_counts_added", "attempt", "INSERT", passed.format("NEW"), ("NEW",)),
        Change("attempt_counts_removed", "attempt", "DELETE", passed.format("OLD"), ("OLD",)),
    ]  # fmt: skip


def _states(change: Change, dialect: str) -> tuple[Rows, Rows]:
    """Return the rows before and after the change, as its trigger sees them: PostgreSQL's
    BEFORE trigger the table before it, SQLite's AFTER trigger the table after it."""
    table = change.table
    if dialect == "postgresql":
        # The table stands as before; after: less the old row, with the new.
        without = None if change.event == "INSERT" else "OLD"
        adding = None if change.event == "DELETE" else "NEW"
        return TABLES, Rows(**{f"{table}_without": without, f"{table}_adding": adding})
    # The table stands as after; before: less the new row, with the old.
    without = None if change.event == "DELETE" else "NEW"
    adding = None if change.event == "INSERT" else "OLD"
    return Rows(**{f"{table}_without": without, f"{table}_adding": adding}), TABLES


def _touches(change: Change) -> str:
    if change.table == "credential":
        return _credential_touches(*change.rows)
    return _attempt_touches(*change.rows)


def _postgresql_change(change: Change) -> str:
    before, after = _states(change, "postgresql")
    if change.table == "credential":
        learners = f"SELECT ce.user_id FROM ({_of_certificates(*change.rows)}) ce"
    else:
        learners = " UNION ".join(f"SELECT {row}.user_id" for row in change.rows)
    # An attempt changes no standing unless something of its module was revoked (asked
    # once the learner is locked, so a revocation committed meanwhile is seen).
    quick = (
        f"  IF NOT ({_module_revoked(*change.rows)}) THEN RETURN {change.rows[-1]}; END IF;\n"
        if change.table == "attempt"
        else ""
    )
    # A revocation is rare and its statement long to plan: planned once a connection, not
    # (as PostgreSQL may choose for a statement with parameters) at every call.
    generic = " SET plan_cache_mode = force_generic_plan" if change.table == "credential" else ""
    return f"""
CREATE FUNCTION {change.name}() RETURNS trigger LANGUAGE plpgsql{generic} AS $$
BEGIN
{_lock(learners, "NO KEY UPDATE")}
{quick}{_restanding("postgresql", _touches(change), before, after)}
  RETURN {change.rows[-1]};
END $$;

CREATE TRIGGER {change.name} BEFORE {change.event} ON {change.table} FOR EACH ROW
  WHEN ({change.when}) EXECUTE FUNCTION {change.name}();
"""


def _sqlite_change(change: Change) -> str:
    before, after = _states(change, "sqlite")
    when = change.when
    if change.table == "attempt":
        when = f"({when}) AND ({_module_revoked(*change.rows)})"
    return (
        f"CREATE TRIGGER {change.name} AFTER {change.event} ON {change.table}"
        f" WHEN {when} BEGIN{_restanding('sqlite', _touches(change), before, after)}\nEND"
    )


def _sqlite_completion() -> list[str]:
    def counted(row: str, sign: int) -> str:
        month = MONTH["sqlite"].format("p.counted_from")
        return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, (SELECT m.team_id FROM team_member m WHERE m.user_id = u.id),
         u.profession, 'passed', {row}.item_key, {month}, {sign}
  FROM user_account u, (SELECT {_counted_from("sqlite", row)} AS counted_from) p
  WHERE u.id = {row}.user_id AND {LEARNER} AND {row}.item_key LIKE 'quiz:%'
    AND p.counted_from IS NOT NULL;"""

    # Only a quiz's completion counts: a screen's (every Next) fires nothing.
    quiz = "{}.item_key LIKE 'quiz:%'"
    return [
        "CREATE TRIGGER completion_counts_added AFTER INSERT ON completion"
        f" WHEN {quiz.format('NEW')} BEGIN{counted('NEW', 1)}\nEND",
        "CREATE TRIGGER completion_counts_removed AFTER DELETE ON completion"
        f" WHEN {quiz.format('OLD')} BEGIN{counted('OLD', -1)}\nEND",
        "CREATE TRIGGER completion_counts_changed"
        " AFTER UPDATE OF user_id, module_slug, item_key, completed_at ON completion"
        f" WHEN {quiz.format('OLD')} OR {quiz.format('NEW')}"
        f" BEGIN{counted('OLD', -1)}{counted('NEW', 1)}\nEND",
    ]


COMPLETION_TRIGGERS = tuple(f"completion_counts_{e}" for e in ("added", "removed", "changed"))
CHANGE_TRIGGERS = tuple(change.name for change in _changes("sqlite"))
# 0027's, which this revision's credential triggers replace.
CREDENTIAL_TRIGGERS_0027 = tuple(f"credential_counts_{e}" for e in ("revoked", "added", "removed"))


def _recount_passes() -> None:
    """Replace the kept 'passed' counts with a recount from dashboard_counted as it stands."""
    op.execute("DELETE FROM dashboard_count_change WHERE kind = 'passed'")
    op.execute(f"""
INSERT INTO dashboard_count_change ({COLUMNS})
SELECT u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value, count(*)
FROM dashboard_counted c
JOIN user_account u ON u.id = c.user_id
LEFT JOIN team_member m ON m.user_id = u.id
WHERE {LEARNER} AND c.kind = 'passed'
GROUP BY u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value
""")


def _drop_triggers(names: Sequence[str], *, functions: bool) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    tables = {name: name.split("_counts_")[0] for name in names}
    for name in names:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {tables[name]}" if postgresql else ""))
        if postgresql and functions:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(CREDENTIAL_TRIGGERS_0027, functions=False)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS credential_counts_changed()")
    op.execute("DROP VIEW dashboard_counted")
    op.execute(_view(dialect))
    if dialect == "postgresql":
        op.execute(_postgresql_completion())
        for change in _changes(dialect):
            op.execute(_postgresql_change(change))
    else:
        _drop_triggers(COMPLETION_TRIGGERS, functions=False)
        for statement in _sqlite_completion():
            op.execute(statement)
        for change in _changes(dialect):
            op.execute(_sqlite_change(change))
    _recount_passes()


def _revision_0027():
    """Return migration 0027's module: downgrading restores its view and triggers."""
    path = Path(__file__).with_name("0027_revoked_passes_and_erased_learners_requests.py")
    spec = importlib.util.spec_from_file_location("linkwise_migration_0027", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(CHANGE_TRIGGERS, functions=True)
    earlier = _revision_0027()
    earlier._replace(revoked_leave=True)
    if dialect == "postgresql":
        op.execute(earlier.POSTGRESQL_CREDENTIAL)
    else:
        for statement in earlier.SQLITE_CREDENTIAL:
            op.execute(statement)
    _recount_passes()
