"""Each role's main pages, in Chromium, meet the WCAG 2.2 criteria that axe-core cannot check:
focus never hidden and always drawn, pointer targets big enough, text spacing and 200% zoom
cutting nothing off, sign-in fields a password manager can fill (tests/browser/wcag22.py)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt
from tests.browser import wcag22
from tests.browser.conftest import browser_sign_in
from tests.browser.test_narrow_pages import CODE, OTHER, course_in_use
from tests.conftest import post_form
from tests.web.journeys import path_of
from tests.web.renewal_helpers import assign_yearly
from tests.web.test_quiz import finish_screens

SHOTS = os.environ.get("LINKWISE_SHOTS_DIR")
# Pages where a reader signs in, registers or proves who they are: their fields are checked
# for a password manager (3.3.8).
AUTHENTICATION = re.compile(
    r"^/(sign-in|register|forgot-password|reset-password/|account/(email|delete)?$)"
)
WINDOWS = ((1280, 900), (320, 640))
# A 1280 by 900 window at 200%: 640 by 450 CSS px.
ZOOMED = (640, 450)


def pages_of(people: dict) -> dict[str | None, list[str]]:
    """Return the main pages of each role, signed out ones under None."""
    module, second = people["module"], people["second"]
    quiz = module.assessment.id
    return {
        None: ["/sign-in", "/register", "/forgot-password", people["reset"]],
        "learner@example.org": [
            "/modules/",
            f"/modules/{module.slug}/",
            screen_with_a_check(module),
            people["result"],
            f"/modules/{module.slug}/certificate/",
            f"/modules/{second.slug}/quiz/",
            "/my/record",
            "/my/competencies",
            f"/my/competencies/{CODE}",
            f"/my/competencies/{OTHER}",
            "/account/",
            "/account/email",
            "/account/delete",
        ],
        "sue@example.org": ["/supervise/", f"/supervise/requests/{people['request']}"],
        "lead@example.org": [
            "/manage/",
            "/manage/compliance",
            "/manage/assignments",
            "/manage/teams",
            f"/manage/teams/{people['team']}",
            f"/manage/learners/{people['learner']}",
        ],
        "trainer@example.org": [
            "/author/quizzes",
            f"/author/quizzes/{quiz}/items",
            f"/author/quizzes/{quiz}/bank",
            f"/author/quizzes/{quiz}/preview",
            "/author/coverage",
        ],
        "admin@example.org": ["/admin/audit", "/admin/credentials/"],
    }


def screen_with_a_check(module) -> str:
    screen = next(s for s in module.screens if s.knowledge_check)
    return f"/modules/{module.slug}/{screen.slug}/"


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"wcag22-{name}.png"), full_page=True)


# Two frames: the page's resize observers have run (a table box that fits leaves the Tab
# order), and what they changed is laid out.
SETTLED = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def check_page(page, label: str, width: int, path: str) -> list[str]:
    """Run the checks that apply to the page as shown at this width."""
    page.evaluate(SETTLED)
    problems = wcag22.focus_obscured(page) + wcag22.small_targets(page) + wcag22.sticky_room(page)
    problems += wcag22.text_spacing_clips(page)
    if width == 1280 and AUTHENTICATION.match(path):
        problems += wcag22.sign_in_fields(page)
    shot(page, f"{width}{label.replace('/', '_')}")
    return [f"{width} px {label}: {problem}" for problem in problems]


def open_more_menu(page) -> bool:
    """Open the header's More menu, where the window is too narrow for its links."""
    more = page.locator(".nhsuk-header__menu-toggle")
    if not more.is_visible():
        return False
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    return True


def open_knowledge_check(page) -> bool:
    """Open a screen's knowledge check in its dialog, as its button does."""
    opener = page.locator(".lw-knowledge-check__open")
    if not opener.is_visible():
        return False
    opener.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    return True


def start_the_quiz(page) -> bool:
    """Start an attempt at the quiz on the page, as a learner would."""
    start = page.get_by_role("button", name=re.compile("^(Start the quiz|Continue your attempt)$"))
    if not start.is_visible():
        return False
    start.click()
    expect(page).to_have_url(re.compile(r"/quiz/attempts/\d+/$"))
    return True


