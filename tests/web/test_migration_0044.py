"""Migration 0044: on PostgreSQL the triggers keep the dashboard's counts and the record's keys
whatever the search_path of the session whose write fires them.

A session that empties its search_path (as pg_restore does) fires every trigger and gets the
counts and the keys right; a session holding temporary tables named as ours (found first by
the default search_path) has the triggers use our tables, not those. Every trigger function
of the schema carries the setting, so a later migration that adds or replaces one must too.
"""

import json
import os
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from psycopg import errors
from sqlalchemy.engine import make_url

from app import db
from app.cli import alembic_config, upgrade_database
from app.services import dashboard_counts
from tests.databases import database_at

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
MISSING = 987654321
# The trigger functions of the schema, with what each was given as its own search_path.
PINNED = """
SELECT p.proname, (SELECT setting FROM unnest(p.proconfig) AS setting
                   WHERE setting LIKE 'search_path=%%')
FROM pg_proc p WHERE p.pronamespace = %s::regnamespace AND p.prorettype = 'trigger'::regtype
ORDER BY p.proname
"""


@pytest.fixture
def server(app, database_url):
    """Return a psycopg connection string for the test's PostgreSQL database and its schema,
    the one the migrations ran in (the app fixture empties every table after)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the triggers' functions are PostgreSQL's")
    dsn = dsn_of(database_url)
    with psycopg.connect(dsn) as connection:
        (schema,) = connection.execute("SELECT current_schema()").fetchone()
    return dsn, schema


def dsn_of(database_url: str) -> str:
    """Return the psycopg connection string of a PostgreSQL database's URL."""
    url = make_url(database_url)
    return f"host={url.host} port={url.port or 5432} user={url.username} dbname={url.database}"


def differences(app) -> int:
    """Count the dashboard's kept counts that differ from a recount, read by the app."""
    with app.app_context():
        return dashboard_counts.differences(db.session().connection())


def kept(dsn: str, organisation: int) -> dict:
    """Return the organisation's kept counts summed by kind, read in an ordinary session."""
    with psycopg.connect(dsn) as connection:
        rows = connection.execute(
            "SELECT kind, sum(change) FROM dashboard_count_change WHERE organisation_id = %s"
            " GROUP BY kind HAVING sum(change) <> 0",
            (organisation,),
        ).fetchall()
    return dict(rows)


class Writer:
    """Write to the schema's tables in a session, naming the schema (`@table`), so the
    session's own search_path need not find them."""

    def __init__(self, connection, schema: str):
        self.connection, self.schema = connection, schema

    def __call__(self, sql: str, *values):
        return self.connection.execute(sql.replace("@", f'"{self.schema}".'), values)

    def new(self, sql: str, *values) -> int:
        """Insert a row and return its id."""
        return self(sql + " RETURNING id", *values).fetchone()[0]

    def refused(self, constraint: str, sql: str, *values) -> None:
        """Assert the statement is refused by the key named `constraint`, and undo it."""
        with pytest.raises(errors.ForeignKeyViolation) as error, self.connection.transaction():
            self(sql, *values)
        assert error.value.diag.constraint_name == constraint

    @contextmanager
    def undone(self, sql: str, *values):
        """Run the statement for the block to look at what it did, then undo it."""
        with self.connection.transaction():
            self(sql, *values)
            yield
            raise psycopg.Rollback


def learner(write: Writer, email: str, organisation: int) -> int:
    """Add a learner of the organisation; return their id."""
    return write.new(
        "INSERT INTO @user_account (email, full_name, password_hash, profession, role,"
        " organisation_id, professional_confirmed_at, professional_confirmed_as,"
        " session_token, created_at) VALUES (%s, 'Sam', '!', 'gp', 'learner', %s, %s, 'gp',"
        " 't', %s)",
        email,
        organisation,
        NOW,
        NOW,
    )


def attempt(write: Writer, user: int, number: int, passed: bool) -> int:
    """Add a graded attempt of the learner's at the module's quiz; return its id."""
    return write.new(
        "INSERT INTO @attempt (user_id, quiz_id, module_slug, number, status, selection,"
        " started_at, submitted_at, passed, quiz_settings) VALUES (%s, 'quiz', 'module', %s,"
        " 'graded', '[]', %s, %s, %s, %s)",
        user,
        number,
        NOW,
        NOW + timedelta(minutes=number),
        passed,
        json.dumps({"kind": "assessment"}),
    )


def credential(write: Writer, certificate: int, revoked: datetime | None) -> None:
    """Add the certificate's credential, revoked at `revoked`."""
    write(
        "INSERT INTO @credential (certificate_id, credential_id, status_list, status_index,"
        " key_id, jwt, issued_at, revoked_at) VALUES (%s, 'urn:uuid:1', 1, 1, 'k', 'jwt', %s, %s)",
        certificate,
        NOW,
        revoked,
    )


