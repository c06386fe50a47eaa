"""The manager's grid scales: search by name or email, numbered pages, jump to a page."""

import re

from sqlalchemy import update

from app import db
from app.models import User
from app.services import team_managers, teams
from tests.conftest import sign_in
from tests.web.test_manage import add_learners, manager  # noqa: F401


def rename(app, user_id: int, name: str, email: str | None = None) -> None:
    with app.app_context():
        values = {"full_name": name} | ({"email": email} if email else {})
        db.session().execute(update(User).where(User.id == user_id).values(**values))
        db.session().commit()


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
    make_user(email="tm@example.org", role="manager", org="Riverside PCN")
    with app.app_context():
        session = db.session()
        first = session.get(User, ids[0])
        org_id, email = first.organisation_id, first.email
        team = teams.create_team(org_id, "North Practice", actor_id=None)
        teams.place(teams.Scope(org_id), team.id, email, actor_id=None)
        team_managers.set_manager_teams("tm@example.org", ["North Practice"], org_id)
        session.commit()
    client = app.test_client()
    sign_in(client, "tm@example.org")
    assert names_on(client.get("/manage/?q=learner").text) == ["Learner 000"]
