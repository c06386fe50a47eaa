"""a revoked certificate's pass leaves the dashboard's module completions; an erased
learner's requests to a supervisor are closed

Revoking a certificate's credential withdraws Linkwise's word for the learning behind it:
its pass no longer completes an assignment or counts towards compliance
(services/passes.py). The manager dashboard's module completions, and its completions by
month, still counted it: they are the kept counts of 'passed' rows (migration 0017), made
from every quiz completion.

Now a quiz completion counts unless the learner's certificate for that module has a
credential revoked at or after the completion (the pass it records was made before the
revocation). A pass made after a revocation (a renamed quiz, taken again) is a completion
of its own, made later, and counts.

- dashboard_counted, the view of what each learner adds (and what a recount counts),
  leaves such completions out;
- the completion triggers count a completion written, changed or removed only if it counts
  by that rule;
- new triggers on credential: a credential revoked (or, should that ever be done by hand,
  its revocation undone), added already revoked or removed takes its certificate's passes
  out of the counts (or puts them back), in the transaction that changes it, under the
  learner's key as it is then;
- the counts kept so far lose the passes of credentials revoked before this revision.

Erasing a learner left the requests they had sent to a supervisor waiting in that
supervisor's queue, where they could still be decided. Erasure now closes them (a
confirmation_closure row, audited, as for requests whose supervisor goes). Every request
of a learner erased before this revision that is neither decided nor closed is closed here,
dated when its learner was erased. Decisions already made stand. Their stored ratings
still say "Awaiting confirmation" until `linkwise recompute-levels` is run; an erased
learner is in no organisation (0026), so no manager sees them.

Downgrade puts the revoked passes back in the counts and restores the view and triggers of
0017 and 0020. The closed requests stay closed: their learners were erased, and putting
their requests back in supervisors' queues would be the defect this fixes.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0017.
COLUMNS = "organisation_id, team_id, profession, kind, key, value, change"
LEARNER = "u.role = 'learner' AND u.organisation_id IS NOT NULL"
MONTH = {
    "postgresql": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM')",
    "sqlite": "strftime('%Y-%m', {})",
}


def _not_revoked(row: str) -> str:
    """The completion `row` is no pass whose certificate was revoked since it was made."""
    return (
        "NOT EXISTS (SELECT 1 FROM certificate ce JOIN credential cr ON cr.certificate_id = ce.id"
        f" WHERE ce.user_id = {row}.user_id AND ce.module_slug = {row}.module_slug"
        f" AND cr.revoked_at >= {row}.completed_at)"
    )


def _passed(row: str, revoked_leave: bool) -> str:
    """The completion `row` is counted: a quiz's, and (from this revision) not revoked since."""
    quiz = f"{row}.item_key LIKE 'quiz:%'"
    return f"{quiz} AND {_not_revoked(row)}" if revoked_leave else quiz


def _view(dialect: str, revoked_leave: bool) -> str:
    # 0017's view, its passes aliased p; from this revision without the revoked ones.
    month = MONTH[dialect].format("p.completed_at")
    text = "varchar" if dialect == "postgresql" else "text"
    return f"""
CREATE VIEW dashboard_counted AS
SELECT id AS user_id, CAST('learner' AS {text}) AS kind, CAST('' AS {text}) AS key,
       CAST('' AS {text}) AS value
FROM user_account
UNION ALL
SELECT user_id, 'level', competency_code, level FROM competency_level
UNION ALL
SELECT p.user_id, 'passed', p.item_key, {month} FROM completion p
WHERE {_passed("p", revoked_leave)}"""


# PostgreSQL: the completion triggers' functions (0017's removed, 0020's added and changed).


def _adds(sign: int, rows: str, revoked_leave: bool) -> str:
    month = MONTH["postgresql"].format("r.completed_at")
    return (
        f"SELECT r.user_id, 'passed' AS kind, r.item_key AS key, {month} AS value, "
        f"{sign} AS change FROM {rows} r WHERE {_passed('r', revoked_leave)}"
    )


def _counted(rows: str) -> str:
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


