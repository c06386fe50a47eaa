"""The compliance matrix on hand-built data: statuses, figures, filters, exports = page."""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from lxml import html
from sqlalchemy import select, update

from app import db
from app.content import catalogue
from app.domain.assignments import STATUSES
from app.models import Attempt, Organisation, User
from app.models_teams import Team
from app.services import assignments, compliance, teams
from tests.conftest import sign_in
from tests.web.journeys import user_id
from tests.web.pcn import ORG

TODAY = datetime.now(UTC).date()


@pytest.fixture
def practices(app, runner, make_user, pcn):
    """Asha and Cara (Elm), Ben and Dev (Oak); module A for all renewing yearly, B for Oak."""
    make_user(email="cara@example.org", org=ORG, full_name="Cara Elm", profession="pharmacist")
    make_user(email="dev@example.org", org=ORG, full_name="Dev Oak", profession="gp")
    with app.app_context():  # a name stored before names refused symbols: exports neutralise it
        db.session().execute(
            update(User).where(User.email == "dev@example.org").values(full_name="=Dev Oak")
        )
        db.session().commit()
    runner.invoke(args=["place-in-team", "cara@example.org", ORG, "Elm Practice"])
    runner.invoke(args=["place-in-team", "dev@example.org", ORG, "Oak Practice"])
    with app.app_context():
        session = db.session()
        org = session.scalar(select(Organisation.id).where(Organisation.name == ORG))
        oak = session.scalar(select(Team.id).where(Team.name == "Oak Practice"))
        first, second = catalogue().modules[0], catalogue().modules[1]
        scope = teams.Scope(org)
        due = TODAY + timedelta(days=60)
        assignments.assign(
            scope, None, assignments.Request((first.slug,), due, renew_months=12), catalogue()
        )
        overdue = assignments.Request((second.slug,), TODAY - timedelta(days=1), team_id=oak)
        assignments.assign(scope, None, overdue, catalogue())
        for email, days_ago in (("asha", 10), ("cara", 400), ("dev", 350)):
            session.add(
                Attempt(
                    user_id=user_id(app, f"{email}@example.org"),
                    quiz_id=first.assessment.id,
                    module_slug=first.slug,
                    number=1,
                    status="graded",
                    selection=[],
                    submitted_at=datetime.now(UTC) - timedelta(days=days_ago),
                    percent=100,
                    passed=True,
                )
            )
        session.commit()
        return {"org": org, "first": first.title, "second": second.title}


def figures(found):
    return (
        {s.name: (s.compliant, s.assigned, s.percent) for s in found.by_module},
        {s.name: (s.compliant, s.assigned, s.percent) for s in found.by_team},
    )


def test_statuses_and_figures_on_hand_built_data(app, practices):
    with app.app_context():
        found = compliance.matrix(
            teams.Scope(practices["org"]), catalogue(), compliance.Filters(), TODAY
        )
    statuses = {row.name: [c.status if c else None for c in row.cells] for row in found.rows}
    assert statuses == {
        "Asha Elm": ["complete", None],
        "Ben Oak": ["assigned", "overdue"],
        "Cara Elm": ["expired", None],
        "=Dev Oak": ["due-soon", "overdue"],
    }
    by_module, by_team = figures(found)
    assert by_module == {practices["first"]: (2, 4, 50), practices["second"]: (0, 2, 0)}
    assert by_team == {"Elm Practice": (1, 2, 50), "Oak Practice": (1, 4, 25)}


def test_the_page_says_what_each_figure_counts(app, client, practices):
    # By module, learners; by team, assignments: Oak's two learners have two modules each.
    sign_in(client, "lead@example.org")
    page = html.fromstring(client.get("/manage/compliance").text)

    def table(id_):
        found = page.get_element_by_id(id_)
        caption = " ".join(found.find("caption").text_content().split())
        heads = [th.text_content() for th in found.find("thead").iter("th")]
        rows = {
            tr.find("th").text_content(): tr.findall("td")[0].text_content()
            for tr in found.find("tbody").iter("tr")
        }
        return caption, heads, rows

    caption, heads, rows = table("by-module")
    assert caption == "Compliant, by module Learners it is assigned to"
    assert heads[1] == "Learners compliant" and rows[practices["first"]] == "2 of 4"
    caption, heads, rows = table("by-team")
    assert caption == (
        "Compliant, by team Assignments: a learner counts once for each module assigned"
    )
    assert heads[1] == "Assignments compliant" and rows["Oak Practice"] == "1 of 4"


