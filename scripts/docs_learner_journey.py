"""The demo learner's screenshot journey: registering, a module, its quiz, the certificate."""

import email
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from scripts.docs_steps import LEARNER, PASSWORD, heading, shoot

NEXT = re.compile("^(Next|Finish module)")


def first_visit(page, base: str, folder: Path) -> None:
    """Home, the question at the door, registering, a forgotten password, signing in."""
    page.goto(base + "/")
    heading(page, "Learn social prescribing, show your competence")
    shoot(page, "home")
    page.goto(base + "/register")
    heading(page, "This site is intended for healthcare professionals only")
    shoot(page, "gate")
    page.get_by_role("button", name="I am a healthcare professional").click()
    heading(page, "Create an account")
    page.get_by_label("Full name").fill("Jo Okafor")
    page.get_by_label("Email address").fill("jo.okafor@example.org")
    page.get_by_label("Practice nurse").check()
    page.get_by_label("Create a password").fill("meadow copper kite 2026")
    shoot(page, "register")

    page.goto(base + "/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    heading(page, "Reset your password")
    shoot(page, "forgot-password")
    page.get_by_label("Email address").fill(LEARNER)
    page.get_by_role("button", name="Send the email").click()
    heading(page, "Check your email")
    page.goto(mailed_link(folder, LEARNER, "/reset-password/"))
    heading(page, "Choose a new password")
    page.get_by_label("New password").fill("Summer2024!!")  # refused: the demo password stays
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("too easy to guess").first).to_be_visible()
    shoot(page, "reset-password")

    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(LEARNER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    shoot(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(base + "/account/")
    heading(page, "Your account")
    shoot(page, "account")


def learning(page, base: str, app) -> None:
    """The demo learner goes through the first module, fails its quiz, then passes it."""
    from app.content import catalogue

    with app.app_context():
        module = catalogue().modules[0]
    page.get_by_role("link", name="My learning").first.click()
    heading(page, "My learning")
    shoot(page, "my-learning")
    page.get_by_role("link", name=module.title).click()
    heading(page, module.title)
    shoot(page, "module-page")
    page.get_by_role("link", name="Start module").click()
    first_check = True
    for screen in module.screens:
        heading(page, screen.title)
        if "<table" in screen.html or "<figure" in screen.html:
            shoot(page, f"screen-{module.slug}-{screen.slug}")
        if screen.knowledge_check:
            knowledge_check(page, screen.knowledge_check, shots=first_check)
            first_check = False
        else:
            page.get_by_role("button", name=NEXT).click()
    quiz = module.assessment
    heading(page, quiz.title)

    page.goto(f"{base}/modules/{module.slug}/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    heading(page, quiz.title)
    found = answer_every_question(page, app, right=False, skip=1)
    for question in found[1:]:
        expect(page.locator(f'[data-status-for="{question.id}"]')).to_have_text("Answer saved")
    expect(page.locator("form[data-autosave]")).not_to_have_attribute("data-saving", "")
    page.reload()  # what was saved as it was given comes back
    shoot(page, "quiz-attempt")
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("link", name="Question 1", exact=True).click()
    fill_in(page, found[0], found[0].example_answer(False))
    expect(page.locator(f'[data-status-for="{found[0].id}"]')).to_have_text("Answer saved")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    shoot(page, "quiz-result-fail")
    page.get_by_role("button", name="Try again").click()
    heading(page, quiz.title)
    answer_every_question(page, app, right=True)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    shoot(page, "quiz-result-pass")

    page.get_by_role("link", name="Get your CPD certificate").first.click()
    expect(page.get_by_role("heading", name="Your CPD certificate")).to_be_visible()
    page.get_by_label("How it changed your practice (optional)").fill(
        "I will start every first meeting by asking what matters to the person."
    )
    page.get_by_role("button", name="Save reflective account").click()
    expect(page.get_by_text("Your reflective account has been saved")).to_be_visible()
    shoot(page, "certificate")
    page.get_by_role("link", name="My competencies").first.click()
    expect(page.get_by_role("heading", name="Your competencies")).to_be_visible()
    shoot(page, "my-competencies")
    page.goto(base + "/modules/")
    page.get_by_role("link", name="Your learning record").click()
    heading(page, "Your learning record")
    shoot(page, "learning-record")
    page.goto(base + "/account/")
    page.get_by_role("link", name="Delete your account").click()
    heading(page, "Delete your account")
    shoot(page, "account-delete")  # only looked at: the account stays
    page.goto(f"{base}/modules/{module.slug}/certificate/")


def knowledge_check(page, check, shots: bool) -> None:
    """Open the screen's knowledge check, answer it rightly and go on."""
    dialog = page.get_by_role("dialog")
    page.get_by_role("button", name="Check your knowledge").click()
    expect(dialog).to_be_visible()
    if shots:
        shoot(page, "knowledge-check-open")
    for question in check.questions:
        fill_in(page, question, question.example_answer(True))
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.get_by_text("Your answer:").first).to_be_visible()
    if shots:
        shoot(page, "knowledge-check-feedback")
    dialog.get_by_role("button", name=re.compile("^Continue")).click()


def verify_certificate(page, learner) -> None:
    """Anyone with the certificate's link, signed in or not, sees it confirmed."""
    verify_url = learner.locator('a[href*="/certificates/"]').first.get_attribute("href")
    page.goto(verify_url)
    expect(page.get_by_role("heading", name="Certificate confirmed")).to_be_visible()
    expect(page.get_by_text("Lee Learner")).to_be_visible()
    shoot(page, "certificate-verified")


def answer_every_question(page, app, *, right: bool, skip: int = 0) -> list:
    """Fill in the demo learner's attempt on screen, all rightly or all wrongly."""
    from app import db
    from app.models import Attempt, User
    from app.services import quizzes

    with app.app_context():
        attempt = db.session().scalars(
            select(Attempt)
            .join(User, User.id == Attempt.user_id)
            .where(User.email == LEARNER, Attempt.status == "in-progress")
        )
        found = [item.question for item in quizzes.questions_of(attempt.one()).shown]
    for question in found[skip:]:
        fill_in(page, question, question.example_answer(right))
    return found


def fill_in(page, question, answer) -> None:
    """Answer one question through its fields, as a learner would."""
    for name, values in question.form_fields(answer).items():
        if page.locator(f'select[name="{name}"]').count():
            page.locator(f'select[name="{name}"]').select_option(values[0])
        elif page.locator(f'input[type="text"][name="{name}"]').count():
            page.locator(f'input[name="{name}"]').fill(values[0])
        else:
            for value in values:
                page.locator(f'[name="{name}"][value="{value}"]').check()


def mailed_link(folder: Path, to: str, path: str) -> str:
    """Return the latest link to `path` in the mail the site wrote to `to`."""
    for message_file in sorted((folder / "mail").glob("*.eml"), reverse=True):
        message = email.message_from_bytes(message_file.read_bytes())
        if to not in message["To"]:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_payload(decode=True).decode()
                found = re.search(rf"https?://\S+{re.escape(path)}\S+", text)
                if found:
                    return found.group(0)
    raise RuntimeError(f"no mail to {to} with a {path} link")
