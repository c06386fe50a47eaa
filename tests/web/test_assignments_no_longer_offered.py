"""An assignment whose module has left the course: one rule on every page that shows it.

It is listed wherever assignments are, as "No longer offered": never due, overdue or
complete, counted in no compliance figure, reminded of never, and its manager may
withdraw it. Nobody ever started the module: the assignment is named by the title it
recorded when it was made (migration 0041), never by the module's slug.
"""

import csv
import io
from datetime import date, timedelta

import pytest
from lxml import html
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Organisation
from app.models_assignments import Assignment
from app.services import assignments, teams
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.pcn import ORG
from tests.web.test_html_valid import nu_errors

URL = "/manage/assignments"
TODAY = date.today()


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests remove a module from it."""
    return course_files.copy_course(tmp_path / "copy")


@pytest.fixture(name="retired")
def an_overdue_assignment_of_a_module_then_removed(app, pcn, module, course):
    """Assign the first module to everyone, due yesterday, and the second, due in 60 days;
    then take the first out of the course, before anyone started it. Returns the first module."""
    with app.app_context():
        organisation = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
        scope, second = teams.Scope(organisation), catalogue().modules[1]
        for slug, due in (
            (module.slug, TODAY - timedelta(days=1)),
            (second.slug, TODAY + timedelta(60)),
        ):
            assignments.assign(scope, None, assignments.Request((slug,), due), catalogue())
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    return module


def cell_text(element) -> str:
    return " ".join(element.text_content().split())


def test_the_assignments_page_lists_it_as_no_longer_offered_and_it_can_be_withdrawn(
    app, client, retired
):
    sign_in(client, "lead@example.org")
    page = html.fromstring(client.get(URL).text)
    [row] = [tr for tr in page.xpath("//table//tbody/tr") if retired.title in cell_text(tr)]
    assert "No longer offered" in cell_text(row) and retired.slug not in cell_text(row)
    withdraw = row.xpath(".//a[contains(@href, '/withdraw')]")[0].get("href")
    confirm = html.fromstring(client.get(withdraw).text).xpath("//main")[0]
    assert retired.title in cell_text(confirm) and retired.slug not in cell_text(confirm)
    done = post_form(client, withdraw, {"confirmed": "yes"}, page=withdraw, follow_redirects=True)
    assert f"“{retired.title}” for Everyone in the organisation has been withdrawn" in done.text
    listed = html.fromstring(client.get(URL).text).xpath("//table//tbody/tr")
    assert listed and not [tr for tr in listed if retired.title in cell_text(tr)]
    assert retired.title not in client.get("/manage/compliance").text
    # Withdrawn, it keeps the title it recorded, as it keeps the assignment's other columns.
    again = client.get(withdraw, follow_redirects=True).text
    assert f"“{retired.title}” for Everyone in the organisation was already withdrawn" in again
    with app.app_context():
        assert (
            db.session().scalar(select(Assignment).where(Assignment.module_slug == retired.slug))
            is None
        )


def test_compliance_lists_it_and_counts_it_nowhere(client, retired):
    sign_in(client, "lead@example.org")
    response = client.get("/manage/compliance")
    page = html.fromstring(response.text)
    header = [
        cell_text(th) for th in page.xpath("//table[contains(@class, 'lw-compliance')]//thead//th")
    ]
    assert retired.slug not in header
    column = header.index(retired.title)
    rows = page.xpath("//table[contains(@class, 'lw-compliance')]/tbody/tr")
    assert len(rows) == 2  # Asha and Ben
    for tr in rows:
        assert cell_text(tr.xpath("./th|./td")[column]) == "⊘ No longer offered"
    # Figures count the module still in the course only: nobody has done it yet.
    by_module = [cell_text(tr) for tr in page.xpath("//table[@id='by-module']/tbody/tr")]
    assert len(by_module) == 1 and retired.title not in by_module[0]
    by_team = [
        [cell_text(cell) for cell in tr.xpath("./*")]
        for tr in page.xpath("//table[@id='by-team']/tbody/tr")
    ]
    assert by_team == [["Elm Practice", "0 of 1", "0%"], ["Oak Practice", "0 of 1", "0%"]]
    assert "no longer in the course" in cell_text(page.xpath("//main")[0])
    # Nobody is overdue: the only overdue assignment was of the module gone.
    overdue = html.fromstring(client.get("/manage/compliance?status=overdue").text)
    assert overdue.xpath("//table[contains(@class, 'lw-compliance')]/tbody/tr") == []


def test_the_compliance_export_says_no_longer_offered(client, retired):
    sign_in(client, "lead@example.org")
    exported = list(csv.reader(io.StringIO(client.get("/manage/compliance.csv").text)))
    header, rows = exported[0], exported[1:]
    status, due, completed = (
        header.index(f"{retired.title}: {part}") for part in ("status", "due", "completed")
    )
    assert [(r[status], r[due], r[completed]) for r in rows] == [("No longer offered", "", "")] * 2


def test_the_learner_and_their_manager_see_it_as_no_longer_offered(
    app, client, pcn, retired, tmp_path
):
    sign_in(client, "asha@example.org")
    page = client.get("/modules/")
    assert page.status_code == 200
    shown = {"my-learning": page.text}
    mine = html.fromstring(page.text).xpath("//ul[contains(@class, 'lw-assigned')]/li")
    [item] = [li for li in mine if retired.title in cell_text(li)]
    assert "No longer offered" in cell_text(item) and "nothing to do" in cell_text(item)
    assert retired.slug not in cell_text(item)
    assert item.xpath(".//a") == []  # no module to open
    client.get("/sign-out")
    sign_in(client, "lead@example.org")
    for name, url in (
        ("learner", f"/manage/learners/{pcn['asha']}"),
        ("assignments", URL),
        ("compliance", "/manage/compliance"),
    ):
        shown[name] = client.get(url).text
    assert nu_errors(shown, tmp_path) == []
    learner = html.fromstring(shown["learner"])
    rows = learner.xpath("//h2[@id='assigned']/following::table[1]/tbody/tr")
    [row] = [tr for tr in rows if retired.title in cell_text(tr)]
    assert "No longer offered" in cell_text(row) and "Done" not in cell_text(row)
    assert retired.slug not in cell_text(row)


def test_nobody_is_reminded_of_it(app, runner, mailbox, retired):
    # A day when the module still offered is due soon and the removed one long overdue:
    # everyone is reminded of the first, nobody of the second.
    day = TODAY + timedelta(days=55)
    result = runner.invoke(args=["send-reminders", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    with app.app_context():
        still_offered = catalogue().modules[0]
    for email in ("asha@example.org", "ben@example.org"):
        [message] = mailbox.messages(email)
        body = mailbox.body(email)
        assert still_offered.title in body and "Due soon" in body, body
        assert retired.slug not in body and retired.title not in body
        assert "Overdue" not in str(message)
