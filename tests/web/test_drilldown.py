"""The drill-down a manager reads: assignments, modules, attempts, certificates, CPD time."""

from datetime import date, timedelta

from sqlalchemy import update

from app import db
from app.content import catalogue
from app.models import Attempt, User
from tests.conftest import post_form, sign_in
from tests.web.journeys import pass_module
from tests.web.quiz_helpers import attempt_form
from tests.web.test_learn import answer_check, complete


def test_the_drill_down_speaks_to_the_manager_about_the_learner(app, client, pcn):
    with app.app_context():
        module, other = catalogue().modules[0], catalogue().modules[1]
    due = date.today() + timedelta(days=90)
    sign_in(client, "lead@example.org")
    post_form(
        client,
        "/manage/assignments",
        {
            "modules": [module.slug, other.slug],
            "who": "learners",
            "emails": "asha@example.org",
            "due-day": str(due.day),
            "due-month": str(due.month),
            "due-year": str(due.year),
        },
    )
    client.get("/sign-out")
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    code = pass_module(app, learner, "asha@example.org", module)
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    assert "Learning assigned to Asha Elm" in page and "Elm Practice" in page
    assert due.strftime("%-d %B %Y") in page  # the other module, still to do
    assert "Complete" in page and "To do" in page
    assert code and code in page  # the certificate
    assert "Passed" in page and "100%" in page
    assert "CPD time Asha Elm has completed" in page
    assert "Asha Elm’s answers" in page and "your answers" not in page
    assert "Remove Asha Elm from your organisation" in page


def test_the_drill_down_names_the_learner_by_their_whole_name(app, client, pcn):
    """A first word may be a title ("Dr"): the headings use the name as the learner gave it."""
    with app.app_context():
        db.session().execute(
            update(User).where(User.id == pcn["asha"]).values(full_name="Dr Zoë Smith")
        )
        db.session().execute(update(User).where(User.id == pcn["ben"]).values(full_name="  "))
        db.session().commit()
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    assert "Learning assigned to Dr Zoë Smith</h2>" in page
    assert "Dr Zoë Smith’s modules, certificates and CPD time</h2>" in page
    assert "Dr Zoë Smith’s quiz results</h2>" in page
    assert "Dr Zoë Smith’s answers" in page
    assert "Dr’s" not in page and "to Dr<" not in page and "to Dr." not in page
    blank = client.get(f"/manage/learners/{pcn['ben']}").text
    assert "<title>This learner: learning and competencies" in blank
    assert "Learning assigned to this learner</h2>" in blank
    assert "This learner’s quiz results</h2>" in blank and "the learner’s answers" in blank
    assert ">’s" not in blank and " ’s" not in blank and "to <" not in blank


def _quiz_results(page: str) -> str:
    return page.split('id="attempts"', 1)[1].split("<h2", 1)[0]


def test_quiz_results_are_the_module_quiz_attempts_not_the_knowledge_checks(app, client, pcn):
    """Knowledge checks answered wrongly are not quiz attempts "Passed" at 0%."""
    with app.app_context():
        module = catalogue().modules[0]
    checked = [screen for screen in module.screens if screen.knowledge_check]
    assert checked, "the first module has knowledge checks"
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    for screen in module.screens:
        if screen.knowledge_check:
            answer_check(learner, module, screen, right=False)
        complete(learner, module, screen)
    attempt_url = post_form(learner, f"/modules/{module.slug}/quiz/", {}).location
    with app.app_context():
        attempt = db.session().get(Attempt, int(attempt_url.rstrip("/").rsplit("/", 1)[1]))
        wrong = attempt_form(module.assessment, attempt.selection, right=False)
    assert post_form(learner, attempt_url, {**wrong, "action": "submit"}).status_code == 302
    pass_module(app, learner, "asha@example.org", module)
    sign_in(client, "lead@example.org")
    results = _quiz_results(client.get(f"/manage/learners/{pcn['asha']}").text)
    assert results.count(module.title) == 2  # the failed attempt and the pass, no more
    assert results.count(">Passed<") == 1 and results.count(">Not passed<") == 1
    assert results.count(">100%<") == 1 and results.count(">0%<") == 1  # the failed quiz
