"""A final submit's sign-in: on PostgreSQL the user is read with the submit's locks, at once.

The signed-in user's read of a final submit locks the learner and the attempt in the same
statement and leaves what it read for the submit (app/services/locks.py), which then asks
no more. It must hold no lock for anyone who is not the attempt's signed-in owner.
"""

from contextlib import contextmanager

import pytest
from flask import request_finished
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app import db
from app.content import catalogue
from app.models import Attempt, User
from app.services import accounts, credentials, erasure, learning, locks, submissions
from app.web.quiz import AFTER_GRADING
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.journeys import user_id
from tests.web.quiz_helpers import attempt_form
from tests.web.statements import round_trips, statements


@pytest.fixture
def under_way(app, make_user):
    """Start a learner's attempt; return their client, its address, its id and right answers."""
    email = make_user(email="learner@example.org")
    client = app.test_client()
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        for key in module.screen_item_keys:
            learning.record(user_id(app, email), module.slug, key)
        credentials.remember_signing_key(db.session())  # as after the key's first credential
        db.session().commit()
    attempt_url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
    with app.app_context():
        attempt = db.session().scalar(select(Attempt))
        data = attempt_form(module.assessment, attempt.selection, right=True)
    return client, attempt_url, attempt.id, data


def postgresql(app) -> bool:
    return app.extensions["linkwise.engine"].dialect.name == "postgresql"


def submitting(client, attempt_url, data):
    """Return a call that posts the attempt's form with the Submit button (token read now)."""
    token = csrf_token(client, attempt_url)
    return lambda: client.post(attempt_url, data={**data, "action": "submit", "csrf_token": token})


def locked_rows(app, learner: int, attempt: int) -> dict[str, bool]:
    """Say which of the learner's and the attempt's rows another transaction holds locked.

    Asked from a connection of its own: a row locked elsewhere cannot be locked here
    without waiting.
    """
    other = create_engine(app.extensions["linkwise.engine"].url, poolclass=NullPool)
    found = {}
    with other.connect() as connection:
        for name, table, row in (("learner", User, learner), ("attempt", Attempt, attempt)):
            try:
                locking = select(table.id).where(table.id == row).with_for_update(nowait=True)
                connection.execute(locking)
                found[name] = False
            except OperationalError:
                found[name] = True
            connection.rollback()
    other.dispose()
    return found


@contextmanager
def locked_at_the_end(app, learner: int, attempt: int):
    """Say which of the rows a request held locked once its response was made.

    That is before the request's session is closed: a lock taken and not let go shows.
    """
    found = {}

    def probe(_sender, **_extra):
        found.update(locked_rows(app, learner, attempt))

    request_finished.connect(probe, app)
    try:
        yield found
    finally:
        request_finished.disconnect(probe, app)


