"""the dashboard counts module completions by the UK month they fall in

"Modules completed for the first time, by month" read the kept 'passed' counts, whose
triggers (0017 to 0040) keyed each completion by its UTC month, and a filtered dashboard
counted afresh the same way. Every other day and time the product shows is UK time
(Europe/London, app/domain/dates.py), so a learner who passed at 00:30 BST on 1 August
(23:30 UTC on 31 July) was counted in July on the chart, and in August everywhere else.

From this revision the month is the UK month: on PostgreSQL the time AT TIME ZONE
'Europe/London'; on SQLite, which knows no zones, the UK's rule written out (BST from 01:00
UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October), in the words
services/sqlfunctions.year_month compiles to, so the kept counts and a recount name the
same month (tests/web/test_migration_0048.py holds the two to the same text). Everything
else is 0040's rule, view and triggers, unchanged: its module is loaded afresh here with
its MONTH set to the UK month, and its upgrade run.

The PostgreSQL functions 0040 replaces carry the search_path 0044 gave them again
(CREATE OR REPLACE FUNCTION drops a setting it does not repeat).

Cost: the same statements as before, none added to a grade. PostgreSQL converts a time to
the UK zone as cheaply as to UTC; SQLite works the month out with a few date functions
once a counted completion, in the trigger of the statement that writes it.

Upgrade recounts the 'passed' counts by UK month. Downgrade restores 0047's view, triggers
and search_path (0040's, with 0044's setting) and recounts by UTC month.

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-07 09:30:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0048"
down_revision: str | None = "0047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite_uk(moment: str) -> str:
    """A stored UTC time as UK clock time on SQLite (services/sqlfunctions.sqlite_uk)."""
    year = f"substr({moment}, 1, 4)"
    starts = f"date({year} || '-03-25', 'weekday 0') || ' 01:00:00'"
    ends = f"date({year} || '-10-25', 'weekday 0') || ' 01:00:00'"
    summer = f"{moment} >= {starts} AND {moment} < {ends}"
    return f"datetime({moment}, CASE WHEN {summer} THEN '+1 hours' ELSE '+0 hours' END)"


# The 'YYYY-MM' of a time's UK month, by dialect: UK_MONTH[dialect].format(moment) (0040's
# MONTH, whose patterns take the moment once; SQLite's rule names it four times, as {0}).
UK_MONTH = {
    "postgresql": "to_char({0} AT TIME ZONE 'Europe/London', 'YYYY-MM')",
    "sqlite": f"strftime('%Y-%m', {_sqlite_uk('{0}')})",
}


def _revision_0040(month=None):
    """Return migration 0040's module, loaded afresh; with `month`, its MONTH replaced."""
    path = Path(__file__).with_name("0040_completions_count_by_module.py")
    spec = importlib.util.spec_from_file_location("linkwise_migration_0040", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if month is not None:
        module.MONTH = month
    return module


def _pin_search_path(rules) -> None:
    """Give the functions 0040 replaces the search_path 0044 gives every trigger function."""
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    quoted = op.get_bind().dialect.identifier_preparer.quote_schema(schema)
    for name in rules.EARLIER.COMPLETION_TRIGGERS + rules.EARLIER.CHANGE_TRIGGERS:
        op.execute(f"ALTER FUNCTION {quoted}.{name}() SET search_path = {quoted}, pg_temp")


def _install(rules) -> None:
    """Replace the view and the triggers with `rules`' (0040's module), and recount."""
    rules.upgrade()
    _pin_search_path(rules)


def upgrade() -> None:
    _install(_revision_0040(UK_MONTH))


def downgrade() -> None:
    _install(_revision_0040())
