"""The item analysis reads competency subtotals and answers of every kind in its one statement."""

from dataclasses import replace

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.item_report import Window
from app.domain.quizzes.versions import version_of
from app.models import Answer
from app.services import item_competencies, item_reads
from app.services.item_stats import find_quiz, item_report
from tests.web.item_data import QUIZ, add_attempts, add_learners
from tests.web.statements import statements

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
NUMBERS = "what-is-social-prescribing-assessment"


def test_an_earlier_versions_competency_scores_are_read_in_the_one_statement_once_known(app):
    # Six attempts saw an earlier rr-q22 that counted for SPLW-1.5 (today's counts for
    # others). A report that has not met that version yet reads the subtotals again,
    # aligned by the rows it found; the next aligns it in its one statement, alike.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        today = quiz.question("rr-q22")
        older = replace(today, text="An older wording of it?", competencies=("SPLW-1.5",))
        older = version_of(QUIZ, quiz.path, older)
        users = add_learners(10)
        add_attempts(HAND, THREE, users=users[:4])
        add_attempts(
            [[1, 1, 0], [0, 1, 1], [1, 0, 1]] * 2,
            THREE,
            users=users[4:],
            versions={"rr-q22": older},
        )
        item_competencies._EARLIER.clear()
        with statements(app) as first_run:
            first = item_report(QUIZ, competency_scores=True)
        with statements(app) as next_run:
            again = item_report(QUIZ, competency_scores=True)
    assert len(next_run) == 1, next_run
    assert len(first_run) > 1, first_run
    assert again.competencies == first.competencies
    codes = {row.code: row for row in again.competencies}
    # rr-q24 today and the earlier rr-q22: two questions for the six, one for the four.
    assert codes["SPLW-1.5"].questions == 2 and codes["SPLW-1.5"].attempts == 10


def test_answers_to_a_question_learners_type_into_are_counted_per_score_not_per_text(app):
    # Five learners type five different wrong numbers and two the right one: the answers
    # come back as one row per score, however many different things were typed.
    with app.app_context():
        quiz = find_quiz(NUMBERS, catalogue())
        ids = add_attempts([[0]] * 5 + [[1]] * 2, ["wisp-q07"], quiz_id=NUMBERS)
        session = db.session()
        wrong = session.scalars(select(Answer).where(Answer.attempt_id.in_(ids[:5])))
        for n, answer in enumerate(wrong):
            answer.response = {"value": str(10 + n)}
        session.commit()
        version = quiz.versions["wisp-q07"].hash
        attempts = item_reads.graded_attempts(NUMBERS, Window())
        found = item_reads.read_sums(NUMBERS, attempts, [version])
    rows = sorted((given, n) for v, given, n, *_ in found.answers if v == version)
    assert rows == [(None, 2), (None, 5)]
