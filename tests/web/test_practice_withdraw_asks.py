"""Withdrawing a request asks first, on a page of its own: what would be withdrawn, what
that changes, a button that withdraws and a way back. Reading it changes nothing; once the
request is withdrawn, decided or closed (the back button, another tab) it says so on the
competency page instead; another person's request is not found."""

import lxml.html

from tests.conftest import post_form
from tests.web.statements import statements
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    decide,
    page_url,
    people,
    the_request,
)
from tests.web.test_practice_withdraw import CONFIRMED, WITHDRAWN, closings, withdraw_url


def test_withdrawing_asks_first_and_says_what_it_changes(app, people):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    url = withdraw_url(request_id)
    competency = lxml.html.fromstring(learner.get(page_url()).text)
    # The competency page links to the question; it holds no form that withdraws.
    assert [a.get("href") for a in competency.xpath('//a[starts-with(., "Withdraw")]')] == [url]
    assert not competency.xpath(f'//form[@action="{url}"]')

    with statements(app) as run:
        asked = learner.get(url)
    assert asked.status_code == 200 and len(run) == 2  # the user, then the request
    html = lxml.html.fromstring(asked.text)
    assert html.findtext(".//h1") == "Withdraw this request?"
    rows = {
        row.findtext("dt"): " ".join(row.find("dd").text_content().split())
        for row in html.xpath('//dl[contains(@class, "nhsuk-summary-list")]/div')
    }
    assert rows["Supervisor asked"] == "Sue Supervisor"
    assert rows["Competency"].startswith(CODE + " ") and rows["Asked on"]
    warning = " ".join(
        html.xpath('//div[@class="nhsuk-warning-callout"]')[0].text_content().split()
    )
    assert "Sue Supervisor is no longer asked to confirm your practice" in warning
    assert "cannot be undone" in warning
    [form] = html.xpath(f'//form[@action="{url}"]')
    assert form.get("method") == "post"
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert fields["confirmed"] == "yes" and fields["csrf_token"]
    assert form.xpath('.//button[normalize-space()="Withdraw request"]')
    cancel = html.xpath('//a[starts-with(normalize-space(), "Cancel")]')
    assert [a.get("href") for a in cancel] == [f"{page_url()}#confirmation"]
    assert closings(app) == ([], 0)  # asking changed nothing

    withdrawn = learner.post(url, data={"csrf_token": fields["csrf_token"], **CONFIRMED})
    assert withdrawn.status_code == 302
    assert "Your request has been withdrawn" in learner.get(withdrawn.location).text
    assert closings(app) == ([(request_id, WITHDRAWN)], 1)


def test_the_back_button_and_a_second_tab_withdraw_once_and_never_show_an_error(app, people):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    url = withdraw_url(request_id)
    page = learner.get(url).text  # the question, open in two tabs
    token = lxml.html.fromstring(page).xpath('//input[@name="csrf_token"]')[0].get("value")
    for _ in range(2):  # the first withdraws; the second (a double click, or the other tab)
        sent = learner.post(url, data={"csrf_token": token, **CONFIRMED})
        assert sent.status_code == 302 and sent.location.endswith(f"{page_url()}#confirmation")
    assert "You had already withdrawn this request" in learner.get(page_url()).text
    # Back to the question: it is answered already, so the competency page says so.
    again = learner.get(url)
    assert again.status_code == 302 and again.location.endswith(f"{page_url()}#confirmation")
    assert "You had already withdrawn this request" in learner.get(again.location).text
    assert closings(app) == ([(request_id, WITHDRAWN)], 1)


def test_a_form_from_before_the_question_asks_it_and_changes_nothing(app, people):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    url = withdraw_url(request_id)
    sent = post_form(learner, url, {}, page=page_url())  # the old button, no confirmation
    assert sent.status_code == 302 and sent.location.endswith(url)
    assert closings(app) == ([], 0)


def test_a_request_decided_meanwhile_is_not_offered_for_withdrawal(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    decide(sue, request_id, outcome="confirmed")
    shown = learner.get(withdraw_url(request_id))
    assert shown.status_code == 302
    assert "their decision stands; nothing was withdrawn" in learner.get(shown.location).text
    assert closings(app) == ([], 0)


def test_another_persons_request_has_no_question_to_answer(app, people, make_user):  # noqa: F811
    learner, sue, hal = people
    ask(learner, app)
    request_id = the_request(app)
    for client in (sue, hal):  # its supervisor, another organisation's
        assert client.get(withdraw_url(request_id)).status_code == 404
    assert learner.get(withdraw_url(request_id, "SPLW-1.5")).status_code == 404
    assert learner.get(withdraw_url(request_id + 999)).status_code == 404
    assert closings(app) == ([], 0)
