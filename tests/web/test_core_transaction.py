"""A final submit's transaction on PostgreSQL without an ORM session (db.CoreTransaction).

The submit runs its statements through the driver on one pooled connection, and opens a
Session on that connection only for ORM work (recording xAPI statements, say). Either way
it is one transaction: a failure anywhere, a lost connection included, leaves nothing
written and holds no lock.
"""

import pytest
from flask import g, request_finished
from sqlalchemy import func, select, text

from app import db
from app.models import Certificate, Evidence
from app.models_statements import StatementOutbox
from app.services import xapi
from tests.web.journeys import user_id
from tests.web.test_submit_sign_in import (  # noqa: F401  (under_way is a fixture)
    locked_rows,
    postgresql,
    status_of,
    submitting,
    under_way,
)

LRS = "https://lrs.example.org/xapi/"


@pytest.fixture
def submit_under_way(app, under_way):  # noqa: F811
    """under_way's attempt, on PostgreSQL (the only database a submit opens one for)."""
    if not postgresql(app):
        pytest.skip("a submit's sign-in opens a CoreTransaction on PostgreSQL only")
    return under_way


def written(app, attempt: int) -> tuple:
    """Return the attempt's status with how many certificates, evidence and xAPI rows exist."""
    with app.app_context():
        session = db.session()
        return (
            status_of(app, attempt),
            *(
                session.scalar(select(func.count()).select_from(table))
                for table in (Certificate, Evidence, StatementOutbox)
            ),
        )


@pytest.mark.parametrize("lrs", [False, True])
def test_a_submit_opens_an_orm_session_only_for_orm_work(app, submit_under_way, lrs):
    client, attempt_url, attempt, data = submit_under_way
    if lrs:
        app.config["LRS_URL"] = LRS  # xapi.record adds to the outbox through the session
    send = submitting(client, attempt_url, data)
    seen = []

    def note(_sender, **_extra):
        opened = g.db_session
        seen.append((type(opened), opened._session is not None))

    request_finished.connect(note, app)
    try:
        assert send().status_code == 302
    finally:
        request_finished.disconnect(note, app)
    assert seen == [(db.CoreTransaction, lrs)]
    status, certificates, evidence, statements = written(app, attempt)
    assert (status, certificates) == ("graded", 1) and evidence > 0
    assert (statements >= 3) if lrs else (statements == 0)


@pytest.mark.parametrize("when", ["before the credential", "after the xAPI statements"])
def test_a_failure_after_the_grade_leaves_nothing_written_and_nothing_locked(
    app,
    submit_under_way,
    monkeypatch,
    when,
):
    client, attempt_url, attempt, data = submit_under_way
    app.config["LRS_URL"] = LRS
    learner = user_id(app, "learner@example.org")
    before = written(app, attempt)
    send = submitting(client, attempt_url, data)
    quiz_graded = xapi.quiz_graded

    def failing(*args, **kwargs):
        if when == "after the xAPI statements":
            quiz_graded(*args, **kwargs)
        raise RuntimeError("fails mid-submit")

    if when == "before the credential":
        monkeypatch.setattr("app.services.grading.credentials.certify", failing)
    else:
        monkeypatch.setattr(xapi, "quiz_graded", failing)
    with pytest.raises(RuntimeError, match="fails mid-submit"):
        send()
    assert written(app, attempt) == before == ("in-progress", 0, 0, 0)
    assert locked_rows(app, learner, attempt) == {"learner": False, "attempt": False}
    assert app.extensions["linkwise.engine"].pool.checkedout() == 0
    monkeypatch.undo()
    assert send().status_code == 302 and written(app, attempt)[:2] == ("graded", 1)


@pytest.mark.parametrize("lrs", [False, True])
def test_a_connection_lost_before_the_commit_leaves_nothing_written(
    app,
    submit_under_way,
    monkeypatch,
    lrs,
):
    client, attempt_url, attempt, data = submit_under_way
    if lrs:
        app.config["LRS_URL"] = LRS
    before = written(app, attempt)
    send = submitting(client, attempt_url, data)
    quiz_graded = xapi.quiz_graded

    def losing_the_connection(*args, **kwargs):
        quiz_graded(*args, **kwargs)
        pid = db.fetch_one(_BACKEND, {}).pid
        with app.extensions["linkwise.health_engine"].connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    monkeypatch.setattr(xapi, "quiz_graded", losing_the_connection)
    assert send().status_code == 503  # the database went away: errors.py's page
    assert written(app, attempt) == before == ("in-progress", 0, 0, 0)
    assert app.extensions["linkwise.engine"].pool.checkedout() == 0
    monkeypatch.undo()
    assert send().status_code == 302 and written(app, attempt)[:2] == ("graded", 1)


_BACKEND = select(func.pg_backend_pid().label("pid"))
