"""Knowledge checks: the feedback teaches, Continue moves on, errors show where the form is."""

import re

from markupsafe import escape
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt
from tests.conftest import post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.quiz_helpers import answer_fields
from tests.web.test_learn import complete, reach, screen_url

PART = {"X-Linkwise-Part": "knowledge-check"}


def checked(app):
    with app.app_context():
        return next((m, s) for m in catalogue().modules for s in m.screens if s.knowledge_check)


def answer(client, module, screen, *, right, headers=None):
    question = screen.knowledge_check.questions[0]
    return post_form(
        client,
        screen_url(module, screen) + "check",
        answer_fields(question, right=right),
        page=screen_url(module, screen),
        headers=headers or {},
    )


def test_the_feedback_shows_the_answer_the_choice_feedback_and_a_continue_button(app, signed_in):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    response = answer(signed_in, module, screen, right=False)
    with app.app_context():
        attempt_id = db.session().scalar(select(Attempt.id))
    assert response.location == f"{screen_url(module, screen)}?check={attempt_id}#knowledge-check"
    page = signed_in.get(response.location).text
    question = screen.knowledge_check.questions[0]
    picked = next(c for c in question.choices if not c.correct)
    assert "Your answer:" in page and "Not correct" in page
    if question.feedback.incorrect:
        # The verdict is said once: an opening "Not quite." is left out after "Not correct".
        explanation = question.feedback.incorrect.split("\n")[0].removeprefix("Not quite. ")
        assert str(escape(explanation)) in page and "Not quite" not in page
    if picked.feedback:
        assert str(escape(picked.feedback.split("\n")[0])) in page
    assert "Correct answer:" in page  # knowledge checks reveal after each answer
    assert ">Continue<" in page and 'id="knowledge-check-form"' not in page
    following = module.next_screen(screen.slug)
    moved = post_form(signed_in, screen_url(module, screen), {}, page=response.location)
    assert moved.location == screen_url(module, following)


def test_with_javascript_the_dialog_gets_the_feedback_in_place(app, signed_in):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    response = answer(signed_in, module, screen, right=True, headers=PART)
    assert response.status_code == 200
    assert "<html" not in response.text and "data-check-feedback" in response.text
    assert "<strong>Correct</strong>" in response.text and ">Continue<" in response.text


def test_an_unanswered_check_shows_its_error_where_the_form_is(app, signed_in):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    question = screen.knowledge_check.questions[0]
    url = screen_url(module, screen) + "check"
    blank = post_form(signed_in, url, {question.marker_field: "1"}, page=screen_url(module, screen))
    assert blank.status_code == 400
    message = f"Question 1: {question.blank_message}"
    section = blank.text.split('id="knowledge-check"', 1)[1]
    assert message in section  # in the check's own error summary and at the question
    assert section.count(message) == 2
    first = re.search(rf'<input[^>]* id="(q\.{re.escape(question.id)}[^"]*)"', section).group(1)
    assert summary_of(blank).links == [f"#{first}"]  # its first field, on the page
    assert 'action="' + url + '#knowledge-check"' in blank.text  # the page lands on the form
    assert blank.text.split("<title>")[1].startswith("Error: ")
    part = post_form(signed_in, url, {}, page=screen_url(module, screen), headers=PART)
    assert part.status_code == 400 and message in part.text and "<html" not in part.text


REASON = "Answer the knowledge check on this screen before you go on"


def test_next_with_the_check_unanswered_says_why_in_the_check_where_the_page_lands(app, signed_in):
    """Without JavaScript the screen comes back at #knowledge-check: the reason is there, in
    the check's error summary above its question, linking to its first field, and the title
    starts "Error: ", not in a banner at the top of the page, out of sight."""
    module, screen = checked(app)
    reach(signed_in, module, screen)
    response = complete(signed_in, module, screen)
    assert response.location == screen_url(module, screen) + "#knowledge-check"
    back = signed_in.get(screen_url(module, screen))
    page = summary_of(back)  # its links reach their fields; the title starts "Error: "
    assert back.text.count(REASON) == 1 and 'data-notice="check-unanswered"' not in back.text
    before, section = back.text.split('id="knowledge-check"', 1)
    assert REASON not in before
    summary, form = section.split('id="knowledge-check-form"', 1)
    assert "nhsuk-error-summary" in summary and REASON in summary
    question = screen.knowledge_check.questions[0]
    first = re.search(rf'<input[^>]* id="(q\.{re.escape(question.id)}[^"]*)"', form).group(1)
    assert page.links == [f"#{first}"]
    # Once: the screen opened again has no error.
    again = signed_in.get(screen_url(module, screen)).text
    assert REASON not in again and not again.split("<title>")[1].startswith("Error: ")


def test_feedback_on_someone_elses_answer_is_never_shown(app, signed_in, make_user):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    answer(signed_in, module, screen, right=True)
    with app.app_context():
        attempt_id = db.session().scalar(select(Attempt.id))
    other = app.test_client()
    sign_in(other, make_user(email="other@example.org"))
    reach(other, module, screen)
    page = other.get(f"{screen_url(module, screen)}?check={attempt_id}").text
    assert "Your answer:" not in page and 'id="knowledge-check-form"' in page


def test_a_check_answered_before_can_be_answered_again(app, signed_in):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    answer(signed_in, module, screen, right=False)
    complete(signed_in, module, screen)
    page = signed_in.get(screen_url(module, screen)).text
    assert "You have answered this knowledge check" in page
    assert answer(signed_in, module, screen, right=True).status_code == 302
    with app.app_context():
        assert db.session().scalars(select(Attempt.number).order_by(Attempt.number)).all() == [1, 2]
