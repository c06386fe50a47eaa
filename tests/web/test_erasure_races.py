"""Writes about a learner sent while their account is being erased do not outlast the erasure.

Each request reads the account before the erasure commits and comes to its write after:
it takes the learner's lock (which the erasure holds until it commits), finds the account
erased under it, and writes nothing (erased_meanwhile.py sets the race up every time).
"""

from sqlalchemy import func, select

from app import db
from app.models import (
    Answer,
    Attempt,
    AttemptGrant,
    AuditEvent,
    Certificate,
    CompetencyLevel,
    Evidence,
    User,
)
from app.models_credentials import Credential
from app.services import erasure, leavers
from tests.conftest import DEMO_PASSWORD, csrf_token, sign_in
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.erased_meanwhile import changed_meanwhile
from tests.web.meetings import writes_or_locks
from tests.web.quiz_helpers import attempt_form, set_answer
from tests.web.statements import statements
from tests.web.test_quiz import attempt_row, finish_screens, quiz_url, start
from tests.web.test_quiz_next_attempt import use_every_attempt, with_quiz
from tests.web.test_quiz_tabs import JSON, autosave, questions

LEARNER = "learner@example.org"


def user_id(app, email=LEARNER) -> int:
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.email == email))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where))


def erasing(app, email=LEARNER):
    """Return the erasure of the account, as the command line runs it."""
    who = user_id(app, email)
    return lambda: erasure.erase(who, actor_id=None, via="cli")


def responses_kept(app, url) -> list:
    with app.app_context():
        attempt = attempt_row(app, url).id
        answers = select(Answer.response).where(Answer.attempt_id == attempt)
        return [r["value"] for r in db.session().scalars(answers) if r["value"] is not None]


def autosave_form(client, question, answer, *, revision: int) -> dict:
    """Return what the page's JavaScript sends to save one answer (as test_quiz_tabs's
    autosave sends it), ready before the race starts."""
    form = set_answer({}, question, answer)
    data = {k: form.getlist(k) for k in form}
    data.update({question.marker_field: "1", "revision": str(revision)})
    data["csrf_token"] = csrf_token(client, "/account/")
    return data


