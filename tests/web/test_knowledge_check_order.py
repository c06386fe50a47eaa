"""A knowledge check shuffles its choices when its file asks: one order for each learner.

The order holds for the learner across reloads and a form sent back without JavaScript,
answers map to the choices clicked, and a page kept for everyone shows each learner theirs.
"""

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.quizzes.attempts import every_question
from app.models import Attempt, User
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import app_on_copy  # noqa: F401 (fixture: the copied course)
from tests.web.test_learn import reach, screen_url
from tests.web.test_quiz_option_values import choice_inputs

SHUFFLED = "what-is-social-prescribing-check-1"
WRITTEN = "what-is-social-prescribing-check-2"  # keeps `shuffle_answers: false`
LEARNERS = 6


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course whose first knowledge check asks for shuffled choices."""
    root = course_files.copy_course(tmp_path)
    path = root / "content" / "quizzes" / f"{SHUFFLED}.md"
    course_files.edit(path, "shuffle_answers: false", "shuffle_answers: true")
    return root


def check_screen(app, quiz_id):
    with app.app_context():
        return next(
            (m, s)
            for m in catalogue().modules
            for s in m.screens
            if s.knowledge_check and s.knowledge_check.id == quiz_id
        )


def learners(app, make_user, module, screen):
    """Return (user id, client) for learners who have reached the screen."""
    found = []
    for n in range(LEARNERS):
        email = make_user(email=f"learner{n}@example.org")
        client = app.test_client()
        sign_in(client, email)
        reach(client, module, screen)
        with app.app_context():
            user_id = db.session().scalar(select(User.id).where(User.email == email))
        found.append((user_id, client))
    return found


def shown_order(html, question) -> list[str]:
    """Return the choice ids in the order the page shows them."""
    return [question.ids_by_value[attrs["value"]] for attrs in choice_inputs(html, question)]


def test_each_learner_sees_their_own_shuffled_order_every_time(app, make_user):
    module, screen = check_screen(app, SHUFFLED)
    quiz = screen.knowledge_check
    (question,) = quiz.questions
    seen = {}
    for user_id, client in learners(app, make_user, module, screen):
        (expected,) = every_question(quiz, user_id)
        first = shown_order(client.get(screen_url(module, screen)).text, question)
        assert first == expected["order"]
        assert shown_order(client.get(screen_url(module, screen)).text, question) == first
        seen[user_id] = tuple(first)
    # Not one order for all (the page kept for everyone at this point holds each learner's).
    assert len(set(seen.values())) > 1
    assert any(order != question.option_ids for order in seen.values())


def test_a_form_sent_back_keeps_the_order_and_an_answer_names_the_choice_clicked(app, make_user):
    module, screen = check_screen(app, SHUFFLED)
    quiz = screen.knowledge_check
    (question,) = quiz.questions
    url = screen_url(module, screen)
    for user_id, client in learners(app, make_user, module, screen)[:3]:
        html = client.get(url).text
        order = shown_order(html, question)
        # Sent blank without JavaScript: the page comes back with its error, in the same order.
        blank = post_form(client, url + "check", {question.marker_field: "1"}, page=url)
        assert blank.status_code == 400
        assert shown_order(blank.text, question) == order
        # The learner clicks the right choice where it is shown.
        (right,) = [choice.id for choice in question.choices if choice.correct]
        value = choice_inputs(html, question)[order.index(right)]["value"]
        answered = post_form(
            client,
            url + "check",
            {question.marker_field: "1", f"q.{question.id}": value},
            page=url,
        )
        assert answered.status_code == 302
        assert "<strong>Correct</strong>" in client.get(answered.location).text
        with app.app_context():
            attempt = (
                db.session()
                .scalars(
                    select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
                )
                .one()
            )
            assert attempt.percent == 100
            # The attempt keeps the order the learner was shown.
            assert attempt.selection[0]["order"] == order


def test_a_check_that_keeps_the_written_order_shows_it_to_every_learner(app, make_user):
    module, screen = check_screen(app, WRITTEN)
    (question,) = screen.knowledge_check.questions
    for _, client in learners(app, make_user, module, screen)[:3]:
        html = client.get(screen_url(module, screen)).text
        assert tuple(shown_order(html, question)) == question.option_ids
