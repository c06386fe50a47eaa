"""An assignment of a module that has left the course is named by the module's title, as the
record last kept it (services/module_titles.py), on every page and download that names it,
and marked as no longer offered where the page marks it so.
"""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from lxml import html
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt, Certificate, Organisation
from app.models_assignments import Assignment
from app.services import assignments, module_titles, teams
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import user_id
from tests.web.pcn import ORG
from tests.web.statements import statements
from tests.web.test_quiz import finish_screens

URL = "/manage/assignments"
TODAY = date.today()
COMPLIANCE = "//table[contains(@class, 'lw-compliance')]"


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests remove a module from it."""
    return course_files.copy_course(tmp_path / "copy")


def assign_both(app) -> None:
    """Assign the first module to everyone, due yesterday, and the second, due in 60 days."""
    with app.app_context():
        organisation = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
        first, second = catalogue().modules[:2]
        for slug, due in (
            (first.slug, TODAY - timedelta(days=1)),
            (second.slug, TODAY + timedelta(60)),
        ):
            asked = assignments.Request((slug,), due)
            assignments.assign(teams.Scope(organisation), None, asked, catalogue())


@pytest.fixture(name="retired")
def assigned_started_then_removed(app, pcn, module, course):
    """Assign the first two modules to everyone; Ben starts the first one's quiz (his attempt
    records the module's title), then the first module leaves the course. Returns it."""
    assign_both(app)
    finish_screens(app, "ben@example.org", module)
    ben = app.test_client()
    sign_in(ben, "ben@example.org")
    assert post_form(ben, f"/modules/{module.slug}/quiz/", {}).status_code == 302
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    return module


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def parts(element) -> list[str]:
    """Return the element's pieces of text, each stripped: a title, then a status tag's."""
    return [text.strip() for text in element.itertext() if text.strip()]


GONE = ["⊘", "No longer offered"]


def test_the_assignments_page_and_the_withdrawal_name_it_by_its_title(client, retired):
    sign_in(client, "lead@example.org")
    rows = html.fromstring(client.get(URL).text).xpath("//table//tbody/tr")
    [row] = [tr for tr in rows if "No longer offered" in text_of(tr)]
    assert parts(row.xpath("./td")[0]) == [retired.title, *GONE]
    assert retired.slug not in text_of(row)
    withdraw = row.xpath(".//a[contains(@href, '/withdraw')]")[0].get("href")
    confirm = html.fromstring(client.get(withdraw).text)
    [module] = confirm.xpath("//dt[normalize-space()='Module']/following-sibling::dd")
    assert parts(module) == [retired.title, *GONE]
    assert retired.slug not in text_of(confirm.xpath("//main")[0])
    done = post_form(client, withdraw, {"confirmed": "yes"}, page=withdraw, follow_redirects=True)
    assert f"“{retired.title}” for Everyone in the organisation has been withdrawn" in done.text


def test_compliance_and_its_downloads_name_it_by_its_title(client, retired):
    sign_in(client, "lead@example.org")
    page = html.fromstring(client.get("/manage/compliance").text)
    header = [text_of(th) for th in page.xpath(f"{COMPLIANCE}//thead//th")]
    assert retired.slug not in header
    column = header.index(retired.title)
    for tr in page.xpath(f"{COMPLIANCE}/tbody/tr"):
        assert text_of(tr.xpath("./th|./td")[column]) == "⊘ No longer offered"
    [inset] = [p for p in page.xpath("//main//p") if "no longer in the course" in text_of(p)]
    assert text_of(inset).startswith(f"{retired.title} is no longer in the course")
    exported = list(csv.reader(io.StringIO(client.get("/manage/compliance.csv").text)))
    status = exported[0].index(f"{retired.title}: status")
    assert [row[status] for row in exported[1:]] == ["No longer offered"] * 2
    book = openpyxl.load_workbook(io.BytesIO(client.get("/manage/compliance.xlsx").data))
    first = [cell.value for cell in next(book.worksheets[0].iter_rows(max_row=1))]
    assert f"{retired.title}: status" in first and f"{retired.slug}: status" not in first


