"""Pages fit their window in Chromium: wide tables scroll in their own box, long words wrap.

A phone is 320 px wide: a table of several columns must not make the page wider than that,
nor, at any width, may a reflection pasted as one long word (a URL) or a long name. A chart
reflows instead: the dashboard's months were once drawn at their own size in a box that
scrolled, showing no scroll bar on a phone, so the last months were out of sight. A table's
box that scrolls shows it itself, for the same reason (tests/browser/scroll_cues.py).
"""

import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain import dates
from app.domain.content import quiz_key
from app.models import Completion, User
from app.models_teams import Team
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.scroll_cues import assert_scroll_cues
from tests.conftest import post_form, sign_in
from tests.web.journeys import user_id
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import decide, name_supervisor, the_request
from tests.web.test_statement_counts import (
    make_world,
    more_pages,
    pages,
    pages_after_a_form,
    pages_before,
    registration_pages,
)

ORG = "Riverside PCN"
TEAM = "Elm Practice"
CODE = "SPLW-1.4"  # taught, and quizzed, by the first module
OTHER = "SPLW-1.1"  # returned by the supervisor, with comments and an action plan
LONG = "https://example.org/" + "x" * 1880  # 1,900 characters and not one space
LONG_NAME = "Lee" + "e" * 150 + " Learner"
SHOTS = os.environ.get("ISSUE_SHOTS")
MONTHS = 12  # a bar each on the dashboard's chart of first completions


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
    runner = app.test_cli_runner()
    for args in (
        ["create-team", ORG, TEAM],
        ["place-in-team", "learner@example.org", ORG, TEAM],
    ):
        assert runner.invoke(args=args).exit_code == 0
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    with app.app_context():
        module = catalogue().modules[0]
    pass_quiz(app, learner, "learner@example.org", module)
    sue = app.test_client()
    sign_in(sue, "sue@example.org")
    for code in (OTHER, CODE):
        page = f"/my/competencies/{code}"
        sent = post_form(
            learner,
            f"{page}/self-assessment",
            {"confidence": "4", "stage": "after", "reflection": reflection},
            page=page,
        )
        assert sent.status_code == 302, sent.status_code
        supervisor = str(user_id(app, "sue@example.org"))
        asked = post_form(learner, f"{page}/request", {"supervisor": supervisor}, page=page)
        assert asked.status_code == 302, asked.status_code
        if code == OTHER:
            returned = decide(
                sue, the_request(app), outcome="returned", comments=reflection,
                action_plan=reflection,
            )  # fmt: skip
            assert returned.status_code == 302, returned.status_code
    return {
        "learner": user_id(app, "learner@example.org"),
        "request": the_request(app),
        "module": module,
        "team": team_id(app),
    }


def passed_in_earlier_months(app, make_user, months: int = MONTHS) -> None:
    """Give the dashboard's chart a bar for each of the last `months` months: a learner of
    the organisation first passed the first module's quiz in each month before this one."""
    with app.app_context():
        module = catalogue().modules[0]
    this_month = date.today().year * 12 + date.today().month - 1
    for back in range(1, months):
        email = f"past{back}@example.org"
        make_user(email=email, org=ORG, full_name=f"Past Learner {back}")
        year, month = divmod(this_month - back, 12)
        with app.app_context():
            session = db.session()
            learner = session.scalar(select(User.id).where(User.email == email))
            session.add(
                Completion(
                    user_id=learner,
                    module_slug=module.slug,
                    item_key=quiz_key(module.assessment.id),
                    completed_at=datetime(year, month + 1, 15),
                )
            )
            session.commit()


def team_id(app) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == TEAM))


LEARNER_PAGES = (
    "/my/record",
    "/my/competencies",
    f"/my/competencies/{CODE}",
    f"/my/competencies/{OTHER}",
    "/",
)
MANAGER_PAGES = (
    "/manage/",
    "/manage/compliance",
    "/manage/assignments",
    "/manage/teams",
)
TRAINER_PAGES = ("/author/quizzes", "/author/coverage")


