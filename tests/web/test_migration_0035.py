"""Migration 0035 gives ratings room to record until when their knowledge has an answer in
date, and fills it for ratings that counted answers from the latest one and the validity
the competency files give."""

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select

from app.cli import alembic_config, upgrade_database
from app.config import PROJECT_ROOT
from app.content import load
from app.domain.competencies import valid_for
from app.services.rating_reads import aware
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person
from tests.web.test_migration_0030 import T0


@pytest.fixture(params=BACKENDS)
def database_at_0034(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0034."""
    with database_at(request.param, tmp_path, "0034") as url:
        yield url


def _answered(c, t, learner, organisation, code, days):
    """Write an attempt and its answer on `code`, `days` after T0, as the 0034 code did."""
    at = T0 + timedelta(days=days)
    attempt = c.execute(
        insert(t["attempt"]).returning(t["attempt"].c.id),
        {
            "user_id": learner,
            "quiz_id": "what-is-social-prescribing-assessment",
            "module_slug": "what-is-social-prescribing",
            "number": days,
            "status": "graded",
            "selection": [],
            "started_at": at,
            "submitted_at": at,
            "percent": 100,
            "passed": True,
        },
    ).scalar_one()
    c.execute(
        insert(t["evidence"]),
        {
            "user_id": learner,
            "organisation_id": organisation,
            "competency_code": code,
            "quiz_id": "what-is-social-prescribing-assessment",
            "question_id": "q1",
            "attempt_id": attempt,
            "score": 1.0,
            "recorded_at": at,
        },
    )


def _rating(c, t, learner, organisation, code, level, count):
    c.execute(
        insert(t["competency_level"]),
        {
            "user_id": learner,
            "organisation_id": organisation,
            "competency_code": code,
            "level": level,
            "score": 100.0 if count else None,
            "evidence_count": count,
            "practice": "Not started",
            "met": False,
            "expired": False,
            "rated_at": T0 + timedelta(days=20),
        },
    )


def _lasts(code):
    course = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    competency = course.competency(code)
    return valid_for(competency, course.framework(competency.framework_id))


def test_ratings_that_counted_answers_take_their_latest_answers_expiry(database_at_0034):
    url = database_at_0034
    engine, t = reflected(url)
    with engine.begin() as c:
        river = _organisation(c, t)
        lee = _person(c, t, river, "lee@example.org")
        # Two answers: the later one is the last to expire.
        _answered(c, t, lee, river, "SPLW-1.4", 2)
        _answered(c, t, lee, river, "SPLW-1.4", 9)
        _rating(c, t, lee, river, "SPLW-1.4", "Secure", 2)
        # Answered, but rated on none (all expired when rated): nothing to end.
        _answered(c, t, lee, river, "SPLW-1.1", 3)
        _rating(c, t, lee, river, "SPLW-1.1", "Not enough evidence", 0)
        # A code no framework knows: no validity to go by.
        _answered(c, t, lee, river, "GONE-1.1", 4)
        _rating(c, t, lee, river, "GONE-1.1", "Secure", 1)
    engine.dispose()
    upgrade_database(url)
    engine, t = reflected(url)  # the column it added
    level = t["competency_level"]
    with engine.connect() as c:
        rows = dict(c.execute(select(level.c.competency_code, level.c.knowledge_until)).all())
    assert {code: aware(until) for code, until in rows.items()} == {
        "SPLW-1.4": _lasts("SPLW-1.4").after(T0 + timedelta(days=9)),
        "SPLW-1.1": None,
        "GONE-1.1": None,
    }

    command.downgrade(alembic_config(url), "0034")
    columns = {c["name"] for c in inspect(engine).get_columns("competency_level")}
    assert "knowledge_until" not in columns
    engine.dispose()
