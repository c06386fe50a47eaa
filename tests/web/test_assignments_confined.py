"""A manager confined to teams sees every assignment that binds their learners: those set by
the organisation too, marked as such and without a withdraw button, as the server enforces.
The page agrees with the compliance matrix; another organisation's assignments never show."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain import assignments as rules
from app.models import User
from app.models_assignments import Assignment
from app.models_teams import Team, TeamMember
from app.services import assignments, compliance, team_pages, teams
from tests.conftest import post_form, sign_in

URL = "/manage/assignments"
CONFIRMED = {"confirmed": "yes"}  # sent by the confirmation page
DAY = date.today()


def _scope(email: str) -> teams.Scope:
    manager = db.session().scalar(select(User).where(User.email == email))
    return teams.scope_of(manager.id, manager.organisation_id)


def _assign(org_id: int, slug: str, due: date, **target) -> None:
    asked = assignments.Request((slug,), due, **target)
    assignments.assign(teams.Scope(org_id), None, asked, catalogue())


@pytest.fixture
def assigned(app, pcn, make_user):
    """Assignments of every kind in the PCN, and one in another organisation."""
    make_user(email="hill@example.org", role="manager", org="Hillside PCN", full_name="Hil Lead")
    make_user(email="cy@example.org", org="Hillside PCN", full_name="Cy Hill")
    make_user(
        email="pia@example.org", org="Riverside PCN", full_name="Pia Elm", profession="pharmacist"
    )
    with app.app_context():
        session = db.session()
        org, other = (
            session.scalar(select(User.organisation_id).where(User.email == email))
            for email in ("lead@example.org", "hill@example.org")
        )
        elm, oak = (
            session.scalar(select(Team.id).where(Team.name == name))
            for name in ("Elm Practice", "Oak Practice")
        )
        pia = session.scalar(select(User.id).where(User.email == "pia@example.org"))
        session.add(TeamMember(user_id=pia, team_id=elm))
        session.commit()
        first, second, third = (m.slug for m in catalogue().modules[:3])
        _assign(org, first, DAY + timedelta(days=90))  # everyone in the organisation
        _assign(org, second, DAY + timedelta(days=60), profession="practice-nurse")
        _assign(org, third, DAY + timedelta(days=40), profession="gp")  # nobody in Elm
        _assign(org, first, DAY + timedelta(days=20), team_id=oak)  # not pm's team
        _assign(org, second, DAY + timedelta(days=30), team_id=elm)
        _assign(org, third, DAY + timedelta(days=50), team_id=elm, profession="pharmacist")
        _assign(org, first, DAY + timedelta(days=10), emails=("ben@example.org",))
        _assign(org, third, DAY + timedelta(days=70), emails=("asha@example.org",))
        _assign(other, first, DAY + timedelta(days=5))  # another organisation's
        session.commit()
    return {"org": org, "other": other, "elm": elm, "oak": oak}


def test_a_confined_manager_sees_what_the_organisation_set_and_cannot_withdraw_it(
    app, client, assigned
):
    sign_in(client, "pm@example.org")
    page = client.get(URL).text
    assert "Nothing is assigned" not in page
    yours, _, theirs = page.partition("<h2>Set by your organisation</h2>")
    assert "Only a manager of the whole organisation can withdraw them" in theirs
    # Theirs: everyone, and the professions across the organisation; no withdraw buttons.
    assert "Everyone in the organisation (Practice nurses)" in theirs.split("<h2>")[0]
    assert "Everyone in the organisation (GPs)" in theirs
    assert theirs.split("<h2>Assign learning")[0].count("Withdraw") == 0
    # Yours: Elm's, Elm's pharmacists, Asha by name; each with its withdraw button.
    assert yours.count(">Withdraw<") == 3
    assert "Elm Practice (Pharmacists)" in yours and "Asha Elm" in yours
    assert "Oak Practice" not in page and "Ben Oak" not in page
    # Another organisation's never shows: one module due in 5 days is theirs alone.
    assert (DAY + timedelta(days=5)).strftime("%-d %B %Y") not in page
    # The server enforces what the page says: theirs cannot be withdrawn, yours can.
    with app.app_context():
        ids = dict(
            db.session()
            .execute(
                select(Assignment.target, Assignment.id).where(
                    Assignment.organisation_id == assigned["org"]
                )
            )
            .all()
        )
    assert post_form(client, f"{URL}/{ids['org']}/withdraw", CONFIRMED, page=URL).status_code == 404
    elm = f"team:{assigned['elm']}"
    assert post_form(client, f"{URL}/{ids[elm]}/withdraw", CONFIRMED, page=URL).status_code == 302


def test_an_organisation_manager_withdraws_any_and_sees_no_other_organisation(
    app, client, assigned
):
    sign_in(client, "lead@example.org")
    page = client.get(URL).text
    assert "Set by your organisation" not in page
    assert page.count(">Withdraw<") == 8
    assert "Oak Practice" in page and "Ben Oak" in page
    assert (DAY + timedelta(days=5)).strftime("%-d %B %Y") not in page
    client.get("/sign-out")
    sign_in(client, "hill@example.org")
    other = client.get(URL).text
    assert other.count(">Withdraw<") == 1
    assert "Practice nurses" not in other and "Elm Practice" not in other


def test_a_confined_manager_with_only_organisation_assignments_is_not_told_nothing_is_assigned(
    app, client, pcn
):
    with app.app_context():
        org = db.session().scalar(
            select(User.organisation_id).where(User.email == "lead@example.org")
        )
        _assign(org, catalogue().modules[0].slug, DAY + timedelta(days=90))
        db.session().commit()
    sign_in(client, "pm@example.org")
    page = client.get(URL).text
    assert "Nothing is assigned to your team or its learners by name yet." in page
    assert "Set by your organisation" in page
    assert catalogue_title(app, 0) in page
    assert re.search(r"You manage Elm Practice\.", page)


def catalogue_title(app, place: int) -> str:
    with app.app_context():
        return catalogue().modules[place].title


@pytest.mark.parametrize("manager", ["pm@example.org", "lead@example.org"])
def test_the_page_lists_every_assignment_the_compliance_matrix_binds(app, assigned, manager):
    """Each cell's due date and renewal is the strictest of the page's rows covering it."""
    with app.app_context():
        scope = _scope(manager)
        page = team_pages.assignments_page(scope, catalogue())
        shown = {row.id for row in page.assigned + page.set_by_organisation}
        rows = db.session().scalars(select(Assignment).where(Assignment.id.in_(shown))).all()
        assert {row.organisation_id for row in rows} == {assigned["org"]}
        learners = {
            user_id: (team_id, profession)
            for user_id, team_id, profession in db.session().execute(
                select(User.id, TeamMember.team_id, User.profession)
                .outerjoin(TeamMember, TeamMember.user_id == User.id)
                .where(teams.in_scope(scope))
            )
        }
        matrix = compliance.matrix(scope, catalogue(), compliance.Filters(), DAY, page=None)
        slugs = [slug for slug, _ in matrix.modules]
        cells = 0
        for learner in matrix.rows:
            team_id, profession = learners[learner.user_id]
            covering = [
                row
                for row in rows
                if rules.applies(
                    team_id=row.team_id,
                    profession=row.profession,
                    user_id=row.user_id,
                    learner_id=learner.user_id,
                    learner_team=team_id,
                    learner_profession=profession,
                )
            ]
            assert {row.module_slug for row in covering} <= set(slugs), learner.name
            for slug, cell in zip(slugs, learner.cells, strict=True):
                mine = [row for row in covering if row.module_slug == slug]
                assert (cell is None) == (not mine), (learner.name, slug)
                if cell is not None:
                    cells += 1
                    bound = rules.strictest(
                        [rules.Rule(r.module_slug, r.due_on, r.renew_months) for r in mine]
                    )
                    assert cell.due_on == bound.due_on, (learner.name, slug)
        assert cells >= 5