def test_the_learner_and_their_manager_see_it_by_its_title(app, client, pcn, retired):
    # Asha never started it: its title comes from Ben's attempt.
    sign_in(client, "asha@example.org")
    mine = html.fromstring(client.get("/modules/").text)
    items = mine.xpath("//ul[contains(@class, 'lw-assigned')]/li")
    [item] = [li for li in items if "No longer offered" in text_of(li)]
    assert parts(item)[:3] == [retired.title, *GONE]
    assert retired.slug not in text_of(item)
    client.get("/sign-out")
    sign_in(client, "lead@example.org")
    for learner in ("asha", "ben"):
        page = html.fromstring(client.get(f"/manage/learners/{pcn[learner]}").text)
        rows = page.xpath("//h2[@id='assigned']/following::table[1]/tbody/tr")
        [row] = [tr for tr in rows if "No longer offered" in text_of(tr)]
        assert parts(row.xpath("./td")[0]) == [retired.title], learner
        assert parts(row.xpath("./td")[1]) == GONE, learner


def test_each_page_reads_the_titles_of_modules_gone_in_one_statement_more(
    app, client, pcn, retired
):
    sign_in(client, "lead@example.org")
    asha = app.test_client()
    sign_in(asha, "asha@example.org")
    with app.app_context():
        assignment = db.session().scalar(select(Assignment.id).limit(1))
    for who, path in (
        (client, URL),
        (client, f"{URL}/{assignment}/withdraw"),
        (client, "/manage/compliance"),
        (client, f"/manage/learners/{pcn['asha']}"),
        (asha, "/modules/"),
    ):
        with statements(app) as run:
            assert who.get(path).status_code == 200
        said = [" ".join(s.split())[:120] for s in run]
        # The pages' two (test_statement_counts.TARGET), and the one that reads the titles.
        assert len(run) == 3, (path, said)
        assert sum("AS slug, coalesce((SELECT attempt.module_title" in s for s in run) == 1, said


def test_a_removed_module_is_named_by_the_newest_title_recorded_else_its_slug(
    app, make_user, module
):
    make_user(email="ben@example.org")
    learner = user_id(app, "ben@example.org")
    with app.app_context():
        session = db.session()

        def attempt(slug: str, number: int, title: str | None) -> Attempt:
            row = Attempt(
                user_id=learner,
                quiz_id=f"{slug}-quiz",
                module_slug=slug,
                number=number,
                status="graded",
                selection=[],
                module_title=title,
            )
            session.add(row)
            session.flush()
            return row

        attempt("renamed", 1, "Its first title")
        attempt("renamed", 2, "Its last title")
        attempt("renamed", 3, None)  # one from before titles were kept says nothing
        for number, (title, days) in enumerate((("Certified last", 1), ("Certified", 30))):
            certified = attempt("certified", number + 1, None)
            session.add(
                Certificate(
                    code=f"code{number}",
                    user_id=learner,
                    module_slug="certified",
                    attempt_id=certified.id,
                    issued_at=datetime.now(UTC) - timedelta(days=days),
                    holder_name="Ben",
                    holder_profession="gp",
                    module_title=title,
                    cpd_minutes=30,
                    learning_outcomes=[],
                    competencies=[],
                )
            )
        session.commit()
        slugs = ("renamed", "certified", "never-started")
        with statements(app) as run:
            found = module_titles.titles_of((*slugs, module.slug), catalogue())
        assert len(run) == 1
        assert found == {
            "renamed": "Its last title",
            "certified": "Certified last",
            "never-started": "never-started",
            module.slug: module.title,
        }
        with statements(app) as run:
            assert module_titles.titles_of((module.slug,), catalogue()) == {
                module.slug: module.title
            }
        assert run == []  # every module in the course: nothing to read


def test_a_removed_module_with_a_title_still_in_the_course_is_told_apart_by_its_slug(
    app, client, pcn, module, course
):
    assign_both(app)
    with app.app_context():
        second = catalogue().modules[1]
        # As if the first module had been moved to a new slug, keeping its title.
        db.session().add(
            Attempt(
                user_id=pcn["ben"],
                quiz_id=module.assessment.id,
                module_slug=module.slug,
                number=1,
                status="in-progress",
                selection=[],
                module_title=second.title,
            )
        )
        db.session().commit()
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    sign_in(client, "lead@example.org")
    page = html.fromstring(client.get("/manage/compliance").text)
    header = [text_of(th) for th in page.xpath(f"{COMPLIANCE}//thead//th")]
    assert header == ["Learner", second.title, f"{second.title} ({module.slug})"]