def test_main_pages_meet_the_criteria_axe_cannot_check(
    app, browser, live_server, make_user, mailbox
):
    """On every role's main pages, at 1280 and 320 px, no focused element is hidden by
    something sticky (2.4.11) or lacks NHS.UK's yellow focus (2.4.7); every pointer target
    is 24 px or spaced as if (2.5.8); the reader's text spacing cuts nothing off (1.4.12);
    a sticky column leaves room to see the other cells (1.4.10); in a 1280 px window at
    200% nothing is cut off and nothing but a table box scrolls sideways (1.4.4, 1.4.10);
    password forms name the account, and their fields take a paste and say what a
    password manager may fill in (3.3.8). The header's More menu, the knowledge check's
    dialog and a quiz attempt are checked open."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    people = course_in_use(app, make_user, name="Lee Learner", reflection="What matters first.")
    make_user(email="admin@example.org", role="admin", full_name="Ada Admin")
    post_form(app.test_client(), "/forgot-password", {"email": "learner@example.org"})
    people["reset"] = path_of(mailbox.link("learner@example.org", "/reset-password/"))
    with app.app_context():
        people["second"] = next(m for m in catalogue().modules[1:] if m.assessment)
        finish_screens(app, "learner@example.org", people["second"])
        people["result"] = first_result(people["learner"], people["module"].slug)
    # The compliance page's matrix, with its sticky column, shows assigned modules.
    assign_yearly(app, people["module"])
    # What a reader does on a page, after which its checks run again, and the step's name.
    steps = {
        "/modules/": [(open_more_menu, "more")],
        screen_with_a_check(people["module"]): [(open_knowledge_check, "dialog")],
        f"/modules/{people['second'].slug}/quiz/": [(start_the_quiz, "attempt")],
    }
    problems, steps_taken = [], set()
    for email, paths in pages_of(people).items():
        context = browser.new_context()
        page = context.new_page()
        if email:
            browser_sign_in(page, live_server, email)
        else:
            page.context.add_cookies(
                [{"name": "linkwise_professional", "value": "yes", "url": live_server}]
            )
        for path in paths:
            page.goto(live_server + path)
            expect(page.locator("h1").first).to_be_visible()
            # One load, laid out again at each width: a load costs more than the checks.
            for width, height in WINDOWS:
                page.set_viewport_size({"width": width, "height": height})
                problems += check_page(page, path, width, path)
            page.set_viewport_size(dict(zip(("width", "height"), ZOOMED, strict=True)))
            page.evaluate(SETTLED)
            problems += [f"200% {path}: {problem}" for problem in wcag22.zoom_clips(page)]
            shot(page, f"zoom{path.replace('/', '_')}")
            for step, name in steps.get(path, ()):
                for width, height in WINDOWS:
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto(live_server + path)
                    if step(page):
                        steps_taken.add((name, width))
                        problems += check_page(page, f"{path} ({name})", width, path)
        context.close()
    assert not problems, "\n".join(problems)
    # Each step was taken at both widths, the More menu at 320 px only (it fits at 1280).
    assert steps_taken == {
        ("more", 320),
        ("dialog", 1280),
        ("dialog", 320),
        ("attempt", 1280),
        ("attempt", 320),
    }, steps_taken


def first_result(learner: int, module_slug: str) -> str:
    """Return the address of the learner's first graded attempt: its result page."""
    attempt = db.session().scalars(select(Attempt).where(Attempt.user_id == learner)).first()
    return f"/modules/{module_slug}/quiz/attempts/{attempt.id}/"


# A page with one of each fault the checks look for, and a control of each kind that passes.
FAULTS = """<!doctype html><html lang="en"><head><title>Faults</title><style>
header { position: sticky; top: 0; height: 80px; background: #eee; z-index: 2; }
a:focus, button:focus { outline: 4px solid #ffeb3b; }
a.grey:focus { outline: 4px solid #999; }
.under { position: fixed; top: 20px; left: 0; z-index: 1; }
.tiny { display: inline-block; width: 10px; height: 10px; }
.fixed { height: 40px; overflow: hidden; width: 400px; font: 16px/1.15 sans-serif; }
</style></head><body><header>Header</header><main><h1>Faults</h1>
<p>A <a href="#1">link in a sentence</a> is exempt from the size rule.</p>
<a class="under" href="#2">Under the header</a>
<p><a class="grey" href="#3">Grey focus</a></p>
<p><a class="tiny" href="#4"></a><a class="tiny" href="#5"></a></p>
<p><button>Big enough</button></p>
<div class="fixed">Words that fit in two lines of this box until their spacing grows</div>
<form action="/change">
<input type="password" autocomplete="current-password" onpaste="return false">
<input type="password" autocomplete="new-password">
<input type="password" autocomplete="new-password">
</form></main></body></html>"""


def test_the_checks_find_each_fault(page):
    """Each check finds its fault on a page made to have one, and passes what is right: a
    walk that finds nothing has looked."""
    page.set_content(FAULTS)
    focus = "\n".join(wcag22.focus_obscured(page))
    assert '2.4.11 a.under "Under the header"' in focus
    assert '2.4.7 a.grey "Grey focus"' in focus
    assert "Big enough" not in focus and "link in a sentence" not in focus
    targets = "\n".join(wcag22.small_targets(page))
    assert targets.count("2.5.8 a.tiny") == 2
    assert "link in a sentence" not in targets and "Big enough" not in targets
    assert not wcag22.clipped(page)
    spacing = wcag22.text_spacing_clips(page)
    assert len(spacing) == 1 and spacing[0].startswith('1.4.12 div.fixed "Words that fit'), spacing
    assert not wcag22.clipped(page)  # the page's own spacing is back
    fields = "\n".join(wcag22.sign_in_fields(page))
    assert "refuses a paste" in fields
    assert "3.3.7 a form asks for the new password 2 times" in fields
    assert "3.3.8 the form to /change asks for the current password without" in fields
