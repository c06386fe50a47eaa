"""On PostgreSQL the keys to organisations and question versions hold as constraints did.

Migration 0022 checks evidence's, competency levels' and dashboard counts' keys to these
shared rows once a statement with triggers instead of foreign key constraints. A row naming
a missing parent is refused, a parent still referred to cannot be deleted, renumbered or
truncated, dashboard counts go with their organisation, and a delete racing an insert
waits for it instead of leaving a row behind that names nothing.
"""

import shutil
import subprocess
import threading
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg import errors
from sqlalchemy.engine import make_url

from app.cli_commands import upgrade_database
from tests.web.test_migration_0044 import PINNED

NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)
MISSING = 987654321
DELETE_ORGANISATION = "DELETE FROM organisation WHERE id = %s"
DELETE_ATTEMPT = "DELETE FROM attempt WHERE id = %s"


@pytest.fixture
def server(app, database_url):
    """Yield a psycopg connection string for the test's PostgreSQL database, with rows.

    The rows: organisations 'home' (the learner's) and 'lonely' (nothing refers to it), a
    learner, an attempt and a question version. The app fixture empties every table after.
    """
    if not database_url.startswith("postgresql"):
        pytest.skip("the keys are triggers on PostgreSQL only")
    url = make_url(database_url)
    dsn = f"host={url.host} port={url.port or 5432} user={url.username} dbname={url.database}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        ids = {}
        for name in ("home", "lonely"):
            ids[name] = connection.execute(
                "INSERT INTO organisation (name, join_code, created_at) VALUES (%s, %s, %s)"
                " RETURNING id",
                (name, f"code-{name}", NOW),
            ).fetchone()[0]
        ids["learner"] = connection.execute(
            "INSERT INTO user_account (email, full_name, password_hash, profession, role,"
            " organisation_id, professional_confirmed_at, professional_confirmed_as,"
            " session_token, created_at)"
            " VALUES ('sam@example.org', 'Sam', '!', 'gp', 'learner', %s, %s, 'gp', 't', %s)"
            " RETURNING id",
            (ids["home"], NOW, NOW),
        ).fetchone()[0]
        ids["attempt"] = connection.execute(
            "INSERT INTO attempt (user_id, quiz_id, module_slug, number, status, selection,"
            " started_at) VALUES (%s, 'quiz', 'module', 1, 'graded', '[]', %s) RETURNING id",
            (ids["learner"], NOW),
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO question_version (hash, quiz_id, question_id, type_name, content,"
            " created_at) VALUES ('v1', 'quiz', 'q1', 'single', '{}', %s)",
            (NOW,),
        )
    yield dsn, ids


def evidence(connection, ids, organisation, version="v1", question="q1") -> None:
    """Insert one evidence row of the learner's attempt."""
    connection.execute(
        "INSERT INTO evidence (user_id, organisation_id, competency_code, quiz_id, question_id,"
        " question_version, attempt_id, score, recorded_at)"
        " VALUES (%s, %s, 'SPLW-1.1', 'quiz', %s, %s, %s, 1, %s)",
        (ids["learner"], organisation, question, version, ids["attempt"], NOW),
    )


def level(connection, ids, organisation) -> None:
    """Insert one competency level of the learner."""
    connection.execute(
        "INSERT INTO competency_level (user_id, organisation_id, competency_code, level,"
        " evidence_count) VALUES (%s, %s, 'SPLW-1.1', 'Developing', 1)",
        (ids["learner"], organisation),
    )


def refused(error, constraint: str, detail: str) -> None:
    assert error.value.diag.constraint_name == constraint
    assert detail in error.value.diag.message_detail


def test_evidence_naming_a_missing_organisation_is_refused(server):
    dsn, ids = server
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        evidence(connection, ids, MISSING)
    refused(
        error,
        "fk_evidence_organisation_id_organisation",
        f'Key (organisation_id)=({MISSING}) is not present in table "organisation".',
    )


def test_evidence_naming_a_missing_question_version_is_refused(server):
    dsn, ids = server
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        evidence(connection, ids, ids["home"], version="gone")
    refused(
        error,
        "fk_evidence_question_version_question_version",
        'Key (question_version)=(gone) is not present in table "question_version".',
    )


def test_one_missing_key_among_many_rows_refuses_the_statement(server):
    dsn, ids = server
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation):
        connection.execute(
            "INSERT INTO evidence (user_id, organisation_id, competency_code, quiz_id,"
            " question_id, question_version, attempt_id, score, recorded_at)"
            " SELECT %s, %s, 'SPLW-1.1', 'quiz', 'q' || n, CASE WHEN n = 7 THEN 'gone'"
            " ELSE 'v1' END, %s, 1, %s FROM generate_series(1, 20) n",
            (ids["learner"], ids["home"], ids["attempt"], NOW),
        )


