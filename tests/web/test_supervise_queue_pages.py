"""The supervisor's queue pages its decided requests, latest decision first, in one statement
however many there are; an address under /supervise/ that is not theirs (any more) answers
the app's own not-found page, with the way back to their queue while they supervise."""

import re
from datetime import timedelta

import lxml.html
from sqlalchemy import select

from app import db
from app.models import User, utcnow
from app.models_practice import ConfirmationDecision
from app.services.confirmations import DECIDED_PER_PAGE
from tests.web.confirmations import decided_request
from tests.web.statements import statements
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    name_supervisor,
    people,
    the_request,
    user_id,
)

NOT_FOUND = "Page not found"


def decided_already(
    app, count: int, start: int = 0, supervisor: str = "sue@example.org"
) -> list[int]:
    """Write `count` requests from Lee to Sue (or `supervisor`), each decided a day after the
    one before; return their ids, earliest decision first."""
    learner, sue = user_id(app, "learner@example.org"), user_id(app, supervisor)
    with app.app_context():
        session = db.session()
        organisation = session.scalar(select(User.organisation_id).where(User.id == learner))
        first = utcnow() - timedelta(days=1000)
        ids = []
        for n in range(start, start + count):
            asked = decided_request(
                session,
                user_id=learner,
                organisation_id=organisation,
                supervisor_id=sue,
                competency_code=CODE,
                # Asked in the opposite order to their decisions: the list goes by decision.
                requested_at=first - timedelta(days=n),
                outcome="confirmed" if n % 2 else "returned",
                decided_by=sue,
                decided_by_name="Sue Supervisor",
                decided_at=first + timedelta(days=n),
                competency_name=f"Decision {n:03}",
            )
            ids.append(asked.id)
        session.commit()
        return ids


def decided_shown(page: str) -> list[str]:
    """Return the competency name of each decided request listed, in order."""
    html = lxml.html.fromstring(page)
    [listed] = html.xpath('//h2[@id="decided"]/following-sibling::ul[1]')
    return [
        a.text_content().split(", ", 1)[1].removeprefix(CODE + " ")
        for a in listed.xpath("./li/a[1]")
    ]


def page_links(page: str) -> dict[str, str]:
    """Return the pagination's links under the decided list: their text and where they go."""
    html = lxml.html.fromstring(page)
    nav = html.xpath('//nav[@aria-label="Pages of decided requests"]')
    if not nav:
        return {}
    return {" ".join(a.text_content().split()): a.get("href") for a in nav[0].xpath(".//a")}


def test_decided_requests_are_paged_latest_decision_first(app, people):  # noqa: F811
    learner, sue, _ = people
    total = 2 * DECIDED_PER_PAGE + 3
    decided_already(app, total)
    ask(learner, app)  # one waiting: it heads every page
    names = [f"Decision {n:03}" for n in reversed(range(total))]  # latest decision first
    first = sue.get("/supervise/")
    assert first.status_code == 200
    assert decided_shown(first.text) == names[:DECIDED_PER_PAGE]
    assert f"{total} requests you decided, latest decision first: page 1 of 3." in first.text
    links = page_links(first.text)
    assert links["Next page"] == "/supervise/?page=2#decided"
    assert links["3"] == "/supervise/?page=3#decided" and "Previous" not in str(links)
    for number, shown in ((2, names[DECIDED_PER_PAGE : 2 * DECIDED_PER_PAGE]), (3, names[-3:])):
        page = sue.get(f"/supervise/?page={number}").text
        assert decided_shown(page) == shown
        title = lxml.html.fromstring(page).findtext(".//title")
        assert title.startswith(f"Requests to confirm practice (decided, page {number} of 3)")
        assert "Lee Learner<span" in page.split('id="decided"')[0]  # the waiting request
    # Previous and next from the middle page; none past the ends.
    middle = page_links(sue.get("/supervise/?page=2").text)
    assert middle["Previous page"] == "/supervise/?page=1#decided"
    assert middle["Next page"] == "/supervise/?page=3#decided"
    assert "Next" not in str(page_links(sue.get("/supervise/?page=3").text))
    # A page past the last shows the last; one that is not a number, the first.
    assert decided_shown(sue.get("/supervise/?page=99").text) == names[-3:]
    assert decided_shown(sue.get("/supervise/?page=99999999999999999999").text) == names[-3:]
    assert decided_shown(sue.get("/supervise/?page=two").text) == names[:DECIDED_PER_PAGE]


