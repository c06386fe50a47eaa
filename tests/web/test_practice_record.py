"""A decided request holds: later answers, new wording or a supervisor leaving change nothing."""

import re
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import Attempt, CompetencyLevel, User
from app.models_practice import (
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationRequest,
)
from app.services import erasure, supervisors
from tests.conftest import PROJECT_ROOT, post_form, sign_in
from tests.web import course_files
from tests.web.quiz_helpers import attempt_form
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    decide,
    page_url,
    people,
    renewal_due,
    self_assess,
    the_request,
    user_id,
)
from tests.web.test_quiz import finish_screens

# Quizzed by the first module with enough different questions that one attempt wrong, then one
# right, always moves its rating (SPLW-1.4's pool may draw the same two questions twice).
RATED = "SPLW-6.1"


def ask(client, app, supervisor="sue@example.org", code=CODE):
    url = page_url(code)
    return post_form(
        client, f"{url}/request", {"supervisor": str(user_id(app, supervisor))}, page=url
    )


def stored(app, code=CODE):
    with app.app_context():
        return db.session().scalar(
            select(CompetencyLevel).where(CompetencyLevel.competency_code == code)
        )


def module(app):
    with app.app_context():
        return catalogue().modules[0]


def take_quiz(app, client, taken, *, right: bool):
    """Start an attempt of the module's quiz and submit every answer right, or every one wrong."""
    course_files_done(app, taken)
    url = post_form(client, f"/modules/{taken.slug}/quiz/", {}).location
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
    data = attempt_form(taken.assessment, attempt.selection, right=right)
    post_form(client, url, {**data, "action": "submit"})


def course_files_done(app, taken):
    finish_screens(app, "learner@example.org", taken)


def pdf_text(client, request_id) -> str:
    response = client.get(f"/my/competencies/confirmations/{request_id}.pdf")
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def after(text: str, label: str) -> str:
    """Return the words that follow a label in the PDF's text, up to the next label."""
    return text.split(label, 1)[1].split("Learner's own confidence", 1)[0].strip()


def answers_listed(page: str) -> int:
    return page.count("Answer given: ")


def test_a_confirmation_keeps_the_rating_and_answers_it_was_decided_on(app, people):  # noqa: F811
    learner, sue, _ = people
    taught = module(app)
    take_quiz(app, learner, taught, right=False)
    ask(learner, app, code=RATED)
    request_id = the_request(app)
    seen = sue.get(f"/supervise/requests/{request_id}").text
    level = stored(app, RATED).level
    assert f"Knowledge rating from quizzes: <strong>{level}</strong>" in seen
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    before = pdf_text(learner, request_id)
    assert after(before, "Knowledge rating from quizzes").startswith(level)

    take_quiz(app, learner, taught, right=True)
    assert stored(app, RATED).level != level  # the learner's rating now is another

    assert pdf_text(learner, request_id) == before
    assert pdf_text(sue, request_id) == before
    decided = sue.get(f"/supervise/requests/{request_id}").text
    assert f"Knowledge rating from quizzes: <strong>{level}</strong>" in decided
    assert answers_listed(decided) == answers_listed(seen) > 0
    # The learner's own page shows every answer, the later ones too.
    assert answers_listed(
        learner.get(page_url(RATED)).text.replace("Your answer", "Answer given")
    ) > (answers_listed(seen))


def test_a_decision_on_a_page_shown_before_newer_answers_is_refused(app, people):  # noqa: F811
    learner, sue, _ = people
    taught = module(app)
    take_quiz(app, learner, taught, right=False)
    ask(learner, app, code=RATED)
    request_id = the_request(app)
    url = f"/supervise/requests/{request_id}"
    shown = sue.get(url).text
    take_quiz(app, learner, taught, right=True)
    form = {"outcome": "confirmed", "seen": seen_on(shown)}
    refused = sue.post(url, data={"csrf_token": csrf_on(shown), **form})
    assert refused.status_code == 409
    assert "Since you opened this request, Lee Learner has new quiz answers" in refused.text
    assert "Your decision was not recorded" in refused.text
    with app.app_context():
        assert db.session().scalar(select(func.count(ConfirmationDecision.id))) == 0
    again = sue.get(url).text
    assert answers_listed(again) > answers_listed(shown)
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    assert answers_listed(sue.get(url).text) == answers_listed(again)


def seen_on(page: str) -> str:
    return re.search(r'name="seen" value="([^"]*)"', page).group(1)


def csrf_on(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)


@pytest.fixture
def own_competencies(app, tmp_path):
    """Serve a copy of the competency files that the test may edit."""
    folder = tmp_path / "competencies"
    shutil.copytree(PROJECT_ROOT / "competencies", folder)
    app.config["COMPETENCIES_DIR"] = folder
    course_files.reload(app)
    return folder


