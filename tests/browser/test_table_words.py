"""The tables of names keep their words whole on a desktop and a tablet.

A cell of text people wrote could once break anywhere, so a table took it for its narrowest
column and broke its words for the columns beside it: a learner's surname on the
dashboard's and compliance's row headers, "command" and "Interprofessional" in the audit
log. Names may still break where no line could hold them (tests/browser/test_narrow_pages.py
keeps a 150-letter name inside a phone's window).
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.models_teams import Team
from tests.browser.conftest import browser_sign_in
from tests.browser.test_assignment_form import WORDS_BROKEN_IN_CELLS
from tests.browser.test_narrow_pages import shot
from tests.conftest import post_form, sign_in
from tests.web.journeys import user_id
from tests.web.test_practice import ask, name_supervisor, page_url, self_assess

ORG = "Riverside PCN"
TEAM = "Saint Bartholomew's Interprofessional Neighbourhood Wellbeing Collaborative"
NAME = "Bartholomew Wolstenholme-Ramasubramanian"
# An ordinary word: letters, an apostrophe, punctuation after it; not an email address, nor
# an audit detail's key=value, which may break where no column could hold them.
ORDINARY = re.compile(r"[A-Za-z'’]+[.,;:)]*")


@pytest.fixture
def organisation(app, runner, make_user) -> dict[str, list[str]]:
    """A PCN with long but real names: a practice, its learner who asked a supervisor for a
    confirmation, a leaver, a manager, an administrator; return each one's pages."""
    make_user(email="lead@example.org", role="manager", org=ORG, full_name="Lee Lead")
    make_user(email="admin@example.org", role="admin", full_name="Ada Admin")
    make_user(email="sue@example.org", org=ORG, full_name="Susannah Featherstonehaugh-Cholmondeley")
    name_supervisor(app, "sue@example.org")
    people = [
        ("learner@example.org", NAME),
        ("leaver@example.org", "Konstantinos Papadopoulou-Abernethy"),
    ]
    assert runner.invoke(args=["create-team", ORG, TEAM]).exit_code == 0
    for email, name in people:
        make_user(email=email, profession="health-coach", org=ORG, full_name=name)
        assert runner.invoke(args=["place-in-team", email, ORG, TEAM]).exit_code == 0
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    assert self_assess(learner, "4", "after", "Signposting conversations").status_code == 302
    assert ask(learner, app).status_code == 302
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    assign = {"who": "team", "team": "everyone", "modules": "what-is-social-prescribing"}
    due = {"due-day": "20", "due-month": "9", "due-year": "2031", "renew": "0"}
    assert post_form(lead, "/manage/assignments", {**assign, **due}).status_code == 302
    leaver = f"/manage/learners/{user_id(app, 'leaver@example.org')}/remove"
    assert post_form(lead, leaver, {}).status_code == 302
    with app.app_context():
        team_id = db.session().scalar(select(Team.id).where(Team.name == TEAM))
    return {
        "lead@example.org": [
            "/manage/",
            "/manage/compliance",
            "/manage/teams",
            f"/manage/teams/{team_id}",
        ],
        "sue@example.org": ["/supervise/"],
        "admin@example.org": ["/admin/audit"],
        "learner@example.org": [page_url()],
    }


# The words kept whole in a cell: the margins above their first part and below their last,
# where a cell's own first and last children have none.
CELL_WORDS_MARGINS = """() => [...document.querySelectorAll(".lw-cell-words")].flatMap(box => {
  const first = box.firstElementChild, last = box.lastElementChild;
  const above = first ? parseFloat(getComputedStyle(first).marginTop) : 0;
  const below = last ? parseFloat(getComputedStyle(last).marginBottom) : 0;
  return above || below ? [`${box.textContent.trim().slice(0, 30)}: ${above} ${below}`] : [];
})"""


@pytest.mark.parametrize("width", [1280, 1000, 768])
def test_the_tables_of_names_keep_their_words_whole(app, browser, live_server, organisation, width):
    """Dashboard, compliance, teams, a team, the supervisor's queue, the audit log and a
    learner's evidence: no ordinary word of a table is broken across lines."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    broken, spaced = {}, {}
    for email, paths in organisation.items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        browser_sign_in(page, live_server, email)
        for path in paths:
            page.goto(live_server + path)
            expect(page.locator("h1").first).to_be_visible()
            assert page.locator("tbody tr").count(), f"{path} shows no table"
            shot(page, f"table-words-{width}{path.replace('/', '_')}")
            words = [found.rsplit(" (", 1)[0] for found in page.evaluate(WORDS_BROKEN_IN_CELLS)]
            if ordinary := [word for word in words if ORDINARY.fullmatch(word)]:
                broken[path] = ordinary
            # Keeping words whole adds no height: a cell's words sit as its own would.
            if margins := page.evaluate(CELL_WORDS_MARGINS):
                spaced[path] = margins
        context.close()
    assert broken == {}
    assert spaced == {}
