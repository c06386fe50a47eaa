"""Withdrawing an assignment asks first; a second or stale withdrawal says it was already
withdrawn and changes nothing; another manager's assignment is not found."""

from datetime import date, timedelta

from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import AuditEvent, User
from app.models_assignments import Assignment, AssignmentWithdrawal
from app.models_teams import Team
from app.services import assignments, teams
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.test_quiz_concurrency import at_once, tab

URL = "/manage/assignments"
CONFIRMED = {"confirmed": "yes"}  # sent by the confirmation page
DUE = date.today() + timedelta(days=45)


def _assign(app, slug_place: int = 0, **target) -> int:
    """Assign a module in the PCN (to everyone unless told); return the assignment's id."""
    with app.app_context():
        session = db.session()
        org = session.scalar(select(User.organisation_id).where(User.email == "lead@example.org"))
        slug = catalogue().modules[slug_place].slug
        asked = assignments.Request((slug,), DUE, **target)
        assignments.assign(teams.Scope(org), None, asked, catalogue())
        return session.scalar(select(func.max(Assignment.id)))


def _team(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == name))


def _withdrawals(app) -> tuple[int, int, int]:
    """Return (assignments, withdrawals kept, withdrawal audit events)."""
    with app.app_context():
        session = db.session()
        return (
            session.scalar(select(func.count(Assignment.id))),
            session.scalar(select(func.count(AssignmentWithdrawal.assignment_id))),
            session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.kind == "assignment.withdrawn")
            ),
        )


def test_withdrawing_asks_first_and_a_second_withdrawal_changes_nothing(app, client, pcn):
    elm = _team(app, "Elm Practice")
    assignment = _assign(app, team_id=elm)
    sign_in(client, "pm@example.org")
    listed = client.get(URL).text
    confirm = f"{URL}/{assignment}/withdraw"
    assert f'href="{confirm}"' in listed  # a link to the question, not a button that acts
    page = client.get(confirm)
    assert page.status_code == 200
    assert "Withdraw this assignment?" in page.text and "Elm Practice" in page.text
    assert "learning they completed stays complete" in page.text
    assert f'href="{URL}"' in page.text and ">Cancel<" in page.text
    assert _withdrawals(app) == (1, 0, 0)  # asking changes nothing
    done = post_form(client, confirm, CONFIRMED)
    assert done.status_code == 302 and done.location.endswith(URL)
    assert "has been withdrawn" in client.get(URL).text
    assert _withdrawals(app) == (0, 1, 1)
    # The same form again (a double click, the back button), then the question again.
    again = post_form(client, confirm, CONFIRMED, page=URL)
    assert again.status_code == 302
    shown = client.get(URL).text
    assert "was already withdrawn on" in shown and "nothing was changed" in shown
    asked = client.get(confirm)
    assert asked.status_code == 302 and "was already withdrawn" in client.get(URL).text
    assert _withdrawals(app) == (0, 1, 1)
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "assignment.withdrawn")
        )
        kept = db.session().get(AssignmentWithdrawal, assignment)
    assert event.detail["assignment"] == assignment and event.detail["target"] == f"team:{elm}"
    assert (kept.module_slug, kept.due_on, kept.team_id) == (event.detail["module"], DUE, elm)


def test_an_assignment_the_manager_may_not_withdraw_is_not_found_before_or_after(
    app, client, pcn, make_user
):
    make_user(email="hill@example.org", role="manager", org="Hillside PCN")
    everyone = _assign(app, 1)
    oak = _assign(app, 2, team_id=_team(app, "Oak Practice"))
    sign_in(client, "pm@example.org")  # confined to Elm Practice
    for assignment in (everyone, oak, 999999):
        url = f"{URL}/{assignment}/withdraw"
        assert client.get(url).status_code == 404, assignment
        assert post_form(client, url, CONFIRMED, page=URL).status_code == 404, assignment
    other = app.test_client()
    sign_in(other, "hill@example.org")
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    assert post_form(lead, f"{URL}/{oak}/withdraw", CONFIRMED, page=URL).status_code == 302
    for assignment in (everyone, oak):  # standing or withdrawn: another organisation's
        url = f"{URL}/{assignment}/withdraw"
        assert other.get(url).status_code == 404, assignment
        assert post_form(other, url, CONFIRMED, page=URL).status_code == 404, assignment
    assert _withdrawals(app) == (1, 1, 1)


def test_an_id_is_never_given_again_so_a_stale_form_cannot_reach_a_new_assignment(app, client, pcn):
    first = _assign(app, 0)
    sign_in(client, "lead@example.org")
    assert post_form(client, f"{URL}/{first}/withdraw", CONFIRMED, page=URL).status_code == 302
    again = _assign(app, 0)  # the same module for everyone, assigned once more
    assert again != first
    stale = post_form(client, f"{URL}/{first}/withdraw", CONFIRMED, page=URL)
    assert stale.status_code == 302
    assert "was already withdrawn" in client.get(URL).text
    assert _withdrawals(app) == (1, 1, 1)


def test_two_withdrawals_at_once_withdraw_once(app, client, pcn):
    assignment = _assign(app, 0)
    sign_in(client, "lead@example.org")
    url = f"{URL}/{assignment}/withdraw"
    data = {"csrf_token": csrf_token(client, url), **CONFIRMED}
    sends = []
    for _ in range(4):
        other = tab(app, client)
        sends.append(lambda t=other: t.post(url, data=data).status_code)
    assert at_once(sends) == [302] * 4
    assert _withdrawals(app) == (0, 1, 1)


def test_a_withdraw_form_from_before_the_question_asks_it(app, client, pcn):
    assignment = _assign(app, 0)
    sign_in(client, "lead@example.org")
    url = f"{URL}/{assignment}/withdraw"
    sent = post_form(client, url, {}, page=URL)  # the button the list page used to have
    assert sent.status_code == 302 and sent.location.endswith(url)
    assert _withdrawals(app) == (1, 0, 0)