def test_levels_and_counts_naming_a_missing_organisation_are_refused(server):
    dsn, ids = server
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        level(connection, ids, MISSING)
    refused(error, "fk_competency_level_organisation_id_organisation", f"=({MISSING})")
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        connection.execute(
            "INSERT INTO dashboard_count_change (organisation_id, kind, key, value, change)"
            " VALUES (%s, 'learner', '', '', 1)",
            (MISSING,),
        )
    refused(error, "fk_dashboard_count_change_organisation_id_organisation", f"=({MISSING})")


def test_changing_a_key_to_a_missing_parent_is_refused(server):
    dsn, ids = server
    with psycopg.connect(dsn, autocommit=True) as connection:
        evidence(connection, ids, ids["home"])
        level(connection, ids, ids["home"])
        # A re-rating that keeps the organisation is not checked again, and passes.
        connection.execute("UPDATE competency_level SET level = 'Competent'")
        for table, column, value in [
            ("evidence", "organisation_id", MISSING),
            ("evidence", "question_version", "gone"),
            ("competency_level", "organisation_id", MISSING),
        ]:
            with pytest.raises(errors.ForeignKeyViolation) as error:
                connection.execute(f"UPDATE {table} SET {column} = %s", (value,))
            assert error.value.diag.constraint_name.startswith(f"fk_{table}_{column}")


def test_a_referenced_organisation_cannot_be_deleted_or_renumbered(server):
    dsn, ids = server
    with psycopg.connect(dsn, autocommit=True) as connection:
        evidence(connection, ids, ids["lonely"])
        with pytest.raises(errors.ForeignKeyViolation) as error:
            connection.execute("DELETE FROM organisation WHERE id = %s", (ids["lonely"],))
        refused(
            error,
            "fk_evidence_organisation_id_organisation",
            f'Key (id)=({ids["lonely"]}) is still referenced from table "evidence".',
        )
        with pytest.raises(errors.ForeignKeyViolation):
            connection.execute(
                "UPDATE organisation SET id = %s WHERE id = %s", (MISSING, ids["lonely"])
            )
        connection.execute("DELETE FROM evidence")
        level(connection, ids, ids["lonely"])
        with pytest.raises(errors.ForeignKeyViolation) as error:
            connection.execute("DELETE FROM organisation WHERE id = %s", (ids["lonely"],))
        assert (
            error.value.diag.constraint_name == "fk_competency_level_organisation_id_organisation"
        )
        connection.execute("DELETE FROM competency_level")
        # Renaming is no key change; nothing refers to it now, so it goes.
        connection.execute("UPDATE organisation SET name = 'quiet' WHERE id = %s", (ids["lonely"],))
        connection.execute("DELETE FROM organisation WHERE id = %s", (ids["lonely"],))


def test_a_referenced_question_version_cannot_be_deleted_renumbered_or_truncated(server):
    dsn, ids = server
    with psycopg.connect(dsn, autocommit=True) as connection:
        evidence(connection, ids, ids["home"])
        for statement in (
            "DELETE FROM question_version",
            "UPDATE question_version SET hash = 'v2'",
            "TRUNCATE question_version",
        ):
            with pytest.raises(errors.ForeignKeyViolation) as error:
                connection.execute(statement)
            refused(
                error,
                "fk_evidence_question_version_question_version",
                'Key (hash)=(v1) is still referenced from table "evidence".',
            )
        assert connection.execute("SELECT count(*) FROM question_version").fetchone() == (1,)


def test_dashboard_counts_go_with_their_organisation(server):
    dsn, ids = server
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO dashboard_count_change (organisation_id, kind, key, value, change)"
            " VALUES (%s, 'learner', '', '', 1), (%s, 'learner', '', '', 1)",
            (ids["lonely"], ids["home"]),
        )
        connection.execute("DELETE FROM organisation WHERE id = %s", (ids["lonely"],))
        left = connection.execute(
            "SELECT DISTINCT organisation_id FROM dashboard_count_change"
        ).fetchall()
        assert left == [(ids["home"],)]


def test_outside_read_committed_a_delete_is_refused_and_inserts_lock_their_parents(server):
    dsn, ids = server
    with psycopg.connect(dsn) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(errors.ObjectNotInPrerequisiteState):
            connection.execute("DELETE FROM organisation WHERE id = %s", (ids["lonely"],))
    with psycopg.connect(dsn) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        evidence(connection, ids, ids["home"])
        # The learner's organisation is locked FOR KEY SHARE by this transaction, as the
        # constraint locked it: a concurrent delete has to wait, or fails to serialise.
        locker = connection.execute(
            "SELECT xmax = pg_current_xact_id()::xid FROM organisation WHERE id = %s",
            (ids["home"],),
        ).fetchone()
        assert locker == (True,)
        with pytest.raises(errors.ForeignKeyViolation):
            evidence(connection, ids, MISSING, question="q2")


