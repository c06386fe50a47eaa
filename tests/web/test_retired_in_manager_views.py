"""A competency taken out of every framework after a learner was rated and confirmed in it:
the manager's grid, compliance matrix and downloads still show what the learner holds, apart,
labelled as retired, counted in no figure and never shown as a gap, in no statement more."""

import csv
import html
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Organisation
from app.models_teams import Team
from app.services import assignments, rating_recompute, teams
from tests.conftest import sign_in
from tests.nu_checker import nu_errors
from tests.web import course_files
from tests.web.course_files import app_on_copy  # noqa: F401 (fixture: the copied course)
from tests.web.journeys import pass_module
from tests.web.statements import statements
from tests.web.test_competency_left_framework import (  # noqa: F401
    CODE,
    own_course,
    take_out_asking_what_matters,
)
from tests.web.test_practice import decide, people, the_request  # noqa: F401
from tests.web.test_practice_record import ask

NAME = "Asking what matters"
LEE = "learner@example.org"


@pytest.fixture
def retired(app, people, make_user, course):  # noqa: F811
    """Lee Learner passed the module, Sue confirmed CODE, then CODE left the framework;
    return a manager's client."""
    learner, sue, _ = people
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    make_user(email="nia@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Nia Nothing")  # fmt: skip
    with app.app_context():
        module = catalogue().module("how-the-system-works")
    pass_module(app, learner, "learner@example.org", module)
    assert ask(learner, app, code=CODE).status_code == 302
    assert decide(sue, the_request(app), outcome="confirmed").status_code == 302
    take_out_asking_what_matters(course)
    course_files.reload(app)
    with app.app_context():
        rating_recompute.recompute_levels(catalogue())
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    return manager


def grid_table(page: str) -> str:
    return page.split('class="nhsuk-table lw-grid"', 1)[1].split("</table>", 1)[0]


def row_of(table: str, name: str) -> str:
    return next(r for r in table.split("<tr") if f">{name}</a>" in r)


def test_the_grid_shows_a_retired_competency_apart_in_two_statements(app, retired, tmp_path):
    with statements(app) as run:
        page = retired.get("/manage/")
    assert page.status_code == 200
    assert len(run) == 2, run
    text = html.unescape(page.text)
    table = grid_table(text)
    assert f"{CODE} {NAME}: retired, no longer in any framework, not counted" in table
    assert "Retired</span><br>" + CODE in table
    lee, nia = row_of(table, "Lee Learner"), row_of(table, "Nia Nothing")
    assert re.search(
        r"Retired, not counted: knowledge \w[\w ]*; practice [\w ]+; confirmed by a supervisor "
        r"on \d+ \w+ \d{4}",
        lee,
    ), lee
    assert '<span aria-hidden="true">' in lee and "<br>C</span>" in lee
    # Nothing held is nothing to close: no gap's mark, colour or words.
    assert "Retired: nothing recorded" in nia
    assert (
        nia.count("lw-level--retired") == 1 and "not met" not in nia.split("lw-level--retired")[1]
    )
    assert 'id="retired-competencies"' in text
    # The figures count the framework's competencies alone.
    assert CODE not in text.split('id="learners"')[0]
    # A module's competencies asked for: a retired one is no module's.
    module = retired.get("/manage/?module=how-the-system-works").text
    assert "lw-grid__retired" not in module
    assert nu_errors({"dashboard": page.text}, tmp_path) == []


def test_the_grid_past_its_last_page_still_shows_the_retired_column(app, retired):
    with statements(app) as run:
        page = html.unescape(retired.get("/manage/?page=9").text)
    assert len(run) <= 4, run
    assert f"{CODE} {NAME}: retired" in grid_table(page)


def test_every_page_of_the_grid_has_the_retired_columns_of_every_learner_it_selects(
    app, retired, make_user
):
    # A page of link workers whose names come before Lee's: Lee, who holds CODE, and Nia
    # are on page 2, and page 1 holds nothing retired.
    for n in range(25):
        make_user(email=f"abi{n}@example.org", profession="link-worker", org="Riverside PCN",
                  full_name=f"Abi {n:02}")  # fmt: skip
    with statements(app) as run:
        first = html.unescape(retired.get("/manage/?profession=link-worker").text)
    assert len(run) == 2, run
    table = grid_table(first)
    assert "Lee Learner" not in table and "Abi 00" in table
    assert f"{CODE} {NAME}: retired, no longer in any framework, not counted" in table
    assert 'id="retired-competencies"' in first
    # Its cells there are empty: nothing held, nothing to close.
    assert table.count("Retired: nothing recorded") == 25
    second = grid_table(html.unescape(retired.get("/manage/?profession=link-worker&page=2").text))
    assert "Lee Learner" in second and f"{CODE} {NAME}: retired" in second
    # A search's first page too (every address here has "example" in it).
    searched = grid_table(html.unescape(retired.get("/manage/?q=example").text))
    assert "Lee Learner" not in searched and f"{CODE} {NAME}: retired" in searched
    # Filters that leave out everyone who holds it leave out its column.
    abis = html.unescape(retired.get("/manage/?profession=link-worker&q=abi").text)
    assert "lw-grid__retired" not in abis and 'id="retired-competencies"' not in abis


def framework_id(app) -> str:
    with app.app_context():
        return catalogue().framework_for("link-worker").id


