"""Starting a quiz twice at once (a double click, two tabs) gives one attempt in progress.

The race that used to start two: the second request read that no attempt was in progress
before the first committed its attempt, then numbered its own after that commit, so the
attempt's unique number never clashed and each request started one, past the allowance.
"""

import threading
from datetime import timedelta

from sqlalchemy import event, func, select

from app import db
from app.models import Attempt, AttemptGrant
from tests.conftest import csrf_token
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.test_quiz import count, quiz_url
from tests.web.test_quiz_concurrency import tab
from tests.web.test_quiz_next_attempt import use_every_attempt, with_quiz

# How long the first request waits for the second to come to its numbering. With the
# learner's lock the second never comes (it waits for the first's commit), so this is the
# time the test spends proving it.
PATIENCE = 2.0


def start_twice_in_the_old_race(app, client, module):
    """Start the quiz from two tabs, the second reading where the quiz stands before the
    first commits and numbering its attempt after: return both replies' addresses."""
    engine = app.extensions["linkwise.engine"]
    first_numbered, second_numbering, first_committed = (threading.Event() for _ in range(3))
    threads: dict[int, str] = {}

    def before(_conn, _cursor, statement, *_args):
        who = threads.get(threading.get_ident())
        said = statement.lower()
        if who == "first" and "max(attempt.number)" in said:
            first_numbered.set()
        elif who == "first" and said.lstrip().startswith("insert into attempt "):
            second_numbering.wait(PATIENCE)
        elif who == "second" and "max(attempt.number)" in said:
            second_numbering.set()
            first_committed.wait(PATIENCE)

    def committed(_conn):
        if threads.get(threading.get_ident()) == "first":
            first_committed.set()

    token = csrf_token(client, quiz_url(module))
    replies = {}

    def send(name):
        threads[threading.get_ident()] = name
        response = tab(app, client).post(quiz_url(module), data={"csrf_token": token})
        replies[name] = (response.status_code, response.location)
        if name == "first":
            first_committed.set()  # whatever happened, the second need not wait longer

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "commit", committed)
    try:
        first = threading.Thread(target=send, args=("first",))
        first.start()
        first_numbered.wait(10)
        second = threading.Thread(target=send, args=("second",))
        second.start()
        first.join()
        second.join()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "commit", committed)
    return replies


def test_two_tabs_starting_at_once_get_the_same_attempt(app, learner, module):
    replies = start_twice_in_the_old_race(app, learner, module)
    assert replies["first"][0] == replies["second"][0] == 302, replies
    assert replies["first"][1] == replies["second"][1], replies
    assert "/attempts/" in replies["first"][1]
    assert count(app, Attempt) == 1
    assert count(app, Attempt, Attempt.status == "in-progress") == 1


def test_ten_starts_at_once_never_pass_the_allowance(app, learner, module):
    token = csrf_token(learner, quiz_url(module))
    barrier = threading.Barrier(10)
    locations = []

    def send():
        other = tab(app, learner)
        barrier.wait()
        locations.append(other.post(quiz_url(module), data={"csrf_token": token}).location)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(locations)) == 1 and "/attempts/" in locations[0], set(locations)
    with app.app_context():
        numbers = db.session().scalars(select(Attempt.number)).all()
        grants = db.session().scalar(select(func.count()).select_from(AttemptGrant))
    assert numbers == [1] and grants == 0


def test_a_met_retake_rule_opens_its_new_set_once_from_two_tabs(app, learner, module, course):
    module = with_quiz(app, course, module, attempts=1, extra="retake:\n  wait_days: 1\n")
    use_every_attempt(app, learner, module)
    with app.app_context():  # the day's wait is over
        for attempt in db.session().scalars(select(Attempt)):
            attempt.submitted_at -= timedelta(days=2)
        db.session().commit()
    replies = start_twice_in_the_old_race(app, learner, module)
    assert replies["first"][1] == replies["second"][1], replies
    with app.app_context():
        grants = db.session().scalars(select(AttemptGrant.kind)).all()
    assert grants == ["retake-rule"]
    assert count(app, Attempt, Attempt.status == "in-progress") == 1
    assert count(app, Attempt) == 2
