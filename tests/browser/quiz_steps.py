"""Steps a learner takes in a quiz, in Chromium, whatever the question types."""

import os
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.models import Attempt
from app.services import quizzes


def questions_on_screen(app):
    """Return the questions of the attempt in progress, from the versions it recorded."""
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
        return [item.question for item in quizzes.questions_of(attempt).shown]


ATTEMPT_PAGE = re.compile(r"/quiz/attempts/\d+/")


def start_quiz(page) -> None:
    """Press Start the quiz and wait until the attempt's page is open.

    The click can return before the page it leads to is there: page.url read straight after
    it could still be the quiz's overview.
    """
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(ATTEMPT_PAGE)


def fill_in(page, question, answer) -> None:
    """Answer one question through its fields, as a learner would."""
    # Only Playwright's own actions: page scripts do not run with JavaScript off.
    for name, values in question.form_fields(answer).items():
        if page.locator(f'select[name="{name}"]').count():
            page.locator(f'select[name="{name}"]').select_option(values[0])
        elif page.locator(f'input[type="text"][name="{name}"]').count():
            page.locator(f'input[name="{name}"]').fill(values[0])
        else:
            for value in values:
                page.locator(f'[name="{name}"][value="{value}"]').check()


def answer_every_question(page, app, *, right: bool, skip: int = 0) -> list:
    """Fill in the attempt on screen, all rightly or all wrongly, leaving the first `skip`."""
    found = questions_on_screen(app)
    for question in found[skip:]:
        fill_in(page, question, question.example_answer(right))
    return found


def wait_until_saved(page, questions) -> None:
    """Wait until every answer given shows as saved and no save is waiting or running.

    A question answered in several steps (boxes ticked one by one) saves after each, so
    "Answer saved" can show while its last save is still on the way.
    """
    for question in questions:
        expect(page.locator(f'[data-status-for="{question.id}"]')).to_have_text("Answer saved")
    expect(page.locator("form[data-autosave]")).not_to_have_attribute("data-saving", "")


def shot(page, name: str, *, full_page: bool = True) -> None:
    """Keep a screenshot in LINKWISE_SHOTS_DIR, for a person to look at."""
    folder = os.environ.get("LINKWISE_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)
