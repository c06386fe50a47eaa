"""Practice confirmed by a supervisor: self-assessment, request, decision, history, records."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app import db
from app.content import catalogue
from app.models import AuditEvent, CompetencyLevel, User, utcnow
from app.models_practice import ConfirmationDecision, ConfirmationRequest, SelfAssessment
from app.services import supervisors
from tests.conftest import post_form, sign_in
from tests.web.statements import statements
from tests.web.test_my_competencies import pass_quiz

CODE = "SPLW-1.4"  # taught, and quizzed, by the first module


def user_id(app, email):
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.email == email))


def name_supervisor(app, email):
    with app.app_context():
        supervisors.set_supervisor(None, user_id(app, email), True, via="cli")


@pytest.fixture
def people(app, make_user):
    """A link worker and two supervisors in Riverside PCN, one supervisor in Hillside PCN."""
    make_user(email="learner@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Lee Learner")  # fmt: skip
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    make_user(email="sam@example.org", org="Riverside PCN", full_name="Sam Second")
    make_user(email="hal@example.org", org="Hillside PCN", full_name="Hal Hillside")
    for email in ("sue@example.org", "sam@example.org", "hal@example.org"):
        name_supervisor(app, email)
    learner, sue, hal = app.test_client(), app.test_client(), app.test_client()
    sign_in(learner, "learner@example.org")
    sign_in(sue, "sue@example.org")
    sign_in(hal, "hal@example.org")
    return learner, sue, hal


def page_url(code=CODE):
    return f"/my/competencies/{code}"


def self_assess(client, confidence, stage, reflection=""):
    return post_form(
        client,
        f"{page_url()}/self-assessment",
        {"confidence": confidence, "stage": stage, "reflection": reflection},
        page=page_url(),
    )


def ask(client, app, supervisor="sue@example.org"):
    return post_form(
        client,
        f"{page_url()}/request",
        {"supervisor": str(user_id(app, supervisor))},
        page=page_url(),
    )


def renewal_due(app, code=CODE, days=20):
    """Bring the learner's confirmations of `code` within their renewal window (their end
    `days` away), as time passing would: only then may they ask a supervisor again."""
    ends = utcnow() + timedelta(days=days)
    with app.app_context():
        session = db.session()
        asked = select(ConfirmationRequest.id).where(ConfirmationRequest.competency_code == code)
        session.execute(
            update(ConfirmationDecision)
            .where(ConfirmationDecision.request_id.in_(asked))
            .where(ConfirmationDecision.outcome == "confirmed")
            .values(valid_until=ends)
        )
        session.execute(
            update(CompetencyLevel)
            .where(CompetencyLevel.competency_code == code, CompetencyLevel.practice == "Confirmed")
            .values(practice_until=ends)
        )
        session.commit()


def the_request(app):
    with app.app_context():
        return (
            db.session()
            .scalars(select(ConfirmationRequest).order_by(ConfirmationRequest.id))
            .all()[-1]
            .id
        )


def decide(client, request_id, **form):
    """Decide as a supervisor would: on the page as shown, which the form sums up in `seen`."""
    url = f"/supervise/requests/{request_id}"
    shown = re.search(r'name="seen" value="([^"]*)"', client.get(url).text)
    return post_form(client, url, {"seen": shown.group(1) if shown else "", **form}, page=url)


def stored(app):
    with app.app_context():
        return db.session().scalar(
            select(CompetencyLevel).where(CompetencyLevel.competency_code == CODE)
        )


def test_confidence_before_and_after_is_kept_and_the_change_shown(app, people):
    learner, _, _ = people
    assert self_assess(learner, "2", "before").status_code == 302
    assert self_assess(learner, "4", "after", "I used it with Mrs B.").status_code == 302
    assert self_assess(learner, "4", "after", "I used it with Mrs B.").status_code == 302  # twice
    page = learner.get(page_url()).text
    assert "went from <strong>2 of 5</strong> before the module to <strong>4 of 5</strong>" in page
    assert "I used it with Mrs B." in page
    with app.app_context():
        assert db.session().scalar(select(func.count(SelfAssessment.id))) == 2
    assert stored(app).practice == "Self-assessed"


def test_bad_self_assessment_shows_the_nhs_error_pattern(people):
    learner, _, _ = people
    response = self_assess(learner, "9", "before")
    assert response.status_code == 400
    assert "There is a problem" in response.text and 'href="#confidence"' in response.text
    assert "Select how confident you are" in response.text
    assert self_assess(learner, "3", "").status_code == 400


def test_a_competency_of_another_framework_answers_404(people):
    learner, _, _ = people
    assert learner.get("/my/competencies/REF-1.1").status_code == 404
    assert learner.get("/my/competencies/NOPE-1.1").status_code == 404


def test_request_return_with_action_plan_then_confirm_keeps_every_decision(app, people, mailbox):
    learner, sue, _ = people
    with app.app_context():
        module = catalogue().modules[0]
    pass_quiz(app, learner, "learner@example.org", module)
    self_assess(learner, "3", "after", "Asked what matters first, then planned together.")
    assert ask(learner, app).status_code == 302
    assert ask(learner, app).status_code == 302  # a second click asks nothing more
    with app.app_context():
        assert db.session().scalar(select(func.count(ConfirmationRequest.id))) == 1
    assert stored(app).practice == "Awaiting confirmation"
    message = mailbox.last("sue@example.org")
    assert "Lee Learner asks you to confirm" in message["Subject"]
    request_id = the_request(app)
    assert f"/supervise/requests/{request_id}" in mailbox.body("sue@example.org")

    queue = sue.get("/supervise/").text
    assert "Lee Learner" in queue and CODE in queue
    view = sue.get(f"/supervise/requests/{request_id}").text
    assert "Asked what matters first, then planned together." in view
    assert "Question: " in view and "Answer given: " in view
    assert "3 of 5" in view

    missing_plan = decide(sue, request_id, outcome="returned", comments="Nearly.")
    assert missing_plan.status_code == 400
    assert "Enter an action plan for the learner to work on" in missing_plan.text
    assert decide(sue, request_id, outcome="returned", comments="Nearly.",
                  action_plan="Shadow a first meeting.").status_code == 302  # fmt: skip
    assert decide(sue, request_id, outcome="confirmed").status_code == 302  # another tab
    assert stored(app).practice == "Action plan"
    assert "returned your request" in mailbox.last("learner@example.org")["Subject"]
    profile = learner.get("/my/competencies").text
    assert "Updates from your supervisor" in profile and "returned your request" in profile

    ask(learner, app)
    second = the_request(app)
    assert second != request_id
    decide(sue, second, outcome="confirmed", comments="Seen in clinic on Tuesday.")
    row = stored(app)
    assert row.practice == "Confirmed" and row.met is (row.level == "Secure")
    assert "confirmed your practice" in mailbox.last("learner@example.org")["Subject"]
    page = learner.get(page_url()).text
    assert "Shadow a first meeting." in page and "Seen in clinic on Tuesday." in page
    with app.app_context():
        outcomes = (
            db.session()
            .scalars(select(ConfirmationDecision.outcome).order_by(ConfirmationDecision.id))
            .all()
        )
        kinds = set(db.session().scalars(select(AuditEvent.kind)))
    assert outcomes == ["returned", "confirmed"]
    assert {"practice.self_assessed", "practice.requested", "practice.returned",
            "practice.confirmed"} <= kinds  # fmt: skip

    pdf = learner.get(f"/my/competencies/confirmations/{second}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert sue.get(f"/my/competencies/confirmations/{second}.pdf").status_code == 200
    assert learner.get(f"/my/competencies/confirmations/{request_id}.pdf").status_code == 404


def test_another_organisations_request_answers_404(app, people):
    learner, sue, hal = people
    ask(learner, app)
    request_id = the_request(app)
    assert hal.get(f"/supervise/requests/{request_id}").status_code == 404
    assert decide(hal, request_id, outcome="confirmed").status_code == 404
    assert "Lee Learner" not in hal.get("/supervise/").text
    assert hal.get(f"/my/competencies/confirmations/{request_id}.pdf").status_code == 404
    # A learner cannot ask a supervisor of another organisation either.
    response = ask(learner, app, supervisor="hal@example.org")
    assert response.status_code == 400 and "Select the supervisor to ask" in response.text
    assert stored(app).practice == "Awaiting confirmation"


def test_people_who_are_not_supervisors_get_404(app, people):
    learner, _, _ = people
    assert learner.get("/supervise/").status_code == 404


def test_managers_name_supervisors_in_their_organisation_only(app, client, make_user, people):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    ours, theirs = user_id(app, "learner@example.org"), user_id(app, "hal@example.org")
    url = f"/manage/learners/{ours}/supervisor"
    page = f"/manage/learners/{ours}"
    confirmed = {"named": "yes", "confirmed": "yes"}  # the question's form
    assert post_form(client, url, confirmed, page=f"{url}?named=yes").status_code == 302
    with app.app_context():
        assert supervisors.is_supervisor(ours)
    stop = {"named": "no", "confirmed": "yes"}
    other = post_form(client, f"/manage/learners/{theirs}/supervisor", stop, page=page)
    assert other.status_code == 404
    with app.app_context():
        assert supervisors.is_supervisor(theirs)
        assert db.session().scalar(
            select(AuditEvent).where(
                AuditEvent.kind == "supervisor.named", AuditEvent.subject_id == ours
            )  # fmt: skip
        )


def test_a_manager_is_told_what_stopping_a_supervisor_does_before_doing_it(
    app, client, make_user, people
):
    # The button is the manager's act ("Stop being a supervisor" read as the manager's own),
    # and stopping closes the supervisor's waiting requests, so the page says so first.
    learner, _, _ = people
    ask(learner, app)  # waiting for Sue
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    sue = client.get(f"/manage/learners/{user_id(app, 'sue@example.org')}").text
    assert ">Stop naming as a supervisor<" in sue and "Stop being a supervisor" not in sue
    assert (
        "If you stop naming Sue Supervisor a supervisor, any request waiting for their "
        "decision closes undecided, and its learner can ask another supervisor."
    ) in sue
    lee = client.get(f"/manage/learners/{user_id(app, 'learner@example.org')}").text
    assert ">Name as a supervisor<" in lee and "If you stop naming" not in lee


def test_export_carries_the_practice_record_and_erasure_removes_its_free_text(app, people):
    from app.services import data_rights, erasure

    learner, sue, _ = people
    self_assess(learner, "3", "after", "Private reflection")
    ask(learner, app)
    decide(sue, the_request(app), outcome="returned", comments="About Lee", action_plan="Plan")
    lee = user_id(app, "learner@example.org")
    with app.app_context():
        archive = data_rights.export_archive(lee, catalogue(), actor_id=lee)
        data = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("linkwise-data.json"))
        practice = data["practice"]
        assert practice["self_assessments"][0]["reflection"] == "Private reflection"
        assert practice["confirmation_requests"][0]["action_plan"] == "Plan"
        erasure.erase(lee, actor_id=lee)
        assert db.session().scalar(select(SelfAssessment.reflection)) == ""
        decision = db.session().scalar(select(ConfirmationDecision))
        assert (decision.comments, decision.action_plan, decision.outcome) == ("", "", "returned")


def test_the_request_page_shows_what_was_sent_and_the_earlier_decisions(app, people):
    learner, sue, _ = people
    self_assess(learner, "2", "before", "Before: unsure.")
    self_assess(learner, "3", "after", "Sent with the first request.")
    ask(learner, app)
    first = the_request(app)
    decide(sue, first, outcome="returned", comments="Nearly.", action_plan="Shadow one.")
    self_assess(learner, "4", "after", "Sent with the second request.")
    ask(learner, app, supervisor="sam@example.org")
    second = the_request(app)
    sam = app.test_client()
    sign_in(sam, "sam@example.org")
    view = sam.get(f"/supervise/requests/{second}").text
    assert "Sent with the request: <strong>4 of 5, confident</strong> (after the module)" in view
    assert view.index("Before: unsure.") < view.index("Sent with the first request.")
    assert "Earlier requests" in view and '<p class="lw-prewrap" dir="auto">Shadow one.</p>' in view
    old = sue.get(f"/supervise/requests/{first}").text
    assert "Sent with the request: <strong>3 of 5, fairly confident</strong>" in old
    assert "Earlier requests" in old and "Asked Sam Second" in old  # the later one, waiting
    assert sue.get(f"/supervise/requests/{second}").status_code == 404  # not addressed to Sue


def test_a_supervisor_who_moves_organisation_no_longer_sees_its_requests(app, people):
    learner, sue, hal = people
    ask(learner, app)
    request_id = the_request(app)
    decide(sue, request_id, outcome="confirmed")
    pdf = f"/my/competencies/confirmations/{request_id}.pdf"
    assert sue.get(pdf).status_code == 200
    with app.app_context():
        session = db.session()
        moved = session.get(User, user_id(app, "sue@example.org"))
        moved.organisation_id = session.get(User, user_id(app, "hal@example.org")).organisation_id
        session.commit()
    assert sue.get("/supervise/").status_code == 404
    assert sue.get(f"/supervise/requests/{request_id}").status_code == 404
    assert sue.get(pdf).status_code == 404
    assert learner.get(pdf).status_code == 200
    page = learner.get(page_url()).text
    # Confirmed for years yet: no request to renew it is offered before renewal opens.
    assert "Sue Supervisor" in page and f'action="{page_url()}/request"' not in page
    # Whom the learner may ask (here, for another competency) no longer includes Sue.
    other = learner.get(page_url("SPLW-1.5")).text
    history, choices = other.split(f'action="{page_url("SPLW-1.5")}/request"')
    assert "Sue Supervisor" not in choices and "Sam Second" in choices


# Every practice page that only reads costs at most two statements: the signed-in user
# (who says whether they supervise), then what the page shows, in one statement.
TARGET = 2


def test_the_practice_pages_read_in_two_statements(app, people):
    learner, sue, hal = people
    with app.app_context():
        module = catalogue().modules[0]
    pass_quiz(app, learner, "learner@example.org", module)
    self_assess(learner, "2", "before", "Unsure.")
    self_assess(learner, "3", "after", "Asked what matters first.")
    ask(learner, app)
    returned = the_request(app)
    decide(sue, returned, outcome="returned", comments="Nearly.", action_plan="Shadow one.")
    ask(learner, app)
    request_id = the_request(app)
    decide(sue, request_id, outcome="confirmed", comments="Seen in clinic.")
    renewal_due(app)
    ask(learner, app)  # waiting: the queue and Sue's competencies page show it
    waiting = the_request(app)
    pdf = f"/my/competencies/confirmations/{request_id}.pdf"
    over = []
    for name, client, path, status in (
        ("learner's competency", learner, page_url(), 200),
        ("supervisor's queue", sue, "/supervise/", 200),
        ("supervisor's request", sue, f"/supervise/requests/{request_id}", 200),
        ("supervisor's waiting request", sue, f"/supervise/requests/{waiting}", 200),
        ("confirmation PDF (learner)", learner, pdf, 200),
        ("confirmation PDF (supervisor)", sue, pdf, 200),
        ("supervisor's competencies", sue, "/my/competencies", 200),
        ("another organisation's queue", hal, "/supervise/", 200),
        ("another organisation's request", hal, f"/supervise/requests/{request_id}", 404),
        ("another organisation's PDF", hal, pdf, 404),
        (
            "a returned request's PDF",
            learner,
            f"/my/competencies/confirmations/{returned}.pdf",
            404,
        ),  # fmt: skip
        ("a learner at the queue", learner, "/supervise/", 404),
    ):
        with statements(app) as run:
            response = client.get(path)
        assert response.status_code == status, (name, response.status_code)
        if len(run) > TARGET:
            over.append((name, len(run), [" ".join(s.split())[:150] for s in run]))
    assert not over, over
    assert "Requests to confirm practice</a>: 1 waiting for you" in sue.get("/my/competencies").text