def pages_of(people: dict) -> dict[str, list[str]]:
    module = people["module"]
    return {
        "learner@example.org": [
            *LEARNER_PAGES,
            f"/my/competencies/{CODE}/requests/{people['request']}/withdraw",
        ],
        "sue@example.org": [
            "/supervise/",
            f"/supervise/requests/{people['request']}",
            f"/supervise/requests/{people['request'] + 999}",  # not found, with a way back
        ],
        "lead@example.org": [
            *MANAGER_PAGES,
            f"/manage/teams/{people['team']}",
            f"/manage/learners/{people['learner']}",
        ],
        "trainer@example.org": [
            *TRAINER_PAGES,
            f"/author/quizzes/{module.assessment.id}/items",
            f"/author/learners/{people['learner']}",
        ],
    }


# The innermost elements holding a long word, wider than the window: each as "tag.class width".
OVER_WIDE_WORDS = """() => {
  const long = /x{40}|e{40}/;
  const holds = element => long.test(element.textContent);
  return [...document.body.querySelectorAll("*")]
    .filter(element => holds(element) && ![...element.children].some(holds))
    .map(element => [element, Math.round(element.getBoundingClientRect().width)])
    .filter(([element, width]) => width > window.innerWidth)
    .map(([element, width]) => `${element.tagName}.${element.className} ${width}`);
}"""


def widths_over(
    browser, live_server, people: dict, width: int, label: str, *, check=None
) -> dict[str, int | list[str]]:
    """Return the pages wider than the window, with their widths, at this window width;
    and those where an element holding a long word is wider than the window."""
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
            elif words := page.evaluate(OVER_WIDE_WORDS):
                too_wide[path] = words
            if check:
                check(page)
        context.close()
    return too_wide


def test_tables_scroll_in_their_own_box_on_a_phone(app, browser, live_server, make_user):
    """At 320 px a table wider than the window scrolls inside its region, not the page, and
    the region shows the side that has columns out of sight; every part of every chart (each
    month of the dashboard's, each of the trainer's bars) is in sight, with nothing to scroll
    (WCAG 1.4.10)."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    people = course_in_use(
        app, make_user, name="Lee Learner", reflection="Asked what matters first."
    )
    passed_in_earlier_months(app, make_user)
    out_of_sight, charts = [], {}

    def check(page) -> None:
        scrolls_by_key(page)
        path = page.url.removeprefix(live_server)
        out_of_sight.extend(f"{path}: {part}" for part in page.evaluate(CHART_PARTS_OUT_OF_SIGHT))
        charts[path] = page.locator("figure.lw-chart").all_inner_texts()

    too_wide = widths_over(browser, live_server, people, 320, "tables", check=check)
    assert not too_wide, f"wider than 320 px: {too_wide}"
    assert not out_of_sight, f"chart parts out of sight at 320 px: {out_of_sight}"
    items = f"/author/quizzes/{people['module'].assessment.id}/items"
    assert len(charts["/manage/"]) == 2 and len(charts[items]) >= 2  # the manager's, trainer's
    # The chart of months was among those checked, with a bar for each earlier month.
    this_month = date.today().year * 12 + date.today().month - 1
    shown = [  # every month from the earliest through this one, named ("June 2026")
        dates.month(date(y, m + 1, 1))
        for y, m in (divmod(this_month - back, 12) for back in range(MONTHS - 1, -1, -1))
    ]
    months = re.findall(r"^[A-Z][a-z]+ \d{4}$", charts["/manage/"][1], re.M)
    assert months == shown, charts["/manage/"][1]


# Each bar, label and figure of a chart on the page that is not wholly in sight: outside the
# window, or cut off by a box it is drawn in (one that scrolls or hides what overflows), as
# "tag text left-right".
CHART_PARTS_OUT_OF_SIGHT = """() => {
  const out = [];
  const parts = "rect, text, dt, .lw-bars__text, .lw-key-item";
  for (const figure of document.querySelectorAll("figure.lw-chart")) {
    for (const part of figure.querySelectorAll(parts)) {
      const box = part.getBoundingClientRect();
      if (!box.width) continue;
      let left = 0, right = document.documentElement.clientWidth;
      for (let e = part.parentElement; e; e = e.parentElement) {
        if (getComputedStyle(e).overflowX === "visible") continue;
        const room = e.getBoundingClientRect();
        [left, right] = [Math.max(left, room.left), Math.min(right, room.right)];
      }
      const [from, to] = [Math.round(box.left), Math.round(box.right)];
      if (box.left < left - 0.5 || box.right > right + 0.5)
        out.push(`${part.tagName} ${part.textContent.trim()} ${from}-${to}`);
    }
  }
  return out;
}"""


def scrolls_by_key(page) -> None:
    """Each table box that scrolls is a named region the keyboard reaches and scrolls, and
    shows that it scrolls; one whose table fits shows nothing; axe finds nothing."""
    # Each box as one element: a locator would find it again for every read of it.
    for box in page.locator(".lw-table-scroll, .lw-grid-scroll").element_handles():
        if not box.is_visible():  # in a closed <details>
            continue
        assert_scroll_cues(page, box)
        if box.evaluate("box => box.scrollWidth <= box.clientWidth"):
            continue
        assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
        assert box.get_attribute("aria-label") or box.get_attribute("aria-labelledby")
        box.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("box => box.scrollLeft > 0", arg=box)
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_long_words_wrap_within_the_window(app, browser, live_server, make_user, width):
    """A 1,900-character reflection with no space, and a long name, wrap at any width."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    people = course_in_use(app, make_user, name=LONG_NAME, reflection=LONG)
    too_wide = widths_over(browser, live_server, people, width, "words")
    assert not too_wide, f"wider than {width} px: {too_wide}"


