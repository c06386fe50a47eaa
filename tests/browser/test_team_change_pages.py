"""The team rename and delete pages, and the organisation move check, in Chromium at a
phone's width and a desktop's, with and without errors: axe-core finds nothing, and nothing
is wider than the screen."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.models_teams import Team
from tests.browser.conftest import assert_accessible, browser_sign_in, fresh_page
from tests.browser.test_narrow_pages import shot
from tests.web.pcn import make_pcn


@pytest.fixture
def pcn(app, runner, make_user):
    """The PCN of two practices the web tests use (tests/web/pcn.py), and another PCN."""
    found = make_pcn(app, runner, make_user)
    made = runner.invoke(args=["create-org", "Hillside PCN", "--join-code", "HILL0000"])
    assert made.exit_code == 0, made.output
    return found


def _checked(page, name: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    # After the next frame: the page is laid out at the new width.
    wider = page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame("
        "() => done(document.documentElement.scrollWidth))))"
    )
    assert wider <= width, (name, width, wider)
    assert_accessible(page)
    shot(page, f"{name}-{width}")


def test_rename_and_delete_pages_read_well_at_any_width(app, page, live_server, pcn):
    with app.app_context():
        elm = db.session().scalar(select(Team.id).where(Team.name == "Elm Practice"))
    browser_sign_in(page, live_server, "lead@example.org")
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/manage/teams/{elm}")
        _checked(page, "team", width)
        page.get_by_role("link", name="Change name").click()
        _checked(page, "team-name", width)
        page.get_by_label("Team name").fill("=HYPERLINK(x)")
        page.get_by_role("button", name="Save name").click()
        expect(page.get_by_text("There is a problem")).to_be_visible()
        _checked(page, "team-name-error", width)
        page.goto(f"{live_server}/manage/teams/{elm}/delete")
        expect(page.get_by_role("heading", name="You cannot delete this team yet")).to_be_visible()
        _checked(page, "team-delete-refused", width)
    page.goto(f"{live_server}/manage/teams")
    page.get_by_label("Team name").fill("Ash Practice")
    page.get_by_role("button", name="Add team").click()
    page.get_by_role("link", name="Delete team").click()
    for width in (320, 1280):
        _checked(page, "team-delete", width)
    page.get_by_role("button", name="Delete team").click()
    expect(page.get_by_text("The team Ash Practice has been deleted.")).to_be_visible()
    _checked(page, "team-deleted", 1280)


def test_the_move_check_page_reads_well_at_any_width(app, page, live_server, pcn):
    browser_sign_in(page, live_server, "asha@example.org")
    page.goto(f"{live_server}/account/organisation")
    for width in (320, 1280):
        _checked(page, "organisation", width)
    page.get_by_label("Join code").fill("HILL0000")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Move to Hillside PCN?")).to_be_visible()
    for width in (320, 1280):
        _checked(page, "organisation-move", width)
    page.get_by_role("button", name="Confirm move to Hillside PCN").click()
    expect(page.get_by_text("You have joined Hillside PCN")).to_be_visible()
    page.goto(f"{live_server}/my/team")
    page.get_by_label("Team code").fill("ELM11111")
    page.get_by_role("button", name="Join team").click()
    for width in (320, 1280):
        _checked(page, "my-team-elsewhere", width)


def test_a_join_link_is_copied_and_opens_the_check_page(app, browser, live_server, pcn, make_user):
    """The manager copies a team's join link (a button JavaScript adds beside it) and opens the
    page that replaces the organisation's code; a learner in no organisation who follows the
    link sees the check page. Each reads well at any width."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(f"{live_server}/manage/teams")
    page.get_by_role("button", name="Copy link to join Elm Practice").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{app.config['BASE_URL']}/join/ELM11111"
    for width in (320, 1280):
        _checked(page, "teams-join-links", width)
    page.get_by_role("link", name="Replace the organisation's join code").click()
    expect(page.get_by_role("heading", name="Replace this join code?")).to_be_visible()
    for width in (320, 1280):
        _checked(page, "organisation-join-code", width)
    context.close()
    make_user(email="cara@example.org", full_name="Cara New")
    with fresh_page(browser) as learner:
        browser_sign_in(learner, live_server, "cara@example.org")
        learner.goto(live_server + link.removeprefix(app.config["BASE_URL"]))
        expect(learner.get_by_role("heading", name="Join Riverside PCN?")).to_be_visible()
        for width in (320, 1280):
            _checked(learner, "join-link", width)
