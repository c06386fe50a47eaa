"""A grade re-rates the learner from what it read with its own writes (on PostgreSQL, in the
statement that writes the grade): the levels it stores must be those a fresh read of the
database gives, earlier evidence, practice steps and all."""

from datetime import timedelta

import pytest
from sqlalchemy import ARRAY, String, Text, bindparam, cast, select

from app import db
from app.content import catalogue
from app.domain.competencies import Evidence, PracticeEvent
from app.models import CompetencyLevel, User, utcnow
from app.models_practice import SelfAssessment
from app.services import rating_reads, ratings
from app.services.upsert import json_rows
from tests.conftest import sign_in
from tests.web.confirmations import decided_request
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import attempt_row, finish_screens, start, submit

LEVEL_COLUMNS = [c for c in CompetencyLevel.__table__.c if c.name not in ("id", "rated_at")]
CODE, PRACTICE = (
    LEVEL_COLUMNS.index(CompetencyLevel.__table__.c[n]) for n in ("competency_code", "practice")
)


def stored_levels(user_id: int) -> list[tuple]:
    """Return the learner's stored levels, every column but the id and the time rated."""
    rows = db.session().execute(
        select(*LEVEL_COLUMNS)
        .where(CompetencyLevel.user_id == user_id)
        .order_by(CompetencyLevel.competency_code)
    )
    return [
        tuple(rating_reads.aware(v) if hasattr(v, "tzinfo") else v for v in row) for row in rows
    ]


def add_practice(user_id: int, organisation_id: int, code: str) -> None:
    """Give the learner a self-assessment and a confirmed request in one competency."""
    session, earlier = db.session(), utcnow() - timedelta(days=3)
    assessed = SelfAssessment(user_id=user_id, competency_code=code, confidence=4)
    assessed.assessed_at = earlier
    session.add(assessed)
    session.flush()
    decided_request(
        session,
        user_id=user_id,
        organisation_id=organisation_id,
        competency_code=code,
        self_assessment_id=assessed.id,
        requested_at=earlier + timedelta(hours=1),
        decided_by_name="A Supervisor",
        decided_at=earlier + timedelta(days=1),
    )
    session.commit()


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def test_the_levels_a_grade_stores_are_those_a_fresh_read_gives(app, client, make_user, module):
    email = make_user(org="Riverside PCN")
    finish_screens(app, email, module)
    sign_in(client, email)
    with app.app_context():
        learner = db.session().scalar(select(User).where(User.email == email))
        user_id, organisation_id = learner.id, learner.organisation_id
        add_practice(user_id, organisation_id, module.competency_codes[0])
    # A failed attempt, then a pass: the second grade reads the first one's evidence.
    for right in (False, True):
        url = start(client, module)
        data = attempt_form(module.assessment, attempt_row(app, url).selection, right=right)
        assert submit(client, url, data).status_code == 302
        with app.app_context():
            graded = stored_levels(user_id)
            rated_at = db.session().scalar(
                select(CompetencyLevel.rated_at).where(CompetencyLevel.user_id == user_id)
            )
            codes = [row[CODE] for row in graded]
            ratings.refresh_levels(
                user_id,
                organisation_id,
                codes,
                catalogue(),
                rating_reads.aware(rated_at),
                cause="graded",
            )
            db.session().commit()
            assert stored_levels(user_id) == graded
    assert "Confirmed" in {row[PRACTICE] for row in graded}  # the practice step was read


def test_level_rows_with_times_as_text_are_those_rows_as_json_writes_them(app):
    # What a grade on PostgreSQL writes in its statement: the same keys, the same JSON.
    now = utcnow()
    earlier = now - timedelta(days=30)
    with app.app_context():
        course = catalogue()
        codes = [f.competencies[0].code for f in course.frameworks]
        secure = [Evidence(1.0, earlier + timedelta(hours=n), f"q{n}", "quiz") for n in range(3)]
        evidence = {codes[0]: secure, codes[-1]: secure[:1]}
        steps = {
            codes[0]: [
                PracticeEvent("requested", earlier),
                PracticeEvent("confirmed", earlier + timedelta(days=1)),
            ]
        }
        as_times = ratings.level_records(
            1, None, codes, evidence, steps, course, now, cause="graded"
        )
        as_text = ratings.level_records(
            1, None, codes, evidence, steps, course, now, cause="graded", times_as_text=True
        )
    assert [list(row) for row in as_text] == [list(ratings.COLUMNS)] * len(as_times)
    assert as_times[0]["met"] and as_times[0]["met_until"] and as_times[0]["due_from"]
    assert json_rows(as_text) == json_rows(as_times)
    for column in ratings.TIME_COLUMNS:
        assert isinstance(as_text[0][column], str)


def test_a_grades_answer_is_one_evidence_value_for_all_its_competencies():
    now = utcnow()
    earlier = [["A-1.1", 0.5, 1_700_000_000_000_000, "q1", "quiz"]] * 2
    added = [
        {"competency_code": code, "score": 1.0, "recorded_at": now, "question_id": question,
         "quiz_id": "quiz"}
        for question, code in [("q2", "A-1.1"), ("q2", "A-1.2"), ("q3", "A-1.2")]
    ]  # fmt: skip
    evidence, practice = rating_reads.read_for_rating(earlier, None, added)
    first, again, answer = evidence["A-1.1"]
    assert first is again and first.at == rating_reads.EPOCH + timedelta(seconds=1_700_000_000)
    assert answer is evidence["A-1.2"][0] and answer.question_id == "q2"
    assert evidence["A-1.2"][1].question_id == "q3" and practice == {}


@pytest.mark.parametrize(
    "codes",
    [
        [],
        ["SPLW-3.2"],
        ["A-1.1", "A-1.2", "B 2"],
        ['say "hi"', "back\\slash", "x,y", "{z}", "NULL"],
    ],
)
def test_codes_as_array_text_read_back_as_the_codes(app, codes):
    # What a grade's read of the earlier evidence binds: the same codes, in order.
    with app.app_context():
        session = db.session()
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("array literals are PostgreSQL's")
        read = session.execute(
            select(cast(bindparam("codes", type_=Text), ARRAY(String))),
            {"codes": rating_reads.array_text(codes)},
        ).scalar_one()
    assert read == codes
