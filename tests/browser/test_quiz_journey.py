"""A learner takes the quiz in Chromium, with and without JavaScript: confirmation, feedback,
inline errors, two tabs, a quiz reopened after the last attempt, and the certificate."""

import random
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.quizzes.attempts import select_questions
from app.models import Attempt, AttemptGrant, AuditEvent, Completion, User
from app.services import learning
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import (
    answer_every_question,
    fill_in,
    questions_on_screen,
    shot,
    start_quiz,
    wait_until_saved,
)


def prepare(app, make_user, **fields):
    """Create a learner who has finished every screen of the first module with a quiz."""
    email = make_user(full_name="Robin Reid", **fields)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        user_id = db.session().scalar(select(User.id).where(User.email == email))
        for key in module.screen_item_keys:
            learning.record(user_id, module.slug, key)
        db.session().commit()
    return email, module


def seed_showing(quiz, kind: str) -> int:
    """Return a seed whose attempt shows a question of this type, and not first.

    Not first, because the journeys leave the first question unanswered.
    """
    for seed in range(1000):
        if any(
            quiz.question(entry["question"]).type_name == kind
            for entry in select_questions(quiz, random.Random(seed))[1:]
        ):
            return seed
    raise AssertionError(f"{quiz.id} has no {kind} question")


