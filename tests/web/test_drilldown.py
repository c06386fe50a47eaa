"""The drill-down a manager reads: assignments, modules, attempts, certificates, CPD time."""

from datetime import date, timedelta

from sqlalchemy import update

from app import db
from app.content import catalogue
from app.models import User
from tests.conftest import post_form, sign_in
from tests.web.journeys import pass_module


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