@contextmanager
def locked_as_the_view_starts(app, monkeypatch, learner: int, attempt: int):
    """Say which of the rows were locked when the submit's view called its service."""
    found = {}
    answer = submissions.answer

    def probing(*args, **kwargs):
        found.update(locked_rows(app, learner, attempt))
        return answer(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(submissions, "answer", probing)
        yield found


def status_of(app, attempt: int) -> str:
    with app.app_context():
        return db.session().scalar(select(Attempt.status).where(Attempt.id == attempt))


def test_a_submit_reads_the_signed_in_user_with_its_locks_in_one_statement(
    app, under_way, monkeypatch
):
    if not postgresql(app):
        pytest.skip("SQLite takes its write lock with the first write instead")
    client, attempt_url, attempt, data = under_way
    learner = user_id(app, "learner@example.org")
    send = submitting(client, attempt_url, data)
    with (
        statements(app) as run,
        locked_as_the_view_starts(app, monkeypatch, learner, attempt) as locked,
    ):
        response = send()
    assert response.status_code == 302 and status_of(app, attempt) == "graded"
    first = " ".join(run[0].split())
    assert "session_token" in first and "FOR NO KEY UPDATE OF user_account, attempt" in first
    assert not [s for s in run[1:] if "FOR NO KEY UPDATE" in s or "session_token" in s], run
    assert len(run) == 5, run
    assert locked == {"learner": True, "attempt": True}


def test_the_submits_one_transaction_begins_before_the_sign_in_read(app, under_way):
    if not postgresql(app):
        pytest.skip("round trips are PostgreSQL's")
    client, attempt_url, _attempt, data = under_way
    send = submitting(client, attempt_url, data)
    with round_trips(app.extensions["linkwise.engine"]) as trips:
        assert send().status_code == 302
    queries = [line.split("\t")[-1].strip() for line in trips if "\tQuery\t" in line]
    # BEGIN first, COMMIT last, and no other simple query (the statements are Syncs).
    assert queries == ['"BEGIN"', '"COMMIT"'], queries
    assert "\tQuery\t" in trips[0] and "\tQuery\t" in trips[-1], trips


def test_the_submits_begin_goes_by_libpq_not_by_a_psycopg_cursor(app, under_way, monkeypatch):
    if not postgresql(app):
        pytest.skip("SQLite begins on its own")
    import psycopg

    client, attempt_url, _attempt, data = under_way
    send = submitting(client, attempt_url, data)
    by_psycopg = []
    execute = psycopg.Connection.execute

    def noting(connection, query, *args, **kwargs):
        by_psycopg.append(query)
        return execute(connection, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", noting)
    with round_trips(app.extensions["linkwise.engine"]) as trips:
        assert send().status_code == 302
    assert '"BEGIN"' in trips[0] and "BEGIN" not in by_psycopg, by_psycopg


def test_a_save_reads_the_signed_in_user_without_locking(app, under_way):
    client, attempt_url, _attempt, data = under_way
    token = csrf_token(client, attempt_url)
    with statements(app) as run:
        client.post(attempt_url, data={**data, "action": "save", "csrf_token": token})
    assert "session_token" in run[0] and "FOR " not in run[0], run[0]


def test_someone_elses_attempt_is_not_found_and_nothing_of_theirs_is_locked(
    app, under_way, make_user
):
    _client, attempt_url, attempt, data = under_way
    make_user(email="other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    learner = user_id(app, "learner@example.org")
    token = csrf_token(other, "/modules/")
    with statements(app) as run, locked_at_the_end(app, learner, attempt) as locked:
        missing = other.post(attempt_url, data={**data, "action": "submit", "csrf_token": token})
    assert missing.status_code == 404 and status_of(app, attempt) == "in-progress"
    if postgresql(app):
        assert len(run) <= 2, run  # the locking read found nothing, then the user alone
        assert locked == {"learner": False, "attempt": False}


def test_an_attempt_at_another_modules_address_is_not_found(app, under_way):
    client, attempt_url, attempt, data = under_way
    with app.app_context():
        here = attempt_url.split("/")[2]
        wrong = next(m.slug for m in catalogue().modules if m.slug != here)
    elsewhere = attempt_url.replace(f"/{here}/", f"/{wrong}/")
    token = csrf_token(client, attempt_url)
    learner = user_id(app, "learner@example.org")
    with locked_at_the_end(app, learner, attempt) as locked:
        missing = client.post(elsewhere, data={**data, "action": "submit", "csrf_token": token})
    assert missing.status_code == 404 and status_of(app, attempt) == "in-progress"
    if postgresql(app):
        assert not locked["attempt"]


def test_a_submit_after_grading_changes_nothing_in_one_statement(app, under_way):
    client, attempt_url, attempt, data = under_way
    send = submitting(client, attempt_url, data)
    assert send().status_code == 302
    graded = select(Attempt.status, Attempt.points, Attempt.submitted_at, Attempt.revision)
    with app.app_context():
        before = db.session().execute(graded).one()
    with statements(app) as run:
        again = send()
    assert again.status_code == 302
    assert AFTER_GRADING in client.get(again.location).text
    with app.app_context():
        assert db.session().execute(graded).one() == before
    if postgresql(app):
        assert len(run) == 1, run  # the user, the learner, the attempt: graded, so no more


@pytest.mark.parametrize("how", ["signed out everywhere", "erased"])
def test_a_user_no_longer_signed_in_is_sent_to_sign_in_and_holds_no_lock(app, under_way, how):
    client, attempt_url, attempt, data = under_way
    token = csrf_token(client, attempt_url)
    learner = user_id(app, "learner@example.org")
    with app.app_context():
        if how == "erased":
            erasure.erase(learner)
        else:
            accounts.end_sessions(learner)
    with locked_at_the_end(app, learner, attempt) as locked:
        response = client.post(attempt_url, data={**data, "action": "submit", "csrf_token": token})
    assert response.status_code == 302 and "/sign-in" in response.location
    assert status_of(app, attempt) == "in-progress"
    if postgresql(app):
        assert locked == {"learner": False, "attempt": False}


def test_a_submit_refused_for_its_csrf_token_locks_nothing(app, under_way):
    client, attempt_url, attempt, data = under_way
    learner = user_id(app, "learner@example.org")
    with locked_at_the_end(app, learner, attempt) as locked:
        forged = client.post(attempt_url, data={**data, "action": "submit", "csrf_token": "x"})
    assert forged.status_code == 400 and status_of(app, attempt) == "in-progress"
    if postgresql(app):
        assert locked == {"learner": False, "attempt": False}


def test_a_session_now_of_another_user_cannot_submit_the_first_ones_attempt(
    app, under_way, make_user
):
    client, attempt_url, attempt, data = under_way
    token = csrf_token(client, attempt_url)
    make_user(email="other@example.org")
    client.post("/sign-out", data={"csrf_token": token})
    sign_in(client, "other@example.org")
    learner = user_id(app, "learner@example.org")
    send = submitting(client, attempt_url, data)
    with locked_at_the_end(app, learner, attempt) as locked:
        missing = send()
    assert missing.status_code == 404 and status_of(app, attempt) == "in-progress"
    if postgresql(app):
        assert locked == {"learner": False, "attempt": False}


def test_what_the_sign_in_read_is_trusted_only_in_its_own_transaction(app, under_way):
    if not postgresql(app):
        pytest.skip("the sign-in read takes the locks on PostgreSQL only")
    _client, attempt_url, attempt, _data = under_way
    learner = user_id(app, "learner@example.org")
    slug = attempt_url.split("/")[2]
    with app.test_request_context():
        session = db.session()
        token = db.session().get(User, learner).session_token
        session.rollback()
        assert locks.sign_in_locking_attempt(learner, token, attempt, slug).id == learner
        with statements(app) as run:
            found = locks.lock_learner_reading_attempt(session, learner, attempt, slug, None)
        assert found[0] == attempt and not run  # the same transaction: found, not asked
        locks.sign_in_locking_attempt(learner, token, attempt, slug)
        session.commit()  # the locks are gone with it: ask again
        with statements(app) as run:
            found = locks.lock_learner_reading_attempt(session, learner, attempt, slug, None)
        assert found[0] == attempt and len(run) == 1
        locks.sign_in_locking_attempt(learner, token, attempt, slug)
        with statements(app) as run:  # another learner's or attempt's: asked
            locks.lock_learner_reading_attempt(session, learner, attempt + 1, slug, None)
        assert len(run) == 1
        session.rollback()
