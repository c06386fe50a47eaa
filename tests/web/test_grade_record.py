"""What a grade stores is what grading the stored answers again gives, and evidence names
its attempt's learner: whatever the submit path does to be cheaper, the record holds."""

import random

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app import db
from app.content import catalogue
from app.domain.quizzes.attempts import grade
from app.models import Answer, Attempt, Evidence, User
from app.services import grade_writes, quizzes, rating_reads
from tests.conftest import post_form, sign_in
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import attempt_row, finish_screens, start, submit


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def regraded(attempt_id: int):
    """Return the attempt's stored grade, answers and evidence, and the same worked out anew."""
    session = db.session()
    attempt = session.get(Attempt, attempt_id)
    found = quizzes.questions_of(attempt)
    answers = {
        a.question_id: a
        for a in session.scalars(select(Answer).where(Answer.attempt_id == attempt_id))
    }
    result = grade(
        found.shown,
        {q: a.response.get("value") for q, a in answers.items()},
        found.settings.pass_mark,
    )
    stored = (
        (attempt.points, attempt.points_possible, attempt.percent, attempt.passed),
        sorted((q, a.points, a.question_version) for q, a in answers.items()),
        sorted(
            (e.user_id, e.competency_code, e.quiz_id, e.question_id, e.question_version, e.score)
            + (rating_reads.aware(e.recorded_at) == rating_reads.aware(attempt.submitted_at),)
            for e in session.scalars(select(Evidence).where(Evidence.attempt_id == attempt_id))
        ),
    )
    fresh = (
        (result.points, result.points_possible, result.percent, result.passed),
        sorted(
            (m.question.id, m.points, m.shown.version)
            for m in result.marked
            if m.question.id in answers
        ),
        sorted(
            (
                attempt.user_id,
                code,
                attempt.quiz_id,
                m.question.id,
                m.shown.version,
                m.fraction,
                True,
            )
            for m in result.marked
            for code in m.question.competencies
        ),
    )
    return stored, fresh


def quiz_started(app, client, make_user, module) -> tuple[str, dict]:
    """Sign a new learner in with the module's screens done; return their attempt and selection."""
    email = make_user(org="Riverside PCN")
    finish_screens(app, email, module)
    sign_in(client, email)
    url = start(client, module)
    return url, attempt_row(app, url).selection


