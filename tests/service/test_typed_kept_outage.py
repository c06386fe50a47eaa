"""What a learner or a supervisor typed survives a database that only reads, or is down.

While the database only reads, a self-assessment, a decision or a certificate's reflective
account comes back as its own page, filled in as it was sent, with a banner saying it was
not saved (503, Retry-After), and is saved from that page once the database writes again.
While it is down, the 503 page shows the typed text to copy. The health check says the
database only reads, in one round trip.
Each test makes its own throwaway database read-only, never another.
"""

import lxml.html
import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import Certificate
from app.models_practice import ConfirmationDecision, SelfAssessment
from app.rate_limits import limiter
from app.services import account_admin
from tests.conftest import DEMO_PASSWORD, sign_in
from tests.nu_checker import nu_errors
from tests.service.postgres import (
    proxied_app,
    set_read_only,
    throwaway_database,
)
from tests.service.proxy import Proxy
from tests.service.served import answer
from tests.web.quiz_helpers import browser_form
from tests.web.statements import round_trips
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import ask, decide, name_supervisor, page_url, self_assess, the_request
from tests.web.test_typed_kept import boxes

LEARNER, SUPERVISOR = "learner@example.org", "sue@example.org"
REFLECTION = "\n".join(
    f"Visit {n}: I asked what mattered to her before suggesting a group." for n in range(1, 30)
)
COMMENTS = "You listened well and let her lead.\nKeep the follow-up call."
ACTION_PLAN = "Show me two referrals where the person chose the activity."


@pytest.fixture
def world(server, smtp_server):
    """An app behind a proxy on a database of its own: a request waiting for Sue's decision."""
    with throwaway_database(server) as url:
        proxy = Proxy(url.host, url.port or 5432)
        app = proxied_app(url, proxy, smtp_server.url)
        with app.app_context():
            account_admin.create_organisation("Riverside PCN")
            for email, name, profession in (
                (LEARNER, "Lee Learner", "link-worker"),
                (SUPERVISOR, "Sue Supervisor", "practice-nurse"),
            ):
                account_admin.create_user(
                    email=email,
                    full_name=name,
                    password=DEMO_PASSWORD,
                    profession=profession,
                    role="learner",
                    organisation_name="Riverside PCN",
                )
            module = catalogue().modules[0]
        name_supervisor(app, SUPERVISOR)
        learner, sue = app.test_client(), app.test_client()
        sign_in(learner, LEARNER)
        sign_in(sue, SUPERVISOR)
        pass_quiz(app, learner, LEARNER, module)
        assert self_assess(learner, "3", "after", "Asked first.").status_code == 302
        assert ask(learner, app).status_code == 302
        try:
            yield app, proxy, learner, sue, the_request(app)
        finally:
            proxy.restore()
            set_read_only(app, False)
            proxy.stop()
            for engine in ("linkwise.engine", "linkwise.health_engine"):
                app.extensions[engine].dispose()
            limiter.reset()


def counted(app, table) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(table.id)))


def sent_again(client, page: str, action: str):
    """Send the form at `action` on the page as it stands: its hidden fields, text, choices."""
    form = lxml.html.fromstring(page).xpath(f'//form[@action="{action}"]')[0]
    return client.post(action, data=dict(form.form_values()))


def test_a_self_assessment_sent_while_the_database_only_reads_comes_back_filled_in(world, tmp_path):
    app, proxy, learner, sue, request_id = world
    before = counted(app, SelfAssessment)
    action = f"{page_url()}/self-assessment"
    set_read_only(app, True)
    try:
        sent = answer(lambda: self_assess(learner, "4", "after", REFLECTION))
    finally:
        set_read_only(app, False)
    assert sent.status_code == 503 and sent.headers["Retry-After"] == "30"
    assert sent.headers["Cache-Control"] == "no-store"
    assert "Your self-assessment has not been saved" in sent.text
    assert sent.text.count("Not saved: ") == 1  # in the title
    page = lxml.html.fromstring(sent.text)
    assert page.xpath('//textarea[@id="reflection"]')[0].text == REFLECTION
    assert page.xpath('//input[@name="confidence"][@checked]')[0].get("value") == "4"
    assert page.xpath('//input[@name="stage"][@checked]')[0].get("value") == "after"
    assert nu_errors({"self-assessment-not-saved": sent.text}, tmp_path) == []
    assert counted(app, SelfAssessment) == before  # nothing was written
    # Once the database writes again, the page as it came back saves it.
    assert sent_again(learner, sent.text, action).status_code == 302
    assert counted(app, SelfAssessment) == before + 1
    assert REFLECTION.splitlines()[-1] in learner.get(page_url()).text


def test_a_decision_sent_while_the_database_only_reads_comes_back_and_is_saved_after(
    world, tmp_path
):
    app, proxy, learner, sue, request_id = world
    url = f"/supervise/requests/{request_id}"
    set_read_only(app, True)
    try:
        sent = answer(
            lambda: decide(
                sue, request_id, outcome="returned", comments=COMMENTS, action_plan=ACTION_PLAN
            )
        )
    finally:
        set_read_only(app, False)
    assert sent.status_code == 503 and sent.headers["Retry-After"] == "30"
    assert "Your decision has not been saved" in sent.text
    page = lxml.html.fromstring(sent.text)
    assert page.xpath('//textarea[@id="comments"]')[0].text == COMMENTS
    assert page.xpath('//textarea[@id="action_plan"]')[0].text == ACTION_PLAN
    assert page.xpath('//input[@name="outcome"][@checked]')[0].get("value") == "returned"
    assert nu_errors({"decision-not-saved": sent.text}, tmp_path) == []
    assert counted(app, ConfirmationDecision) == 0
    saved = sent_again(sue, sent.text, url)
    assert saved.status_code == 302, saved.text
    with app.app_context():
        decision = db.session().scalars(select(ConfirmationDecision)).one()
    assert (decision.outcome, decision.comments, decision.action_plan) == (
        "returned",
        COMMENTS,
        ACTION_PLAN,
    )


