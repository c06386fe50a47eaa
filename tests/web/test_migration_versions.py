"""Migration 0007 gives attempts made before it the versions of the questions they showed."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, create_engine, insert, select, text

from app import create_app
from app.cli import upgrade_database
from app.content import load
from tests.conftest import BACKENDS, DEMO_PASSWORD, PROJECT_ROOT, sign_in
from tests.databases import database_at

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0006."""
    with database_at(request.param, tmp_path, "0006") as url:
        yield url


def old_rows(url: str, quiz, module_slug: str) -> dict:
    """Write, with the 0006 schema, a learner's graded attempt as the old code stored it."""
    from app.services.accounts import hash_password

    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    user, attempt, answer, evidence = (
        tables.tables[n] for n in ("user_account", "attempt", "answer", "evidence")
    )
    kept = quiz.questions[:2]
    selection = [{"question": q.id, "order": list(q.option_ids)} for q in kept]
    selection.append({"question": "deleted-long-ago", "order": []})
    with engine.begin() as connection:
        user_id = connection.execute(
            insert(user).returning(user.c.id),
            {
                "email": "learner@example.org",
                "full_name": "Sam Learner",
                "password_hash": hash_password(DEMO_PASSWORD),
                "profession": "gp",
                "role": "learner",
                "professional_confirmed_at": NOW,
                "professional_confirmed_as": "gp",
                "session_token": "t" * 32,
                "created_at": NOW,
            },
        ).scalar_one()
        attempt_id = connection.execute(
            insert(attempt).returning(attempt.c.id),
            {
                "user_id": user_id,
                "quiz_id": quiz.id,
                "module_slug": module_slug,
                "number": 1,
                "status": "graded",
                "selection": selection,
                "started_at": NOW,
                "submitted_at": NOW,
                "points": 2.0,
                "points_possible": 3.0,
                "percent": 66,
                "passed": False,
            },
        ).scalar_one()
        marks = [(kept[0], kept[0].example_answer(True), 1.0), (kept[1], None, 0.0)]
        for question, value, points in marks:
            if value is not None:
                connection.execute(
                    insert(answer),
                    {
                        "attempt_id": attempt_id,
                        "question_id": question.id,
                        "response": {"value": value},
                        "saved_at": NOW,
                        "points": points,
                    },
                )
        connection.execute(
            insert(answer),
            {
                "attempt_id": attempt_id,
                "question_id": "deleted-long-ago",
                "response": {"value": "a"},
                "saved_at": NOW,
                "points": 1.0,
            },
        )
        code = kept[0].competencies[0]
        row = {
            "user_id": user_id,
            "competency_code": code,
            "quiz_id": quiz.id,
            "question_id": kept[0].id,
            "attempt_id": attempt_id,
            "score": 1.0,
            "recorded_at": NOW,
        }
        connection.execute(insert(evidence), [row, row])  # the same evidence twice
    engine.dispose()
    return {"attempt_id": attempt_id, "kept": kept}


def test_old_attempts_get_versions_and_their_result_pages_never_fail(old_database):
    course = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    module = next(m for m in course.modules if m.assessment)
    quiz = module.assessment
    made = old_rows(old_database, quiz, module.slug)
    upgrade_database(old_database)
    engine = create_engine(old_database)
    with engine.connect() as connection:
        selection, settings = connection.execute(
            text("SELECT selection, quiz_settings FROM attempt")
        ).one()
        versions = dict(
            connection.execute(text("SELECT hash, question_id FROM question_version")).all()
        )
        evidence = connection.execute(
            text("SELECT question_id, question_version FROM evidence")
        ).all()
    engine.dispose()
    if isinstance(selection, str):
        import json

        selection, settings = json.loads(selection), json.loads(settings)
    kept = made["kept"]
    assert [entry.get("version") for entry in selection] == [
        quiz.versions[kept[0].id].hash,
        quiz.versions[kept[1].id].hash,
        None,
    ]
    assert set(versions.values()) == {kept[0].id, kept[1].id}
    assert evidence == [(kept[0].id, quiz.versions[kept[0].id].hash)]  # the duplicate is gone
    assert settings["pass_mark"] == quiz.pass_mark and settings["title"] == quiz.title
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": old_database, "SECRET_KEY": "t"})
    client = app.test_client()
    sign_in(client, "learner@example.org")
    page = client.get(f"/modules/{module.slug}/quiz/attempts/{made['attempt_id']}/")
    assert page.status_code == 200
    assert "66%" in page.text and "You did not pass this time" in page.text
    assert "This question is no longer available to show" in page.text
    assert "you earned 1 of 1 points" in page.text
    app.extensions["linkwise.engine"].dispose()


