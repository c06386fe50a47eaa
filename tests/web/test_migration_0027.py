"""Migration 0027 takes the passes of certificates revoked before it out of the dashboard's
kept counts, so they equal a recount by the new rule (downgrading puts them back), and closes
the requests of learners erased before it that no one decided (downgrading leaves them)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, create_engine, func, insert, select, update

from app.cli import alembic_config, upgrade_database
from app.models_counts import DashboardCountChange
from app.services import dashboard_counts
from app.services.rating_reads import aware
from tests.conftest import BACKENDS
from tests.databases import database_at

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
ERASED = T0 + timedelta(days=10)


@pytest.fixture(params=BACKENDS)
def database_at_0026(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0026."""
    with database_at(request.param, tmp_path, "0026") as url:
        yield url


def _person(connection, t, organisation_id, email, **fields) -> int:
    return connection.execute(
        insert(t["user_account"]).returning(t["user_account"].c.id),
        {
            "email": email,
            "full_name": email.split("@")[0],
            "password_hash": "!",
            "profession": "link-worker",
            "role": "learner",
            "organisation_id": organisation_id,
            "session_token": uuid.uuid4().hex,
            "created_at": T0,
            "professional_confirmed_at": T0,
            "professional_confirmed_as": "link-worker",
            **fields,
        },
    ).scalar_one()


def _organisation(connection, t, name="Riverside PCN", join_code="RIVER1") -> int:
    return connection.execute(
        insert(t["organisation"]).returning(t["organisation"].c.id),
        {"name": name, "join_code": join_code, "created_at": T0},
    ).scalar_one()


def _passed(connection, t, learner: int, slug: str, at: datetime, number: int) -> int:
    """Write a pass of the module's quiz as the 0026 code did; return its certificate's id."""
    attempt = connection.execute(
        insert(t["attempt"]).returning(t["attempt"].c.id),
        {
            "user_id": learner,
            "quiz_id": f"{slug}-assessment",
            "module_slug": slug,
            "number": 1,
            "status": "graded",
            "selection": [],
            "started_at": at,
            "submitted_at": at,
            "percent": 100,
            "passed": True,
        },
    ).scalar_one()
    connection.execute(
        insert(t["completion"]),
        {
            "user_id": learner,
            "module_slug": slug,
            "item_key": f"quiz:{slug}-assessment",
            "completed_at": at,
        },
    )
    certificate = connection.execute(
        insert(t["certificate"]).returning(t["certificate"].c.id),
        {
            "code": f"LW-{number:04d}",
            "user_id": learner,
            "module_slug": slug,
            "attempt_id": attempt,
            "issued_at": at,
            "reflective_account": {},
            "holder_name": "Lee",
            "holder_profession": "link-worker",
            "module_title": slug,
            "cpd_minutes": 45,
            "learning_outcomes": [],
            "competencies": [],
        },
    ).scalar_one()
    connection.execute(
        insert(t["credential"]),
        {
            "certificate_id": certificate,
            "credential_id": f"urn:uuid:{uuid.uuid4()}",
            "status_list": 1,
            "status_index": number,
            "key_id": "k",
            "jwt": "a.b.c",
            "issued_at": at,
        },
    )
    return certificate


