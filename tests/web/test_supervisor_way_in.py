"""A supervisor finds the requests learners send them: a "Confirm practice" item in the
header and a line on My learning with how many wait; no one else is offered either."""

import re

import pytest

from app.content import catalogue
from app.services import supervisors
from tests.conftest import post_form, sign_in
from tests.web.statements import statements
from tests.web.test_html_valid import nu_errors
from tests.web.test_practice import name_supervisor, user_id
from tests.web.test_quiz import finish_screens

PAGES = ("/", "/modules/", "/account/", "/my/competencies")
# The header's item, current or not (the current one's text is in a <strong>).
NAV_ITEM = re.compile(
    r'<a\s+class="nhsuk-header__navigation-link"\s+href="/supervise/"[^>]*>\s*(<strong[^>]*>)?'
    r"Confirm practice<"
)


def header(page: str) -> str:
    """Return the page's NHS header."""
    return page[page.index("<header") : page.index("</header>")]


@pytest.fixture
def pair(app, make_user):
    """Two learners of one organisation with the same name and role, one a supervisor."""
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Alex Morgan")
    make_user(email="pat@example.org", org="Riverside PCN", full_name="Alex Morgan")
    name_supervisor(app, "sue@example.org")
    sue, pat = app.test_client(), app.test_client()
    sign_in(sue, "sue@example.org")
    sign_in(pat, "pat@example.org")
    return sue, pat


def test_a_supervisor_has_confirm_practice_in_the_header_of_every_page(pair):
    sue, _ = pair
    for path in PAGES:
        page = sue.get(path)
        assert page.status_code == 200, path
        assert NAV_ITEM.search(header(page.text)), path
    queue = NAV_ITEM.search(header(sue.get("/supervise/").text))
    assert 'aria-current="page"' in queue.group(0)  # the item says where they are


def test_of_two_colleagues_only_the_supervisor_is_offered_the_way_in(pair, client):
    sue, pat = pair
    for path in PAGES:
        assert NAV_ITEM.search(header(sue.get(path).text)), path
        page = pat.get(path).text  # not a supervisor: no item, no line, no link, anywhere
        assert "/supervise/" not in page, path
        assert "Confirm practice" not in page and "Requests to confirm practice" not in page, path
    signed_out = client.get("/").text
    assert "/supervise/" not in signed_out and "Confirm practice" not in signed_out


def test_two_users_alike_but_for_supervising_are_never_served_each_others_header(pair):
    sue, pat = pair
    for _ in range(2):  # in turn, so each header could come from the other's cached one
        for path in PAGES:
            assert NAV_ITEM.search(header(sue.get(path).text)), path
            assert not NAV_ITEM.search(header(pat.get(path).text)), path
    assert header(sue.get("/modules/").text) != header(pat.get("/modules/").text)


def test_a_supervisor_no_longer_named_loses_the_way_in_at_their_next_page(app, pair):
    sue, _ = pair
    assert NAV_ITEM.search(header(sue.get("/modules/").text))
    with app.app_context():
        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), False, via="cli")
    page = sue.get("/modules/").text
    assert "/supervise/" not in page and "Confirm practice" not in page


def ask(app, client, code, supervisor_email):
    url = f"/my/competencies/{code}"
    form = {"supervisor": str(user_id(app, supervisor_email))}
    assert post_form(client, f"{url}/request", form, page=url).status_code == 302


def test_my_learning_tells_a_supervisor_how_many_requests_wait_and_links_to_them(
    app, pair, make_user
):
    sue, _ = pair
    page = sue.get("/modules/").text
    assert "No requests are waiting for you." in page
    assert '<a href="/supervise/">See the requests you have decided</a>' in page

    make_user(email="lee@example.org", profession="link-worker", org="Riverside PCN")
    lee = app.test_client()
    sign_in(lee, "lee@example.org")
    with app.app_context():
        module = catalogue().modules[0]
        codes = [c for c in module.competency_codes if c.startswith("SPLW-")][:2]
    finish_screens(app, "lee@example.org", module)
    ask(app, lee, codes[0], "sue@example.org")
    page = sue.get("/modules/").text
    assert "1 request is waiting for you." in page
    assert '<a href="/supervise/">Review the request waiting for you</a>' in page
    ask(app, lee, codes[1], "sue@example.org")
    with statements(app) as run:
        page = sue.get("/modules/").text
    assert len(run) <= 2, run  # the count comes in My learning's own statement
    assert "2 requests are waiting for you." in page
    assert '<a href="/supervise/">Review the requests waiting for you</a>' in page
    # The learner who asked is no supervisor: their My learning offers no queue.
    assert "/supervise/" not in lee.get("/modules/").text


def test_the_home_page_offers_a_supervisor_their_requests(pair):
    sue, pat = pair
    assert "Requests to confirm practice" in sue.get("/").text
    assert "Requests to confirm practice" not in pat.get("/").text


def test_the_ways_in_are_valid_html(app, pair, make_user, tmp_path, database_url):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    sue, _ = pair
    pages = {"my-learning-supervisor-none-waiting": sue.get("/modules/").text}
    make_user(email="lee@example.org", profession="link-worker", org="Riverside PCN")
    lee = app.test_client()
    sign_in(lee, "lee@example.org")
    with app.app_context():
        module = catalogue().modules[0]
        code = next(c for c in module.competency_codes if c.startswith("SPLW-"))
    ask(app, lee, code, "sue@example.org")
    pages["my-learning-supervisor-waiting"] = sue.get("/modules/").text
    pages["home-supervisor"] = sue.get("/").text
    assert "1 request is waiting for you." in pages["my-learning-supervisor-waiting"]
    assert "Requests to confirm practice" in pages["home-supervisor"]
    assert nu_errors(pages, tmp_path) == []


def test_each_person_is_told_only_of_the_requests_waiting_for_them(app, pair, make_user):
    # Lee asks Sue twice. Kim, another supervisor there, has none waiting for her; Lee, who
    # asked, and Pat, no supervisor, are told of no one's requests as if they were theirs.
    sue, pat = pair
    make_user(email="kim@example.org", org="Riverside PCN")
    name_supervisor(app, "kim@example.org")
    make_user(email="lee@example.org", profession="link-worker", org="Riverside PCN")
    kim, lee = app.test_client(), app.test_client()
    sign_in(kim, "kim@example.org")
    sign_in(lee, "lee@example.org")
    with app.app_context():
        module = catalogue().modules[0]
        codes = [c for c in module.competency_codes if c.startswith("SPLW-")][:2]
    finish_screens(app, "lee@example.org", module)
    for code in codes:
        ask(app, lee, code, "sue@example.org")
    assert "2 requests are waiting for you." in sue.get("/modules/").text
    assert "2 waiting for you." in sue.get("/my/competencies").text
    assert "No requests are waiting for you." in kim.get("/modules/").text
    assert (
        "Requests to confirm practice</a>: none waiting for you."
        in kim.get("/my/competencies").text
    )
    for client in (lee, pat):
        for path in ("/modules/", "/my/competencies"):
            page = client.get(path).text
            assert "waiting for you" not in page and "/supervise/" not in page, path