def walked_pages(app, make_user, runner, mailbox) -> dict[str, list[str]]:
    """Return the HTML pages the statement-count walk reads (tests/web/test_statement_counts)
    that a visitor or a learner sees: signed out (the public ones, those of the learner's
    pages that answer a visitor too among them), as a visitor who confirmed they are a
    healthcare professional, and signed in as the learner."""
    world = make_world(app, make_user)
    named = pages(world) + more_pages(app, world, runner) + pages_after_a_form(app, world, mailbox)
    anyone = app.test_client()

    def html(client, path) -> bool:
        response = client.get(path)
        return response.status_code == 200 and response.mimetype == "text/html"

    learner = [path for _, role, path in named if role == "learner"]
    learner = [path for path in learner if html(world["clients"]["learner"], path)]
    public = [path for path in pages_before(app, world, mailbox) + learner if html(anyone, path)]
    visitor, registration = registration_pages(app, mailbox)
    return {
        "signed out": public,
        "visitor": [path for path in registration if html(visitor, path)],
        "learner@example.org": learner,
    }


# The table boxes on a page that scroll sideways: "width > room" for each.
SCROLLING_BOXES = """() => [...document.querySelectorAll(".lw-table-scroll")]
  .filter(box => box.scrollWidth > box.clientWidth)
  .map(box => `${box.scrollWidth} > ${box.clientWidth}`)"""


def test_public_and_learner_pages_fit_the_window(
    app, browser, live_server, make_user, runner, mailbox
):
    """No page a visitor or a learner reads is wider than the window (at 320 px, WCAG 1.4.10
    Reflow): on a phone a wider table scrolls in its own box, which the keyboard reaches and
    scrolls, and axe finds nothing; on a desktop the tables fit and their boxes stay still.
    The tests above walk the pages of the record, practice and managers; this one the public
    and learner pages of the walk, at both widths (the walk's data is made once for both)."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    walked = walked_pages(app, make_user, runner, mailbox)
    assert "/cookies" in walked["signed out"] and "/my/record" in walked["learner@example.org"]
    too_wide = {}
    for width in (320, 1280):
        for who, paths in walked.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            if who == "visitor":
                confirmed = {"name": "linkwise_professional", "value": "yes", "url": live_server}
                context.add_cookies([confirmed])
            elif who != "signed out":
                browser_sign_in(page, live_server, who)
            for path in paths:
                page.goto(live_server + path)
                expect(page.locator("h1")).to_be_visible()
                name = f"{who.split('@')[0].replace(' ', '-')}{path.replace('/', '_')}"
                shot(page, f"reflow-{width}-{name}")
                if document_width(page) > width:
                    too_wide[f"{width} px: {who} {path}"] = document_width(page)
                if width == 320:
                    scrolls_by_key(page)
                elif boxes := page.evaluate(SCROLLING_BOXES):
                    too_wide[f"{width} px: {who} {path}"] = boxes
            context.close()
    assert not too_wide, f"wider than the window, or with a table box that scrolls: {too_wide}"
