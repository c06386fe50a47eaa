"""The practice and standing pages are valid HTML (Nu HTML checker), in their states."""

import pytest

from tests.conftest import post_form, sign_in
from tests.web.test_html_valid import nu_errors
from tests.web.test_practice import (  # noqa: F401  (people is a fixture)
    CODE,
    ask,
    decide,
    people,
    renewal_due,
    self_assess,
    the_request,
    user_id,
)
from tests.web.test_practice_record import csrf_on, seen_on
from tests.web.test_supervise_queue_pages import DECIDED_PER_PAGE, decided_already


def test_practice_pages_are_valid_html(app, people, client, make_user, tmp_path, database_url):  # noqa: F811
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    learner, sue, _ = people
    url = f"/my/competencies/{CODE}"
    pages = {"practice-empty": learner.get(url).text}
    pages["practice-errors"] = self_assess(learner, "", "").text
    self_assess(learner, "2", "before", "Line one\nLine two <b>not bold</b>")
    self_assess(learner, "4", "after")
    ask(learner, app)
    pages["practice-waiting"] = learner.get(url).text
    request_id = the_request(app)
    pages["supervise-queue"] = sue.get("/supervise/").text
    pages["supervise-request"] = sue.get(f"/supervise/requests/{request_id}").text
    pages["supervise-request-errors"] = decide(sue, request_id, outcome="returned").text
    opened = sue.get(f"/supervise/requests/{request_id}").text
    self_assess(learner, "1", "after", "Later: <i>not</i> yet\non my own.")
    stale = {"csrf_token": csrf_on(opened), "seen": seen_on(opened), "outcome": "confirmed"}
    changed = sue.post(f"/supervise/requests/{request_id}", data=stale)
    assert changed.status_code == 409
    pages["supervise-request-changed"] = changed.text
    pages["supervise-request-later"] = sue.get(f"/supervise/requests/{request_id}").text
    assert "After the request</strong>" in pages["supervise-request-later"]
    assert "<i>not</i>" not in pages["supervise-request-later"]  # escaped, never markup
    decide(sue, request_id, outcome="returned", action_plan="Observe one meeting.")
    pages["supervise-queue-decided"] = sue.get("/supervise/").text
    pages["supervise-request-decided"] = sue.get(f"/supervise/requests/{request_id}").text
    ask(learner, app)
    decide(sue, the_request(app), outcome="confirmed", comments="Seen.")
    pages["practice-history"] = learner.get(url).text
    pages["my-competencies-updates"] = learner.get("/my/competencies").text
    pages["my-competencies-supervisor"] = sue.get("/my/competencies").text
    assert "<b>not bold</b>" not in pages["supervise-request"]  # escaped, never markup
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    for status in ("", "met", "due-soon", "expired", "awaiting"):
        pages[f"manage-{status or 'all'}"] = client.get(f"/manage/?status={status}").text
    pages["manage-referrer"] = client.get("/manage/?framework=referrer").text
    lee_id = user_id(app, "learner@example.org")
    pages["manage-learner-supervisor"] = client.get(f"/manage/learners/{lee_id}").text
    post_form(client, f"/manage/learners/{lee_id}/supervisor", {"named": "yes", "confirmed": "yes"},
              page=f"/manage/learners/{lee_id}/supervisor?named=yes")  # fmt: skip
    renewal_due(app)  # confirmed above: asking again waits until renewal is due
    ask(learner, app)  # to Sue, who stops being a supervisor before she decides
    waiting = f"/supervise/requests/{the_request(app)}"
    shown = sue.get(waiting).text
    form = {"csrf_token": csrf_on(shown), "seen": seen_on(shown)}
    sue_id = user_id(app, "sue@example.org")
    post_form(client, f"/manage/learners/{sue_id}/supervisor", {"confirmed": "yes"},
              page=f"/manage/learners/{sue_id}/supervisor?named=no")  # fmt: skip
    pages["supervise-no-longer"] = sue.post(waiting, data={**form, "outcome": "confirmed"}).text
    pages["supervise-not-found-former"] = sue.get(waiting).text  # no longer a supervisor
    again = {**form, "outcome": "returned", "action_plan": "Again."}  # a late second click
    late = sue.post(f"/supervise/requests/{request_id}", data=again)
    assert late.status_code == 409 and "You had already decided this request" in late.text
    pages["supervise-no-longer-decided"] = late.text
    assert "you are not a supervisor in your organisation" in pages["supervise-not-found-former"]
    assert "Your decision was not recorded" in pages["supervise-no-longer"]
    ask(learner, app, supervisor="sam@example.org")  # then withdrawn by the learner
    withdrawn = the_request(app)
    assert "Withdraw this request" in learner.get(url).text
    confirm = f"{url}/requests/{withdrawn}/withdraw"
    pages["practice-withdraw-confirm"] = learner.get(confirm).text
    assert "Withdraw this request?" in pages["practice-withdraw-confirm"]
    post_form(learner, confirm, {"confirmed": "yes"}, page=confirm)
    pages["practice-withdrawn"] = learner.get(url).text
    assert "Withdrawn</strong> by you" in pages["practice-withdrawn"]
    sam = app.test_client()
    sign_in(sam, "sam@example.org")
    pages["supervise-request-withdrawn"] = sam.get(f"/supervise/requests/{withdrawn}").text
    pages["supervise-not-found"] = sam.get(f"/supervise/requests/{withdrawn + 999}").text
    assert "Go to your requests to confirm practice" in pages["supervise-not-found"]
    decided_already(app, 2 * DECIDED_PER_PAGE + 1, supervisor="sam@example.org")
    for number in (1, 2, 3):
        pages[f"supervise-queue-page-{number}"] = sam.get(f"/supervise/?page={number}").text
    assert 'aria-label="Pages of decided requests"' in pages["supervise-queue-page-2"]
    errors = nu_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
