"""A learner takes the quiz in Chromium: fails once, passes, and verifies a certificate."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt, User
from app.services import learning
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import DEMO_PASSWORD


def prepare(app, make_user):
    """Create a learner who has finished every screen of the first module with a quiz."""
    email = make_user(full_name="Robin Reid")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        user_id = db.session().scalar(select(User.id).where(User.email == email))
        for key in module.screen_item_keys:
            learning.record(user_id, module.slug, key)
        db.session().commit()
    return email, module


def answer_every_question(page, app, module, *, right: bool):
    """Fill in the attempt on screen as a learner who knows (or misses) every answer."""
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
        selection = attempt.selection
    quiz = module.assessment
    for entry in selection:
        question = quiz.question(entry["question"])
        kind = question.type_name
        prefix = f"q.{question.id}"
        if kind in ("single-choice", "true-false", "multiple-answers"):
            for choice in question.choices:
                if choice.correct == right:
                    page.locator(f'[id="{prefix}-{choice.id}"]').check()
        elif kind in ("short-answer", "numeric"):
            value = (
                (question.answers[0] if kind == "short-answer" else str(question.low))
                if right
                else "999999"
            )
            page.locator(f'[id="{prefix}"]').fill(value)
        elif kind == "matching":
            for pair in question.pairs:
                page.locator(f'[id="{prefix}.{pair.id}"]').select_option(
                    label=pair.right if right else question.pairs[0].right
                )
        elif kind == "ordering":
            steps = list(question.items) if right else list(reversed(question.items))
            for n, step in enumerate(steps, start=1):
                page.locator(f'[id="{prefix}.{step.id}"]').select_option(str(n))


def test_fail_once_pass_later_download_and_verify_certificate(app, page, live_server, make_user):
    email, module = prepare(app, make_user)
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Before any quiz, nothing is rated yet.
    page.get_by_role("link", name="My competencies").first.click()
    expect(page.get_by_role("heading", name="Your competencies")).to_be_visible()
    expect(page.locator(".nhsuk-tag--green")).to_have_count(0)
    expect(page.get_by_text("Insufficient evidence").first).to_be_visible()

    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    assert_accessible(page)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    answer_every_question(page, app, module, right=False)
    # Autosave: every answer is saved as it is given and survives a reload.
    statuses = page.locator(".lw-autosave-status")
    for index in range(statuses.count()):
        expect(statuses.nth(index)).to_have_text("Answer saved")
    page.reload()
    screenshot(page, "quiz-attempt")
    assert_accessible(page)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    screenshot(page, "quiz-result-fail")
    assert_accessible(page)

    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    answer_every_question(page, app, module, right=True)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    screenshot(page, "quiz-result-pass")
    assert_accessible(page)

    page.get_by_role("link", name="Get your CPD certificate").first.click()
    expect(page.get_by_role("heading", name="Your CPD certificate")).to_be_visible()
    page.get_by_label("How it changed your practice (optional)").fill(
        "I will start every first meeting by asking what matters to the person."
    )
    page.get_by_role("button", name="Save reflective account").click()
    expect(page.get_by_text("Your reflective account has been saved")).to_be_visible()
    screenshot(page, "certificate")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download your certificate")).click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="My competencies").first.click()
    expect(page.get_by_role("heading", name="Your competencies")).to_be_visible()
    expect(page.locator(".nhsuk-tag--green").first).to_be_visible()
    screenshot(page, "my-competencies")
    assert_accessible(page)
    page.goto(f"{live_server}/modules/{module.slug}/certificate/")

    verify_url = page.locator('a[href*="/certificates/"]').first.get_attribute("href")
    page.context.clear_cookies()
    page.goto(verify_url)
    expect(page.get_by_role("heading", name="Certificate confirmed")).to_be_visible()
    expect(page.get_by_text("Robin Reid")).to_be_visible()
    screenshot(page, "certificate-verified")
    assert_accessible(page)


def test_quiz_works_with_javascript_off(app, no_js_page, live_server, make_user):
    email, module = prepare(app, make_user)
    page = no_js_page
    page.goto(live_server + "/sign-in")
    page.get_by_role(
        "button", name="I am a healthcare professional"
    ).click() if "confirm" in page.url else None
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    answer_every_question(page, app, module, right=True)
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