def evidence(write: Writer, user: int, organisation: int, attempt_id: int, question: str):
    """Add evidence of the attempt's answer to `question` (of version v1)."""
    write(
        "INSERT INTO @evidence (user_id, organisation_id, competency_code, quiz_id,"
        " question_id, question_version, attempt_id, score, recorded_at)"
        " VALUES (%s, %s, 'SPLW-1.1', 'quiz', %s, 'v1', %s, 1, %s)",
        user,
        organisation,
        question,
        attempt_id,
        NOW,
    )


def question_version(write: Writer) -> None:
    """Add version v1 of question q1."""
    write(
        "INSERT INTO @question_version (hash, quiz_id, question_id, type_name, content,"
        " created_at) VALUES ('v1', 'quiz', 'q1', 'single', '{}', %s)",
        NOW,
    )


def level(write: Writer, user: int, organisation: int) -> None:
    """Add the learner's rating of SPLW-1.1."""
    write(
        "INSERT INTO @competency_level (user_id, organisation_id, competency_code, level,"
        " evidence_count) VALUES (%s, %s, 'SPLW-1.1', 'Developing', 1)",
        user,
        organisation,
    )


def test_every_trigger_counts_and_checks_keys_in_a_session_whose_search_path_is_empty(app, server):
    dsn, schema = server
    with psycopg.connect(dsn) as connection:  # one transaction, committed at the end
        connection.execute("SET track_functions = 'pl'")  # to see which functions ran
        connection.execute("SET search_path = ''")
        write = Writer(connection, schema)
        home, other = (
            write.new(
                "INSERT INTO @organisation (name, join_code, created_at) VALUES (%s, %s, %s)",
                name,
                f"code-{name}",
                NOW,
            )
            for name in ("home", "other")
        )
        sam, leaver = (
            learner(write, "sam@example.org", home),
            learner(write, "lee@example.org", home),
        )
        teams = [
            write.new(
                "INSERT INTO @team (organisation_id, name, join_code, created_at)"
                " VALUES (%s, %s, %s, %s)",
                home,
                name,
                f"team-{name}",
                NOW,
            )
            for name in ("elm", "oak")
        ]
        write(
            "INSERT INTO @team_member (user_id, team_id, joined_at) VALUES (%s, %s, %s)",
            sam,
            teams[0],
            NOW,
        )
        write("UPDATE @team_member SET team_id = %s WHERE user_id = %s", teams[1], sam)
        write("UPDATE @user_account SET profession = 'practice-nurse' WHERE id = %s", sam)

        # A pass, a fail that becomes a pass, their completion and certificate.
        first, second = attempt(write, sam, 1, True), attempt(write, sam, 2, False)
        write("UPDATE @attempt SET passed = true WHERE id = %s", second)
        write(
            "INSERT INTO @completion (user_id, module_slug, item_key, completed_at)"
            " VALUES (%s, 'module', 'quiz:quiz', %s)",
            sam,
            NOW,
        )
        write(
            "UPDATE @completion SET completed_at = %s WHERE user_id = %s",
            NOW + timedelta(minutes=1),
            sam,
        )
        certificate = write.new(
            "INSERT INTO @certificate (code, user_id, module_slug, attempt_id, issued_at,"
            " holder_name, holder_profession, module_title, cpd_minutes, learning_outcomes,"
            " competencies) VALUES ('C1', %s, 'module', %s, %s, 'Sam', 'gp', 'Module', 30,"
            " '[]', '[]')",
            sam,
            first,
            NOW,
        )
        credential(write, certificate, NOW)  # added revoked, its revocation undone, ...
        write("UPDATE @credential SET revoked_at = NULL")
        write("UPDATE @credential SET revoked_at = %s", NOW)
        write("DELETE FROM @credential")  # ... revoked again and removed

        # A grade's rows, each key checked as it is written.
        question_version(write)
        write(
            "INSERT INTO @answer (attempt_id, question_id, response, revision, saved_at)"
            " VALUES (%s, 'q1', '{}', 1, %s)",
            second,
            NOW,
        )
        write("UPDATE @answer SET attempt_id = %s", first)
        evidence(write, sam, home, second, "q1")
        evidence(write, sam, other, first, "q2")  # the only row naming the other organisation
        level(write, sam, home)
        write("UPDATE @competency_level SET level = 'Secure' WHERE user_id = %s", sam)
        level(write, leaver, home)
        write.refused(
            "fk_evidence_organisation_id_organisation",
            "UPDATE @evidence SET organisation_id = %s",
            MISSING,
        )
        write.refused(
            "fk_competency_level_organisation_id_organisation",
            "UPDATE @competency_level SET organisation_id = %s",
            MISSING,
        )
        write.refused(
            "fk_dashboard_count_change_organisation_id_organisation",
            "UPDATE @dashboard_count_change SET organisation_id = %s",
            MISSING,
        )
        write.refused(
            "fk_answer_attempt_id_attempt",
            "INSERT INTO @answer (attempt_id, question_id, response, revision,"
            " saved_at) VALUES (%s, 'q2', '{}', 1, %s)",
            MISSING,
            NOW,
        )

        # Parents referred to stay; those that cascade take their rows with them.
        for sql in (
            "DELETE FROM @question_version",
            "UPDATE @question_version SET hash = 'v2'",
            "TRUNCATE @question_version",
        ):
            write.refused("fk_evidence_question_version_question_version", sql)
        organisation_key = "fk_evidence_organisation_id_organisation"
        write.refused(organisation_key, "DELETE FROM @organisation WHERE id = %s", other)
        write.refused(
            organisation_key, "UPDATE @organisation SET id = %s WHERE id = %s", MISSING, other
        )
        write.refused(organisation_key, "TRUNCATE @organisation CASCADE")
        write.refused(
            "fk_evidence_attempt_id_attempt",
            "UPDATE @attempt SET id = %s WHERE id = %s",
            MISSING,
            second,
        )
        write.refused(
            "fk_competency_level_user_id_user_account",
            "UPDATE @user_account SET id = %s WHERE id = %s",
            MISSING,
            leaver,
        )
        for table, child in (("attempt", "answer"), ("user_account", "competency_level")):
            with write.undone(f"TRUNCATE @{table} CASCADE"):
                assert write(f"SELECT count(*) FROM @{child}").fetchone() == (0,)
        write("DELETE FROM @attempt WHERE id = %s", second)  # a pass: the counts change
        write("DELETE FROM @user_account WHERE id = %s", leaver)

        fired = connection.execute(
            "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = %s::regnamespace"
            " AND p.prorettype = 'trigger'::regtype"
            " AND pg_stat_get_xact_function_calls(p.oid) IS NULL",
            (f'"{schema}"',),
        ).fetchall()
        assert fired == []  # every trigger function ran at least once
        connection.commit()

    with psycopg.connect(dsn) as connection:
        assert connection.execute("SELECT attempt_id FROM evidence").fetchall() == [(first,)]
        assert connection.execute("SELECT user_id FROM competency_level").fetchall() == [(sam,)]
    assert kept(dsn, home) == {"learner": 1, "level": 1, "passed": 1}
    assert differences(app) == 0


