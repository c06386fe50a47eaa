"""A page's back link sits in a navigation landmark above <main> (axe's best-practice "region"),
and the item statistics read right with a handful of answers and with many, 1280 and 320 px."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.quiz_steps import shot
from tests.browser.test_audience_banner import region_violations
from tests.web.item_data import add_attempts, add_learners

QUIZ = "referral-routes-assessment"
CHECK = "referral-routes-check-1"
THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


@pytest.fixture
def trainer_page(page, live_server, make_user):
    make_user(email="trainer@example.org", role="trainer")
    browser_sign_in(page, live_server, "trainer@example.org")
    return page


def back_link_in_its_landmark(page, text: str) -> None:
    back = page.get_by_role("navigation", name="Back")
    expect(back.get_by_role("link", name=text)).to_be_visible()
    # Above <main>, as NHS.UK places it: "Skip to main content" passes it.
    assert page.locator("main .nhsuk-back-link").count() == 0
    assert region_violations(page) == []


def test_the_bank_and_items_pages_keep_every_part_in_a_landmark(app, trainer_page, live_server):
    page = trainer_page
    with app.app_context():
        add_attempts(HAND * 6, THREE)
    for url in (f"/author/quizzes/{QUIZ}/items", f"/author/quizzes/{QUIZ}/bank"):
        page.goto(live_server + url)
        back_link_in_its_landmark(page, "Quizzes")
        assert_accessible(page)
    page.goto(live_server + "/")
    assert page.get_by_role("navigation", name="Back").count() == 0  # none without a link
    assert region_violations(page) == []


@pytest.mark.parametrize("sample", ["tiny", "healthy"])
def test_the_items_page_with_a_tiny_and_a_healthy_sample(app, trainer_page, live_server, sample):
    page = trainer_page
    with app.app_context():
        if sample == "tiny":
            # One learner answers the one-question check 23 times, another once.
            first, second = add_learners(2)
            add_attempts(
                [[1]] * 22 + [[0], [1]],
                ["rr-check1-q1"],
                users=[first] * 23 + [second],
                quiz_id=CHECK,
                numbers=[*range(1, 24), 1],
            )
        else:
            add_attempts(HAND * 6, THREE)
    quiz = CHECK if sample == "tiny" else QUIZ
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/author/quizzes/{quiz}/items")
        expect(page.get_by_role("heading", name="How the questions perform")).to_be_visible()
        shot(page, f"items-{sample}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        back_link_in_its_landmark(page, "Quizzes")