@pytest.mark.parametrize("right", [False, True])
def test_a_graded_attempt_stores_what_grading_its_answers_again_gives(
    app, client, make_user, module, right
):
    url, selection = quiz_started(app, client, make_user, module)
    data = attempt_form(module.assessment, selection, right=right)
    # Some questions left unanswered (confirmed), some answered wrongly: every kind of mark.
    rng = random.Random(16)
    names = sorted(data)
    for name in rng.sample(names, len(names) // 4):
        data.pop(name)
    assert submit(client, url, {**data, "confirmed": "yes"}).status_code == 302
    attempt_id = attempt_row(app, url).id
    with app.app_context():
        assert db.session().get(Attempt, attempt_id).status == "graded"
        stored, fresh = regraded(attempt_id)
    assert stored == fresh


@pytest.mark.parametrize("right", [False, True])
def test_answers_saved_before_the_submit_store_what_grading_them_again_gives(
    app, client, make_user, module, right
):
    # Saved first, then sent again (some changed) with the submit: their points and versions
    # go in by the grade's update of saved answers, not with new answers.
    url, selection = quiz_started(app, client, make_user, module)
    data = attempt_form(module.assessment, selection, right=right)
    other = attempt_form(module.assessment, selection, right=not right)
    rng = random.Random(61)
    names = sorted(data)
    saved = {name: data[name] for name in rng.sample(names, len(names) // 2)}
    assert post_form(client, url, {**saved, "action": "save"}).status_code < 400
    revision = attempt_row(app, url).revision
    assert revision == 1
    changed = {name: other[name] for name in rng.sample(sorted(saved), len(saved) // 3)}
    sent = {**data, **changed, "revision": str(revision)}
    assert submit(client, url, sent).status_code == 302
    attempt_id = attempt_row(app, url).id
    with app.app_context():
        session = db.session()
        assert session.get(Attempt, attempt_id).status == "graded"
        before = session.scalars(
            select(Answer.points).where(Answer.attempt_id == attempt_id, Answer.revision == 1)
        ).all()
        stored, fresh = regraded(attempt_id)
    assert before and None not in before  # answers saved before were marked
    assert stored == fresh


def test_evidence_naming_a_learner_other_than_its_attempts_is_refused(
    app, client, make_user, module
):
    email = make_user(org="Riverside PCN")
    other = make_user(email="other@example.org", org="Riverside PCN")
    finish_screens(app, email, module)
    sign_in(client, email)
    url = start(client, module)
    data = attempt_form(module.assessment, attempt_row(app, url).selection, right=True)
    assert submit(client, url, data).status_code == 302
    attempt_id = attempt_row(app, url).id
    with app.app_context():
        session = db.session()
        row = (
            session.execute(
                select(Evidence.__table__).where(Evidence.attempt_id == attempt_id).limit(1)
            )
            .mappings()
            .one()
        )
        stranger = session.scalar(select(User.id).where(User.email == other))
        moved = {**row, "id": None, "competency_code": "ELSEWHERE", "user_id": stranger}
        del moved["id"]
        with pytest.raises(IntegrityError):
            session.execute(insert(Evidence), moved)
            session.flush()
        session.rollback()
        # The same row for the attempt's own learner goes in.
        session.execute(insert(Evidence), {**moved, "user_id": row["user_id"]})
        session.commit()


def test_a_grades_evidence_goes_in_in_the_order_grading_lists_it(app, client, make_user, module):
    """Sent per question (PostgreSQL), its rows still go in question by question, each
    question's competencies in order: ties between evidence rows are ordered by id."""
    email = make_user(org="Riverside PCN")
    finish_screens(app, email, module)
    sign_in(client, email)
    url = start(client, module)
    selection = attempt_row(app, url).selection
    data = attempt_form(module.assessment, selection, right=True)
    assert submit(client, url, data).status_code == 302
    attempt_id = attempt_row(app, url).id
    with app.app_context():
        found = quizzes.questions_of(db.session().get(Attempt, attempt_id))
        answers = {
            a.question_id: a.response.get("value")
            for a in db.session().scalars(select(Answer).where(Answer.attempt_id == attempt_id))
        }
        marked = grade(found.shown, answers, found.settings.pass_mark).marked
        stored = (
            db.session()
            .execute(
                select(Evidence.question_id, Evidence.competency_code)
                .where(Evidence.attempt_id == attempt_id)
                .order_by(Evidence.id)
            )
            .all()
        )
    listed = [(m.question.id, code) for m in marked for code in m.question.competencies]
    assert [tuple(row) for row in stored] == listed


def test_evidence_is_grouped_by_neighbouring_question_version_and_score():
    shared = {"user_id": 1, "quiz_id": "q", "attempt_id": 2, "recorded_at": 0}
    rows = [
        {**shared, "question_id": "a", "question_version": "v", "score": 1.0, "competency_code": c}
        for c in ("X", "Y")
    ] + [
        {
            **shared,
            "question_id": "b",
            "question_version": "v",
            "score": 0.5,
            "competency_code": "X",
        },
        {
            **shared,
            "question_id": "b",
            "question_version": "w",
            "score": 0.5,
            "competency_code": "Y",
        },
        {
            **shared,
            "question_id": "a",
            "question_version": "v",
            "score": 1.0,
            "competency_code": "Z",
        },
    ]
    assert grade_writes.evidence_by_question(rows) == [
        {"question_id": "a", "question_version": "v", "score": 1.0, "codes": ["X", "Y"]},
        {"question_id": "b", "question_version": "v", "score": 0.5, "codes": ["X"]},
        {"question_id": "b", "question_version": "w", "score": 0.5, "codes": ["Y"]},
        {"question_id": "a", "question_version": "v", "score": 1.0, "codes": ["Z"]},
    ]