@pytest.mark.both_databases
def test_fail_once_pass_later_download_and_verify_certificate(app, page, live_server, make_user):
    # A link worker: the first module's quiz asks enough questions on several competencies
    # of their framework to rate them. (A referring clinician's take more than one module.)
    email, module = prepare(app, make_user, profession="link-worker")
    browser_sign_in(page, live_server, email)

    # Before any quiz, nothing is rated yet.
    page.get_by_role("link", name="My competencies").first.click()
    expect(page.get_by_role("heading", name="Your competencies")).to_be_visible()
    expect(page.locator(".nhsuk-tag--green")).to_have_count(0)
    expect(page.get_by_text("Not enough evidence").first).to_be_visible()

    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    assert_accessible(page)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    found = answer_every_question(page, app, right=False, skip=1)
    # Autosave: every answer is saved as it is given and survives a reload.
    wait_until_saved(page, found[1:])
    page.reload()
    assert_accessible(page)

    # One question left blank: Submit asks first.
    page.get_by_role("button", name="Submit answers").click()
    heading = f"You have not answered 1 of {len(found)} questions"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    shot(page, "confirm-js")
    assert_accessible(page)
    page.get_by_role("link", name="Question 1", exact=True).click()
    expect(page).to_have_url(re.compile(f"#question-{found[0].id}$"))
    fill_in(page, found[0], found[0].example_answer(False))
    wait_until_saved(page, found[:1])
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    expect(page.get_by_text("Your answer:").first).to_be_visible()
    expect(page.get_by_text("Not correct").first).to_be_visible()
    shot(page, "result-fail-js")
    assert_accessible(page)

    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    answer_every_question(page, app, right=True)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    # Every answer right: each shown once under "Your answer" (not again as the correct one).
    expect(page.get_by_text("Your answer:", exact=True).first).to_be_visible()
    shot(page, "result-pass-js")
    assert_accessible(page)

    page.get_by_role("link", name="Get your CPD certificate").first.click()
    expect(page.get_by_role("heading", name="Your CPD certificate")).to_be_visible()
    page.get_by_label("How it changed your practice (optional)").fill(
        "I will start every first meeting by asking what matters to the person."
    )
    page.get_by_role("button", name="Save reflective account").click()
    expect(page.get_by_text("Your reflective account has been saved")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download your certificate")).click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="My competencies").first.click()
    expect(page.get_by_role("heading", name="Your competencies")).to_be_visible()
    # Every answer wrong, then every answer right: the passing attempt is the latest result
    # (65%) and the failed one the earlier (35%), so knowledge is Developing, 65%.
    expect(page.get_by_text("Developing 65%").first).to_be_visible()
    expect(page.get_by_text("Secure", exact=True)).to_have_count(0)
    assert_accessible(page)
    page.goto(f"{live_server}/modules/{module.slug}/certificate/")

    verify_url = page.locator('a[href*="/certificates/"]').first.get_attribute("href")
    page.context.clear_cookies()
    page.goto(verify_url)
    expect(page.get_by_role("heading", name="Certificate confirmed")).to_be_visible()
    expect(page.get_by_text("Robin Reid")).to_be_visible()
    assert_accessible(page)


def test_quiz_works_with_javascript_off(app, browser, no_js_page, live_server, make_user):
    email, module = prepare(app, make_user)
    app.config["QUIZ_SEED"] = seed_showing(module.assessment, "numeric")
    page = no_js_page
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    found = answer_every_question(page, app, right=True, skip=1)
    number = next(q for q in found if q.type_name == "numeric")
    place = found.index(number) + 1
    page.locator(f'[name="q.{number.id}"]').fill("about twelve")
    page.get_by_role("button", name="Save and come back later").click()
    # The invalid answer shows at its question and in the summary; the rest are saved.
    message = f"Question {place}: enter a number, like 42 or 1.5"
    expect(page.get_by_role("link", name=message)).to_be_visible()
    inline = page.locator(f"#question-{number.id}-error")
    expect(inline).to_have_text(f"Error: {message}")
    expect(page.get_by_text("Your other answers have been saved.")).to_be_visible()
    shot(page, "inline-error-no-js")
    assert_accessible_without_javascript(page, browser)
    page.get_by_role("link", name=message).click()
    page.locator(f'[name="q.{number.id}"]').fill(number.example_answer(True))
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    page.get_by_role("button", name="Submit answers").click()
    expect(
        page.get_by_role("heading", name=re.compile("You have not answered 1 of"))
    ).to_be_visible()
    shot(page, "confirm-no-js")
    assert_accessible_without_javascript(page, browser)
    page.get_by_role("button", name="Submit anyway").click()
    expect(
        page.get_by_role("heading", name=re.compile("You (passed|did not pass)"))
    ).to_be_visible()
    expect(page.get_by_text("You did not answer this question.")).to_be_visible()
    shot(page, "result-no-js")
    assert_accessible_without_javascript(page, browser)


@pytest.mark.both_databases
def test_two_tabs_never_lose_an_answer(app, page, live_server, make_user):
    email, module = prepare(app, make_user)
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    start_quiz(page)
    other = page.context.new_page()
    other.goto(page.url)
    first = next(q for q in questions_on_screen(app) if q.type_name == "multiple-answers")
    fill_in(page, first, first.example_answer(True))
    # Its boxes are ticked one by one, each saved: all saved before the other tab answers.
    wait_until_saved(page, [first])
    # The other tab, opened before, ticks something else on the same question.
    fill_in(other, first, first.example_answer(False)[:1])
    status = other.locator(f'[data-status-for="{first.id}"]')
    expect(status).to_have_text(re.compile("Changed in another tab or window"))
    for value in first.form_fields(first.example_answer(True))[f"q.{first.id}"]:
        expect(other.locator(f'[name="q.{first.id}"][value="{value}"]')).to_be_checked()
    expect(other.locator(f"#question-{first.id}-group")).to_contain_text(
        "change made here was not saved"
    )
    shot(other, "two-tabs-js")
    assert_accessible(other)
    other.get_by_role("button", name="Save and come back later").click()
    expect(other.get_by_text("Your answers have been saved")).to_be_visible()
    page.reload()
    for value in first.form_fields(first.example_answer(True))[f"q.{first.id}"]:
        expect(page.locator(f'[name="q.{first.id}"][value="{value}"]')).to_be_checked()


def test_a_page_opened_before_the_update_keeps_the_saved_answer(app, page, live_server, make_user):
    email, module = prepare(app, make_user)
    app.config["QUIZ_SEED"] = seed_showing(module.assessment, "single-choice")
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    single = next(q for q in questions_on_screen(app) if q.type_name == "single-choice")
    right = single.form_fields(single.example_answer(True))[f"q.{single.id}"][0]
    fill_in(page, single, single.example_answer(True))
    status = page.locator(f'[data-status-for="{single.id}"]')
    expect(status).to_have_text("Answer saved")
    # As a page drawn before the update was: each choice sends the author's letter.
    letters = {choice.form_value: choice.id for choice in single.choices}
    page.evaluate(
        """([name, letters]) => {
            for (const input of document.querySelectorAll(`[name="${name}"]`)) {
                input.value = letters[input.value];
            }
        }""",
        [f"q.{single.id}", letters],
    )
    wrong = single.example_answer(False)
    # A click, not check(): the page may put the saved answer back before Playwright looks
    # at the radio, and check() would then wait for a state the page rightly refuses.
    page.locator(f'[name="q.{single.id}"][value="{wrong}"]').click()
    group = page.locator(f"#question-{single.id}-group")
    expect(group).to_contain_text("this page was opened before an update")
    # Drawn afresh: today's values, the saved answer chosen.
    expect(page.locator(f'[name="q.{single.id}"][value="{right}"]')).to_be_checked()
    page.reload()
    expect(page.locator(f'[name="q.{single.id}"][value="{right}"]')).to_be_checked()
    with app.app_context():
        attempt = db.session().scalars(select(Attempt)).one()
        assert {a.question_id: a.response["value"] for a in attempt.answers} == {
            single.id: single.example_answer(True)
        }


def test_after_the_last_attempt_the_quiz_reopens(app, browser, page, live_server, make_user):
    email, module = prepare(app, make_user, org="Riverside PCN")
    make_user(email="m@example.org", role="manager", org="Riverside PCN", full_name="Mo Manager")
    browser_sign_in(page, live_server, email)
    overview = f"{live_server}/modules/{module.slug}/quiz/"
    for number in range(module.assessment.max_attempts):
        page.goto(overview)
        page.get_by_role("button", name="Try again" if number else "Start the quiz").click()
        page.get_by_role("button", name="Submit answers").click()
        page.get_by_role("button", name="Submit anyway").click()
        expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    page.goto(overview)
    expect(page.get_by_role("heading", name="How to try again")).to_be_visible()
    expect(page.get_by_text("A new set of attempts opens at")).to_be_visible()
    shot(page, "locked-with-retake-rule")
    assert_accessible(page)

    manager = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    browser_sign_in(manager, live_server, "m@example.org")
    manager.goto(live_server + "/manage/")
    manager.get_by_role("link", name="Robin Reid").click()
    manager.get_by_label("Why give Robin Reid another attempt?").fill("Unwell on the day")
    manager.get_by_role("button", name=re.compile("Give one more attempt")).click()
    expect(manager.get_by_text("The learner has one more attempt at the quiz.")).to_be_visible()
    expect(manager.get_by_text("given by Mo Manager. Unwell on the day")).to_be_visible()
    shot(manager, "manager-gave-attempt")
    assert_accessible(manager)
    manager.context.close()

    page.goto(overview)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    expect(
        page.get_by_text(f"attempt {module.assessment.max_attempts + 1} (an extra attempt)")
    ).to_be_visible()
    shot(page, "reopened-quiz")
    assert_accessible(page)


def test_without_javascript_a_trainer_and_the_retake_rule_reopen_the_quiz(
    app, browser, no_js_page, live_server, make_user
):
    # No organisation, so no manager: a trainer gives the extra attempt.
    email, module = prepare(app, make_user)
    make_user(email="t@example.org", role="trainer", full_name="Tess Trainer")
    page = no_js_page
    browser_sign_in(page, live_server, email)
    overview = f"{live_server}/modules/{module.slug}/quiz/"
    used = module.assessment.max_attempts
    for number in range(used):
        page.goto(overview)
        page.get_by_role("button", name="Try again" if number else "Start the quiz").click()
        page.get_by_role("button", name="Submit answers").click()
        page.get_by_role("button", name="Submit anyway").click()
        expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    page.goto(overview)
    expect(page.get_by_role("heading", name="How to try again")).to_be_visible()
    shot(page, "locked-no-js")
    assert_accessible_without_javascript(page, browser)

    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    trainer = context.new_page()
    browser_sign_in(trainer, live_server, "t@example.org")
    trainer.goto(live_server + "/author/learners")
    trainer.get_by_label("Email address").fill(email)
    trainer.get_by_role("button", name=re.compile("Find")).click()
    trainer.get_by_label("Why give Robin Reid another attempt?").fill("Agreed at supervision")
    trainer.get_by_role("button", name=re.compile("Give one more attempt")).click()
    expect(trainer.get_by_text("given by Tess Trainer. Agreed at supervision")).to_be_visible()
    shot(trainer, "trainer-gave-attempt-no-js")
    assert_accessible_without_javascript(trainer, browser)
    context.close()
    with app.app_context():
        event = db.session().scalars(select(AuditEvent)).all()
    assert [e.detail["reason"] for e in event if e.kind == "quiz.extra-attempt"] == [
        "Agreed at supervision"
    ]

    page.goto(overview)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text(f"attempt {used + 1} (an extra attempt)")).to_be_visible()
    shot(page, "reopened-by-trainer-no-js")
    assert_accessible_without_javascript(page, browser)
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()

    with app.app_context():  # the rule's wait goes by
        for attempt in db.session().scalars(select(Attempt)):
            attempt.submitted_at -= timedelta(days=8)
        for done in db.session().scalars(select(Completion)):
            done.completed_at -= timedelta(days=9)
            done.last_completed_at = done.completed_at
        db.session().commit()
    page.goto(overview)
    next_attempt = page.locator(".lw-next-attempt")
    # The wait is over: no date, only the screens to go back over.
    expect(next_attempt).to_contain_text(
        "A new set of attempts opens once you have gone back over the module's screens."
    )
    shot(page, "wait-over-revisit-no-js")
    # Go back over every screen, selecting Next (Finish module) at the end of each.
    next_attempt.get_by_role("link", name=module.screens[0].title, exact=True).click()
    for screen in module.screens:
        expect(page.get_by_role("heading", level=1)).to_have_text(screen.title)
        page.get_by_role("button", name=re.compile("^(Next|Finish module)")).click()
    page.goto(overview)
    expect(page.get_by_role("heading", name="How to try again")).to_have_count(0)
    page.get_by_role("button", name=re.compile("^(Start the quiz|Try again)$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    shot(page, "reopened-by-retake-rule-no-js")
    assert_accessible_without_javascript(page, browser)
    with app.app_context():
        kinds = sorted(g.kind for g in db.session().scalars(select(AttemptGrant)))
    assert kinds == ["person", "retake-rule"]


def shown_text(page) -> str:
    """Return the main content's text as shown, leaving out what the page's styles hide."""
    return page.get_by_role("main").inner_text()


def test_without_javascript_the_quiz_does_not_promise_to_save_as_you_go(
    app, no_js_page, live_server, make_user
):
    # Answers are saved as they are given only by the page's script: without it, only the
    # buttons save them, and a learner who leaves by a link loses what they had not saved.
    email, module = prepare(app, make_user)
    page = no_js_page
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    overview = shown_text(page)
    assert "Saved as you go" not in overview
    assert "Saved when you select Save and come back later" in overview
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    attempt = shown_text(page)
    assert "saved as you go" not in attempt
    assert "select Save and come back later before you leave" in attempt


def test_with_javascript_the_quiz_says_answers_are_saved_as_you_go(
    app, page, live_server, make_user
):
    email, module = prepare(app, make_user)
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    overview = shown_text(page)
    assert "Saved as you go" in overview
    assert "Saved when you select Save and come back later" not in overview
    start_quiz(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    attempt = shown_text(page)
    assert "Your answers are saved as you go" in attempt
    assert "before you leave" not in attempt
