"""certificates record what they certify when issued

Until now a certificate printed its holder's name, profession and registration number from
the account, and the module's title, CPD time, learning outcomes and competencies from the
content, as each stood whenever the certificate was shown. An edit to either rewrote
certificates already issued (their page, PDF and public check) while the signed credential
kept the values at issue. Now certificate records them when it is issued, in the same
transaction: holder_name, holder_profession, holder_registration_number, module_title,
cpd_minutes, learning_outcomes and competencies (a [code, name] pair each). Everything that
shows an issued certificate reads these columns.

Existing rows. A certificate whose signed credential is stored gets what that credential
says: the holder's name and registration number, the module's title, its CPD time
(`creditsAvailable`, in hours to two places, back to whole minutes), its learning outcomes
and its competencies, as they were signed. The payload is read without checking the
signature: Linkwise stored the text as it signed it. A credential names no profession, so
that comes from the account. A certificate without a credential (earned before credentials
were issued, or whose holder erased their account, which empties the credential's text)
gets the account's details and the module's as they stand at upgrade time
(LINKWISE_CONTENT_DIR and LINKWISE_COMPETENCIES_DIR, else the project's content/ and
competencies/ folders), as 0007 did for quiz files: the best record left, since neither
can be read as it was. An erased holder's certificates so record "Erased account" and no
number. A module gone from the content leaves its slug as the title, 0 CPD minutes and no
outcomes or competencies: nothing left says more. If the content has errors and a
certificate needs it, the upgrade stops and lists them; fix them and run it again.

Downgrading drops the columns and what they recorded.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 09:00:00
"""

import base64
import json
import os
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("holder_name", sa.String(length=200), False),
    ("holder_profession", sa.String(length=40), False),
    ("holder_registration_number", sa.String(length=40), True),
    ("module_title", sa.Text(), False),
    ("cpd_minutes", sa.Integer(), False),
    ("learning_outcomes", sa.JSON(), False),
    ("competencies", sa.JSON(), False),
)


def upgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        for name, type_, _ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    _fill_in()
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        for name, type_, nullable in COLUMNS:
            if not nullable:
                batch_op.alter_column(name, existing_type=type_, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        for name, _, _ in reversed(COLUMNS):
            batch_op.drop_column(name)


_certificate = sa.table(
    "certificate",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("module_slug", sa.String),
    *(sa.column(name, type_) for name, type_, _ in COLUMNS),
)
_credential = sa.table("credential", sa.column("certificate_id", sa.Integer), sa.column("jwt"))
_user = sa.table(
    "user_account",
    sa.column("id", sa.Integer),
    sa.column("full_name", sa.String),
    sa.column("profession", sa.String),
    sa.column("registration_number", sa.String),
)


def _fill_in() -> None:
    bind = op.get_bind()
    course = None  # the content as it stands, read only if a certificate needs it
    last_id = 0
    while True:  # a thousand certificates at a time, so a big table never sits in memory
        rows = bind.execute(
            sa.select(
                _certificate.c.id,
                _certificate.c.module_slug,
                _user.c.full_name,
                _user.c.profession,
                _user.c.registration_number,
                _credential.c.jwt,
            )
            .join(_user, _user.c.id == _certificate.c.user_id)
            .outerjoin(_credential, _credential.c.certificate_id == _certificate.c.id)
            .where(_certificate.c.id > last_id)
            .order_by(_certificate.c.id)
            .limit(1000)
        ).all()
        if not rows:
            break
        updates = []
        for certificate_id, slug, name, profession, number, token in rows:
            recorded = _signed(token)
            if recorded is None:
                if course is None:
                    course = _current_course()
                recorded = {
                    "b_name": name,
                    "b_number": number,
                    **_module_as_it_stands(course, slug),
                }
            updates.append({"b_id": certificate_id, "b_profession": profession, **recorded})
        bind.execute(
            sa.update(_certificate)
            .where(_certificate.c.id == sa.bindparam("b_id"))
            .values(
                holder_name=sa.bindparam("b_name"),
                holder_profession=sa.bindparam("b_profession"),
                holder_registration_number=sa.bindparam("b_number"),
                module_title=sa.bindparam("b_title"),
                cpd_minutes=sa.bindparam("b_minutes"),
                learning_outcomes=sa.bindparam("b_outcomes", type_=sa.JSON),
                competencies=sa.bindparam("b_competencies", type_=sa.JSON),
            ),
            updates,
        )
        last_id = rows[-1][0]


def _signed(token: str | None) -> dict | None:
    """Return what a stored credential says of its holder and module; None without one.

    Read here rather than by the app's code, which may write credentials differently later:
    these are the credentials as Linkwise signed them up to this revision.
    """
    if not token:
        return None
    try:
        part = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        subject = claims["credentialSubject"]
        achievement = subject["achievement"]
        name = next(
            i["identityHash"] for i in subject["identifier"] if i.get("identityType") == "name"
        )
        # The achievement's description is the summary, then "Learning outcomes:" and one
        # "- " line for each outcome (domain/open_badges.py: achievement).
        _, listed, outcomes = achievement.get("description", "").rpartition(
            "\n\nLearning outcomes:"
        )
        return {
            "b_name": name,
            "b_number": subject.get("licenseNumber"),
            "b_title": achievement["name"],
            "b_minutes": round(float(achievement["creditsAvailable"]) * 60),
            "b_outcomes": [line[2:] for line in outcomes.split("\n") if line.startswith("- ")]
            if listed
            else [],
            "b_competencies": [
                [a["targetCode"], a["targetName"]] for a in achievement.get("alignment", [])
            ],
        }
    except (ValueError, KeyError, IndexError, TypeError, StopIteration):
        return None  # not a credential Linkwise wrote: the account and content it is


def _current_course():
    """Load the content as it stands now; stop the upgrade if it has errors."""
    from app.config import PROJECT_ROOT
    from app.content import load

    environ = os.environ
    content = Path(environ.get("LINKWISE_CONTENT_DIR") or PROJECT_ROOT / "content")
    frameworks = Path(environ.get("LINKWISE_COMPETENCIES_DIR") or PROJECT_ROOT / "competencies")
    result = load(content, frameworks)
    if result.catalogue is None:
        problems = "\n".join(str(p) for p in result.errors)
        raise RuntimeError(
            "certificates earned before credentials record their module as the content has "
            f"it now, and the content has errors: fix them and upgrade again.\n{problems}"
        )
    return result.catalogue


def _module_as_it_stands(course, slug: str) -> dict:
    module = course.module(slug)
    if module is None:
        return {"b_title": slug, "b_minutes": 0, "b_outcomes": [], "b_competencies": []}
    return {
        "b_title": module.title,
        "b_minutes": module.cpd_minutes,
        "b_outcomes": list(module.learning_outcomes),
        "b_competencies": [
            [code, found.name]
            for code in module.competency_codes
            if (found := course.competency(code)) is not None
        ],
    }