def test_an_autosave_sent_during_the_erasure_keeps_no_answer(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    autosave(learner, url, q["t-number"], "8", 0)  # saved before: the erasure blanks it
    data = autosave_form(learner, q["t-number"], "20", revision=1)
    done, reply = changed_meanwhile(
        app, erasing(app), lambda: learner.post(url, data=data, headers=JSON)
    )
    assert done is True
    assert reply.status_code == 404, (reply.status_code, reply.text[:200])
    assert responses_kept(app, url) == []
    assert attempt_row(app, url).revision == 1  # nothing written after the erasure


def test_a_save_sent_during_the_erasure_keeps_no_answer(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    form = set_answer({}, q["t-single"], "a")
    data = {k: form.getlist(k) for k in form}
    data.update({q["t-single"].marker_field: "1", "revision": "0", "action": "save"})
    data["csrf_token"] = csrf_token(learner, url)
    done, reply = changed_meanwhile(app, erasing(app), lambda: learner.post(url, data=data))
    assert done is True and reply.status_code == 404
    assert responses_kept(app, url) == [] and count(app, Answer) == 0


def test_a_quiz_started_during_the_erasure_starts_no_attempt(app, learner, module):
    token = csrf_token(learner, quiz_url(module))
    done, reply = changed_meanwhile(
        app, erasing(app), lambda: learner.post(quiz_url(module), data={"csrf_token": token})
    )
    assert done is True
    assert reply.status_code == 302 and "/attempts/" not in reply.location, reply.location
    assert count(app, Attempt) == 0


def test_a_final_submit_during_the_erasure_grades_nothing(app, learner, module):
    url = start(learner, module)
    data = attempt_form(module.assessment, attempt_row(app, url).selection, right=True)
    data.update(action="submit", confirmed="yes", revision="0")
    data["csrf_token"] = csrf_token(learner, url)
    done, reply = changed_meanwhile(app, erasing(app), lambda: learner.post(url, data=data))
    assert done is True
    # PostgreSQL's sign-in read takes the lock: the learner is signed out; SQLite's lock
    # comes after it: the attempt is no one's any more.
    assert reply.status_code in (302, 404), reply.status_code
    assert reply.status_code == 404 or "/sign-in" in reply.location, reply.location
    assert attempt_row(app, url).status == "in-progress"
    for model in (Certificate, Credential, CompetencyLevel, Evidence):
        assert count(app, model) == 0, model
    assert responses_kept(app, url) == []


def grant_ready(app, client, module, course, make_user):
    """A learner of Riverside PCN with no attempt left, and their manager signed in: return
    the manager's client and the grant's form (token and all)."""
    module = with_quiz(app, course, module, attempts=1)
    make_user(org="Riverside PCN", full_name="Lee Learner")
    make_user(email="m@example.org", role="manager", org="Riverside PCN")
    finish_screens(app, LEARNER, module)
    sign_in(client, LEARNER)
    use_every_attempt(app, client, module)
    manager = app.test_client()
    sign_in(manager, "m@example.org")
    page = f"/manage/learners/{user_id(app)}"
    form = {"quiz_id": module.assessment.id, "reason": "Unwell on the day"}
    form["csrf_token"] = csrf_token(manager, page)
    return manager, page + "/extra-attempt", form


def test_an_extra_attempt_given_during_the_erasure_is_not_given(
    app, client, module, course, make_user
):
    manager, url, form = grant_ready(app, client, module, course, make_user)
    done, reply = changed_meanwhile(app, erasing(app), lambda: manager.post(url, data=form))
    assert done is True and reply.status_code == 404
    assert count(app, AttemptGrant) == 0
    assert count(app, AuditEvent, AuditEvent.email == LEARNER) == 0
    assert count(app, AuditEvent, AuditEvent.kind == "quiz.extra-attempt") == 0


def test_an_extra_attempt_given_as_the_learner_leaves_is_not_given(
    app, client, module, course, make_user
):
    manager, url, form = grant_ready(app, client, module, course, make_user)
    learner, organisation = user_id(app), user_id(app, "m@example.org")
    with app.app_context():
        organisation = db.session().get(User, organisation).organisation_id

    def leave():
        taken = leavers.leave_organisation(learner, organisation, actor_id=learner)
        db.session().commit()
        return taken

    taken, reply = changed_meanwhile(app, leave, lambda: manager.post(url, data=form))
    assert taken is not None and reply.status_code == 404
    assert count(app, AttemptGrant) == 0


def test_a_sign_in_during_the_erasure_signs_no_one_in_and_records_nothing(app, make_user):
    make_user()
    visitor = app.test_client()
    token = csrf_token(visitor, "/sign-in")
    data = {"csrf_token": token, "email": LEARNER, "password": DEMO_PASSWORD}
    done, reply = changed_meanwhile(
        app, erasing(app), lambda: visitor.post("/sign-in", data=data), comes_to=_signs_in
    )
    assert done is True
    assert reply.status_code == 401, (reply.status_code, reply.location)
    assert count(app, AuditEvent, AuditEvent.email == LEARNER) == 0
    assert count(app, AuditEvent, AuditEvent.kind == "sign_in.success") == 0
    with app.app_context():
        erased = db.session().scalars(select(User).where(User.erased_at.is_not(None))).one()
        assert erased.last_signed_in_at is None
    assert visitor.get("/account/").status_code == 302  # not signed in


def _signs_in(statement: str) -> bool:
    return "last_signed_in_at" in statement.lower()


def test_a_save_locks_the_learner_in_the_statement_that_locks_the_attempt(app, learner, module):
    url = start(learner, module)
    q = questions(app, module, url)
    autosave(learner, url, q["t-number"], "8", 0)
    data = autosave_form(learner, q["t-number"], "9", revision=1)
    with statements(app) as run:
        assert learner.post(url, data=data, headers=JSON).json["saved"] is True
    # The user, the attempt, its lock (with the learner's), the answers, the answer, the
    # revision: as many as before saves took the learner's lock.
    assert len(run) == 6, run
    locking = [s for s in run if writes_or_locks(s) and "revision" in s and "user_account" in s]
    assert len(locking) == 1 and "erased_at" in locking[0], run