def _postgresql_completion(revoked_leave: bool) -> str:
    added = _adds(1, "new_rows", revoked_leave)
    removed = _adds(-1, "old_rows", revoked_leave)
    after, before = (_adds(0, rows, revoked_leave) for rows in ("new_rows", "old_rows"))
    return f"""
CREATE OR REPLACE FUNCTION completion_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM new_rows) THEN RETURN NULL; END IF;
{_lock("SELECT user_id FROM new_rows")}
{_counted(added)}
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION completion_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_lock("SELECT user_id FROM old_rows")}
{_counted(removed)}
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION completion_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (({after} EXCEPT ALL {before}) UNION ALL ({before} EXCEPT ALL {after}))
    THEN RETURN NULL; END IF;
{_lock("SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows")}
{_counted(added + " UNION ALL " + removed)}
  RETURN NULL;
END $$;
"""


def _excluded(dialect: str, credential: str, sign: str) -> str:
    """Insert `sign` times the passes the credential `credential` (a row) leaves out, under
    the learner's key: its certificate's quiz completions made when or before it was revoked."""
    month = MONTH[dialect].format("c.completed_at")
    if dialect == "postgresql":
        team, join = "m.team_id", "LEFT JOIN team_member m ON m.user_id = u.id"
        group = "u.organisation_id, m.team_id, u.profession, c.item_key, " + month
    else:
        team, join = "(SELECT m.team_id FROM team_member m WHERE m.user_id = u.id)", ""
        group = f"u.organisation_id, u.id, u.profession, c.item_key, {month}"
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, {team}, u.profession, 'passed', c.item_key, {month},
         {sign} * count(*)
  FROM certificate ce
  JOIN completion c ON c.user_id = ce.user_id AND c.module_slug = ce.module_slug
  JOIN user_account u ON u.id = ce.user_id
  {join}
  WHERE ce.id = {credential}.certificate_id AND c.item_key LIKE 'quiz:%'
    AND c.completed_at <= {credential}.revoked_at AND {LEARNER}
  GROUP BY {group};"""


def _certificate_holder(credential: str) -> str:
    return f"SELECT user_id FROM certificate WHERE id = {credential}.certificate_id"


POSTGRESQL_CREDENTIAL = f"""
CREATE FUNCTION credential_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.revoked_at IS NOT NULL THEN
{_lock(_certificate_holder("OLD"))}
{_excluded("postgresql", "OLD", "1")}
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.revoked_at IS NOT NULL THEN
{_lock(_certificate_holder("NEW"))}
{_excluded("postgresql", "NEW", "-1")}
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER credential_counts_revoked AFTER UPDATE OF revoked_at, certificate_id
  ON credential FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
        OR OLD.certificate_id IS DISTINCT FROM NEW.certificate_id)
  EXECUTE FUNCTION credential_counts_changed();
