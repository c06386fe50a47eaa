"""A learner changes profession after a supervisor confirmed their practice: the confirmation
stays on their record, apart from the framework they are in now, and counts in none of it."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app import db
from app.content import catalogue
from app.models import User
from app.services.earlier_frameworks import earlier_frameworks
from app.services.retired_confirmations import Confirmation
from tests.conftest import post_form, sign_in
from tests.nu_checker import nu_errors
from tests.web.quiz_helpers import browser_form
from tests.web.test_practice import decide, name_supervisor, the_request, user_id
from tests.web.test_practice_record import ask

CODE = "REF-1.1"  # the referrer framework's: a GP's
GP = "gita@example.org"


@pytest.fixture(name="confirmed")
def gp_confirmed_then_link_worker(app, make_user):
    """A GP whose practice in CODE a supervisor confirmed, who then became a link worker;
    return her client, her manager's, the request's id and her id."""
    make_user(email=GP, profession="gp", org="Riverside PCN", full_name="Gita Patel")
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    name_supervisor(app, "sue@example.org")
    gita, sue, manager = app.test_client(), app.test_client(), app.test_client()
    for client, email in ((gita, GP), (sue, "sue@example.org"), (manager, "lead@example.org")):
        sign_in(client, email)
    assert ask(gita, app, code=CODE).status_code == 302
    request_id = the_request(app)
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    assert f'href="/my/competencies/{CODE}"' in gita.get("/my/competencies").text
    form = browser_form(gita.get("/account/details").text, "details-form")
    form["profession"] = "link-worker"
    assert gita.post("/account/details", data=form).status_code == 302
    return gita, manager, request_id, user_id(app, GP)


def earlier(page: str) -> str:
    """Return the profile's section of an earlier profession's confirmations ("" if none)."""
    if 'id="earlier-profession"' not in page:
        return ""
    return html.unescape(page.split('id="earlier-profession"', 1)[1].split("</ul>", 1)[0])


def titles(app) -> tuple[str, str]:
    """Return the referrer framework's title and the link worker framework's."""
    with app.app_context():
        course = catalogue()
        return course.framework("referrer").title, course.framework("splw").title


def test_a_confirmation_in_an_earlier_professions_framework_stays_on_the_learners_profile(
    app, confirmed, tmp_path
):
    gita, _, request_id, _ = confirmed
    referrer, splw = titles(app)
    mine = gita.get("/my/competencies").text
    # The framework she is in now comes first, its figures untouched by the confirmation.
    assert mine.index(splw) < mine.index('id="earlier-profession"')
    assert "You have <strong>0 of " in mine
    # Said near the top, where a long profile might hide it: listed apart, below.
    assert mine.index('href="#earlier-profession"') < mine.index("What the ratings mean")
    listed = earlier(mine)
    assert "From your earlier profession" in listed and referrer in listed
    assert f"does not count towards {splw}" in listed
    assert CODE in listed and "a supervisor confirmed your practice on" in listed
    pdf = f"/my/competencies/confirmations/{request_id}.pdf"
    assert f'href="{pdf}"' in listed and f'href="/my/competencies/{CODE}"' in listed
    assert gita.get(pdf).mimetype == "application/pdf"
    # The supervisor's update leads to the competency's page, as it did.
    assert f'href="/my/competencies/{CODE}#confirmation"' in mine
    assert nu_errors({"competencies": mine}, tmp_path) == []


def test_the_earlier_frameworks_competency_page_answers_and_says_it_does_not_count(
    app, confirmed, tmp_path
):
    gita, _, request_id, _ = confirmed
    referrer, splw = titles(app)
    page = gita.get(f"/my/competencies/{CODE}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Not in your current framework" in text
    assert f"This competency is in {referrer}" in text
    assert f"It does not count towards {splw}" in text
    assert "Confirmed</strong> by Sue Supervisor" in text
    assert f'href="/my/competencies/confirmations/{request_id}.pdf"' in text
    # Shown, not added to: no self-assessment or request is offered, nor taken.
    assert "/self-assessment" not in text and f"/my/competencies/{CODE}/request" not in text
    sent = {"confidence": "4", "stage": "after", "reflection": ""}
    refused = post_form(gita, f"/my/competencies/{CODE}/self-assessment", sent, page="/my/")
    assert refused.status_code == 404
    assert nu_errors({"competency": page.text}, tmp_path) == []


def test_another_frameworks_competency_with_nothing_of_the_learners_is_not_found(confirmed):
    gita, _, _, _ = confirmed
    assert gita.get("/my/competencies/REF-1.2").status_code == 404


def test_the_manager_sees_the_earlier_confirmation_apart_on_the_learners_page(
    app, confirmed, tmp_path
):
    _, manager, request_id, gita_id = confirmed
    referrer, splw = titles(app)
    page = manager.get(f"/manage/learners/{gita_id}").text
    listed = earlier(page)
    assert "From an earlier profession" in listed and referrer in listed
    assert CODE in listed and "a supervisor confirmed Gita Patel’s practice on" in listed
    assert f"does not count towards {splw}" in listed
    # The manager has no link to the learner's own pages or PDF.
    assert "/my/competencies" not in listed
    assert nu_errors({"learner": page}, tmp_path) == []


def test_an_earlier_frameworks_competency_taken_out_since_is_listed_by_its_decided_name(app):
    referrer, splw = titles(app)
    at = datetime(2026, 3, 2, tzinfo=UTC)
    with app.app_context():
        course = catalogue()
        found = earlier_frameworks(
            course.framework("splw"),
            [
                Confirmation(1, "REF-9.9", "Gone since", referrer, at),  # out of its framework
                Confirmation(2, "SPLW-9.9", "Gone too", splw, at),  # out of her own: apart
                Confirmation(3, "XYZ-1.1", None, None, at),  # framework not recorded: apart
                Confirmation(4, "SPLW-1.1", "Asking", splw, at),  # her own framework's
                Confirmation(5, CODE, "As decided", referrer, at),
                Confirmation(6, CODE, "As decided", referrer, at + timedelta(days=1)),
            ],
            course,
        )
        named_now = course.competency(CODE).name
    assert [f.title for f in found] == [referrer]
    shown = [
        (c.code, c.name, c.has_page, c.confirmation.request_id) for c in found[0].confirmations
    ]
    assert shown == [(CODE, named_now, True, 6), ("REF-9.9", "Gone since", False, 1)]


def test_a_request_left_waiting_by_a_change_of_profession_can_still_be_withdrawn(app, make_user):
    """A change of profession now closes such a request (test_profession_closes_requests.py);
    one left waiting by a change made before that rule can still be withdrawn."""
    make_user(email=GP, profession="gp", org="Riverside PCN", full_name="Gita Patel")
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    name_supervisor(app, "sue@example.org")
    gita = app.test_client()
    sign_in(gita, GP)
    assert ask(gita, app, code=CODE).status_code == 302
    request_id = the_request(app)
    with app.app_context():  # as a change of profession made before the rule left it
        db.session().execute(update(User).where(User.email == GP).values(profession="link-worker"))
        db.session().commit()
    url = f"/my/competencies/{CODE}"
    page = html.unescape(gita.get(url).text)
    assert "Not in your current framework" in page and "Waiting for a decision." in page
    withdraw = f"{url}/requests/{request_id}/withdraw"
    assert f'href="{withdraw}"' in page
    assert post_form(gita, withdraw, {"confirmed": "yes"}, page=withdraw).status_code == 302
    assert "Withdrawn</strong> by you" in gita.get(url).text
