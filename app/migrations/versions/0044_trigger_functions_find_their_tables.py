"""the trigger functions find their tables whatever the session's search_path (PostgreSQL)

The functions behind the dashboard counts' triggers (0017 to 0040) and the keys' triggers
(0022) name their tables without a schema, so PostgreSQL looked the tables up through the
search_path of whichever session fired them. A session with a different one failed on every
write that fires a trigger ('relation "evidence" does not exist'): pg_restore empties it, a
database role may be given one without the app's schema, a maintenance script may set its
own. Worse, a session holding a table of the same name ahead of ours (a temporary table: the
default search_path looks in pg_temp first) had the trigger read or write that table instead,
and the record's counts or keys went astray without an error.

Each function now carries its own search_path: the schema these migrations run in (where
they made the tables and the functions), then pg_temp, so a temporary table never stands in
for one of ours (pg_catalog, for PostgreSQL's own functions, is searched first as always).
The setting is kept with the function, by pg_dump too. A session's own search_path still
decides where the app's statements find their tables; only the triggers no longer depend on
it.

A later migration that adds a trigger function, or replaces one (CREATE OR REPLACE FUNCTION
drops any setting it does not repeat), sets the same: tests/web/test_migration_0044.py fails
for a trigger function of the schema without it.

Cost: PostgreSQL sets the function's search_path as a call starts and restores the session's
as it ends. On a throwaway PostgreSQL 15 database a one-line plpgsql function called 200,000
times took 0.35 µs a call without the setting and 1.67 µs with it (best of ten): 1.3 µs more a
call. A passing grade makes about ten calls (its answers', evidence's and ratings' keys and
counts, its pass, its completion, the counts' own keys), so about 13 µs of the 1.1 to 1.9 ms a
submit spends in the database; a screen's completion makes one.

SQLite is untouched: its triggers name tables of their own database file. Downgrade takes the
setting off again.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-06 19:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every trigger function the migrations made, by the table whose triggers call it.
COUNTS = (  # the dashboard's counts (0017, 0020, 0021, 0027, 0036, 0040)
    "learner_counts_added",
    "learner_counts_moved",
    "learner_counts_removed",
    "team_counts_moved",
    "attempt_counts_added",
    "attempt_counts_passed",
    "attempt_counts_removed",
    "competency_level_counts_added",
    "competency_level_counts_changed",
    "competency_level_counts_removed",
    "completion_counts_added",
    "completion_counts_changed",
    "completion_counts_removed",
    "credential_counts_added",
    "credential_counts_removed",
    "credential_counts_revoked",
)
KEYS = (  # the keys checked once a statement (0022): the children's, then the parents'
    *(
        f"{child}_{check}"
        for child in ("answer", "evidence", "competency_level", "dashboard_count_change")
        for check in ("keys_present", "key_present")
    ),
    *(
        f"{parent}_{check}"
        for parent in ("organisation", "question_version", "attempt", "user_account")
        for check in ("rows_deleted", "key_changed", "truncated")
    ),
)
FUNCTIONS = COUNTS + KEYS


def _altered(setting: str) -> str:
    """Return one ALTER FUNCTION a trigger function, each `setting` (SET ... or RESET ...)."""
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    if schema is None:
        raise RuntimeError(
            "the migrations need a schema to run in: this session's search_path names none"
            " that exists"
        )
    quoted = op.get_bind().dialect.identifier_preparer.quote_schema(schema)
    return "".join(
        f"ALTER FUNCTION {quoted}.{name}() {setting.format(schema=quoted)};\n" for name in FUNCTIONS
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_altered("SET search_path = {schema}, pg_temp"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_altered("RESET search_path"))