def _in_thread(work):
    """Run `work` in a thread; return the thread and a dict that will hold its error."""
    outcome = {}

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _waiting(dsn, thread) -> bool:
    """Return whether another backend of the database waits for a lock (within 5 s)."""
    with psycopg.connect(dsn, autocommit=True) as watcher:
        for _ in range(100):
            if watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            ).fetchone()[0]:
                return True
            thread.join(0.05)
    return False


def second_waits_for_first(dsn, first, second) -> dict:
    """Run `first` and leave it uncommitted, then `second` on another connection.

    Assert the second waits for the first's locks; commit the first; return what became of
    the second (`{"error": ...}` if it raised, `{}` if it went through).
    """
    with psycopg.connect(dsn) as holder:
        first(holder)

        def run():
            with psycopg.connect(dsn) as connection:
                second(connection)

        thread, outcome = _in_thread(run)
        assert _waiting(dsn, thread)
        holder.commit()
    thread.join(10)
    return outcome


def test_a_delete_racing_an_insert_waits_for_it_and_then_refuses(server):
    dsn, ids = server
    outcome = second_waits_for_first(
        dsn,
        lambda writer: evidence(writer, ids, ids["lonely"]),  # checked, not yet committed
        lambda deleter: deleter.execute(DELETE_ORGANISATION, (ids["lonely"],)),
    )
    assert isinstance(outcome.get("error"), errors.ForeignKeyViolation)


def test_an_insert_racing_a_delete_waits_for_it_and_then_refuses(server):
    dsn, ids = server
    outcome = second_waits_for_first(
        dsn,
        lambda deleter: deleter.execute(DELETE_ORGANISATION, (ids["lonely"],)),
        lambda writer: evidence(writer, ids, ids["lonely"]),
    )
    assert isinstance(outcome.get("error"), errors.ForeignKeyViolation)
    with psycopg.connect(dsn) as connection:
        assert connection.execute("SELECT count(*) FROM evidence").fetchone() == (0,)


def answer(connection, ids, attempt=None, question="q1") -> None:
    """Insert one answer of the learner's attempt (or of `attempt`)."""
    connection.execute(
        "INSERT INTO answer (attempt_id, question_id, response, saved_at)"
        " VALUES (%s, %s, '{}', %s)",
        (attempt or ids["attempt"], question, NOW),
    )


def test_answers_and_evidence_naming_a_missing_attempt_are_refused(server):
    dsn, ids = server
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        answer(connection, ids, attempt=MISSING)
    refused(
        error,
        "fk_answer_attempt_id_attempt",
        f'Key (attempt_id)=({MISSING}) is not present in table "attempt".',
    )
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        # The attempt exists, but it is not this learner's.
        connection.execute(
            "INSERT INTO evidence (user_id, organisation_id, competency_code, quiz_id,"
            " question_id, question_version, attempt_id, score, recorded_at)"
            " VALUES (%s, %s, 'SPLW-1.1', 'quiz', 'q1', 'v1', %s, 1, %s)",
            (MISSING, ids["home"], ids["attempt"], NOW),
        )
    refused(
        error,
        "fk_evidence_attempt_id_attempt",
        f"Key (attempt_id, user_id)=({ids['attempt']}, {MISSING}) is not present",
    )
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        connection.execute(
            "INSERT INTO competency_level (user_id, organisation_id, competency_code, level,"
            " evidence_count) VALUES (%s, %s, 'SPLW-1.1', 'Developing', 1)",
            (MISSING, ids["home"]),
        )
    refused(error, "fk_competency_level_user_id_user_account", f"=({MISSING})")


