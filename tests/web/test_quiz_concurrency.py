"""Concurrent requests: graded is final, and stored levels always equal their evidence."""

import threading
from collections import defaultdict

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from app import db
from app.content import catalogue
from app.domain.competencies import Evidence as Result
from app.domain.competencies import attainment
from app.domain.quizzes.attempts import grade
from app.models import Answer, Attempt, CompetencyLevel, Evidence, User
from app.services import quizzes
from tests.conftest import csrf_token, sign_in
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import attempt_row, finish_screens, start


def at_once(calls):
    """Run the calls in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def tab(app, client):
    other = app.test_client()
    other.set_cookie("linkwise_session", client.get_cookie("linkwise_session").value)
    return other


def same_level(row, expected) -> bool:
    """Say whether a stored level row says what the rating function says."""
    if (row.level, row.evidence_count) != (expected.level, expected.evidence_count):
        return False
    if row.score is None or expected.score is None:
        return row.score is None and expected.score is None
    return abs(row.score - expected.score) < 1e-6


def levels_differing_from_evidence(app) -> list:
    """Return every stored level that is not what the rating function gives its evidence."""
    with app.app_context():
        course, session = catalogue(), db.session()
        found = defaultdict(list)
        for user_id, code, score, at in session.execute(
            select(Evidence.user_id, Evidence.competency_code, Evidence.score, Evidence.recorded_at)
        ):
            found[user_id, code].append(Result(score, quizzes.aware(at)))
        stored = {
            (row.user_id, row.competency_code): row
            for row in session.scalars(select(CompetencyLevel))
        }
        wrong = [key for key in stored if key not in found]
        for key, results in found.items():
            framework = course.framework(course.competency(key[1]).framework_id)
            expected, row = attainment(results, framework), stored.get(key)
            if row is None or not same_level(row, expected):
                wrong.append(key)
        return wrong


def test_three_quizzes_submitted_at_once_leave_levels_equal_to_their_evidence(
    app, client, make_user
):
    email = make_user()
    with app.app_context():
        modules = [m for m in catalogue().modules if m.assessment]
    for module in modules:
        finish_screens(app, email, module)
    sign_in(client, email)
    forms = []
    for module in modules:
        url = start(client, module)
        data = attempt_form(module.assessment, attempt_row(app, url).selection, right=True)
        forms.append((url, {**data, "action": "submit", "csrf_token": csrf_token(client, url)}))
    sends = []
    for url, data in forms:
        other = tab(app, client)
        sends.append(lambda t=other, u=url, d=data: t.post(u, data=d).status_code)
    statuses = at_once(sends)
    assert statuses == [302] * len(forms)
    with app.app_context():
        graded = db.session().scalars(select(Attempt.status)).all()
    assert graded == ["graded"] * len(forms)
    assert levels_differing_from_evidence(app) == []


def test_conflicting_saves_and_submits_at_once_grade_once_from_the_stored_answers(
    app, client, make_user
):
    email = make_user()
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    finish_screens(app, email, module)
    sign_in(client, email)
    url = start(client, module)
    selection = attempt_row(app, url).selection
    token = csrf_token(client, url)
    right = attempt_form(module.assessment, selection, right=True)
    wrong = attempt_form(module.assessment, selection, right=False)
    sends = []
    for number in range(8):
        data = {**(right if number % 2 else wrong), "csrf_token": token, "revision": "0"}
        data["action"] = "submit" if number % 3 else "save"
        data["confirmed"] = "yes"
        other = tab(app, client)
        sends.append(lambda t=other, d=data: t.post(url, data=d).status_code)
    statuses = at_once(sends)
    assert all(status in (200, 302, 409) for status in statuses), statuses
    attempt = attempt_row(app, url)
    if attempt.status != "graded":  # every submit lost to a save: submit once more
        tab(app, client).post(
            url,
            data={
                "csrf_token": token,
                "action": "submit",
                "confirmed": "yes",
                "revision": str(attempt.revision),
            },
        )
        attempt = attempt_row(app, url)
    with app.app_context():
        rows = db.session().scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
        found = quizzes.questions_of(db.session().get(Attempt, attempt.id))
    answers = {row.question_id: row.response["value"] for row in rows}
    again = grade(found.shown, answers, found.settings.pass_mark)
    assert (again.points, again.percent, again.passed) == (
        attempt.points,
        attempt.percent,
        attempt.passed,
    )
    marks = {m.question.id: m.points for m in again.marked}
    for row in rows:
        assert row.points == marks[row.question_id]
        assert quizzes.aware(row.saved_at) <= quizzes.aware(attempt.submitted_at)
    with app.app_context():
        assert db.session().scalar(select(Evidence.attempt_id).distinct()) == attempt.id
    assert levels_differing_from_evidence(app) == []


def test_recompute_levels_rewrites_levels_that_drifted_from_their_evidence(
    app, client, make_user, runner
):
    from tests.web.test_my_competencies import pass_quiz

    email = make_user()
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_quiz(app, client, email, module)
    with app.app_context():
        for row in db.session().scalars(select(CompetencyLevel)):
            row.level, row.evidence_count = "Secure", 99  # as a lost update left them
        db.session().commit()
    assert levels_differing_from_evidence(app)
    result = runner.invoke(args=["recompute-levels"])
    assert result.exit_code == 0 and "re-rated 1 learner from their evidence" in result.output
    assert levels_differing_from_evidence(app) == []


def test_a_submit_locks_the_learner_before_the_attempt(app, client, make_user):
    """On PostgreSQL one statement takes both locks: the learner's row must come first, as in
    every other path (a time-up save locks the learner, then the attempt), or they deadlock."""
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: one writer at a time")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    email = make_user()
    finish_screens(app, email, module)
    sign_in(client, email)
    url = start(client, module)
    attempt = attempt_row(app, url)
    data = attempt_form(module.assessment, attempt.selection, right=True)
    token = csrf_token(client, url)
    engine = app.extensions["linkwise.engine"]
    with engine.connect() as holder, engine.connect() as other:
        holder.execute(
            select(Attempt.id).where(Attempt.id == attempt.id).with_for_update(key_share=True)
        )
        submitted = []
        sender = threading.Thread(
            target=lambda: submitted.append(
                client.post(url, data={**data, "action": "submit", "csrf_token": token})
            )
        )
        sender.start()
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        while not other.scalar(waiting) and sender.is_alive():
            other.rollback()
        other.rollback()
        with pytest.raises(OperationalError, match="could not obtain lock"):
            other.execute(
                select(User.id)
                .where(User.id == attempt.user_id)
                .with_for_update(key_share=True, nowait=True)
            )
        other.rollback()
        holder.rollback()
        sender.join()
    assert submitted[0].status_code == 302
    assert attempt_row(app, url).status == "graded"
