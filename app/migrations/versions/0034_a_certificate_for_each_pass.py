"""a certificate for each passing attempt: a learner may hold several for one module

Until now certificate was unique by (user_id, module_slug): a learner held one certificate
a module, and a later pass of its quiz found it there and added none. A renewal pass (the
module's competencies, its assignment or its credential due again) now earns a certificate
and a credential of its own, with its own CPD time and validity, and the earlier ones stay
exactly as issued: their codes, verify pages and signed credentials are unchanged.

- the unique key (user_id, module_slug) goes;
- attempt_id becomes unique (uq_certificate_attempt_id): one certificate a passing attempt,
  which is also what issuing conflicts on, so two tabs submitting one attempt still make one;
- ix_certificate_user_module keeps (user_id, module_slug) indexed for the readers, each of
  which takes the learner's latest certificate for a module (latest issued_at, then id).

Existing rows: none to change. Under the old key no two certificates could share an
attempt (an attempt has one learner and one module).

On SQLite the table is rebuilt (SQLite drops a table's constraints no other way). The view
and the triggers of migrations 0017 to 0027 name certificate in their bodies: while the old
table is gone, SQLite's RENAME of the copy back to "certificate" would find them pointing
at nothing and refuse, so the rebuild runs with legacy_alter_table on (SQLite's documented
way for this copy-and-rename), and they are kept as they are, naming the new table. Foreign
keys are off while the migrations run (env.py), so credential rows keep their certificates.

Downgrade restores the one-per-module key. It stops, naming how many, while any learner
holds more than one certificate for a module: the old schema cannot hold them, and
deleting one would break the verify page of a code already handed out.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_certificate_user_module"

SEVERAL = """
SELECT count(*) FROM (
  SELECT user_id, module_slug FROM certificate
  GROUP BY user_id, module_slug HAVING count(*) > 1
) AS several
"""


def _rebuilt(drop: str, unique: str, columns: list[str]) -> None:
    """Swap the certificate table's unique key `drop` for `unique` on `columns`."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA legacy_alter_table=ON")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(drop, type_="unique")
        batch_op.create_unique_constraint(unique, columns)
    if sqlite:
        op.execute("PRAGMA legacy_alter_table=OFF")


def upgrade() -> None:
    _rebuilt("uq_certificate_user_id", "uq_certificate_attempt_id", ["attempt_id"])
    op.create_index(INDEX, "certificate", ["user_id", "module_slug"])


def downgrade() -> None:
    several = op.get_bind().execute(sa.text(SEVERAL)).scalar_one()
    if several:
        raise RuntimeError(
            f"cannot downgrade below 0034: {several} learner-and-module pairs hold more than "
            "one certificate, which the old schema cannot keep (deleting one would break the "
            "verify page of its code)"
        )
    op.drop_index(INDEX, table_name="certificate")
    _rebuilt("uq_certificate_attempt_id", "uq_certificate_user_id", ["user_id", "module_slug"])