def test_filters_change_rows_and_figures(app, practices):
    with app.app_context():
        scope = teams.Scope(practices["org"])

        def names(**filters):
            found = compliance.matrix(scope, catalogue(), compliance.Filters(**filters), TODAY)
            # Sorted here: where "=" sorts depends on the database's collation.
            return sorted(row.name for row in found.rows), figures(found)

        assert names(status="overdue")[0] == ["=Dev Oak", "Ben Oak"]
        nurses, (by_module, by_team) = names(profession="practice-nurse")
        assert nurses == ["Asha Elm", "Ben Oak"]
        assert by_team == {"Elm Practice": (1, 1, 100), "Oak Practice": (0, 2, 0)}
        elm = db.session().scalar(select(Team.id).where(Team.name == "Elm Practice"))
        rows, (by_module, _) = names(team_id=elm)
        assert rows == ["Asha Elm", "Cara Elm"] and list(by_module) == [practices["first"]]


def test_the_status_filter_narrows_the_rows_not_the_figures(app, client, practices):
    # Counted over the learners a status keeps, "complete" read 100% for module A and 0 of 0
    # for B; the figures count every learner in the team and profession asked.
    with app.app_context():
        scope = teams.Scope(practices["org"])

        def found(**filters):
            return compliance.matrix(scope, catalogue(), compliance.Filters(**filters), TODAY)

        every = found()
        for status in STATUSES:
            narrowed = found(status=status)
            assert figures(narrowed) == figures(every), status
        assert [row.name for row in found(status="complete").rows] == ["Asha Elm"]
        assert found(status="complete").count == 1
    sign_in(client, "lead@example.org")

    def shown(query: str) -> tuple:
        page = html.fromstring(client.get(f"/manage/compliance{query}").text)
        tables = [
            [tr.text_content().split() for tr in page.xpath(f"//table[@id='{id_}']/tbody/tr")]
            for id_ in ("by-module", "by-team")
        ]
        return tables, " ".join(page.get_element_by_id("figures-count").text_content().split())

    tables, said = shown("")
    assert shown("?status=complete")[0] == tables
    assert said.startswith("The figures count every learner you manage, whatever their status")
    assert "not the figures" in shown("?status=complete")[1]
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/manage/compliance.xlsx?status=complete").data)
    )
    sums = {(r[0].value, r[1].value): r[2:] for r in book["Figures"].iter_rows(min_row=2)}
    assert [c.value for c in sums[("Module", practices["second"])]] == [2, 0, 0]
    assert [c.value for c in sums[("Team", "Elm Practice")]] == [2, 1, 50]


def test_figures_say_who_they_count_and_nobody_counted_is_no_percentage(app, client, practices):
    sign_in(client, "lead@example.org")
    with app.app_context():
        oak = db.session().scalar(select(Team.id).where(Team.name == "Oak Practice"))
    page = html.fromstring(client.get(f"/manage/compliance?team={oak}&profession=gp").text)
    said = " ".join(page.get_element_by_id("figures-count").text_content().split())
    assert said.startswith("The figures count every learner in Oak Practice whose profession is GP")
    # No learner here is one the framework applies to: no share, not 0%.
    page = html.fromstring(client.get("/manage/compliance?framework=splw").text)
    rows = page.xpath("//table[@id='by-competency']/tbody/tr")
    assert rows
    for tr in rows:
        cells = [td.text_content() for td in tr.findall("td")]
        assert cells[0] == "No learners it applies to" and "0%" not in cells[1]
        assert "No percentage" in cells[1]
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/manage/compliance.xlsx?framework=splw").data)
    )
    met = [r for r in book["Figures"].iter_rows(min_row=2) if r[0].value == "Competency met"]
    assert met and {(r[2].value, r[4].value) for r in met} == {(0, None)}


