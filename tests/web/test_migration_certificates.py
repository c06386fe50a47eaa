"""Migration 0024 fills in what certificates issued before it certify, and goes down and up."""

import base64
import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, create_engine, insert, inspect, text

from app import create_app
from app.cli import upgrade_database
from app.content import load
from app.domain.certificate_codes import new_certificate_code
from tests.conftest import BACKENDS, DEMO_PASSWORD, PROJECT_ROOT, sign_in
from tests.databases import database_at
from tests.domain.test_certificates import pdf_text

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
RECORDED = (
    "holder_name",
    "holder_profession",
    "holder_registration_number",
    "module_title",
    "cpd_minutes",
    "learning_outcomes",
    "competencies",
)


@pytest.fixture(params=BACKENDS)
def database_at_0023(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0023."""
    with database_at(request.param, tmp_path, "0023") as url:
        yield url


def signed_as_it_was(code: str) -> str:
    """Return a credential as Linkwise signed one before 0024 (the signature is not read)."""
    claims = {
        "credentialSubject": {
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "identityHash": "Sam At Issue"}
            ],
            "licenseNumber": "NMC 12A3456B",
            "achievement": {
                "name": "The title at issue",
                "description": "The summary.\n\nLearning outcomes:\n- Outcome one\n- Outcome two",
                "creditsAvailable": 0.75,
                "alignment": [{"targetCode": "SPLW-1.1", "targetName": "The name at issue"}],
            },
            "creditsEarned": 0.75,
        },
        "description": f"Linkwise CPD certificate {code}",
    }

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256'})}.{part(claims)}.c2lnbmF0dXJl"


def old_certificates(url: str, modules) -> dict[str, str]:
    """Write, with the 0023 schema, three certificates of a renamed learner; return their codes.

    One has its signed credential, one was earned before credentials, one is of a module
    since removed from the course.
    """
    from app.services.accounts import hash_password

    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    user, attempt, certificate, credential = (
        tables.tables[n] for n in ("user_account", "attempt", "certificate", "credential")
    )
    codes = {}
    with engine.begin() as connection:
        user_id = connection.execute(
            insert(user).returning(user.c.id),
            {
                "email": "learner@example.org",
                "full_name": "Sam Renamed",
                "password_hash": hash_password(DEMO_PASSWORD),
                "profession": "gp",
                "registration_number": "GMC 7654321",
                "role": "learner",
                "professional_confirmed_at": NOW,
                "professional_confirmed_as": "gp",
                "session_token": "t" * 32,
                "created_at": NOW,
            },
        ).scalar_one()
        for kind, slug in zip(
            ("signed", "before credentials", "removed"),
            (modules[0].slug, modules[1].slug, "a-removed-module"),
            strict=True,
        ):
            attempt_id = connection.execute(
                insert(attempt).returning(attempt.c.id),
                {
                    "user_id": user_id,
                    "quiz_id": f"{slug}-assessment",
                    "module_slug": slug,
                    "number": 1,
                    "status": "graded",
                    "selection": [],
                    "started_at": NOW,
                    "submitted_at": NOW,
                    "points": 1.0,
                    "points_possible": 1.0,
                    "percent": 100,
                    "passed": True,
                },
            ).scalar_one()
            code = codes[kind] = new_certificate_code()
            certificate_id = connection.execute(
                insert(certificate).returning(certificate.c.id),
                {
                    "code": code,
                    "user_id": user_id,
                    "module_slug": slug,
                    "attempt_id": attempt_id,
                    "issued_at": NOW,
                },
            ).scalar_one()
            if kind == "signed":
                connection.execute(
                    insert(credential),
                    {
                        "id": 1,
                        "certificate_id": certificate_id,
                        "credential_id": f"urn:uuid:{uuid.uuid4()}",
                        "status_list": 1,
                        "status_index": 0,
                        "key_id": "k" * 43,
                        "jwt": signed_as_it_was(code),
                        "issued_at": NOW,
                    },
                )
    engine.dispose()
    return codes


def recorded(url: str) -> dict[str, dict]:
    """Return what each certificate records, by code."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT code, {', '.join(RECORDED)} FROM certificate"))
        found = {row[0]: dict(zip(RECORDED, row[1:], strict=True)) for row in rows}
    engine.dispose()
    for values in found.values():  # SQLite hands JSON back as text here
        for name in ("learning_outcomes", "competencies"):
            if isinstance(values[name], str):
                values[name] = json.loads(values[name])
    return found


