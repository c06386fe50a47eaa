"""The manager's grid scales: search by name or email, numbered pages, jump to a page."""

import csv
import io
import re

from lxml import html
from sqlalchemy import update

from app import db
from app.content import catalogue
from app.domain.content import quiz_key
from app.models import Completion, User
from app.services import team_managers, team_members, teams
from tests.conftest import sign_in
from tests.web.test_html_valid import nu_errors
from tests.web.test_manage import add_learners, manager  # noqa: F401


def rename(app, user_id: int, name: str, email: str | None = None) -> None:
    with app.app_context():
        values = {"full_name": name} | ({"email": email} if email else {})
        db.session().execute(update(User).where(User.id == user_id).values(**values))
        db.session().commit()


def team_manager_of(app, make_user, learner_id: int):
    """Place the learner alone in a team; return a client signed in as its only manager."""
    make_user(email="tm@example.org", role="manager", org="Riverside PCN")
    with app.app_context():
        session = db.session()
        learner = session.get(User, learner_id)
        org_id = learner.organisation_id
        team = teams.create_team(org_id, "North Practice", actor_id=None)
        team_members.place(teams.Scope(org_id), team.id, learner.email, actor_id=None)
        team_managers.set_manager_teams("tm@example.org", ["North Practice"], org_id)
        session.commit()
    client = app.test_client()
    sign_in(client, "tm@example.org")
    return client


def names_on(page: str) -> list[str]:
    return re.findall(r'/manage/learners/\d+">([^<]+)</a>', page)


def test_search_finds_names_and_emails_in_any_case(app, manager):  # noqa: F811
    ids = add_learners(app, "Riverside PCN", 5)
    add_learners(app, "Hillside PCN", 2)
    rename(app, ids[1], "Asha Patel")
    rename(app, ids[2], "Ben Okafor", "b.okafor@practice.example.org")
    assert names_on(manager.get("/manage/?q=asha").text) == ["Asha Patel"]
    assert names_on(manager.get("/manage/?q=OKAFOR%40PRACTICE").text) == ["Ben Okafor"]
    page = manager.get("/manage/?q=learner").text
    assert len(names_on(page)) == 3 and "3 learners" in page
    # Another organisation's learners are never found.
    assert names_on(manager.get("/manage/?q=example.org").text) != []
    assert "Hillside" not in manager.get("/manage/?q=hillside").text


def test_search_finds_accented_capitals_in_any_case_on_both_databases(app, manager):  # noqa: F811
    ids = add_learners(app, "Riverside PCN", 3)
    rename(app, ids[0], "Zoë Ærøskøbing", "zoe.aeroskobing@example.org")
    for asked in ("ærø", "%C3%86R%C3%98", "ØSKØ", "zoË"):
        assert names_on(manager.get(f"/manage/?q={asked}").text) == ["Zoë Ærøskøbing"], asked


def test_search_wildcards_are_literal_and_nothing_found_says_so(app, manager):  # noqa: F811
    ids = add_learners(app, "Riverside PCN", 3)
    rename(app, ids[0], "Per 100% Cent")
    assert names_on(manager.get("/manage/?q=%25").text) == ["Per 100% Cent"]
    assert names_on(manager.get("/manage/?q=_").text) == []
    empty = manager.get("/manage/?q=nobody+at+all")
    assert empty.status_code == 200 and "0 learners" in empty.text
    assert manager.get("/manage/?q=").status_code == 200  # an empty search is no search


def test_pages_are_numbered_with_gaps_and_the_filters_ride_along(app, manager):  # noqa: F811
    add_learners(app, "Riverside PCN", 230)  # 10 pages of 25
    page = manager.get("/manage/?page=5&sort=-name").text
    assert "page 5 of 10" in page
    numbers = re.findall(r'aria-label="Page (\d+)"', page)
    assert numbers == ["1", "4", "5", "6", "10"]
    assert 'aria-current="page"' in page and page.count("&ctdot;") == 2
    previous = re.search(r'href="([^"]+)" class="nhsuk-pagination__previous"', page).group(1)
    assert "sort=-name" in previous and "page=4" in previous
    assert 'id="go-to-page"' in page and 'name="sort" value="-name"' in page


def test_an_out_of_range_page_clamps(app, manager):  # noqa: F811
    add_learners(app, "Riverside PCN", 30)
    assert "page 2 of 2" in manager.get("/manage/?page=999").text
    assert "page 1 of 2" in manager.get("/manage/?page=-3").text
    assert "page 1 of 2" in manager.get("/manage/?page=abc").text


def test_a_search_within_a_team_managers_scope_stays_in_it(app, manager, make_user):  # noqa: F811
    ids = add_learners(app, "Riverside PCN", 4)
    client = team_manager_of(app, make_user, ids[0])
    assert names_on(client.get("/manage/?q=learner").text) == ["Learner 000"]


def test_headers_name_each_competency_with_its_code(app, manager):  # noqa: F811
    add_learners(app, "Riverside PCN", 1)
    page = manager.get("/manage/").text
    with app.app_context():
        first = catalogue().framework_for("link-worker").competencies[0]
    assert f'<span class="nhsuk-u-visually-hidden">{first.code} {first.name}</span>' in page
    assert 'class="nhsuk-table__header lw-sticky" scope="row"' in page


