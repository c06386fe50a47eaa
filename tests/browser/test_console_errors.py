"""The main pages of each role, walked in Chromium, log no error to the browser's console."""

import re

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import browser_sign_in
from tests.browser.quiz_steps import (
    ATTEMPT_PAGE,
    answer_every_question,
    fill_in,
    start_quiz,
    wait_until_saved,
)
from tests.browser.test_quiz_journey import prepare
from tests.conftest import DEMO_PASSWORD, sign_in
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import ask, name_supervisor, self_assess

ORG = "Demo Primary Care Network"
# Links not followed: files to download, not pages.
DOWNLOAD = re.compile(r"\.(csv|xlsx|pdf|jwt)$")
# The NHS.UK scripts catch a component's failure and pass the Error to console.log:
# "InitError: nhsuk-button: Root element (`$root`) already initialised".
LOGGED_ERROR = re.compile(r"^\w*Error\b")
PAGES_A_ROLE = 30
BLANK_CHECK_LOGGED = "Failed to load resource: the server responded with a status of 400"
KNOWLEDGE_CHECK_POST = re.compile(r"/modules/[^/]+/[^/]+/check(#knowledge-check)?$")


def is_a_blank_knowledge_check(message) -> bool:
    """Whether the message is Chromium's note of the 400 a knowledge check sent blank gets.

    The dialog's script posts the check with fetch and shows the part it gets back, the
    error included; Chromium logs any answer of 400 or more as a failed resource, and no
    script can stop it. The 400 stays: it is what the same form gets without JavaScript
    (the whole page, with its error), and a part that said 200 to a blank answer would
    tell logs and monitoring otherwise. This message, from that address, is all it lets by.
    """
    return (
        message.type == "error"
        and message.text.startswith(BLANK_CHECK_LOGGED)
        and KNOWLEDGE_CHECK_POST.search(message.location.get("url", "")) is not None
    )


def watch_console(page, problems: list[str]) -> None:
    """Add to `problems`, from now on, each console error or warning, logged Error and
    uncaught one."""

    def on_console(message):
        if is_a_blank_knowledge_check(message):
            return
        if message.type in ("error", "warning") or LOGGED_ERROR.match(message.text):
            problems.append(f"{page.url}: console.{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught: {error}"))


def walk(page, live_server: str, starts: list[str]) -> list[str]:
    """Open each start page, then the pages they link to under the same area, up to
    PAGES_A_ROLE pages; return the addresses opened."""
    seen, queue = [], list(starts)
    while queue and len(seen) < PAGES_A_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.append(path)
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        area = "/" + path.strip("/").split("/")[0] + "/"
        # Read by the page's own DOM: Playwright's selector engine would first put its
        # script into each page walked, which cost more than the read.
        links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.pathname)")
        queue += [link for link in links if link.startswith(area) and not DOWNLOAD.search(link)]
    return seen


def people(app, make_user) -> None:
    """A PCN with answered quizzes, a learner who asked a supervisor, a manager, a trainer."""
    from app.services import seeding

    make_user(email="lee@example.org", profession="link-worker", org=ORG, full_name="Lee Learner")
    make_user(email="sue@example.org", org=ORG, full_name="Sue Supervisor")
    make_user(email="manager@example.org", role="manager", org=ORG)
    make_user(email="trainer@example.org", role="trainer")
    name_supervisor(app, "sue@example.org")
    learner = app.test_client()
    sign_in(learner, "lee@example.org")
    with app.app_context():
        pass_quiz(app, learner, "lee@example.org", catalogue().modules[0])
        seeding.seed_learners(40, 3, DEMO_PASSWORD, ORG, workers=1)
    self_assess(learner, "4", "after", "Started with what matters to her.")
    ask(learner, app)


def open_the_knowledge_check_by_next(app, page, live_server: str) -> None:
    """Press Next on a screen with its knowledge check unanswered: the screen comes back with
    the check open over it. Then answer it in the dialog, which puts in the feedback."""
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules[1:] for s in m.screens if s.knowledge_check
        )
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    while page.get_by_role("heading", level=1).inner_text() != screen.title:
        page.get_by_role("button", name=re.compile("^Next")).click()
    page.get_by_role("button", name=re.compile("^Next")).click()
    expect(page).to_have_url(re.compile("#knowledge-check$"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    page.wait_for_load_state("load")
    for question in screen.knowledge_check.questions:
        fill_in(page, question, question.example_answer(True))
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.locator("[data-check-feedback]")).to_be_focused()


def test_the_main_pages_of_each_role_log_no_console_error(app, browser, live_server, make_user):
    """Learner, supervisor, manager and trainer: every page they reach from their main pages
    logs nothing wrong, the knowledge check opened by Next included (a component set up
    twice logged "already initialised" there)."""
    people(app, make_user)
    roles = {
        "lee@example.org": ["/modules/", "/my/competencies", "/my/record", "/account/"],
        "sue@example.org": ["/supervise/"],
        "manager@example.org": ["/manage/", "/manage/assignments", "/manage/compliance"],
        "trainer@example.org": ["/author/quizzes", "/author/coverage", "/author/learners"],
    }
    problems, opened = [], {}
    for email, starts in roles.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        watch_console(page, problems)
        browser_sign_in(page, live_server, email)
        opened[email] = walk(page, live_server, starts)
        if email == "lee@example.org":
            open_the_knowledge_check_by_next(app, page, live_server)
        context.close()
    assert not problems, "\n".join(problems)
    # The walk reached beyond its start pages: a request to decide, a learner, a quiz's items.
    assert any(path.startswith("/supervise/requests/") for path in opened["sue@example.org"])
    assert any(path.startswith("/manage/learners/") for path in opened["manager@example.org"])
    assert any(path.endswith("/items") for path in opened["trainer@example.org"])
    assert any(path.startswith("/my/competencies/") for path in opened["lee@example.org"])


def test_a_quiz_attempt_and_a_blank_knowledge_check_log_no_console_error(
    app, browser, live_server, make_user
):
    """A knowledge check sent blank, then a quiz: started, answered with each answer saved
    as it is given, saved to come back to, continued, submitted, and its result: nothing
    is logged but the 400 of the blank check (is_a_blank_knowledge_check)."""
    email, module = prepare(app, make_user, profession="link-worker")
    screen = next(screen for screen in module.screens if screen.knowledge_check)
    problems, seen_blank = [], []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch_console(page, problems)
    page.on("console", lambda m: seen_blank.append(m) if is_a_blank_knowledge_check(m) else 0)
    browser_sign_in(page, live_server, email)

    page.goto(f"{live_server}/modules/{module.slug}/{screen.slug}/")
    page.get_by_role("button", name="Check your knowledge").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.locator(".nhsuk-error-summary")).to_be_focused()

    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    start_quiz(page)
    found = answer_every_question(page, app, right=True, skip=1)
    wait_until_saved(page, found[1:])
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    page.get_by_role("button", name="Continue your attempt").click()
    expect(page).to_have_url(ATTEMPT_PAGE)
    fill_in(page, found[0], found[0].example_answer(True))
    wait_until_saved(page, found[:1])
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    page.reload()  # the result page, opened again
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    context.close()
    assert not problems, "\n".join(problems)
    assert seen_blank, "the blank knowledge check was not sent, or not refused with 400"