def test_the_compliance_matrix_shows_a_retired_competency_apart_in_two_statements(
    app, retired, tmp_path
):
    path = f"/manage/compliance?framework={framework_id(app)}"
    with statements(app) as run:
        page = retired.get(path)
    assert page.status_code == 200
    assert len(run) == 2, run
    text = html.unescape(page.text)
    matrix = text.split('id="matrix"', 1)[1]
    assert f"{CODE} {NAME}: retired, no longer in any framework, not counted" in matrix
    assert re.search(r"Confirmed by a supervisor on \d+ \w+ \d{4}", matrix)
    assert "Retired: nothing recorded" in matrix  # Nia: no gap's tag, nothing to close
    # Met counts the framework's competencies alone.
    figures = text.split('id="by-competency"', 1)[1].split("</table>", 1)[0]
    assert CODE not in figures
    # No competency columns asked for: none retired either.
    assert "lw-grid__retired" not in retired.get("/manage/compliance").text
    assert nu_errors({"compliance": page.text}, tmp_path) == []


def test_every_page_of_the_matrix_has_the_retired_columns_of_every_learner_it_keeps(
    app, retired, make_user, runner
):
    # A page of learners whose names come before Lee's: Lee, who holds CODE, is on page 2.
    for n in range(50):
        make_user(email=f"abi{n}@example.org", profession="link-worker", org="Riverside PCN",
                  full_name=f"Abi {n:02}")  # fmt: skip
    for email, team in (("abi0@example.org", "Oak Practice"), (LEE, "Elm Practice")):
        assert runner.invoke(args=["create-team", "Riverside PCN", team]).exit_code == 0
        assert runner.invoke(args=["place-in-team", email, "Riverside PCN", team]).exit_code == 0
    with app.app_context():
        module = catalogue().module("how-the-system-works").slug
        due = assignments.Request((module,), assignments.today() + timedelta(days=90))
        assignments.assign(teams.Scope(org_id(app)), None, due, catalogue())
    path = f"/manage/compliance?framework={framework_id(app)}"
    with statements(app) as run:
        first = html.unescape(retired.get(path).text)
    assert len(run) == 2, run
    table = matrix_table(first)
    assert "Lee Learner" not in table and "Abi 00" in table
    assert f"{CODE} {NAME}: retired, no longer in any framework, not counted" in table
    assert 'id="retired-competencies"' in first
    assert table.count("Retired: nothing recorded") == 50  # nothing held, nothing to close
    second = matrix_table(html.unescape(retired.get(f"{path}&page=2").text))
    assert "Lee Learner" in second and f"{CODE} {NAME}: retired" in second
    # The first page of a profession, a status (complete: Lee passed the module) or a team
    # that keeps Lee has it too; one that leaves him out (to do: everyone but Lee) has none.
    elm = f"&team={team_id(app, 'Elm Practice')}"
    for query, shown in (
        ("&profession=link-worker", True),
        ("&status=complete", True),
        (elm, True),  # Lee's own team
        ("&profession=practice-nurse", False),
        (f"&team={team_id(app, 'Oak Practice')}", False),
        ("&status=assigned", False),
    ):
        page = html.unescape(retired.get(path + query).text)
        assert ("lw-grid__retired" in page) == shown, query
        assert ('id="retired-competencies"' in page) == shown, query
        lee_first = query in ("&status=complete", elm)  # no page of Abis before him
        assert ("Lee Learner" in matrix_table(page)) == lee_first, query
    # A team the manager does not see is refused, not quietly dropped to show every team.
    refused = retired.get(f"{path}&team=999999")
    assert refused.status_code == 400 and "Select one of your teams" in refused.text


def matrix_table(page: str) -> str:
    return page.split('class="nhsuk-table lw-grid lw-compliance"', 1)[1].split("</table>", 1)[0]


def org_id(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(Organisation.id).where(Organisation.name == "Riverside PCN")
        )


def team_id(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == name))


def test_the_compliance_downloads_carry_the_retired_column_safe_and_counted_in_nothing(
    app, retired
):
    query = f"framework={framework_id(app)}"
    rows = list(csv.reader(io.StringIO(retired.get(f"/manage/compliance.csv?{query}").text)))
    header = rows[0]
    column = header.index(f"{CODE} {NAME} (retired: no longer in any framework, not counted)")
    cells = {row[0]: row[column] for row in rows[1:]}
    assert re.fullmatch(
        r"Knowledge [\w ]+; practice [\w ]+; Confirmed by a supervisor on \d{4}-\d\d-\d\d",
        cells["Lee Learner"],
    ), cells
    assert cells["Nia Nothing"] == "Nothing recorded"
    book = openpyxl.load_workbook(
        io.BytesIO(retired.get(f"/manage/compliance.xlsx?{query}").data), read_only=True
    )
    sheet = [list(r) for r in book["Compliance"].iter_rows(values_only=True)]
    assert sheet[0][column] == header[column]
    figures = [list(r) for r in book["Figures"].iter_rows(values_only=True)]
    assert not any(CODE in str(cell) for row in figures for cell in row)


def test_the_competency_export_lists_the_retired_rating_after_the_learners_own(app, retired):
    rows = list(csv.reader(io.StringIO(retired.get("/manage/export.csv").text)))
    lee = [row for row in rows[1:] if row[0] == "Lee Learner"]
    assert lee[-1][4:6] == [CODE, NAME]
    assert lee[-1][16:] == ["Retired: no longer in any framework", NAME]
    assert lee[-1][10].startswith("Confirmed by a supervisor on ")
    assert lee[-1][11:15] == ["", "", "", "Not counted: retired"]
    assert all(row[4] != CODE for row in rows[1:] if row[0] == "Nia Nothing")
    # A standing asked: a retired competency has none.
    met = retired.get("/manage/export.csv?status=met").text
    assert CODE not in met