def test_a_confirmation_keeps_the_wording_it_was_confirmed_against(app, people, own_competencies):  # noqa: F811
    learner, sue, _ = people
    with app.app_context():
        old = catalogue().competency(CODE)
    ask(learner, app)
    request_id = the_request(app)
    decide(sue, request_id, outcome="confirmed")
    path = own_competencies / "splw.yaml"
    text = path.read_text("utf-8")
    first = text.index(old.statement.split()[0], text.index(f"code: {CODE}"))
    end = text.index("\n      - code:", first)
    path.write_text(text[:first] + "A new statement, written later." + text[end:], "utf-8")
    course_files.reload(app)
    with app.app_context():
        assert catalogue().competency(CODE).statement == "A new statement, written later."

    text = pdf_text(learner, request_id)
    assert " ".join(old.statement.split()) in text
    assert "A new statement, written later." in text
    assert "confirmed against an earlier wording" in text
    page = sue.get(f"/supervise/requests/{request_id}").text
    assert old.statement in page and "confirmed against an earlier wording" in page
    # A request decided after the change reads as it is, with no such note.
    renewal_due(app)
    ask(learner, app)
    later = the_request(app)
    decide(sue, later, outcome="confirmed")
    assert "earlier wording" not in pdf_text(learner, later)
    assert "earlier wording" not in sue.get(f"/supervise/requests/{later}").text


def flashed(response) -> str:
    return response.text


def test_a_request_to_a_supervisor_who_is_erased_can_be_asked_of_another(
    app,
    people,  # noqa: F811
    make_user,
    mailbox,
):
    learner, _, _ = people
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    self_assess(learner, "3", "after")
    ask(learner, app)
    first = the_request(app)
    assert stored(app).practice == "Awaiting confirmation"
    with app.app_context():
        erasure.erase(user_id(app, "sue@example.org"))

    assert stored(app).practice == "Self-assessed"
    assert "Lee Learner" not in manager.get("/manage/?framework=splw&status=awaiting").text
    page = learner.get(page_url()).text
    assert "Waiting for a decision" not in page
    # Said as what happened: the account was deleted, not that "Erased account" stopped.
    assert "undecided: the supervisor's account was deleted." in page
    assert "Asked a supervisor whose account has since been deleted" in page
    assert "Erased account" not in page and "stopped being a supervisor" not in page
    assert f'action="{page_url()}/request"' in page

    asked = ask(learner, app, supervisor="sam@example.org")
    assert asked.status_code == 302
    assert "Your supervisor has been asked" in learner.get(asked.location).text
    second = the_request(app)
    assert second != first
    assert stored(app).practice == "Awaiting confirmation"
    assert "Lee Learner asks you to confirm" in mailbox.last("sam@example.org")["Subject"]
    with app.app_context():
        assert db.session().get(ConfirmationClosure, first) is not None
        assert db.session().get(ConfirmationClosure, second) is None


def test_a_request_stranded_by_a_move_is_closed_when_the_learner_asks_another(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    first = the_request(app)
    with app.app_context():
        session = db.session()
        moved = session.get(User, user_id(app, "sue@example.org"))
        moved.organisation_id = session.get(User, user_id(app, "hal@example.org")).organisation_id
        session.commit()
    page = learner.get(page_url()).text
    assert "can no longer confirm practice" in page
    assert f'action="{page_url()}/request"' in page
    assert ask(learner, app, supervisor="sam@example.org").status_code == 302
    with app.app_context():
        assert db.session().get(ConfirmationClosure, first) is not None
        assert db.session().scalar(select(func.count(ConfirmationRequest.id))) == 2
    assert stored(app).practice == "Awaiting confirmation"


def test_a_supervisor_no_longer_named_has_their_waiting_requests_closed(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    with app.app_context():
        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), False, via="cli")
        assert db.session().get(ConfirmationClosure, request_id) is not None
    assert stored(app) is None  # nothing left to rate: as `recompute-levels` would leave it
    # Named again, they find the request closed: nothing to decide.
    with app.app_context():
        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), True, via="cli")
    assert "Lee Learner" not in sue.get("/supervise/").text.split("Decided")[0]
    page = sue.get(f"/supervise/requests/{request_id}").text
    assert "This request was closed" in page and 'name="outcome"' not in page
    assert "you had stopped being a supervisor here when it closed" in page
    # The learner reads why it closed, true now that Sue is one again and offered to them.
    mine = learner.get(page_url()).text
    history = mine.split('id="confirmation"', 1)[1].split("<form", 1)[0]
    assert (
        "undecided: Sue Supervisor had stopped being a supervisor at Riverside PCN when it closed."
        in history
    )
    assert "can no longer confirm" not in history and "Ask another" not in history
    assert f'value="{user_id(app, "sue@example.org")}"' in mine.split("<form", 2)[2]
    closed = decide(sue, request_id, outcome="confirmed")
    assert closed.status_code == 302
    with app.app_context():
        assert db.session().scalar(select(func.count(ConfirmationDecision.id))) == 0


def test_asking_while_a_request_waits_says_nothing_was_sent(app, people):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    again = ask(learner, app, supervisor="sam@example.org")
    assert again.status_code == 302
    shown = learner.get(again.location).text
    assert "Your supervisor has been asked" not in shown
    assert "nothing new was sent" in shown
    with app.app_context():
        assert db.session().scalar(select(func.count(ConfirmationRequest.id))) == 1


def test_the_record_of_a_supervisor_since_erased_names_no_one_and_says_so(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    named = pdf_text(learner, request_id)
    assert "Confirmed by Sue Supervisor" in named
    assert "The supervisor named above confirmed, through Linkwise" in named
    with app.app_context():
        erasure.erase(user_id(app, "sue@example.org"))
    record = pdf_text(learner, request_id)
    assert "Confirmed by A supervisor whose account has since been erased Confirmed on" in record
    assert (
        "A supervisor whose account has since been erased confirmed, through Linkwise, that "
        "they have seen the learner's practice" in record
    )
    assert "named above" not in record and "Erased account" not in record
