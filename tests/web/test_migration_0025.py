"""Migration 0025 gives decisions made before it their wording and answers, and closes
requests no one can decide; downgrading takes it all away again."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, create_engine, insert, inspect, select

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def database_at_0024(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0024."""
    with database_at(request.param, tmp_path, "0024") as url:
        yield url


def _person(connection, user, organisation_id, email, **fields) -> int:
    return connection.execute(
        insert(user).returning(user.c.id),
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


def old_rows(url: str) -> dict:
    """Write, with the 0024 schema, decided and waiting requests as the old code stored them."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    with engine.begin() as connection:
        organisation = connection.execute(
            insert(t["organisation"]).returning(t["organisation"].c.id),
            {"name": "Riverside PCN", "join_code": "RIVER1", "created_at": T0},
        ).scalar_one()
        learner = _person(connection, t["user_account"], organisation, "lee@example.org")
        sue = _person(connection, t["user_account"], organisation, "sue@example.org")
        gone = _person(
            connection, t["user_account"], organisation, "gone@example.org", erased_at=T0
        )
        connection.execute(
            insert(t["supervisor"]),
            {"user_id": sue, "organisation_id": organisation, "named_at": T0},
        )
        attempt = connection.execute(
            insert(t["attempt"]).returning(t["attempt"].c.id),
            {
                "user_id": learner,
                "quiz_id": "q",
                "module_slug": "m",
                "number": 1,
                "status": "graded",
                "selection": [],
                "started_at": T0,
            },
        ).scalar_one()

        def evidence(question, at):
            return connection.execute(
                insert(t["evidence"]).returning(t["evidence"].c.id),
                {
                    "user_id": learner,
                    "organisation_id": organisation,
                    "competency_code": "SPLW-1.4",
                    "quiz_id": "q",
                    "question_id": question,
                    "attempt_id": attempt,
                    "score": 1.0,
                    "recorded_at": at,
                },
            ).scalar_one()

        seen = evidence("q1", T0 + timedelta(hours=1))
        evidence("q2", T0 + timedelta(days=5))  # after the decision

        def asked(supervisor, code, decided=None):
            request_id = connection.execute(
                insert(t["confirmation_request"]).returning(t["confirmation_request"].c.id),
                {
                    "user_id": learner,
                    "organisation_id": organisation,
                    "supervisor_id": supervisor,
                    "competency_code": code,
                    "requested_at": T0 + timedelta(hours=2),
                },
            ).scalar_one()
            if decided:
                connection.execute(
                    insert(t["confirmation_decision"]),
                    {
                        "request_id": request_id,
                        "outcome": "confirmed",
                        "comments": "",
                        "action_plan": "",
                        "decided_by": supervisor,
                        "decided_by_name": "sue",
                        "decided_at": decided,
                    },
                )
            return request_id

        return {
            "seen": seen,
            "confirmed": asked(sue, "SPLW-1.4", T0 + timedelta(days=1)),
            "unknown": asked(sue, "NOPE-9.9", T0 + timedelta(days=1)),
            "stranded": asked(gone, "SPLW-1.5"),
            "waiting": asked(sue, "SPLW-1.6"),
        }


def test_upgrade_records_what_it_can_and_closes_what_no_one_can_decide(database_at_0024):
    from app.content import load
    from tests.conftest import PROJECT_ROOT

    url = database_at_0024
    ids = old_rows(url)
    upgrade_database(url, "0025")
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    decision, link, closure = (
        tables.tables[n]
        for n in ("confirmation_decision", "confirmation_evidence", "confirmation_closure")
    )
    competency = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue.competency(
        "SPLW-1.4"
    )
    with engine.connect() as connection:
        recorded = {
            row.request_id: row
            for row in connection.execute(select(decision)).all()  # fmt: skip
        }
        links = connection.execute(select(link.c.decision_id, link.c.evidence_id)).all()
        closed = set(connection.execute(select(closure.c.request_id)).scalars())
    confirmed = recorded[ids["confirmed"]]
    assert (confirmed.competency_name, confirmed.competency_statement) == (
        competency.name,
        competency.statement,
    )
    assert confirmed.framework_title and confirmed.knowledge_level is None
    unknown = recorded[ids["unknown"]]
    assert unknown.competency_name is None and unknown.competency_statement is None
    assert links == [(confirmed.id, ids["seen"])]  # not the answer given after
    assert closed == {ids["stranded"]}

    from alembic import command

    command.downgrade(alembic_config(url), "0024")
    found = inspect(engine)
    names = set(found.get_table_names())
    assert "confirmation_evidence" not in names and "confirmation_closure" not in names
    columns = {c["name"] for c in found.get_columns("confirmation_decision")}
    assert "competency_name" not in columns and "knowledge_level" not in columns
    engine.dispose()