def page_rows(page: str) -> list[list[str]]:
    tree = html.fromstring(page)
    found = []
    for tr in tree.xpath("//table[contains(@class, 'lw-compliance')]/tbody/tr"):
        name = tr.xpath("./th//a")[0].text_content().strip()
        tags = [td.xpath(".//strong[contains(@class, 'lw-status')]")[0] for td in tr.xpath("./td")]
        found.append([name, *[tag.text_content().split(None, 1)[1].strip() for tag in tags]])
    return found


def test_the_exports_equal_the_filtered_page(app, client, practices):
    sign_in(client, "lead@example.org")
    query = "?status=overdue"
    page = client.get(f"/manage/compliance{query}").text
    shown = page_rows(page)
    assert sorted(row[0] for row in shown) == ["=Dev Oak", "Ben Oak"]
    assert "25%" in page and "0 of 2" in page  # Oak's share and module B's
    exported = list(csv.reader(io.StringIO(client.get(f"/manage/compliance.csv{query}").text)))
    header, rows = exported[0], exported[1:]
    status_columns = [i for i, name in enumerate(header) if name.endswith(": status")]
    assert [[r[0].removeprefix("'"), *[r[i] for i in status_columns]] for r in rows] == shown
    assert "'=Dev Oak" in [r[0] for r in rows]  # a formula-looking name is neutralised
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/compliance.xlsx{query}").data))
    sheet = [[c.value or "" for c in r] for r in book["Compliance"].iter_rows()]
    assert sheet[0] == header
    assert [[r[0], *[r[i] for i in status_columns]] for r in sheet[1:]] == shown
    dev = next(c for c in book["Compliance"]["A"] if c.value == "=Dev Oak")
    assert dev.data_type == "s"  # text, not a formula
    sums = {(r[0].value, r[1].value): r[4].value for r in book["Figures"].iter_rows(min_row=2)}
    assert sums[("Team", "Oak Practice")] == 25 and sums[("Module", practices["second"])] == 0


def test_the_xlsx_due_and_completed_days_are_date_cells_the_csv_iso_days(client, practices):
    sign_in(client, "lead@example.org")
    rows = list(csv.reader(io.StringIO(client.get("/manage/compliance.csv").text)))
    book = openpyxl.load_workbook(io.BytesIO(client.get("/manage/compliance.xlsx").data))
    sheet = list(book["Compliance"].iter_rows())
    days = [
        i for i, name in enumerate(rows[0]) if name.endswith((": due", ": renew by", ": completed"))
    ]
    seen = 0
    for line, cells in zip(rows[1:], sheet[1:], strict=True):
        for i in days:
            if not line[i]:
                assert cells[i].value is None
                continue
            seen += 1
            assert cells[i].is_date and cells[i].number_format == "yyyy-mm-dd"
            assert cells[i].value.date().isoformat() == line[i]
    assert seen == 9  # due: Ben's A, Oak's two B; renew by: three of A; three completions


def test_a_practice_manager_sees_and_exports_their_practice_only(app, client, practices):
    sign_in(client, "pm@example.org")
    page = client.get("/manage/compliance").text
    assert [row[0] for row in page_rows(page)] == ["Asha Elm", "Cara Elm"]
    assert "Oak Practice" not in page
    exported = client.get("/manage/compliance.csv").text
    assert "Ben Oak" not in exported and "Cara Elm" in exported


@pytest.mark.parametrize(
    ("query", "most"), [("", 8), ("?status=overdue&framework=referrer&page=2", 9)]
)
def test_the_matrix_query_count_does_not_grow_with_learners(
    app, client, make_user, runner, practices, query, most
):
    from sqlalchemy import event

    def queries() -> int:
        statements = []
        engine = app.extensions["linkwise.engine"]
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/manage/compliance{query}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    sign_in(client, "lead@example.org")
    few = queries()
    for n in range(20):
        make_user(email=f"more{n}@example.org", org=ORG, full_name=f"More {n:02d}")
        if n % 2:
            runner.invoke(args=["place-in-team", f"more{n}@example.org", ORG, "Oak Practice"])
    assert queries() == few
    # The session and teams (4), the renewals in use, the figures, the page, its cells and
    # with a framework its learners' ratings: each a statement, however many learners.
    assert few <= most
