"""The assignment form's "Who must do it" in Chromium: with JavaScript only the chosen
answer's field shows; without it every field shows; a choice left empty is an error in the
NHS pattern, with everything else typed kept; axe-core finds nothing either way."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models_assignments import Assignment
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_as_shown,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.test_narrow_pages import OVER_WIDE_WORDS, document_width, shot
from tests.web.pcn import ORG, make_pcn

URL = "/manage/assignments"
MODULE = "What is social prescribing?"
DUE = date.today() + timedelta(days=20)


@pytest.fixture
def pcn(app, runner, make_user):
    """The PCN of two practices the web tests use (tests/web/pcn.py)."""
    return make_pcn(app, runner, make_user)


def _assignments(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Assignment.id)))


def _fill_all_but_whom(page) -> None:
    page.get_by_label(MODULE, exact=True).check()
    page.get_by_label("Day").fill(str(DUE.day))
    page.get_by_label("Month").fill(str(DUE.month))
    page.get_by_label("Year").fill(str(DUE.year))
    page.get_by_label("Renewal").select_option("12")


def _kept(page) -> None:
    """Everything the manager entered, other than whom, is as they left it."""
    expect(page.get_by_label(MODULE, exact=True)).to_be_checked()
    expect(page.get_by_label("Day")).to_have_value(str(DUE.day))
    expect(page.get_by_label("Year")).to_have_value(str(DUE.year))
    expect(page.get_by_label("Renewal")).to_have_value("12")


def test_only_the_chosen_answers_field_shows_with_javascript(app, page, live_server, pcn):
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + URL)
    team, learners = (
        page.get_by_label("A team, or a profession within it"),
        page.get_by_label("Named learners"),
    )
    team_box, emails = page.get_by_label("Team", exact=True), page.get_by_label("Email addresses")
    expect(team).not_to_be_checked()
    expect(learners).not_to_be_checked()
    expect(team_box).to_be_hidden()
    expect(emails).to_be_hidden()
    assert_accessible(page)
    learners.check()
    expect(emails).to_be_visible()
    expect(team_box).to_be_hidden()
    assert learners.get_attribute("aria-controls") == "conditional-who-2"
    assert_accessible(page)
    page.locator("form").last.scroll_into_view_if_needed()
    shot(page, "assignments-named-learners-js")
    team.check()
    expect(team_box).to_be_visible()
    expect(page.get_by_label("Profession", exact=True)).to_be_visible()
    expect(emails).to_be_hidden()
    assert_accessible(page)
    shot(page, "assignments-team-js")

    # Named learners chosen, no address: the error summary links to the box, the rest kept.
    _fill_all_but_whom(page)
    learners.check()
    page.get_by_role("button", name="Assign").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Enter at least one email address")
    expect(link).to_be_visible()
    expect(page.locator("#emails-error")).to_contain_text("Enter at least one email address")
    expect(learners).to_be_checked()
    expect(emails).to_be_visible()
    expect(team_box).to_be_hidden()
    _kept(page)
    assert_accessible(page)
    shot(page, "assignments-no-email-error-js")
    link.click()
    expect(emails).to_be_focused()
    assert _assignments(app) == 0

    # Then an address: assigned to that learner alone.
    emails.fill("asha@example.org")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("1 assignment added.")).to_be_visible()
    # A named learner shows with their email (two of one name told apart).
    expect(page.get_by_role("cell", name="Asha Elm asha@example.org", exact=True)).to_be_visible()
    assert _assignments(app) == 1


def test_every_field_shows_and_works_without_javascript(app, browser, no_js_page, live_server, pcn):
    page = no_js_page
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + URL)
    expect(page.get_by_label("Team", exact=True)).to_be_visible()
    expect(page.get_by_label("Email addresses")).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "assignments-no-js")
    # No answer chosen: the question itself is named, and nothing else is lost.
    _fill_all_but_whom(page)
    page.get_by_label("Email addresses").fill("asha@example.org")
    page.get_by_role("button", name="Assign").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name="Select who must do it")).to_be_visible()
    expect(page.locator("#who-error")).to_contain_text("Select who must do it")
    expect(page.get_by_label("Email addresses")).to_have_value("asha@example.org")
    _kept(page)
    assert_accessible_without_javascript(page, browser)
    shot(page, "assignments-who-error-no-js")
    summary.get_by_role("link", name="Select who must do it").click()
    expect(page.get_by_label("A team, or a profession within it")).to_be_focused()
    assert _assignments(app) == 0
    page.get_by_label("Named learners").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("1 assignment added.")).to_be_visible()
    assert _assignments(app) == 1


@pytest.mark.parametrize(
    ("javascript", "width"), [(True, 1280), (False, 320)], ids=["with-js", "without-js-320px"]
)
def test_a_team_is_asked_for_rather_than_everyone_chosen_for_the_manager(
    app, browser, live_server, pcn, javascript, width
):
    """A manager of the whole organisation chooses "A team": the list opens on "Choose a
    team", never on everyone; sent as it is, it asks again in the NHS pattern."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + URL)
    _fill_all_but_whom(page)
    page.get_by_label("A team, or a profession within it").check()
    team_box = page.get_by_label("Team", exact=True)
    expect(team_box).to_be_visible()
    expect(team_box).to_have_value("")
    expect(team_box.locator("option:checked")).to_have_text("Choose a team")
    assert_accessible_as_shown(page, browser, javascript)
    team_box.scroll_into_view_if_needed()
    shot(page, f"assignments-choose-a-team-{width}")

    page.get_by_role("button", name="Assign").click()
    message = "Select a team, or everyone in the organisation"
    summary = page.locator(".nhsuk-error-summary")
    link = summary.get_by_role("link", name=message)
    expect(link).to_be_visible()
    if javascript:
        expect(summary).to_be_focused()
    expect(page.locator("#team-error")).to_contain_text(message)
    expect(page.get_by_label("A team, or a profession within it")).to_be_checked()
    expect(team_box).to_be_visible()
    expect(team_box).to_have_value("")
    _kept(page)
    assert _assignments(app) == 0
    assert_accessible_as_shown(page, browser, javascript)
    shot(page, f"assignments-choose-a-team-error-{width}")
    link.click()
    expect(team_box).to_be_focused()

    team_box.select_option(label="Everyone in the organisation")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("1 assignment added.")).to_be_visible()
    everyone = page.get_by_role("cell", name="Everyone in the organisation", exact=True)
    expect(everyone).to_be_visible()
    assert _assignments(app) == 1
    context.close()


