"""Managers assign modules with due dates; learners see them on My learning, soonest first."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain import assignments as rules
from app.domain.dates import uk_today
from app.models_assignments import Assignment
from app.models_teams import Team
from app.services import assignment_standings, assignments
from tests.conftest import post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.journeys import pass_module

URL = "/manage/assignments"
CONFIRMED = {"confirmed": "yes"}  # sent by the confirmation page


def modules(app):
    with app.app_context():
        return catalogue().modules


def team_id(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == name))


def due_fields(day: date) -> dict:
    return {"due-day": str(day.day), "due-month": str(day.month), "due-year": str(day.year)}


def count_assignments(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Assignment.id)))


def test_a_double_submit_never_duplicates_an_assignment(app, client, pcn):
    sign_in(client, "pm@example.org")
    slugs = [m.slug for m in modules(app)[:2]]
    form = {
        "modules": slugs,
        "who": "team",
        "team": str(team_id(app, "Elm Practice")),
        **due_fields(date(2031, 1, 14)),
        "renew": "36",
    }
    first = post_form(client, URL, form)
    assert first.status_code == 302
    second = post_form(client, URL, form)
    assert second.status_code == 302
    assert count_assignments(app) == 2
    page = client.get(URL).text
    assert "2 were already assigned" in page
    assert "14 January 2031" in page and "Every 3 years" in page


def test_a_practice_manager_assigns_to_their_teams_only(app, client, pcn):
    sign_in(client, "pm@example.org")
    slug = modules(app)[0].slug
    for form in (
        {"who": "team", "team": str(team_id(app, "Oak Practice"))},
        {"who": "team", "team": "everyone"},  # the whole organisation
        {"who": "learners", "emails": "ben@example.org"},
    ):
        response = post_form(client, URL, {"modules": slug, **due_fields(date(2031, 1, 1)), **form})
        assert response.status_code == 400, form
        assert "There is a problem" in response.text
    assert count_assignments(app) == 0


def test_bad_input_is_named_in_an_error_summary(app, client, pcn):
    sign_in(client, "lead@example.org")
    response = post_form(
        client,
        URL,
        {"who": "team", "team": "everyone", "due-day": "31", "due-month": "2", "due-year": "2031"},
    )
    assert response.status_code == 400
    assert 'href="#modules"' in response.text and 'href="#due"' in response.text
    assert "Select at least one module" in response.text


def test_learners_see_their_assignments_in_due_order(app, client, pcn):
    sign_in(client, "lead@example.org")
    first, second = modules(app)[0], modules(app)[1]
    soon, later = uk_today() + timedelta(days=10), uk_today() + timedelta(days=400)
    post_form(
        client,
        URL,
        {
            "modules": second.slug,
            "who": "learners",
            "emails": "asha@example.org",
            **due_fields(soon),
        },
    )
    post_form(
        client,
        URL,
        {
            "modules": first.slug,
            "who": "team",
            "team": str(team_id(app, "Elm Practice")),
            **due_fields(later),
        },
    )
    post_form(
        client,
        URL,
        {
            "modules": first.slug,
            "who": "team",
            "team": "everyone",  # everyone in the organisation
            "profession": "pharmacist",
            **due_fields(soon),
        },
    )
    client.get("/sign-out")
    sign_in(client, "asha@example.org")
    page = client.get("/modules/").text
    assert "Assigned to you" in page
    assert page.index(second.title) < page.index(first.title)
    assert f"due {rules.day_in_words(soon, uk_today())}" in page
    assert "Due soon" in page
    # Ben (Oak Practice, a practice nurse) has none of these.
    client.get("/sign-out")
    sign_in(client, "ben@example.org")
    assert "Assigned to you" not in client.get("/modules/").text


def test_completing_the_module_completes_the_assignment(app, client, pcn):
    module = modules(app)[0]
    sign_in(client, "lead@example.org")
    post_form(
        client,
        URL,
        {
            "modules": module.slug,
            "who": "learners",
            "emails": "asha@example.org",
            "renew": "12",
            **due_fields(uk_today() + timedelta(days=5)),
        },
    )
    client.get("/sign-out")
    sign_in(client, "asha@example.org")
    pass_module(app, client, "asha@example.org", module)
    with app.app_context():
        asha = pcn["asha"]
        today = uk_today()
        [found] = assignment_standings.for_learner(asha, catalogue(), today)
        assert found.status == rules.COMPLETE and found.completed_on == today
        [later] = assignment_standings.for_learner(asha, catalogue(), today + timedelta(days=366))
        assert later.status == rules.EXPIRED
    assert "renew by" in client.get("/modules/").text


def test_a_framework_stands_for_its_modules_and_withdrawing_is_confined(app, client, pcn):
    from app.models import AuditEvent

    with app.app_context():
        framework = catalogue().frameworks[0]
        expected = assignments.expand_modules([f"framework:{framework.id}"], catalogue())
    assert expected
    sign_in(client, "lead@example.org")
    form = {"modules": f"framework:{framework.id}", "who": "team", "team": "everyone"}
    form |= due_fields(date(2031, 1, 1))
    assert post_form(client, URL, form).status_code == 302
    assert count_assignments(app) == len(expected)
    with app.app_context():
        first = db.session().scalar(select(Assignment.id).order_by(Assignment.id))
    client.get("/sign-out")
    sign_in(client, "pm@example.org")  # an organisation-wide assignment is not a team's
    assert post_form(client, f"{URL}/{first}/withdraw", CONFIRMED, page=URL).status_code == 404
    client.get("/sign-out")
    sign_in(client, "lead@example.org")
    assert post_form(client, f"{URL}/{first}/withdraw", CONFIRMED, page=URL).status_code == 302
    assert count_assignments(app) == len(expected) - 1
    with app.app_context():
        kinds = db.session().scalars(select(AuditEvent.kind)).all()
    assert "assignment.withdrawn" in kinds


def test_a_due_date_in_the_past_is_refused_and_today_is_not(app, client, pcn):
    sign_in(client, "lead@example.org")
    form = {"modules": modules(app)[0].slug, "who": "learners", "emails": "asha@example.org"}
    past = post_form(client, URL, {**form, **due_fields(uk_today() - timedelta(days=1))})
    assert past.status_code == 400
    assert "The date the learning is due must be today or in the future" in past.text
    assert 'href="#due"' in past.text
    assert count_assignments(app) == 0
    today = post_form(client, URL, {**form, **due_fields(uk_today())})
    assert today.status_code == 302 and count_assignments(app) == 1


def test_a_due_date_that_does_not_exist_is_called_not_a_real_date(app, client, pcn):
    """31 2 2027 was typed: the manager is told it is no real date, not to enter one."""
    sign_in(client, "lead@example.org")
    slug = modules(app)[0].slug
    form = {"modules": slug, "who": "team", "team": "everyone"}
    form |= {"due-day": "31", "due-month": "2", "due-year": "2027"}
    response = post_form(client, URL, form)
    assert response.status_code == 400
    message = "The date the learning is due must be a real date"
    assert summary_of(response).links == ["#due"]
    summary = response.text.split('class="nhsuk-error-summary', 1)[1].split("</div>", 1)[0]
    assert re.search(rf'href="#due"[^>]*>\s*{message}\s*</a>', summary)  # to the day field
    assert re.search(rf'id="due-error"[^>]*>.*Error:</span> {message}</span>', response.text)
    assert "Enter the date the learning is due" not in response.text
    assert count_assignments(app) == 0