def old_rows(url: str) -> None:
    """Write, with the 0026 schema, three passes; revoke the certificate of the first."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    with engine.begin() as connection:
        organisation = _organisation(connection, t)
        lee = _person(connection, t, organisation, "lee@example.org")
        kim = _person(connection, t, organisation, "kim@example.org")
        revoked = _passed(connection, t, lee, "first", T0, 1)
        _passed(connection, t, lee, "second", T0, 2)
        _passed(connection, t, kim, "first", T0, 3)
        connection.execute(
            update(t["credential"])
            .where(t["credential"].c.certificate_id == revoked)
            .values(revoked_at=T0 + timedelta(days=30), revoked_reason="Sat by another")
        )
    engine.dispose()


def counts(url: str) -> tuple[int, int]:
    """Return the passes kept, and how many keys differ from a recount."""
    engine = create_engine(url)
    with engine.connect() as connection:
        kept = connection.scalar(
            select(func.sum(DashboardCountChange.change)).where(
                DashboardCountChange.kind == dashboard_counts.PASSED
            )
        )
        differing = dashboard_counts.differences(connection)
    engine.dispose()
    return kept, differing


def test_upgrade_takes_revoked_passes_out_of_the_counts_and_downgrade_puts_them_back(
    database_at_0026,
):
    from alembic import command

    url = database_at_0026
    old_rows(url)
    assert counts(url) == (3, 0)  # before: the revoked pass still counted
    upgrade_database(url, "0027")
    assert counts(url) == (2, 0)
    command.downgrade(alembic_config(url), "0026")
    assert counts(url) == (3, 0)


def requests_of_the_erased(url: str) -> dict[str, int]:
    """Write, with the 0026 schema, requests of an erased learner and of one who is not."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    with engine.begin() as connection:
        organisation = connection.execute(
            insert(t["organisation"]).returning(t["organisation"].c.id),
            {"name": "Riverside PCN", "join_code": "RIVER1", "created_at": T0},
        ).scalar_one()
        sue = _person(connection, t, organisation, "sue@example.org")
        connection.execute(
            insert(t["supervisor"]),
            {"user_id": sue, "organisation_id": organisation, "named_at": T0},
        )
        # Erased before 0027: out of the organisation (0026), their requests left waiting.
        gone = _person(connection, t, None, "erased-2@erased.invalid", erased_at=ERASED)
        lee = _person(connection, t, organisation, "lee@example.org")

        def asked(learner, code):
            return connection.execute(
                insert(t["confirmation_request"]).returning(t["confirmation_request"].c.id),
                {
                    "user_id": learner,
                    "organisation_id": organisation,
                    "supervisor_id": sue,
                    "competency_code": code,
                    "requested_at": T0,
                },
            ).scalar_one()

        ids = {
            "waiting": asked(gone, "SPLW-1.4"),
            "decided": asked(gone, "SPLW-1.5"),
            "closed": asked(gone, "SPLW-1.6"),
            "alive": asked(lee, "SPLW-1.4"),
        }
        connection.execute(
            insert(t["confirmation_decision"]),
            {
                "request_id": ids["decided"],
                "outcome": "confirmed",
                "comments": "",
                "action_plan": "",
                "decided_by": sue,
                "decided_by_name": "sue",
                "decided_at": T0 + timedelta(days=1),
            },
        )
        connection.execute(
            insert(t["confirmation_closure"]),
            {"request_id": ids["closed"], "closed_at": T0 + timedelta(days=2)},
        )
    engine.dispose()
    return ids


def closures(url: str) -> dict[int, datetime]:
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    closure = tables.tables["confirmation_closure"]
    with engine.connect() as connection:
        found = dict(connection.execute(select(closure.c.request_id, closure.c.closed_at)).all())
    engine.dispose()
    return {request: aware(at) for request, at in found.items()}


def test_upgrade_closes_the_erased_learners_undecided_requests_as_of_their_erasure(
    database_at_0026,
):
    from alembic import command

    url = database_at_0026
    ids = requests_of_the_erased(url)
    upgrade_database(url, "0027")
    closed = closures(url)
    assert closed == {ids["closed"]: T0 + timedelta(days=2), ids["waiting"]: ERASED}
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    decision = tables.tables["confirmation_decision"]
    with engine.connect() as connection:
        decided = connection.execute(select(decision.c.request_id, decision.c.outcome)).all()
    engine.dispose()
    assert decided == [(ids["decided"], "confirmed")]  # the decision stands
    command.downgrade(alembic_config(url), "0026")
    assert closures(url) == closed
