"""A learner who leaves their organisation (on their own, or removed by a manager) closes the
requests they left waiting there: audited, the request page says why and shows none of their
answers, a decision from a page opened before is refused, and decisions made before stand.
Both ways of leaving keep a leaver row, so the managers' list and the learner's export agree."""

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import AuditEvent, Organisation, User
from app.models_practice import ConfirmationClosure, ConfirmationDecision
from app.models_teams import Leaver
from app.services import data_rights, supervisors
from tests.conftest import post_form, sign_in
from tests.web.test_html_valid import nu_errors
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    decide,
    page_url,
    people,
    renewal_due,
    self_assess,
    the_request,
    user_id,
)
from tests.web.test_practice_erased_learner import ask_for
from tests.web.test_practice_record import csrf_on, seen_on
from tests.web.test_quiz_concurrency import at_once, tab

OTHER = "SPLW-1.5"
LEAVE = "/account/organisation/leave"


def _riverside(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(Organisation.id).where(Organisation.name == "Riverside PCN")
        )


def _leave(app, learner, how, make_user) -> None:
    """Take Lee out of Riverside PCN: by their own hand, or a manager's."""
    if how == "themselves":
        sent = post_form(learner, LEAVE, {"organisation": str(_riverside(app))})
    else:
        make_user(email="mo@example.org", role="manager", org="Riverside PCN")
        manager = app.test_client()
        sign_in(manager, "mo@example.org")
        lee = user_id(app, "learner@example.org")
        url = f"/manage/learners/{lee}/remove"
        sent = post_form(manager, url, {}, page=url)
    assert sent.status_code == 302, sent.status_code


def _closures(app) -> dict[int, str | None]:
    with app.app_context():
        rows = db.session().execute(
            select(ConfirmationClosure.request_id, ConfirmationClosure.reason)
        )
        return dict(rows.all())


@pytest.mark.parametrize("how", ["themselves", "manager"])
def test_leaving_closes_the_learners_waiting_requests_there(
    app,
    people,  # noqa: F811
    make_user,
    how,
    database_url,
    tmp_path,
):
    learner, sue, _ = people
    with app.app_context():
        module = catalogue().modules[0]
    pass_quiz(app, learner, "learner@example.org", module)
    self_assess(learner, "3", "after", "Reflection sent to Sue")
    ask(learner, app)
    confirmed = the_request(app)
    assert decide(sue, confirmed, outcome="confirmed", comments="Seen it").status_code == 302
    renewal_due(app)
    ask(learner, app)
    waiting = the_request(app)
    other = ask_for(learner, app, OTHER)
    old_page = sue.get(f"/supervise/requests/{waiting}").text
    assert 'name="outcome"' in old_page and "Answer given: " in old_page

    _leave(app, learner, how, make_user)

    assert "No requests are waiting for you." in sue.get("/supervise/").text
    assert _closures(app) == {waiting: "learner_left", other: "learner_left"}
    url = f"/supervise/requests/{waiting}"
    page = sue.get(url).text
    assert "undecided, when Lee Learner left Riverside PCN" in page
    # Their answers, rating and reflection are no longer the old organisation's to read.
    for private in ("Answer given: ", "Reflection sent to Sue", "Knowledge rating"):
        assert private not in page, private
    assert 'name="outcome"' not in page
    # A decision from the page opened before: refused plainly, nothing recorded.
    form = {"csrf_token": csrf_on(old_page), "seen": seen_on(old_page), "outcome": "confirmed"}
    sent = sue.post(url, data=form)
    assert sent.status_code == 302 and sent.location.endswith(url)
    assert "This request was closed before you decided; nothing was changed." in sue.get(url).text
    with app.app_context():
        session = db.session()
        decided = session.scalars(select(ConfirmationDecision.request_id)).all()
        audited = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.kind == "practice.closed")
        ).all()
    assert decided == [confirmed]  # the decision made before stands
    assert sorted(event["request"] for event in audited) == sorted([waiting, other])
    # The decision made before is still on the supervisor's list and its page.
    listed = sue.get("/supervise/").text.split("Decided", 1)[1]
    assert "SPLW-1.4 Working from strengths</a>: confirmed" in listed
    assert "Seen it" in sue.get(f"/supervise/requests/{confirmed}").text
    # The learner's own page says why it closed.
    mine = learner.get(f"/my/competencies/{CODE}").text
    assert "undecided: you left Riverside PCN" in mine
    if database_url.startswith("sqlite"):  # the markup is the same on both
        pages = {"closed": page, "learners-page": mine, "queue": sue.get("/supervise/").text}
        assert nu_errors(pages, tmp_path) == []