def csv_learners(response) -> set[str]:
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return {row[1] for row in rows[1:]}


def test_summary_and_export_follow_the_filters(app, manager):  # noqa: F811
    ids = add_learners(app, "Riverside PCN", 40)
    add_learners(app, "Hillside PCN", 3)
    for n in (3, 13, 23, 33):
        rename(app, ids[n], f"Asha {n}")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        for n in (3, 5):
            key = quiz_key(module.assessment.id)
            db.session().add(Completion(user_id=ids[n], module_slug=module.slug, item_key=key))
        db.session().commit()
    page = manager.get("/manage/?q=asha&sort=-name").text
    assert "4 learners" in page and "These figures count the 4 learners" in page
    assert f"{module.title}</dt>" in page
    assert re.search(r"1 completed \(25%\)", page)  # Asha 3 only, not learner 5
    link = re.search(r'href="(/manage/export\.csv[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "q=asha" in link and "sort" not in link
    grid_emails = set(re.findall(r"/manage/learners/(\d+)", page))
    with app.app_context():
        emails = {db.session().get(User, int(i)).email for i in grid_emails}
    assert csv_learners(manager.get(link)) == emails
    # Another filter: a profession nobody has gives an empty export and zero learners.
    assert "0 learners" in manager.get("/manage/?profession=gp&q=asha").text
    assert csv_learners(manager.get("/manage/export.csv?profession=gp")) == set()
    # No filters: every learner of the organisation, as before.
    assert len(csv_learners(manager.get("/manage/export.csv"))) == 40


def test_the_summary_says_which_of_the_managers_learners_it_counts(app, manager, make_user):  # noqa: F811
    ids = add_learners(app, "Riverside PCN", 5)
    add_learners(app, "Hillside PCN", 2)
    with app.app_context():  # two referring clinicians, whose framework is another
        session = db.session()
        session.execute(update(User).where(User.id.in_(ids[:2])).values(profession="gp"))
        session.commit()
    page = manager.get("/manage/").text
    assert re.search(r'Learners</dt><dd class="nhsuk-summary-list__value">3<', page)
    assert "These figures count 3 of your 5 learners: those whose framework is Social" in page
    other = manager.get("/manage/?framework=referrer").text
    assert "the 2 learners your filters select below, out of your 5 learners." in other
    # A manager of one team sees that team's learners only: its one learner is all of them.
    client = team_manager_of(app, make_user, ids[4])
    assert "These figures count" not in client.get("/manage/").text
    assert "out of your 1 learner." in client.get("/manage/?framework=referrer").text
    # Once every learner shares a framework, the figures count them all and say nothing.
    with app.app_context():
        session = db.session()
        session.execute(update(User).where(User.id.in_(ids[:2])).values(profession="link-worker"))
        session.commit()
    assert "These figures count" not in manager.get("/manage/").text


def test_a_filtered_export_carries_the_module_and_status(app, manager):  # noqa: F811
    add_learners(app, "Riverside PCN", 3)
    with app.app_context():
        module = catalogue().modules[0]
        shown = {c for c in module.competency_codes if c.startswith("SPLW-")}
    response = manager.get(f"/manage/export.csv?module={module.slug}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]
    assert {row[4] for row in rows} == shown and len(rows) == 3 * len(shown)


def test_the_searched_and_paged_dashboard_is_valid_html(app, manager, tmp_path):  # noqa: F811
    add_learners(app, "Riverside PCN", 230)
    pages = {
        "grid-paged": manager.get("/manage/?page=5&sort=-name").text,
        "grid-searched": manager.get("/manage/?q=learner+1&status=met").text,
        "grid-nothing-found": manager.get("/manage/?q=%25nobody").text,
    }
    assert nu_errors(pages, tmp_path) == []


def test_a_search_or_filter_nobody_matches_says_so_instead_of_an_empty_table(
    app,
    manager,  # noqa: F811
    tmp_path,
):
    add_learners(app, "Riverside PCN", 3)
    shown = {}
    for query, asked, clear in (
        ("q=nobody+at+all", "search", "clear the search"),
        ("profession=gp", "filters", "clear the filters"),
        ("q=learner&profession=gp", "search and filters", "clear the search and filters"),
    ):
        shown[asked] = manager.get(f"/manage/?{query}").text
        page = html.fromstring(shown[asked])
        assert page.xpath("//table[contains(@class, 'lw-grid')]") == [], query
        said = page.get_element_by_id("no-learners")
        text = " ".join(said.text_content().split())
        assert text.startswith(f"No learners match your {asked}. You could:"), text
        [link] = said.xpath(".//a")
        assert (link.text, link.get("href")) == (clear, "/manage/#learners")
        # The filters stay on the page, as asked, to change them.
        assert page.xpath("//form[contains(@class, 'lw-filters')]//select[@id='profession']")
    assert len(names_on(manager.get("/manage/").text)) == 3  # what the link leads to
    assert nu_errors(shown, tmp_path) == []