def test_the_triggers_use_our_tables_not_a_sessions_temporary_ones(app, server):
    dsn, schema = server
    with psycopg.connect(dsn, autocommit=True) as connection:
        write = Writer(connection, schema)
        home = write.new(
            "INSERT INTO @organisation (name, join_code, created_at) VALUES ('home', 'h', %s)", NOW
        )
        # Same-named tables of this session's own, which its default search_path finds first.
        for table in ("organisation", "dashboard_count_change"):
            write(f"CREATE TEMPORARY TABLE {table} AS SELECT * FROM @{table} WITH NO DATA")
        sam = learner(write, "sam@example.org", home)
        question_version(write)
        evidence(write, sam, home, attempt(write, sam, 1, False), "q1")  # its key is there
        assert write("SELECT count(*) FROM pg_temp.dashboard_count_change").fetchone() == (0,)
    assert kept(dsn, home) == {"learner": 1}
    assert differences(app) == 0


def test_every_trigger_function_names_its_schema_and_downgrade_takes_it_off(tmp_path):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the triggers' functions are PostgreSQL's")
    revision = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision("0044")
    with database_at("postgresql", tmp_path, "head") as url:  # a new database: schema public

        def settings() -> dict:
            with psycopg.connect(dsn_of(url)) as connection:
                return dict(connection.execute(PINNED, ("public",)).fetchall())

        pinned = settings()
        # Every one, so a migration after 0044 that adds or replaces one must set it too.
        assert pinned and set(pinned.values()) == {"search_path=public, pg_temp"}
        command.downgrade(alembic_config(url), revision.down_revision)
        # 0044's functions lose the setting; the ones later migrations added are gone.
        assert settings() == dict.fromkeys(revision.module.FUNCTIONS)
        assert set(revision.module.FUNCTIONS) < set(pinned)
        upgrade_database(url)
        assert settings() == pinned
