"""Naming a supervisor, and no longer naming one, is confirmed first, as making a manager is.

The flow: the learner page's "Name as a supervisor" (or "Stop naming as a supervisor") is a
link to a question, GET /manage/learners/<id>/supervisor?named=yes (or no), that says what
the change means and, for naming, where the person stands (modules completed, competency
counts) as facts; nothing changes on reading it. Its form POSTs to the same address with
`confirmed=yes` and the CSRF token, and the change is made in one transaction, audited once
(services/supervisors.set_supervisor). A POST without `confirmed` (the one-click form of a
learner page opened before the question) changes nothing and is sent to the question.
"""

import re

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain.dates import day, uk_today
from app.models import AuditEvent
from app.models_practice import ConfirmationRequest, Supervisor
from tests.conftest import post_form, sign_in
from tests.web.journeys import pass_module, user_id
from tests.web.pcn import ORG, pcn  # noqa: F401  (a fixture)
from tests.web.test_double_submits import _at_once
from tests.web.test_html_valid import nu_errors
from tests.web.test_practice import (  # noqa: F401  (people is a fixture)
    ask,
    decide,
    name_supervisor,
    people,
    the_request,
)


def _audited(app, kind: str, subject: int) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.kind == kind, AuditEvent.subject_id == subject
            )
        )


def _supervisors(app, person: int) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count()).select_from(Supervisor).where(Supervisor.user_id == person)
        )