# Each word of a table cell (row headers too) that the browser broke across lines:
# "word (cell width)".
WORDS_BROKEN_IN_CELLS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let text; (text = walker.nextNode()); ) {
      for (const word of text.textContent.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(text, word.index);
        range.setEnd(text, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map(box => Math.round(box.top)));
        if (lines.size > 1) broken.push(`${word[0]} (${cell.getBoundingClientRect().width} px)`);
      }
    }
  }
  return broken;
}"""


def _assign(page, modules: list[str], due: date, renew: str, who: str | None = None) -> None:
    """Assign the modules to everyone in the organisation, to a profession across it
    ("profession:other") or to learners by email ("a@example.org, b@example.org")."""
    for module in modules:
        page.get_by_label(module, exact=True).check()
    if who and "@" in who:
        page.get_by_label("Named learners").check()
        page.get_by_label("Email addresses").fill(who)
    else:
        page.get_by_label("A team, or a profession within it").check()
        page.get_by_label("Team", exact=True).select_option(label="Everyone in the organisation")
        if who:
            page.get_by_label("Profession", exact=True).select_option(who.split(":")[1])
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label("Renewal").select_option(renew)
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(re.compile(r"\d+ assignments? added\."))).to_be_visible()


@pytest.mark.parametrize("width", [1280, 1000])
def test_the_assigned_table_keeps_its_words_whole_on_a_desktop(
    app, browser, live_server, pcn, width
):
    """Modules assigned to everyone and to professions across the organisation: on a desktop
    no word of the table is broken, "Everyone in the organisation" included; its cell of
    names that may break anywhere was once squeezed below "organisation" by the columns
    beside it."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    with app.app_context():
        titles = [module.title for module in catalogue().modules]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + URL)
    september = date(DUE.year + 1, 9, 20)
    _assign(page, titles, september, "0")
    everyone = page.get_by_role("cell", name="Everyone in the organisation", exact=True)
    expect(everyone.first).to_be_visible()
    everyone.first.scroll_into_view_if_needed()
    shot(page, f"assignments-everyone-{width}")
    assert page.evaluate(WORDS_BROKEN_IN_CELLS) == []
    box = page.locator(".lw-table-scroll").first
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")  # no need to scroll
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_a_team_name_typed_without_spaces_wraps_in_the_assigned_table(
    app, browser, live_server, runner, pcn, width
):
    """A team named with 150 letters and no space, assigned a module: its name breaks to fit
    its column, the page is never wider than the window, and on a desktop the table fits."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    team = "Riv" + "e" * 150 + "rside"
    assert runner.invoke(args=["create-team", ORG, team]).exit_code == 0
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + URL)
    page.get_by_label(MODULE, exact=True).check()
    page.get_by_label("A team, or a profession within it").check()
    page.get_by_label("Team", exact=True).select_option(label=team)
    page.get_by_label("Day").fill(str(DUE.day))
    page.get_by_label("Month").fill(str(DUE.month))
    page.get_by_label("Year").fill(str(DUE.year))
    page.get_by_label("Renewal").select_option("36")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("cell", name=team, exact=True)).to_be_visible()
    shot(page, f"assignments-long-team-{width}")
    assert document_width(page) <= width
    assert page.evaluate(OVER_WIDE_WORDS) == []
    if width > 320:
        box = page.locator(".lw-table-scroll").first
        assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    context.close()
