"""A competency the quizzes may leave unrated: trainers and learners are told what to do.

The shipped safeguarding quiz is sure to ask 3 different questions on REF-3.2: sg-q14 and
sg-q18 share a pool of their own. These tests run on a copy in which sg-q18 no longer counts
for REF-3.2, so the pool may skip the third question, as the quiz's single pool once did.
"""

import random

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt, CompetencyLevel
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.quiz_helpers import attempt_form
from tests.web.test_coverage import coverage_cells
from tests.web.test_html_valid import nu_errors
from tests.web.test_quiz import finish_screens

SAFEGUARDING = "safeguarding-risk-and-confidentiality"
SG_Q18 = "ID: sg-q18\nCompetencies: SPLW-5.3, REF-3.2\n"


@pytest.fixture(name="course", scope="module")
def course_short_of_one(tmp_path_factory):
    """Return a copy of the course whose safeguarding pool may skip the third REF-3.2 question."""
    root = course_files.copy_course(tmp_path_factory.mktemp("course"))
    quiz = course_files.quiz_path(root, SAFEGUARDING)
    course_files.edit(quiz, SG_Q18, SG_Q18.replace(", REF-3.2", ""))
    return root


@pytest.fixture(name="app")
def app_on_copy(database_url, course):
    """Return an app serving the copy."""
    served = course_files.make_app(database_url, course)
    yield served
    course_files.clean(served)


def pass_without_drawing(app, client, email, module, code):
    """Pass the module's quiz on an attempt whose pools drew no question aligned with `code`."""
    from app.domain.quizzes.model import QuestionGroup
    from app.services import quiz_versions

    finish_screens(app, email, module)
    url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
    quiz = module.assessment
    pools = [item for item in quiz.items if isinstance(item, QuestionGroup)]
    assert all(pool.pick == 1 for pool in pools)  # one drawn question a pool to replace
    # Each pool's draw is replaced by its first question not aligned with `code`, whatever
    # the learner's seed drew: the same each run.
    spares = [next(q for q in pool.questions if code not in q.competencies) for pool in pools]
    spare_for = {
        q.id: spare for pool, spare in zip(pools, spares, strict=True) for q in pool.questions
    }
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
        selection = [
            {
                "question": spare.id,
                "version": quiz.versions[spare.id].hash,
                "order": list(spare.display_order(random.Random(0), quiz.shuffle_answers)),
            }
            if (spare := spare_for.get(entry["question"]))
            else entry
            for entry in attempt.selection
        ]
        attempt.selection = selection
        # Stored as a draw stores what it draws: the grade's evidence names the version.
        quiz_versions.store(db.session(), [quiz.versions[spare.id] for spare in spares])
        db.session().commit()
    data = attempt_form(quiz, selection, right=True)
    assert post_form(client, url, {**data, "action": "submit"}).status_code == 302


def test_the_coverage_page_says_how_many_more_questions_a_competency_needs(client, make_user):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    page = client.get("/author/coverage").text
    assert "competencies need more questions" in page
    cells = coverage_cells(page, "REF-3.2")
    assert cells[:2] == ["2", "3"]  # sure to be asked, at most
    assert "Needs 1 more" in cells[2] and "3 needed" in cells[2] and "Enough" not in cells[2]
    assert cells[3] == "sg-q09, sg-q10, sg-q14 (in a pool asking 1 of 2)"


def test_what_next_says_what_can_be_done_when_no_quiz_left_can_rate_a_competency(
    app, signed_in, tmp_path
):
    # The QA's case: a practice nurse passes the safeguarding quiz with every answer right,
    # but its pool never drew the third question on REF-3.2, so it cannot be rated.
    with app.app_context():
        module = catalogue().module(SAFEGUARDING)
    pass_without_drawing(app, signed_in, "learner@example.org", module, "REF-3.2")
    with app.app_context():
        level = db.session().scalar(
            select(CompetencyLevel.level).where(CompetencyLevel.competency_code == "REF-3.2")
        )
    assert level == "Not enough evidence"
    page = signed_in.get("/my/competencies").text
    next_steps = page.split("<h2>What to do next</h2>", 1)[1].split("</ul>", 1)[0]
    assert (
        "<strong>REF-3.2 Sharing information well</strong>: not enough evidence to rate it, and "
        "no quiz left can give more: you have passed every quiz that asks about it, and a passed "
        "quiz is not taken again."
    ) in next_steps
    assert (
        "The course’s quizzes are not sure to ask the 3 different questions on it that a "
        "rating needs: tell a trainer that it needs more questions."
    ) in next_steps
    assert module.title not in next_steps  # the quiz is passed: nothing more to take there
    assert nu_errors({"competencies": page}, tmp_path) == []
