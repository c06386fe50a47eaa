"""A trainer reads how a quiz's questions perform in Chromium, with and without JavaScript."""

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.conftest import DEMO_PASSWORD
from tests.web.item_data import question_place

QUIZ = "referral-routes-assessment"
SHOTS = os.environ.get("LINKWISE_SHOTS_DIR")


def shot(page, name: str) -> None:
    """Save a full-page screenshot when LINKWISE_SHOTS_DIR names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def seed(app) -> None:
    from app.services import seeding

    with app.app_context():
        seeding.seed_learners(120, 3, DEMO_PASSWORD, "Demo Primary Care Network", workers=1)


def sign_in_as_trainer(page, live_server, make_user) -> None:
    make_user(email="trainer@example.org", role="trainer")
    browser_sign_in(page, live_server, "trainer@example.org")


def test_trainer_finds_the_item_analysis_and_filters_it(app, page, live_server, make_user):
    seed(app)
    sign_in_as_trainer(page, live_server, make_user)
    page.get_by_role("link", name="Quizzes").first.click()
    expect(page.get_by_role("heading", name="Quizzes", exact=True)).to_be_visible()
    shot(page, "quizzes")
    assert_accessible(page)
    page.locator(f'a[href="/author/quizzes/{QUIZ}/items"]').click()
    expect(page.get_by_role("heading", name="How the questions perform")).to_be_visible()
    expect(page.get_by_text(question_place("rr-q22"), exact=True).first).to_be_visible()
    shot(page, "items")
    assert_accessible(page)
    page.get_by_label("From", exact=True).fill("not a date")
    page.get_by_role("button", name="Show these attempts").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shot(page, "items-error")
    assert_accessible(page)
    # Coverage: what every attempt is sure to ask beside what it may, per competency.
    page.get_by_role("link", name="Coverage").first.click()
    expect(page.get_by_role("heading", name="Competency coverage")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Sure to be asked")).to_be_visible()
    shot(page, "coverage")
    assert_accessible(page)


def test_the_item_analysis_works_without_javascript(
    app, no_js_page, browser, live_server, make_user
):
    seed(app)
    sign_in_as_trainer(no_js_page, live_server, make_user)
    no_js_page.goto(f"{live_server}/author/quizzes/{QUIZ}/items")
    no_js_page.get_by_label("First attempts only").check()
    no_js_page.get_by_role("button", name="Show these attempts").click()
    assert "first=1" in no_js_page.url
    expect(no_js_page.get_by_role("heading", name="Each question")).to_be_visible()
    assert_accessible_without_javascript(no_js_page, browser)


def test_the_competency_figures_stay_when_the_filter_changes(
    app, no_js_page, browser, live_server, make_user
):
    # Asked for once, the figures per competency stayed behind when the trainer then
    # narrowed the attempts: the filter's form did not carry the ask.
    from app.services import seeding

    with app.app_context():
        seeding.seed_learners(12, 3, DEMO_PASSWORD, "Demo Primary Care Network", workers=1)
    sign_in_as_trainer(no_js_page, live_server, make_user)
    no_js_page.goto(f"{live_server}/author/quizzes/{QUIZ}/items")
    no_js_page.get_by_role("link", name="Work out each competency's reliability").click()
    scores = no_js_page.get_by_role("heading", name="Reliability per competency")
    expect(scores).to_be_visible()

    no_js_page.get_by_label("First attempts only").check()
    no_js_page.get_by_role("button", name="Show these attempts").click()

    assert "first=1" in no_js_page.url
    expect(scores).to_be_visible()
    no_js_page.get_by_label("First attempts only").uncheck()
    no_js_page.get_by_role("button", name="Show these attempts").click()
    assert "first=1" not in no_js_page.url
    expect(scores).to_be_visible()
    assert_accessible_without_javascript(no_js_page, browser)
