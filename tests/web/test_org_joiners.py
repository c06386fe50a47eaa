"""A new member of staff, or a learner who takes a new profession, has an assignment to
everyone in the organisation, or to that profession, from the day they came under it: not
overdue at once. Every way in or out of an organisation, and every change of profession,
dates it (User.organisation_joined_at, User.profession_since); a learner who joins by a
code is told what is assigned to them and by when."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain import assignments as rules
from app.domain import dates
from app.models import User
from app.models_assignments import Assignment
from app.services import account_admin, assignment_standings, profile
from tests.conftest import post_form, sign_in
from tests.web.pcn import ORG
from tests.web.test_organisation_join_check import CONFIRM, URL, _code
from tests.web.test_register import finish, register


@pytest.fixture
def overdue(app, pcn):
    """An assignment to everyone, set 40 days ago and due 10 days ago (30 days given), and
    one to pharmacists, set 20 days ago and due 5 days ago (15 days given)."""
    now, today = datetime.now(UTC), dates.uk_today()
    with app.app_context():
        session = db.session()
        org = session.scalar(select(User.organisation_id).where(User.email == "lead@example.org"))
        first, second = catalogue().modules[:2]
        for module, profession, set_days, due_days in (
            (first, None, 40, 10),
            (second, "pharmacist", 20, 5),
        ):
            session.add(
                Assignment(
                    organisation_id=org,
                    module_slug=module.slug,
                    target=f"profession:{profession}" if profession else "org",
                    profession=profession,
                    due_on=today - timedelta(days=due_days),
                    assigned_at=now - timedelta(days=set_days),
                )
            )
        session.commit()
    titles, slugs = (first.title, second.title), (first.slug, second.slug)
    return {"org": org, "titles": titles, "slugs": slugs, "today": today}


def _person(app, email: str) -> User:
    with app.app_context():
        session = db.session()
        person = session.scalar(select(User).where(User.email == email))
        session.expunge(person)
        return person


def _standings(app, email: str):
    with app.app_context():
        learner = _person(app, email).id
        found = assignment_standings.for_learner(learner, catalogue(), dates.uk_today())
        return {s.module_slug: (s.due_on, s.status) for s in found}


def test_registering_with_the_organisation_s_code_after_its_assignments_fell_due(
    app, client, mailbox, overdue
):
    today, (everyone, pharmacists) = overdue["today"], overdue["titles"]
    assert register(client, join_code=_code(app, ORG)).status_code == 200
    done = finish(client, mailbox)
    assert done.status_code == 302
    page = html.unescape(client.get(done.location).text)
    later, sooner = dates.day(today + timedelta(days=30)), dates.day(today + timedelta(days=15))
    assert (
        f"Your account has been created in {ORG}. Assigned to you: {pharmacists}, due by "
        f"{sooner}; {everyone}, due by {later}."
    ) in page
    person = _person(app, "priya.shah@example.org")
    assert person.organisation_joined_at is not None and person.profession_since is not None
    assert rules.OVERDUE not in {status for _, status in _standings(app, person.email).values()}


def test_a_learner_who_joins_by_a_code_is_told_their_own_dates(app, client, make_user, overdue):
    make_user(email="cara@example.org", full_name="Cara New")  # a practice nurse, in none
    assert _person(app, "cara@example.org").organisation_joined_at is None
    sign_in(client, "cara@example.org")
    post_form(client, URL, {"join_code": "ELM11111"})
    form = {"join_code": "ELM11111", "leaving": "none"}
    done = post_form(client, CONFIRM, form, page=URL, follow_redirects=True)
    later = dates.day(overdue["today"] + timedelta(days=30))
    assert (
        f"You have joined {ORG}, in the team Elm Practice. Assigned to you: "
        f"{overdue['titles'][0]}, due by {later}."
    ) in html.unescape(done.text)
    assert _person(app, "cara@example.org").organisation_joined_at is not None


def test_joining_where_nothing_is_assigned_says_so(app, client, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")
    sign_in(client, "cara@example.org")
    form = {"join_code": _code(app, ORG), "leaving": "none"}
    done = post_form(client, CONFIRM, form, page=URL, follow_redirects=True)
    assert f"You have joined {ORG}. Nothing is assigned to you there yet." in html.unescape(
        done.text
    )


def test_leaving_clears_the_day_joined_and_a_move_by_an_administrator_sets_it(app, overdue):
    asha = "asha@example.org"
    with app.app_context():
        db.session().get(User, _person(app, asha).id).organisation_joined_at = None
        db.session().commit()
        profile.leave_organisation(_person(app, asha).id, overdue["org"])
    assert _person(app, asha).organisation_joined_at is None
    with app.app_context():
        account_admin.set_role(asha, "learner", ORG)
    person = _person(app, asha)
    assert person.organisation_joined_at is not None
    first = overdue["slugs"][0]
    assert _standings(app, asha)[first][0] == overdue["today"] + timedelta(days=30)


def test_taking_a_profession_after_its_assignment_fell_due_gives_its_time_from_then(
    app, client, overdue
):
    ben = "ben@example.org"  # a practice nurse, there since before anything was assigned
    with app.app_context():
        person = db.session().get(User, _person(app, ben).id)
        person.organisation_joined_at = datetime.now(UTC) - timedelta(days=100)
        person.profession_since = datetime.now(UTC) - timedelta(days=100)
        db.session().commit()
    first, second = overdue["slugs"]
    assert _standings(app, ben)[first][1] == rules.OVERDUE  # there when it fell due
    since = _person(app, ben).profession_since
    with app.app_context():  # a change of name alone leaves the day as it was
        profile.update_details(
            _person(app, ben).id, full_name="Ben Oakes", profession="practice-nurse",
            registration_number="",
        )  # fmt: skip
    assert _person(app, ben).profession_since == since
    with app.app_context():
        profile.update_details(
            _person(app, ben).id, full_name="Ben Oakes", profession="pharmacist",
            registration_number="",
        )  # fmt: skip
    assert _person(app, ben).profession_since > since
    found = _standings(app, ben)
    assert found[second] == (overdue["today"] + timedelta(days=15), rules.DUE_SOON)
    assert found[first][1] == rules.OVERDUE  # everyone's: they were there when it fell due
    sign_in(client, "lead@example.org")  # the list says so, in words true of a profession too
    page = " ".join(html.unescape(client.get("/manage/assignments").text).split())
    pharmacists = page.partition("(Pharmacists)")[2].partition("</tr>")[0]
    assert "1 learner came under it after it was due and has a later date" in pharmacists