def test_0024_fills_in_certificates_from_their_credential_else_as_things_stand(
    database_at_0023,
):
    course = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    modules = [m for m in course.modules if m.assessment]
    codes = old_certificates(database_at_0023, modules)
    upgrade_database(database_at_0023)
    found = recorded(database_at_0023)
    # The credential's holder and module as signed; it names no profession: the account's.
    assert found[codes["signed"]] == {
        "holder_name": "Sam At Issue",
        "holder_profession": "gp",
        "holder_registration_number": "NMC 12A3456B",
        "module_title": "The title at issue",
        "cpd_minutes": 45,
        "learning_outcomes": ["Outcome one", "Outcome two"],
        "competencies": [["SPLW-1.1", "The name at issue"]],
    }
    before = modules[1]
    assert found[codes["before credentials"]] == {
        "holder_name": "Sam Renamed",
        "holder_profession": "gp",
        "holder_registration_number": "GMC 7654321",
        "module_title": before.title,
        "cpd_minutes": before.cpd_minutes,
        "learning_outcomes": list(before.learning_outcomes),
        "competencies": [[c, course.competency(c).name] for c in before.competency_codes],
    }
    removed = found[codes["removed"]]
    assert (removed["module_title"], removed["cpd_minutes"]) == ("a-removed-module", 0)
    assert removed["learning_outcomes"] == removed["competencies"] == []

    # The certificate page and its PDF show what the credential signed, not the account.
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": database_at_0023, "SECRET_KEY": "t"})
    client = app.test_client()
    sign_in(client, "learner@example.org")
    page = client.get(f"/modules/{modules[0].slug}/certificate/").text
    shown = page[page.index('<dl class="nhsuk-summary-list"') : page.index("</dl>")]
    assert "Sam At Issue" in shown and "NMC 12A3456B" in shown and "45 minutes" in shown
    assert "Sam Renamed" not in shown
    pdf = pdf_text(client.get(f"/modules/{modules[0].slug}/certificate.pdf").data)
    assert "The title at issue" in pdf and "Outcome two" in pdf and "The name at issue" in pdf
    public = app.test_client().get(f"/certificates/{codes['signed']}").text
    assert "Sam At Issue" in public and "The title at issue" in public
    # The credential is still there (SQLite copies the certificate table to alter it).
    assert "Valid (Open Badges 3.0, signed by Linkwise)" in public
    app.extensions["linkwise.engine"].dispose()


def test_0024_goes_down_and_up_again(database_at_0023):
    from alembic import command

    from app.cli import alembic_config

    course = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    codes = old_certificates(database_at_0023, [m for m in course.modules if m.assessment])
    upgrade_database(database_at_0023)
    upgraded = recorded(database_at_0023)
    command.downgrade(alembic_config(database_at_0023), "0023")
    engine = create_engine(database_at_0023)
    with engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("certificate")}
        kept = set(connection.scalars(text("SELECT code FROM certificate")))
    engine.dispose()
    assert not columns & set(RECORDED) and "code" in columns
    assert kept == set(codes.values())
    upgrade_database(database_at_0023)
    assert recorded(database_at_0023) == upgraded
    engine = create_engine(database_at_0023)
    with engine.connect() as connection:
        columns = inspect(connection).get_columns("certificate")
    engine.dispose()
    nullable = {c["name"] for c in columns if c["nullable"]}
    assert nullable & set(RECORDED) == {"holder_registration_number"}
