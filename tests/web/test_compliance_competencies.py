"""The compliance matrix's competency columns: met, due soon, expired, awaiting, per learner."""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
from lxml import html

from app import db
from app.content import catalogue
from app.domain.competencies import AWAITING
from app.models import CompetencyLevel
from app.services import compliance, teams
from tests.conftest import sign_in
from tests.web.journeys import user_id
from tests.web.test_compliance import TODAY, practices  # noqa: F401
from tests.web.test_html_valid import nu_errors

NOW = datetime.now(UTC)


def rate(app, email: str, code: str, org: int, **stored) -> None:
    with app.app_context():
        db.session().add(
            CompetencyLevel(
                user_id=user_id(app, f"{email}@example.org"),
                organisation_id=org,
                competency_code=code,
                level="Secure",
                evidence_count=3,
                **stored,
            )
        )
        db.session().commit()


def rated(app, practices):  # noqa: F811
    with app.app_context():
        first, second = [c.code for c in catalogue().framework("referrer").competencies[:2]]
    org, year = practices["org"], timedelta(days=365)
    rate(app, "asha", first, org, met=True, met_until=NOW + year, due_from=NOW + year / 2)
    rate(app, "asha", second, org, practice=AWAITING)
    rate(app, "ben", first, org, met=True, met_until=NOW - timedelta(days=1))
    due = {"met_until": NOW + timedelta(days=30), "due_from": NOW - timedelta(days=1)}
    rate(app, "cara", first, org, met=True, **due)
    return first, second


def competency_columns(page: str, count: int) -> dict[str, list[str]]:
    found = {}
    for tr in html.fromstring(page).xpath("//table[contains(@class, 'lw-compliance')]/tbody/tr"):
        cells = [td.text_content().split()[-1] for td in tr.xpath("./td")[-count:]]
        found[tr.xpath("./th//a")[0].text_content().strip()] = cells
    return found


def test_standings_come_from_the_stored_ratings(app, practices):  # noqa: F811
    first, second = rated(app, practices)
    with app.app_context():
        found = compliance.matrix(
            teams.Scope(practices["org"]),
            catalogue(),
            compliance.Filters(framework_id="referrer"),
            TODAY,
        )
    assert found.competencies[0][0] == first and found.competencies[1][0] == second
    standings = {row.name: row.competencies[:2] for row in found.rows}
    assert standings == {
        "Asha Elm": ("met", "awaiting"),
        "Ben Oak": ("expired", "not-met"),
        "Cara Elm": ("due-soon", "not-met"),
        "=Dev Oak": ("not-met", "not-met"),
    }
    shares = {s.name: (s.compliant, s.assigned) for s in found.by_competency}
    assert shares[first] == (2, 4) and shares[second] == (0, 4)
    with app.app_context():
        other = compliance.matrix(
            teams.Scope(practices["org"]),
            catalogue(),
            compliance.Filters(framework_id="splw"),
            TODAY,
        )
    assert {c for row in other.rows for c in row.competencies} == {"not-applicable"}
    assert {s.assigned for s in other.by_competency} == {0}


def test_the_page_and_exports_carry_the_competency_columns_and_filters(
    app,
    client,
    practices,  # noqa: F811
):
    first, _ = rated(app, practices)
    sign_in(client, "lead@example.org")
    page = client.get("/manage/compliance?framework=referrer&profession=pharmacist").text
    with app.app_context():
        count = len(catalogue().framework("referrer").competencies)
    shown = competency_columns(page, count)
    assert list(shown) == ["Cara Elm"] and shown["Cara Elm"][0] == "soon"  # "Due soon"
    assert "1 of 1" in page and 'id="by-competency"' in page
    link = "/manage/compliance.csv?framework=referrer&profession=pharmacist"
    hrefs = html.fromstring(page).xpath("//a[contains(@href, 'compliance.csv')]/@href")
    assert len(hrefs) == 1 and "framework=referrer" in hrefs[0] and "pharmacist" in hrefs[0]
    rows = list(csv.reader(io.StringIO(client.get(link).text)))
    header = rows[0]
    column = header.index(next(h for h in header if h.startswith(first + " ")))
    assert [r[0] for r in rows[1:]] == ["Cara Elm"] and rows[1][column] == "Due soon"
    book = openpyxl.load_workbook(io.BytesIO(client.get(link.replace(".csv", ".xlsx")).data))
    sheet = [[c.value or "" for c in r] for r in book["Compliance"].iter_rows()]
    assert sheet[0] == header and sheet[1][column] == "Due soon"
    figures = {(r[0].value, r[1].value): r[3].value for r in book["Figures"].iter_rows(min_row=2)}
    assert figures[("Competency met", first)] == 1
    plain = client.get("/manage/compliance").text
    assert 'id="by-competency"' not in plain


def test_the_matrix_with_competency_columns_is_valid_html(app, client, practices, tmp_path):  # noqa: F811
    rated(app, practices)
    sign_in(client, "lead@example.org")
    pages = {"compliance-competencies": client.get("/manage/compliance?framework=referrer").text}
    assert nu_errors(pages, tmp_path) == []