def test_downgrading_0007_keeps_every_old_table_and_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'round.db'}"
    upgrade_database(url)
    from alembic import command

    from app.cli import alembic_config

    command.downgrade(alembic_config(url), "0006")
    engine = create_engine(url)
    with engine.connect() as connection:
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(attempt)"))}
        assert "revision" not in columns and "selection" in columns
        assert (
            connection.execute(select(text("count(*)")).select_from(text("evidence"))).scalar() == 0
        )
    engine.dispose()
    upgrade_database(url)


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """Yield the URL of an empty database, on each backend."""
    with database_at(request.param, tmp_path, None, "linkwise_empty") as url:
        yield url


def lighter_grade_writes(url: str) -> dict:
    """Return what 0021 changes: evidence's indexes, and on PostgreSQL the level table's."""
    from sqlalchemy import inspect

    engine = create_engine(url)
    with engine.connect() as connection:
        found = inspect(connection)
        state = {
            "indexes": sorted(
                i["name"]
                for i in found.get_indexes("evidence")
                if not i.get("duplicates_constraint")  # a unique constraint's own index
            ),
            "unique": sorted(
                (u["name"], tuple(u["column_names"]))
                for u in found.get_unique_constraints("evidence")
            ),
        }
        if engine.dialect.name == "postgresql":
            state["options"] = connection.scalar(
                text("SELECT reloptions FROM pg_class WHERE relname = 'competency_level'")
            )
            source = connection.scalar(
                text("SELECT prosrc FROM pg_proc WHERE proname = 'competency_level_counts_changed'")
            )
            state["paired"] = "LEFT JOIN old_rows" in source and "EXCEPT ALL" not in source
    engine.dispose()
    return state


def test_0021_goes_down_and_up_again(empty_database):
    from alembic import command

    from app.cli import alembic_config

    upgrade_database(empty_database)
    postgresql = empty_database.startswith("postgresql")
    one = [("uq_evidence_user_id", ("user_id", "competency_code", "attempt_id", "question_id"))]
    upgraded = {"indexes": [], "unique": one}
    if postgresql:
        upgraded |= {"options": ["fillfactor=80"], "paired": True}
    assert lighter_grade_writes(empty_database) == upgraded
    command.downgrade(alembic_config(empty_database), "0020")
    two = [("uq_evidence_attempt_id", ("attempt_id", "question_id", "competency_code"))]
    downgraded = {"indexes": ["ix_evidence_user_code"], "unique": two}
    if postgresql:
        downgraded |= {"options": None, "paired": False}
    assert lighter_grade_writes(empty_database) == downgraded
    upgrade_database(empty_database)
    assert lighter_grade_writes(empty_database) == upgraded


SHARED_KEYS = {
    ("answer", "fk_answer_attempt_id_attempt"),
    ("competency_level", "fk_competency_level_user_id_user_account"),
    ("evidence", "fk_evidence_attempt_id_attempt"),
    ("competency_level", "fk_competency_level_organisation_id_organisation"),
    ("dashboard_count_change", "fk_dashboard_count_change_organisation_id_organisation"),
    ("evidence", "fk_evidence_organisation_id_organisation"),
    ("evidence", "fk_evidence_question_version_question_version"),
}


def shared_keys(url: str) -> dict:
    """Return what 0022 changes: the four keys' constraints and, on PostgreSQL, triggers."""
    from sqlalchemy import inspect

    engine = create_engine(url)
    with engine.connect() as connection:
        found = inspect(connection)
        state = {
            "constraints": {
                (table, key["name"])
                for table in ("answer", "competency_level", "dashboard_count_change", "evidence")
                for key in found.get_foreign_keys(table)
            }
            & SHARED_KEYS
        }
        if engine.dialect.name == "postgresql":
            state["triggers"] = set(
                connection.scalars(
                    text(
                        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname"
                        " ~ '_(keys?_present|rows_deleted|key_changed|truncated)$'"
                    )
                )
            )
    engine.dispose()
    return state