def _plain(html: str) -> str:
    """The page's text, its tags and runs of white space each said as one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def lead(app, client, pcn):  # noqa: F811
    sign_in(client, "lead@example.org")
    return client


def test_the_learner_page_links_to_the_question_and_reading_it_changes_nothing(app, lead, pcn):  # noqa: F811
    ben = pcn["ben"]
    page = lead.get(f"/manage/learners/{ben}").text
    question = f"/manage/learners/{ben}/supervisor?named=yes"
    assert f'href="{question}"' in page and ">Name as a supervisor<" in page
    assert f'action="/manage/learners/{ben}/supervisor"' not in page  # no one-click form
    shown = lead.get(question)
    assert shown.status_code == 200
    text = _plain(shown.text)
    assert "Name Ben Oak as a supervisor?" in text
    assert f"learners of {ORG} can ask them to confirm their practice in a competency" in text
    assert f"they confirm practice only for learners who ask them, and only in {ORG}" in text
    assert "the change is kept in the audit log" in text
    assert 'name="confirmed" value="yes"' in shown.text and 'name="csrf_token"' in shown.text
    assert f'href="/manage/learners/{ben}#supervisor"' in shown.text  # back and cancel
    assert _supervisors(app, ben) == 0 and _audited(app, "supervisor.named", ben) == 0


def test_the_question_says_where_the_person_stands_as_facts_only(app, lead, pcn):  # noqa: F811
    ben = pcn["ben"]
    with app.app_context():
        modules = catalogue().modules
        framework = catalogue().framework_for("practice-nurse").title
    fresh = _plain(lead.get(f"/manage/learners/{ben}/supervisor?named=yes").text)
    assert f"Modules completed 0 of {len(modules)} Ben Oak has not started a module." in fresh
    counts = re.search(
        re.escape(framework) + r" (\d+) of (\d+) met knowledge rated secure in (\d+) of (\d+) "
        r"practice confirmed by a supervisor in (\d+) of (\d+)",
        fresh,
    )
    assert counts, fresh
    total = counts[2]
    assert int(total) > 0 and counts.groups() == ("0", total, "0", total, "0", total)
    assert "They do not show whether Ben Oak can judge the practice of others" in fresh
    learner = app.test_client()
    sign_in(learner, "ben@example.org")
    module = next(m for m in modules if m.assessment)
    pass_module(app, learner, "ben@example.org", module)
    passed = _plain(lead.get(f"/manage/learners/{ben}/supervisor?named=yes").text)
    today = day(uk_today())  # completed just now
    assert f"Modules completed 1 of {len(modules)} {module.title} (completed on {today})" in passed
    assert "has not started a module" not in passed


def test_the_question_counts_practice_a_supervisor_confirmed(app, client, people, make_user):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    decide(sue, the_request(app), outcome="confirmed", comments="Seen.")
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    lee = user_id(app, "learner@example.org")
    text = _plain(client.get(f"/manage/learners/{lee}/supervisor?named=yes").text)
    assert re.search(r"practice confirmed by a supervisor in 1 of \d+", text), text


def test_the_one_click_form_from_before_the_question_names_no_one(app, lead, pcn):  # noqa: F811
    ben = pcn["ben"]
    page, url = f"/manage/learners/{ben}", f"/manage/learners/{ben}/supervisor"
    sent = post_form(lead, url, {"named": "yes"}, page=page)
    assert sent.status_code == 302
    assert sent.location.endswith(f"{url}?named=yes")  # to the question
    assert _supervisors(app, ben) == 0 and _audited(app, "supervisor.named", ben) == 0


def test_confirming_names_them_once_and_a_second_click_changes_nothing(app, lead, pcn):  # noqa: F811
    ben = pcn["ben"]
    question, url = (
        f"/manage/learners/{ben}/supervisor?named=yes",
        f"/manage/learners/{ben}/supervisor",
    )
    form = {"named": "yes", "confirmed": "yes"}
    done = post_form(lead, url, form, page=question)
    assert done.status_code == 302 and done.location.endswith(f"/manage/learners/{ben}#supervisor")
    assert "Ben Oak is now a supervisor of your organisation." in lead.get(done.location).text
    assert _supervisors(app, ben) == 1 and _audited(app, "supervisor.named", ben) == 1
    # The same form again (a second click, a resend): nothing more, and said so.
    again = post_form(lead, url, form, page=f"/manage/learners/{ben}")
    assert again.status_code == 302
    shown = lead.get(again.location).text
    assert "Ben Oak is already a supervisor of your organisation: nothing was changed." in shown
    assert _supervisors(app, ben) == 1 and _audited(app, "supervisor.named", ben) == 1
    # The question again (the back button): it says so rather than asking.
    back = lead.get(question)
    assert back.status_code == 302 and back.location.endswith(f"/manage/learners/{ben}#supervisor")
    assert "Ben Oak is already a supervisor" in lead.get(back.location).text
    # Un-named, the banner names them too.
    stop = {"named": "no", "confirmed": "yes"}
    stopped = post_form(lead, url, stop, page=f"/manage/learners/{ben}/supervisor?named=no")
    shown = lead.get(stopped.location).text
    assert "Ben Oak is no longer a supervisor of your organisation." in shown
    assert "This person" not in shown and _supervisors(app, ben) == 0


def test_confirmations_sent_at_once_name_them_once(app, lead, pcn):  # noqa: F811
    ben = pcn["ben"]
    question, url = (
        f"/manage/learners/{ben}/supervisor?named=yes",
        f"/manage/learners/{ben}/supervisor",
    )
    codes = _at_once(app, lead, url, {"named": "yes", "confirmed": "yes"}, page=question, times=5)
    assert codes == [302] * 5, codes
    assert _supervisors(app, ben) == 1 and _audited(app, "supervisor.named", ben) == 1


def test_stopping_is_asked_first_then_closes_what_waits(app, client, people, make_user):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)  # waiting for Sue
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    sue = user_id(app, "sue@example.org")
    page, url = f"/manage/learners/{sue}", f"/manage/learners/{sue}/supervisor"
    question = f"{url}?named=no"
    assert f'href="{question}"' in client.get(page).text
    text = _plain(client.get(question).text)
    assert "Stop naming Sue Supervisor as a supervisor?" in text
    assert (
        "any request waiting for their decision closes undecided, and its learner can ask "
        "another supervisor"
    ) in text
    assert "the practice they have confirmed already stays confirmed" in text
    old = post_form(client, url, {"named": "no"}, page=page)  # the one-click form
    assert old.status_code == 302 and old.location.endswith(question)
    assert _supervisors(app, sue) == 1
    with app.app_context():
        waiting = db.session().get(ConfirmationRequest, the_request(app))
        assert waiting.supervisor_id == sue
    done = post_form(client, url, {"named": "no", "confirmed": "yes"}, page=question)
    assert done.status_code == 302
    assert "Sue Supervisor is no longer a supervisor" in client.get(done.location).text
    assert _supervisors(app, sue) == 0 and _audited(app, "supervisor.removed", sue) == 1
    again = post_form(client, url, {"named": "no", "confirmed": "yes"}, page=page)
    assert "Sue Supervisor is not a supervisor of your organisation: nothing was changed." in (
        client.get(again.location).text
    )
    assert _audited(app, "supervisor.removed", sue) == 1


def test_another_organisations_person_and_another_teams_are_not_found(app, lead, pcn, make_user):  # noqa: F811
    make_user(email="hal@example.org", org="Hillside PCN", full_name="Hal Hill")
    hal = user_id(app, "hal@example.org")
    name_supervisor(app, "hal@example.org")
    url = f"/manage/learners/{hal}/supervisor"
    page = f"/manage/learners/{pcn['ben']}"
    for named in ("yes", "no"):
        assert lead.get(f"{url}?named={named}").status_code == 404
        for form in ({"named": named}, {"named": named, "confirmed": "yes"}):
            assert post_form(lead, url, form, page=page).status_code == 404
    assert _supervisors(app, hal) == 1
    # A manager of Elm Practice only: Ben (Oak Practice) is not theirs to name.
    pm = app.test_client()
    sign_in(pm, "pm@example.org")
    ben = pcn["ben"]
    assert pm.get(f"/manage/learners/{ben}/supervisor?named=yes").status_code == 404
    sent = post_form(pm, f"/manage/learners/{ben}/supervisor",
                     {"named": "yes", "confirmed": "yes"}, page="/manage/")  # fmt: skip
    assert sent.status_code == 404 and _supervisors(app, ben) == 0


def test_the_question_pages_are_valid_html(app, lead, pcn, tmp_path, database_url):  # noqa: F811
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    ben = pcn["ben"]
    pages = {"name-supervisor": lead.get(f"/manage/learners/{ben}/supervisor?named=yes").text}
    pages["learner-not-supervisor"] = lead.get(f"/manage/learners/{ben}").text
    name_supervisor(app, "ben@example.org")
    pages["stop-supervisor"] = lead.get(f"/manage/learners/{ben}/supervisor?named=no").text
    pages["learner-supervisor"] = lead.get(f"/manage/learners/{ben}").text
    assert "Stop naming Ben Oak as a supervisor?" in pages["stop-supervisor"]
    assert nu_errors(pages, tmp_path) == []
