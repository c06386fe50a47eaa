"""A trainer's preview runs like a learner's attempt and records nothing; the bank shows all."""

import re

import pytest
from sqlalchemy import select

from app import db
from app.models import Base
from app.services import preview, quiz_bank
from tests.conftest import post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.item_data import question_place
from tests.web.quiz_helpers import answer_fields, field_value
from tests.web.test_html_valid import nu_errors

QUIZ = "referral-routes-assessment"
CHECK = "referral-routes-check-1"


@pytest.fixture
def trainer(client, make_user):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    return client


def every_row(app) -> dict[str, list[str]]:
    """Return every row of every table as text, to compare before and after."""
    with app.app_context():
        session = db.session()
        return {
            table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def drawn(app, client, quiz_id):
    """Return the questions the client's preview attempt shows, in its order."""
    with client.session_transaction() as state:
        kept = dict(state["preview"])
    with app.app_context():
        _, shown = preview._drawn(quiz_id, kept)
    return [item.question for item in shown]


def answers(questions, *, right: bool) -> dict:
    data = {}
    for question in questions:
        data.update(answer_fields(question, right=right))
    return data


def test_a_preview_draws_answers_marks_and_teaches_without_recording_anything(app, trainer):
    base = f"/author/quizzes/{QUIZ}"
    trainer.get(f"{base}/bank")
    before = every_row(app)
    started = post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    assert started.status_code == 302 and started.location.endswith(f"{base}/preview")
    form = trainer.get(f"{base}/preview").text
    questions = drawn(app, trainer, QUIZ)
    assert len(questions) == 17  # 13 fixed and one from each of four pools
    assert "Nothing you do here is recorded" in form
    for question in questions:
        assert f'id="question-{question.id}"' in form
    wrong_first = answers(questions, right=True)
    first = questions[0]
    wrong_first.update(answer_fields(first, right=False))
    done = post_form(trainer, f"{base}/preview/answers", wrong_first, page=f"{base}/preview")
    assert done.status_code == 302
    result = trainer.get(done.location).text
    assert "A learner would pass" in result or "A learner would not pass" in result
    assert "Not correct" in result and "Correct answer" in result
    assert "nothing was recorded" in result
    assert every_row(app) == before


def test_a_wrong_form_comes_back_with_the_error_pattern_and_records_nothing(app, trainer):
    base = f"/author/quizzes/{QUIZ}"
    post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    before = every_row(app)
    questions = drawn(app, trainer, QUIZ)
    data = answers(questions, right=True)
    ordering = next(q for q in questions if q.type_name in ("single-choice",))
    data[f"q.{ordering.id}"] = "zz"
    bad = post_form(trainer, f"{base}/preview/answers", data, page=f"{base}/preview")
    assert bad.status_code == 400
    assert "There is a problem" in bad.text
    # The link goes to the question's first radio, and the title starts "Error: ".
    first = re.search(rf'<input[^>]* id="(q\.{re.escape(ordering.id)}-[^"]+)"', bad.text).group(1)
    assert summary_of(bad).links == [f"#{first}"]
    assert every_row(app) == before


def test_a_knowledge_check_preview_shows_every_question_and_its_feedback(app, trainer):
    base = f"/author/quizzes/{CHECK}"
    post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    questions = drawn(app, trainer, CHECK)
    done = post_form(
        trainer, f"{base}/preview/answers", answers(questions, right=True), page=f"{base}/preview"
    )
    result = trainer.get(done.location).text
    assert "Your answers to this knowledge check" in result and "100%" in result
    # No pass or fail: a check has no pass mark to meet, and says so instead of "0%".
    assert "A learner would" not in result and "The pass mark is" not in result
    assert "has no pass mark and does not count towards a pass" in result


def test_the_result_without_a_submitted_preview_goes_back_to_the_bank(trainer):
    page = trainer.get(f"/author/quizzes/{QUIZ}/preview/result")
    assert page.status_code == 302 and page.location.endswith(f"/author/quizzes/{QUIZ}/bank")


def test_the_bank_shows_every_choice_feedback_pool_and_place(app, trainer):
    page = trainer.get(f"/author/quizzes/{QUIZ}/bank").text
    assert f"<code>{question_place('rr-q22')}</code>" in page
    assert "Pool: 1 of" in page and "drawn, 1 point each" in page
    assert "Feedback when picked" in page and "Right?" in page
    assert "Questions per attempt" in page
    with app.app_context():
        bank = quiz_bank.bank(QUIZ)
    ids = [q.review.question_id for g in bank.groups for q in g.questions]
    assert len(ids) == len(set(ids)) and all(f"{i} ·" in page for i in ids)


def test_learners_cannot_preview_or_see_the_bank(app, make_user):
    learner = app.test_client()
    sign_in(learner, make_user(email="l@example.org"))
    assert learner.get(f"/author/quizzes/{QUIZ}/bank").status_code == 404
    assert learner.get(f"/author/quizzes/{QUIZ}/preview").status_code == 404
    token_page = "/account/"
    assert (
        post_form(learner, f"/author/quizzes/{QUIZ}/preview", {}, page=token_page).status_code
        == 404
    )


def test_an_unknown_quiz_has_no_bank_or_preview(trainer):
    assert trainer.get("/author/quizzes/nope/bank").status_code == 404
    page = f"/author/quizzes/{QUIZ}/bank"
    assert post_form(trainer, "/author/quizzes/nope/preview", {}, page=page).status_code == 404


def test_the_preview_pages_are_valid_html(app, trainer, tmp_path):
    base = f"/author/quizzes/{QUIZ}"
    pages = {"bank": trainer.get(f"{base}/bank").text}
    post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    pages["preview"] = trainer.get(f"{base}/preview").text
    questions = drawn(app, trainer, QUIZ)
    data = answers(questions, right=False)
    data[f"q.{questions[0].id}"] = "zz"
    pages["preview-error"] = post_form(
        trainer, f"{base}/preview/answers", data, page=f"{base}/preview"
    ).text
    done = post_form(
        trainer, f"{base}/preview/answers", answers(questions, right=False), page=f"{base}/preview"
    )
    pages["preview-result"] = trainer.get(done.location).text
    pages["check-bank"] = trainer.get(f"/author/quizzes/{CHECK}/bank").text
    assert nu_errors(pages, tmp_path) == []


def test_hostile_answers_to_a_preview_answer_4xx_never_500(app, trainer):
    from tests.web.test_fuzz_inputs import SPECIALS

    base = f"/author/quizzes/{QUIZ}"
    post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    questions = drawn(app, trainer, QUIZ)
    names = [name for q in questions for name in q.field_names()]
    for value in SPECIALS:
        data = dict.fromkeys(names, value)
        sent = post_form(trainer, f"{base}/preview/answers", data, page=f"{base}/preview")
        assert sent.status_code < 500, value


def test_answers_too_long_for_the_session_are_refused_with_a_message(app, trainer):
    quiz = "what-is-social-prescribing-assessment"  # asks a numeric question every time
    base = f"/author/quizzes/{quiz}"
    post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    questions = drawn(app, trainer, quiz)
    data = answers(questions, right=True)
    data["q.wisp-q07"] = "0" * 2999 + "2"  # a number, written far too long
    sent = post_form(trainer, f"{base}/preview/answers", data, page=f"{base}/preview")
    assert sent.status_code == 400
    assert "in a preview, give a shorter answer" in sent.text
    with trainer.session_transaction() as state:
        assert len(str(state["preview"])) < 3000


def test_a_partly_right_answer_shows_its_points_rounded_as_a_learner_reads_them(app, trainer):
    base = f"/author/quizzes/{QUIZ}"
    post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    questions = drawn(app, trainer, QUIZ)
    data = answers(questions, right=True)
    # Tick one of the three right choices of a multiple-answer question asked every time.
    ticks = next(q for q in questions if q.type_name == "multiple-answers")
    right = ticks.example_answer(True)
    assert len(right) == 3 and ticks.points == 1
    data.update(answer_fields(ticks, right=True))
    data[f"q.{ticks.id}"] = field_value(ticks, right[:1])
    done = post_form(trainer, f"{base}/preview/answers", data, page=f"{base}/preview")
    result = trainer.get(done.location).text
    assert "<strong>Partly correct</strong> (0.33 of 1 point)" in result
    assert "0.333333" not in result
    # The score panel rounds the same way: 16 right and a third of a point.
    assert "(16.33 of 17 points)" in result


def test_a_knowledge_check_worth_one_point_says_point_not_points(app, trainer):
    base = f"/author/quizzes/{CHECK}"
    post_form(trainer, f"{base}/preview", {}, page=f"{base}/bank")
    (ticks,) = drawn(app, trainer, CHECK)
    right = ticks.example_answer(True)
    assert ticks.type_name == "multiple-answers" and len(right) == 3 and ticks.points == 1
    data = {**answer_fields(ticks, right=True), f"q.{ticks.id}": field_value(ticks, right[:1])}
    done = post_form(trainer, f"{base}/preview/answers", data, page=f"{base}/preview")
    result = trainer.get(done.location).text
    assert "Score: <strong>33%</strong> (0.33 of 1 point)." in result
    assert "of 1 points" not in result


def test_the_bank_shows_titles_choice_feedback_competencies_and_each_pools_draw(trainer):
    page = trainer.get(f"/author/quizzes/{QUIZ}/bank").text
    first = page[page.index('id="bank-rr-q22"') :]
    first = first[: first.index("</section>")]
    assert ">Question 1: A council officer refers</h3>" in first
    assert "rr-q22 · single choice · 1 point · outcomes 1" in first
    # Each choice with whether it is right and the feedback written under it, or none.
    assert "The council can refer directly; sending him to his GP adds a step" in first
    assert first.count("Wrong") == 3 and first.count(">Right</strong>") == 1
    assert "None written" in first
    assert "Competencies: SPLW-4.1 Knowing the referral routes, REF-2.1 Using the local route" in (
        first
    )
    # The four pools, with how many each attempt draws from how many.
    assert page.count("Pool: 1 of 2 questions drawn, 1 point each") == 3
    assert page.count("Pool: 1 of 3 questions drawn, 1 point each") == 1