def test_0022_goes_down_and_up_again(empty_database):
    from alembic import command

    from app.cli import alembic_config

    upgrade_database(empty_database)
    postgresql = empty_database.startswith("postgresql")
    triggers = {
        f"{table}_{name}"
        for table in ("answer", "competency_level", "dashboard_count_change", "evidence")
        for name in ("keys_present", "key_present")
    } | {
        f"{table}_{name}"
        for table in ("attempt", "organisation", "question_version", "user_account")
        for name in ("rows_deleted", "key_changed", "truncated")
    }
    # SQLite keeps its constraints; PostgreSQL checks the keys with triggers instead.
    upgraded = {"constraints": set(), "triggers": triggers} if postgresql else None
    downgraded = {"constraints": SHARED_KEYS, "triggers": set()} if postgresql else None
    unchanged = {"constraints": SHARED_KEYS}
    assert shared_keys(empty_database) == (upgraded or unchanged)
    command.downgrade(alembic_config(empty_database), "0021")
    assert shared_keys(empty_database) == (downgraded or unchanged)
    upgrade_database(empty_database)
    assert shared_keys(empty_database) == (upgraded or unchanged)


def test_0026_takes_learners_erased_before_it_out_of_their_organisation(empty_database):
    from app.services import dashboard_counts

    upgrade_database(empty_database, "0025")
    engine = create_engine(empty_database)
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    erased_at = datetime(2026, 11, 30, 9, tzinfo=UTC)
    with engine.begin() as connection:
        org = connection.execute(
            insert(t["organisation"]).returning(t["organisation"].c.id),
            {"name": "Riverside PCN", "join_code": "RIVER1", "created_at": NOW},
        ).scalar_one()
        team = connection.execute(
            insert(t["team"]).returning(t["team"].c.id),
            {
                "organisation_id": org,
                "name": "Elm Practice",
                "join_code": "ELM1",
                "created_at": NOW,
            },
        ).scalar_one()

        def person(email, role, erased):
            return connection.execute(
                insert(t["user_account"]).returning(t["user_account"].c.id),
                {
                    "email": email,
                    "full_name": "Erased account" if erased else "Ben Oak",
                    "password_hash": "!erased" if erased else "x",
                    "profession": "link-worker",
                    "role": role,
                    "organisation_id": org,
                    "session_token": uuid.uuid4().hex,
                    "created_at": NOW,
                    "erased_at": erased_at if erased else None,
                    "professional_confirmed_at": NOW,
                    "professional_confirmed_as": "link-worker",
                },
            ).scalar_one()

        gone = person("erased-1@erased.invalid", "learner", True)
        ben = person("ben@example.org", "learner", False)
        manager = person("erased-3@erased.invalid", "manager", True)
        for learner in (gone, ben):
            connection.execute(
                insert(t["team_member"]), {"user_id": learner, "team_id": team, "joined_at": NOW}
            )
            connection.execute(
                insert(t["competency_level"]),
                {
                    "user_id": learner,
                    "organisation_id": org,
                    "competency_code": "SPLW-1.1",
                    "level": "Secure",
                    "score": 90.0,
                    "evidence_count": 3,
                    "practice": "Not started",
                    "met": False,
                    "expired": False,
                    "rated_at": NOW,
                },
            )
    upgrade_database(empty_database)
    with engine.connect() as connection:
        users = dict(
            connection.execute(
                select(t["user_account"].c.id, t["user_account"].c.organisation_id)
            ).all()
        )
        assert users == {gone: None, ben: org, manager: org}
        assert connection.scalars(select(t["team_member"].c.user_id)).all() == [ben]
        levels = select(t["competency_level"].c.user_id, t["competency_level"].c.organisation_id)
        assert dict(connection.execute(levels).all()) == {gone: None, ben: org}
        leaver = t["organisation_leaver"]
        rows = connection.execute(
            select(
                leaver.c.organisation_id, leaver.c.user_id, leaver.c.team_name, leaver.c.removed_by
            )
        ).all()
        assert rows == [(org, gone, "Elm Practice", None)]
        assert dashboard_counts.differences(connection) == 0
    engine.dispose()