CREATE TRIGGER credential_counts_added AFTER INSERT ON credential FOR EACH ROW
  WHEN (NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION credential_counts_changed();
CREATE TRIGGER credential_counts_removed AFTER DELETE ON credential FOR EACH ROW
  WHEN (OLD.revoked_at IS NOT NULL) EXECUTE FUNCTION credential_counts_changed();
"""


# SQLite: row triggers, as in 0017.


def _sqlite_pass(row: str, sign: str, revoked_leave: bool) -> str:
    month = MONTH["sqlite"].format(f"{row}.completed_at")
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, (SELECT m.team_id FROM team_member m WHERE m.user_id = u.id),
         u.profession, 'passed', {row}.item_key, {month}, {sign}
  FROM user_account u WHERE u.id = {row}.user_id AND {LEARNER}
  AND {_passed(row, revoked_leave)};"""


def _sqlite_completion(revoked_leave: bool) -> list[str]:
    # From this revision a change of module counts too: the revocation rule reads it.
    columns = "user_id, module_slug, item_key, completed_at" if revoked_leave else (
        "user_id, item_key, completed_at"
    )
    return [
        "CREATE TRIGGER completion_counts_added AFTER INSERT ON completion BEGIN"
        f"{_sqlite_pass('NEW', '1', revoked_leave)}\nEND",
        "CREATE TRIGGER completion_counts_removed AFTER DELETE ON completion BEGIN"
        f"{_sqlite_pass('OLD', '-1', revoked_leave)}\nEND",
        f"CREATE TRIGGER completion_counts_changed AFTER UPDATE OF {columns} ON completion BEGIN"
        f"{_sqlite_pass('OLD', '-1', revoked_leave)}{_sqlite_pass('NEW', '1', revoked_leave)}"
        "\nEND",
    ]


SQLITE_CREDENTIAL = [
    "CREATE TRIGGER credential_counts_revoked AFTER UPDATE OF revoked_at, certificate_id"
    " ON credential WHEN OLD.revoked_at IS NOT NEW.revoked_at"
    " OR OLD.certificate_id IS NOT NEW.certificate_id BEGIN"
    f"{_excluded('sqlite', 'OLD', '1')}{_excluded('sqlite', 'NEW', '-1')}\nEND",
    "CREATE TRIGGER credential_counts_added AFTER INSERT ON credential"
    f" WHEN NEW.revoked_at IS NOT NULL BEGIN{_excluded('sqlite', 'NEW', '-1')}\nEND",
    "CREATE TRIGGER credential_counts_removed AFTER DELETE ON credential"
    f" WHEN OLD.revoked_at IS NOT NULL BEGIN{_excluded('sqlite', 'OLD', '1')}\nEND",
]
CREDENTIAL_TRIGGERS = tuple(f"credential_counts_{e}" for e in ("revoked", "added", "removed"))
COMPLETION_TRIGGERS = tuple(f"completion_counts_{e}" for e in ("added", "removed", "changed"))


def _revoked_passes(sign: str) -> str:
    """Insert `sign` times every pass a revoked credential leaves out (see _excluded)."""
    month = MONTH[op.get_bind().dialect.name].format("c.completed_at")
    return f"""
INSERT INTO dashboard_count_change ({COLUMNS})
SELECT u.organisation_id, m.team_id, u.profession, 'passed', c.item_key, {month},
       {sign} * count(*)
FROM credential cr
JOIN certificate ce ON ce.id = cr.certificate_id
JOIN completion c ON c.user_id = ce.user_id AND c.module_slug = ce.module_slug
JOIN user_account u ON u.id = ce.user_id
LEFT JOIN team_member m ON m.user_id = u.id
WHERE cr.revoked_at IS NOT NULL AND c.item_key LIKE 'quiz:%'
  AND c.completed_at <= cr.revoked_at AND {LEARNER}
GROUP BY u.organisation_id, m.team_id, u.profession, c.item_key, {month}
"""


def _replace(revoked_leave: bool) -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW dashboard_counted")
    op.execute(_view(dialect, revoked_leave))
    if dialect == "postgresql":
        op.execute(_postgresql_completion(revoked_leave))
        return
    for name in COMPLETION_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _sqlite_completion(revoked_leave):
        op.execute(statement)


# Requests of erased learners, neither decided nor closed: closed as of the erasure.
CLOSE_ERASED_LEARNERS_REQUESTS = """
INSERT INTO confirmation_closure (request_id, closed_at)
SELECT r.id, u.erased_at
FROM confirmation_request r
JOIN user_account u ON u.id = r.user_id
WHERE u.erased_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM confirmation_decision d WHERE d.request_id = r.id)
  AND NOT EXISTS (SELECT 1 FROM confirmation_closure c WHERE c.request_id = r.id)
"""


def upgrade() -> None:
    _replace(revoked_leave=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_CREDENTIAL)
    else:
        for statement in SQLITE_CREDENTIAL:
            op.execute(statement)
    op.execute(_revoked_passes("-1"))
    op.execute(CLOSE_ERASED_LEARNERS_REQUESTS)


def downgrade() -> None:
    op.execute(_revoked_passes("1"))
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in CREDENTIAL_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON credential" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS credential_counts_changed()")
    _replace(revoked_leave=False)