def test_an_attempt_takes_its_answers_and_evidence_and_a_learner_their_levels(server):
    dsn, ids = server
    with psycopg.connect(dsn, autocommit=True) as connection:
        answer(connection, ids)
        evidence(connection, ids, ids["home"])
        level(connection, ids, ids["home"])
        with pytest.raises(errors.ForeignKeyViolation):
            connection.execute("UPDATE attempt SET id = %s", (MISSING,))
        with pytest.raises(errors.ForeignKeyViolation):
            connection.execute("UPDATE user_account SET id = %s", (MISSING,))
        connection.execute("DELETE FROM attempt")
        for table in ("answer", "evidence"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        connection.execute("DELETE FROM user_account")
        assert connection.execute("SELECT count(*) FROM competency_level").fetchone() == (0,)


def test_a_delete_racing_an_answer_waits_for_it_and_then_takes_it(server):
    dsn, ids = server
    outcome = second_waits_for_first(
        dsn,
        lambda writer: answer(writer, ids),  # checked and its attempt locked, not committed
        lambda deleter: deleter.execute(DELETE_ATTEMPT, (ids["attempt"],)),
    )
    assert "error" not in outcome
    with psycopg.connect(dsn) as connection:
        assert connection.execute("SELECT count(*) FROM answer").fetchone() == (0,)


def test_an_answer_racing_a_delete_waits_for_it_and_then_is_refused(server):
    dsn, ids = server
    outcome = second_waits_for_first(
        dsn,
        lambda deleter: deleter.execute(DELETE_ATTEMPT, (ids["attempt"],)),
        lambda writer: answer(writer, ids),
    )
    assert isinstance(outcome.get("error"), errors.ForeignKeyViolation)


@pytest.fixture
def empty_database(server, database_url):
    """Yield a new, empty database on the same server (a psycopg and a SQLAlchemy URL)."""
    dsn, _ = server
    name = f"linkwise_restored_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    yield psycopg.conninfo.make_conninfo(dsn, dbname=name), url
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_tool(name: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore (the README's backup steps); fail with what it printed."""
    if shutil.which(name) is None:
        pytest.fail(f"{name} is not installed (apt-get install postgresql-client)")
    run = subprocess.run([name, *arguments], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def graded_rows(dsn: str) -> list:
    """Return every row the keys guard, in a stable order, to compare two databases."""
    with psycopg.connect(dsn) as connection:
        return [
            connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("organisation", "user_account", "attempt", "evidence", "competency_level")
        ]


def graded(dsn: str, ids: dict) -> None:
    """Add evidence and a level of the learner's, the evidence naming the lonely organisation."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        evidence(connection, ids, ids["lonely"])
        level(connection, ids, ids["home"])


def keys_hold(dsn: str, ids: dict) -> None:
    """Assert rows naming a missing parent are refused and a referenced parent stays (graded's)."""
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        evidence(connection, ids, MISSING, question="q2")
    assert error.value.diag.constraint_name == "fk_evidence_organisation_id_organisation"
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        connection.execute("DELETE FROM organisation WHERE id = %s", (ids["lonely"],))
    assert error.value.diag.constraint_name == "fk_evidence_organisation_id_organisation"
    with psycopg.connect(dsn) as connection, pytest.raises(errors.ForeignKeyViolation) as error:
        connection.execute(
            "INSERT INTO answer (attempt_id, question_id, response, revision, saved_at)"
            " VALUES (%s, 'q1', '{}', 1, %s)",
            (MISSING, NOW),
        )
    assert error.value.diag.constraint_name == "fk_answer_attempt_id_attempt"


def test_a_dump_restores_the_rows_and_the_keys_that_guard_them(server, empty_database, tmp_path):
    # The README's backup: pg_dump's custom format, restored into an empty database.
    dsn, ids = server
    restored, _ = empty_database
    graded(dsn, ids)
    dump = tmp_path / "linkwise.dump"
    postgres_tool("pg_dump", "--format=custom", f"--file={dump}", dsn)
    postgres_tool("pg_restore", "--exit-on-error", f"--dbname={restored}", str(dump))

    assert graded_rows(restored) == graded_rows(dsn)
    assert graded_rows(restored)[3]  # the evidence came across
    keys_hold(restored, ids)
    with psycopg.connect(restored) as connection:  # the triggers' own search_path came too
        pinned = dict(connection.execute(PINNED, ("public",)).fetchall())
    assert pinned and set(pinned.values()) == {"search_path=public, pg_temp"}


def test_rows_alone_restore_into_a_migrated_database_with_its_triggers_set_aside(
    server, empty_database, tmp_path
):
    # Rows restored alone (into a database `linkwise db upgrade` made) load table by table,
    # children before their parents as often as not, so the keys' triggers (and the foreign
    # keys' own) are set aside while they load, as the README says; they hold again after.
    dsn, ids = server
    restored, url = empty_database
    graded(dsn, ids)
    upgrade_database(url)
    dump = tmp_path / "linkwise-rows.dump"
    postgres_tool(
        "pg_dump",
        "--format=custom",
        "--data-only",
        "--exclude-table=alembic_version",
        f"--file={dump}",
        dsn,
    )
    postgres_tool(
        "pg_restore",
        "--exit-on-error",
        "--data-only",
        "--disable-triggers",
        "--single-transaction",
        f"--dbname={restored}",
        str(dump),
    )

    assert graded_rows(restored) == graded_rows(dsn)
    keys_hold(restored, ids)