def test_one_page_of_decisions_has_no_pagination(app, people):  # noqa: F811
    _, sue, _ = people
    decided_already(app, DECIDED_PER_PAGE)
    page = sue.get("/supervise/").text
    assert len(decided_shown(page)) == DECIDED_PER_PAGE and page_links(page) == {}
    assert f"{DECIDED_PER_PAGE} requests you decided, latest decision first." in page


def test_the_queue_reads_in_two_statements_however_many_were_decided(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    counts = {}
    for decided in (1, 3 * DECIDED_PER_PAGE):
        already = len(decided_ids(app))
        decided_already(app, decided - already, start=already)
        pages = range(1, -(-decided // DECIDED_PER_PAGE) + 1)
        for path in (f"/supervise/?page={number}" for number in pages):
            with statements(app) as run:
                response = sue.get(path)
            assert response.status_code == 200 and len(decided_shown(response.text)) > 0
            counts[(decided, path)] = len(run)
    # The user, then the page (waiting, a page of decided and their count) in one statement.
    assert len(counts) == 4 and set(counts.values()) == {2}, counts
    # Only a page past the last reads again, for the last page.
    with statements(app) as run:
        assert sue.get("/supervise/?page=9").status_code == 200
    assert len(run) == 3


def decided_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session().scalars(select(ConfirmationDecision.request_id)))


def not_found_page(response) -> lxml.html.HtmlElement:
    assert response.status_code == 404
    html = lxml.html.fromstring(response.text)
    assert [" ".join(h.text_content().split()) for h in html.xpath("//h1")] == [NOT_FOUND]
    assert html.xpath('//header[contains(@class, "nhsuk-header")]')  # the app's own layout
    return html


def without_nonce(page: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", page)


def links_of(html) -> set[str]:
    return {a.get("href") for a in html.xpath("//main//a")}


def test_a_request_passed_to_another_supervisor_is_not_found_with_a_way_back(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app, supervisor="sam@example.org")
    theirs = the_request(app)
    shown = not_found_page(sue.get(f"/supervise/requests/{theirs}"))
    assert "/supervise/" in links_of(shown)
    assert "Go to your requests to confirm practice" in shown.text_content()
    # The same page, word for word, as for a request that never existed: nothing leaks.
    never = sue.get(f"/supervise/requests/{theirs + 999}")
    again = sue.get(f"/supervise/requests/{theirs}")
    assert never.status_code == 404 and without_nonce(never.text) == without_nonce(again.text)


def test_a_former_supervisor_finds_the_not_found_page_and_is_sent_home(app, people, client):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    assert sue.get(f"/supervise/requests/{request_id}").status_code == 200
    with app.app_context():
        from app.services import supervisors

        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), False, via="cli")
    for path in ("/supervise/", f"/supervise/requests/{request_id}"):
        shown = not_found_page(sue.get(path))
        assert "/supervise/" not in links_of(shown) and "/" in links_of(shown)
        assert "you are not a supervisor in your organisation" in shown.text_content()
    # Named again, the link works again: the 404 was about who asks, not what exists.
    name_supervisor(app, "sue@example.org")
    assert sue.get(f"/supervise/requests/{request_id}").status_code == 200


def test_a_not_found_answer_is_still_json_for_a_client_that_asks_for_it(app, people):  # noqa: F811
    _, sue, _ = people
    response = sue.get("/supervise/requests/999999", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json == {"error": "not found"}