def account_saved(app) -> dict:
    with app.app_context():
        return db.session().scalar(select(Certificate.reflective_account)) or {}


def test_a_reflective_account_sent_while_the_database_only_reads_comes_back_as_typed(
    world, tmp_path
):
    app, proxy, learner, sue, request_id = world
    with app.app_context():
        url = f"/modules/{catalogue().modules[0].slug}/certificate/"
    first = browser_form(learner.get(url).text, "reflection-form")
    first["activity"] = "Saved before."
    assert learner.post(url, data=first).status_code == 302
    # Two tabs drawn from the same account; the second saves two parts first.
    tab_a = browser_form(learner.get(url).text, "reflection-form")
    tab_b = browser_form(learner.get(url).text, "reflection-form")
    tab_b["learned"], tab_b["practice"] = "Learned, in tab B.", "Practice, in tab B."
    assert learner.post(url, data=tab_b).status_code == 302
    saved = account_saved(app)
    typed = {"activity": REFLECTION, "practice": "Practice, in tab A.", "code": COMMENTS}
    set_read_only(app, True)
    try:
        sent = answer(lambda: learner.post(url, data={**tab_a, **typed}))
    finally:
        set_read_only(app, False)
    assert sent.status_code == 503 and sent.headers["Retry-After"] == "30"
    assert sent.headers["Cache-Control"] == "no-store"
    assert "Your reflective account has not been saved" in sent.text
    assert sent.text.count("Not saved: ") == 1  # in the title
    page = lxml.html.fromstring(sent.text)
    shown = {box.get("name"): box.text or "" for box in page.xpath("//form//textarea")}
    assert shown == {"learned": "", **typed}  # every part as tab A sent it
    form = page.xpath('//form[@id="reflection-form"]')[0]
    hidden = {k: v for k, v in form.form_values() if k.startswith("shown-") or k == "certificate"}
    assert hidden == {k: v for k, v in tab_a.items() if k in hidden}  # as tab A was drawn
    assert nu_errors({"reflection-not-saved": sent.text}, tmp_path) == []
    assert account_saved(app) == saved  # nothing was written
    # Saved again from that page, tab A's changes go in; the part tab B changed since
    # tab A was drawn is not overwritten: both texts are shown, as from any stale tab.
    again = sent_again(learner, sent.text, url)
    assert again.status_code == 409
    assert "was changed in another tab or window" in again.text
    assert account_saved(app) == {
        "activity": REFLECTION,
        "learned": "Learned, in tab B.",
        "practice": "Practice, in tab B.",
        "code": COMMENTS,
    }


def test_forms_sent_while_the_database_is_down_show_what_was_typed_to_copy(world):
    app, proxy, learner, sue, request_id = world
    url = f"/supervise/requests/{request_id}"
    learner_page = learner.get(page_url()).text
    sue_page = sue.get(url).text
    proxy.cut()
    self_assessment = lxml.html.fromstring(learner_page).xpath(
        f'//form[@action="{page_url()}/self-assessment"]'
    )[0]
    decision = lxml.html.fromstring(sue_page).xpath(f'//form[@action="{url}"]')[0]
    typed = {"reflection": REFLECTION, "confidence": "4", "stage": "after"}
    reflected = answer(
        lambda: learner.post(
            f"{page_url()}/self-assessment", data={**dict(self_assessment.form_values()), **typed}
        )
    )
    decided = answer(
        lambda: sue.post(
            url,
            data={
                **dict(decision.form_values()),
                "outcome": "returned",
                "comments": COMMENTS,
                "action_plan": ACTION_PLAN,
            },
        )
    )
    for response in (reflected, decided):
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert "What you typed has not been saved" in response.text
    assert boxes(reflected.text) == {
        "Reflection or an example from your practice (optional)": REFLECTION
    }
    assert boxes(decided.text) == {
        "Comments (optional)": COMMENTS,
        "Action plan (needed if you return it)": ACTION_PLAN,
    }
    proxy.restore()
    assert counted(app, ConfirmationDecision) == 0


def test_the_health_check_says_the_database_only_reads_in_one_round_trip(world):
    app, proxy, learner, sue, request_id = world
    health = app.extensions["linkwise.health_engine"]
    client = app.test_client()
    set_read_only(app, True)
    health.dispose()  # a session keeps the default it started with
    try:
        for _ in range(2):  # the first opens the check's connection, the second reuses it
            with round_trips(health) as trips:
                checked = answer(lambda: client.get("/healthz"))
            assert checked.status_code == 200  # reads work: stay in the load balancer
            assert checked.json == {"status": "degraded", "database": "read-only"}
            assert len(trips) == 1, trips
        assert learner.get(page_url()).status_code == 200
    finally:
        set_read_only(app, False)
    health.dispose()
    assert client.get("/healthz").json == {"status": "ok", "database": "up"}
