"""Pages fit their window in Chromium: wide tables scroll in their own box.

A phone is 320 px wide: a table of several columns must not make the page wider than that.
"""

import os
from pathlib import Path

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.conftest import post_form, sign_in
from tests.web.journeys import user_id
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import name_supervisor, the_request

ORG = "Riverside PCN"
CODE = "SPLW-1.4"  # taught, and quizzed, by the first module
SHOTS = os.environ.get("ISSUE_SHOTS")


def document_width(page) -> int:
    """Return how wide the page is laid out, scrolled sideways to its end."""
    return page.evaluate("document.documentElement.scrollWidth")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def course_in_use(app, make_user, *, name: str, reflection: str) -> dict:
    """Set up a learner who passed a module, self-assessed and asked a supervisor; a manager
    of their organisation and a trainer."""
    make_user(email="learner@example.org", profession="link-worker", org=ORG, full_name=name)
    make_user(email="sue@example.org", org=ORG, full_name="Sue Supervisor")
    make_user(email="lead@example.org", role="manager", org=ORG, full_name="Lee Lead")
    make_user(email="trainer@example.org", role="trainer", full_name="Tara Trainer")
    name_supervisor(app, "sue@example.org")
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    with app.app_context():
        module = catalogue().modules[0]
    pass_quiz(app, learner, "learner@example.org", module)
    page = f"/my/competencies/{CODE}"
    sent = post_form(
        learner,
        f"{page}/self-assessment",
        {"confidence": "4", "stage": "after", "reflection": reflection},
        page=page,
    )
    assert sent.status_code == 302, sent.status_code
    asked = post_form(
        learner, f"{page}/request", {"supervisor": str(user_id(app, "sue@example.org"))}, page=page
    )
    assert asked.status_code == 302, asked.status_code
    return {
        "learner": user_id(app, "learner@example.org"),
        "request": the_request(app),
        "module": module,
    }


LEARNER_PAGES = ("/my/record", "/my/competencies", f"/my/competencies/{CODE}")
MANAGER_PAGES = ("/manage/", "/manage/compliance", "/manage/assignments", "/manage/teams")
TRAINER_PAGES = ("/author/quizzes", "/author/coverage")


def pages_of(people: dict) -> dict[str, list[str]]:
    module = people["module"]
    return {
        "learner@example.org": list(LEARNER_PAGES),
        "sue@example.org": ["/supervise/", f"/supervise/requests/{people['request']}"],
        "lead@example.org": [*MANAGER_PAGES, f"/manage/learners/{people['learner']}"],
        "trainer@example.org": [
            *TRAINER_PAGES,
            f"/author/quizzes/{module.assessment.id}/items",
            f"/author/learners/{people['learner']}",
        ],
    }


def widths_over(
    browser, live_server, people: dict, width: int, label: str, *, check=None
) -> dict[str, int]:
    """Return the pages wider than the window, with their widths, at this window width."""
    too_wide = {}
    for email, paths in pages_of(people).items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        browser_sign_in(page, live_server, email)
        for path in paths:
            page.goto(live_server + path)
            expect(page.locator("h1").first).to_be_visible()
            shot(page, f"{label}-{width}-{email.split('@')[0]}{path.replace('/', '_')}")
            if document_width(page) > width:
                too_wide[path] = document_width(page)
            if check:
                check(page)
        context.close()
    return too_wide


def test_tables_scroll_in_their_own_box_on_a_phone(app, browser, live_server, make_user):
    """At 320 px a table wider than the window scrolls inside its region, not the page."""
    people = course_in_use(
        app, make_user, name="Lee Learner", reflection="Asked what matters first."
    )
    too_wide = widths_over(browser, live_server, people, 320, "tables", check=scrolls_by_key)
    assert not too_wide, f"wider than 320 px: {too_wide}"


def scrolls_by_key(page) -> None:
    """Each table box that scrolls is a named region the keyboard reaches and scrolls; axe
    finds nothing."""
    boxes = page.locator(".lw-table-scroll, .lw-grid-scroll")
    for n in range(boxes.count()):
        box = boxes.nth(n)
        if box.evaluate("box => box.scrollWidth <= box.clientWidth"):
            continue
        assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
        assert box.get_attribute("aria-label") or box.get_attribute("aria-labelledby")
        box.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("box => box.scrollLeft > 0", arg=box.element_handle())
    assert_accessible(page)