@pytest.mark.parametrize("how", ["themselves", "manager"])
def test_both_ways_of_leaving_keep_a_leaver_row_for_the_list_and_the_export(
    app,
    people,  # noqa: F811
    make_user,
    how,
    database_url,
    tmp_path,
):
    learner, _, _ = people
    _leave(app, learner, how, make_user)
    lee = user_id(app, "learner@example.org")
    with app.app_context():
        rows = db.session().execute(select(Leaver.user_id, Leaver.removed_by)).all()
        archive = data_rights.export_archive(lee, catalogue(), actor_id=lee)
    by = lee if how == "themselves" else user_id(app, "mo@example.org")
    assert rows == [(lee, by)]
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("linkwise-data.json"))
    assert [left["organisation"] for left in data["organisations_left"]] == ["Riverside PCN"]
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    teams_page = manager.get("/manage/teams").text
    assert teams_page.split("<h2>Leavers</h2>", 1)[1].count("Lee Learner") == 1
    if how == "themselves" and database_url.startswith("sqlite"):
        assert nu_errors({"teams": teams_page}, tmp_path) == []


def test_moving_to_another_organisation_leaves_the_first_as_a_leaver(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    waiting = the_request(app)
    with app.app_context():
        code = db.session().scalar(
            select(Organisation.join_code).where(Organisation.name == "Hillside PCN")
        )
    page = "/account/organisation"
    check = post_form(learner, page, {"join_code": code})  # the page saying what changes
    assert check.status_code == 200 and "Move to Hillside PCN?" in check.text
    confirmed = {"join_code": code, "leaving": str(_riverside(app))}
    assert post_form(learner, f"{page}/move", confirmed, page=page).status_code == 302
    with app.app_context():
        left = db.session().scalars(select(Leaver.organisation_id)).all()
    assert left == [_riverside(app)]
    assert (
        "undecided, when Lee Learner left Riverside PCN"
        in sue.get(f"/supervise/requests/{waiting}").text
    )
    assert _closures(app) == {waiting: "learner_left"}


def test_a_decision_and_a_leaving_at_once_never_both_stand(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    waiting = the_request(app)
    url = f"/supervise/requests/{waiting}"
    page = sue.get(url).text
    decision = {"csrf_token": csrf_on(page), "seen": seen_on(page), "outcome": "confirmed"}
    leave_token = csrf_on(learner.get(LEAVE).text)
    leaving = {"csrf_token": leave_token, "organisation": str(_riverside(app))}
    deciding, going = tab(app, sue), tab(app, learner)
    codes = at_once(
        [
            lambda: deciding.post(url, data=decision).status_code,
            lambda: going.post(LEAVE, data=leaving).status_code,
        ]
    )
    assert codes == [302, 302]
    with app.app_context():
        session = db.session()
        decided = session.scalar(select(func.count(ConfirmationDecision.id)))
        closed = session.scalar(select(func.count(ConfirmationClosure.request_id)))
    assert decided + closed == 1


def test_a_supervisor_who_leaves_is_not_one_again_on_rejoining(app, people):  # noqa: F811
    """Leaving ends being named a supervisor there (audited); rejoining by the code does
    not bring it back silently: naming them again is a manager's decision."""
    _, sue, _ = people
    riverside = _riverside(app)
    sue_id = user_id(app, "sue@example.org")
    assert post_form(sue, LEAVE, {"organisation": str(riverside)}).status_code == 302
    with app.app_context():
        code = db.session().scalar(
            select(Organisation.join_code).where(Organisation.id == riverside)
        )
    rejoin = {"join_code": code, "leaving": "none"}
    assert post_form(sue, "/account/organisation/move", rejoin).status_code == 302
    with app.app_context():
        session = db.session()
        assert session.scalar(select(Organisation.id).join(User).where(User.id == sue_id)) == (
            riverside
        )
        assert not supervisors.is_supervisor(sue_id)
        ended = session.scalars(
            select(AuditEvent).where(
                AuditEvent.kind == "supervisor.removed", AuditEvent.subject_id == sue_id
            )
        ).all()
        assert [event.detail.get("reason") for event in ended] == ["left the organisation"]
    # Nobody in Riverside can ask her: she is not among its supervisors.
    learner_page = app.test_client()
    sign_in(learner_page, "learner@example.org")
    shown = learner_page.get(page_url()).text
    assert "Sam Second" in shown
    assert "Sue Supervisor" not in shown
