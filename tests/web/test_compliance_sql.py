"""The compliance matrix counted in SQL equals the old loop per learner, on varied data.

Teams and no team, leavers, professions, named learners, renewals with their month ends,
completions on the very days a status changes, team-confined managers, every filter, on
several days asked (the clock injected).
"""

import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain import assignments as rules
from app.domain.content import Catalogue
from app.models import Attempt, CompetencyLevel, Completion, User
from app.models_assignments import Assignment
from app.models_teams import Team, TeamMember
from app.services import compliance, compliance_rows, teams
from tests.web import compliance_reference as reference
from tests.web.pcn import ORG

TODAY = date(2026, 3, 2)
PROFESSIONS = ("gp", "practice-nurse", "pharmacist", "link-worker")


def latest_before(months: int, limit: date) -> date:
    """Return the latest completion day whose renewal `months` later falls on or before `limit`."""
    # add_months only ever moves a day back (to a shorter month's end), never forward, and
    # never takes two days further apart than three: start a few days past and step back.
    day = rules.add_months(limit, -months) + timedelta(days=4)
    while rules.add_months(day, months) > limit:
        day -= timedelta(days=1)
    return day


def test_latest_before_is_the_last_day_whose_renewal_falls_by_the_limit():
    for months in (1, 12, 24, 36):
        limit = date(2023, 1, 1)
        while limit < date(2025, 12, 31):
            found = latest_before(months, limit)
            assert rules.add_months(found, months) <= limit
            assert rules.add_months(found + timedelta(days=1), months) > limit
            limit += timedelta(days=1)


def _completion_days() -> list[date]:
    # The days on which a yearly, two- and three-yearly renewal expires or falls due soon
    # on the days asked below, a day either side, and a leap day.
    days = [date(2024, 2, 29), date(2023, 2, 28), date(2023, 3, 1)]
    for months in (12, 24, 36):
        for asked in (TODAY, TODAY + timedelta(days=rules.DUE_SOON_DAYS)):
            edge = latest_before(months, asked)
            days += [edge - timedelta(days=1), edge, edge + timedelta(days=1)]
    return days + [TODAY - timedelta(days=n) for n in (0, 1, 5, 40, 200, 500, 900, 1200)]


@pytest.fixture(autouse=True)
def pages_of_three(monkeypatch):
    """Three learners a page, so a few dozen learners fill several."""
    monkeypatch.setattr(compliance, "PER_PAGE", 3)


@pytest.fixture
def varied(app, runner, pcn):
    """About forty learners over three practices and none, some of them leavers."""
    assert runner.invoke(args=["create-team", ORG, "Ash Practice"]).exit_code == 0
    rng, joining, coming = random.Random(15), random.Random(16), random.Random(17)
    with app.app_context():
        session = db.session()
        org = session.scalar(select(User.organisation_id).where(User.email == "lead@example.org"))
        places = [*session.scalars(select(Team.id).order_by(Team.name)), None]
        modules = catalogue().modules
        slugs = [m.slug for m in modules]
        people = []
        for n in range(40):
            person = User(
                email=f"person{n}@example.org",
                full_name=f"Person {n % 13:02d}",  # shared names: the id breaks the tie
                password_hash="x",
                profession=PROFESSIONS[n % 4],
                organisation_id=org,
                professional_confirmed_at=datetime.now(UTC),
                professional_confirmed_as=PROFESSIONS[n % 4],
                session_token=f"token{n}",
            )
            # Some joined the organisation, or took their profession, after an assignment to
            # everyone or to their profession fell due, some on the very day; some not known.
            person.organisation_joined_at, person.profession_since = (
                None
                if days is None
                else datetime.combine(
                    TODAY + timedelta(days=days),
                    coming.choice([time(0, 0), time(12, 30), time(23, 59, 59)]),
                    UTC,
                )
                for days in (coming.choice((None, -300, -6, -5, 0, 20, 61)) for _ in range(2))
            )
            session.add(person)
            session.flush()
            people.append(person)
            if places[n % 4] is not None:
                # Some joined their team after its assignments fell due, some on the very
                # day, around midnight: their own due dates (assignment_dues).
                joined = datetime.combine(
                    TODAY + timedelta(days=joining.choice((-300, -6, -5, -4, 0, 45))),
                    joining.choice([time(0, 0), time(12, 30), time(23, 59, 59)]),
                    UTC,
                )
                session.add(TeamMember(user_id=person.id, team_id=places[n % 4], joined_at=joined))
        elm, oak = places[1], places[2]
        wanted = [
            (slugs[0], {}, TODAY + timedelta(days=60), 12),
            (slugs[0], {"team_id": oak}, TODAY + timedelta(days=10), 24),
            (slugs[1], {"team_id": elm}, TODAY - timedelta(days=5), None),
            (slugs[1], {"profession": "gp"}, TODAY + timedelta(days=20), 36),
            (slugs[2], {"team_id": oak, "profession": "pharmacist"}, TODAY + timedelta(30), 12),
            (slugs[2], {"team_id": oak, "profession": "gp"}, TODAY + timedelta(31), None),
            (slugs[3], {"user_id": people[3].id}, TODAY - timedelta(days=40), 24),
            (slugs[3], {"user_id": people[9].id}, TODAY + timedelta(days=400), 36),
            (slugs[3], {"user_id": people[8].id}, TODAY, None),  # a leaver, below
            # Named learners whom a team or profession assignment covers too: the strictest.
            (slugs[0], {"user_id": people[5].id}, TODAY - timedelta(days=3), 24),
            (slugs[0], {"user_id": people[6].id}, TODAY + timedelta(days=90), 6),
            (slugs[1], {"user_id": people[1].id}, TODAY + timedelta(days=90), None),
            (slugs[1], {"user_id": people[13].id}, TODAY - timedelta(days=90), 12),
        ]
        for slug, target, due_on, renew in wanted:
            session.add(
                Assignment(
                    organisation_id=org,
                    module_slug=slug,
                    target=rules.target_key(**target),
                    due_on=due_on,
                    renew_months=renew,
                    assigned_at=datetime.combine(due_on - timedelta(days=40), time(23, 30), UTC),
                    **target,
                )
            )
        days = _completion_days()
        for person in people:
            for number, slug in enumerate(rng.sample(slugs, 3)):
                moment = rng.choice([time(0, 0), time(12, 30), time(23, 59, 59)])
                session.add(
                    Attempt(
                        user_id=person.id,
                        quiz_id=f"{slug}-assessment",
                        module_slug=slug,
                        number=number + 1,
                        status="graded",
                        selection=[],
                        submitted_at=datetime.combine(rng.choice(days), moment, UTC),
                        percent=100,
                        passed=rng.random() < 0.8,
                    )
                )
            for slug in rng.sample(slugs, 2):
                for key in modules[slugs.index(slug)].item_keys[: rng.choice((3, 30))]:
                    at = datetime.combine(rng.choice(days), time(9), UTC)
                    session.add(
                        Completion(
                            user_id=person.id, module_slug=slug, item_key=key, completed_at=at
                        )
                    )
        for person in people[:8]:
            standing = rng.choice([{"met": True}, {"expired": True}, {"met": False}])
            session.add(
                CompetencyLevel(
                    user_id=person.id,
                    organisation_id=org,
                    competency_code=catalogue().framework("referrer").competencies[0].code,
                    level="Secure",
                    evidence_count=3,
                    **standing,
                )
            )
        for leaver in people[8::9]:
            session.execute(TeamMember.__table__.delete().where(TeamMember.user_id == leaver.id))
            leaver.organisation_id = None
        session.commit()
        pm = session.scalar(select(User.id).where(User.email == "pm@example.org"))
        return {"org": org, "pm": pm, "elm": elm, "oak": oak}


def _same(scope, found_catalogue, filters, day):
    old = reference.matrix(scope, found_catalogue, filters, day)
    new = compliance.matrix(scope, found_catalogue, filters, day, page=None)
    assert (new.modules, new.rows, new.by_module, new.by_team) == (
        old.modules,
        old.rows,
        old.by_module,
        old.by_team,
    )
    assert (new.competencies, new.by_competency, new.count, new.no_longer_offered) == (
        old.competencies,
        old.by_competency,
        old.count,
        old.no_longer_offered,
    )
    assert compliance_rows.table(new) == compliance_rows.table(old)
    for asked in (1, 2):
        shown = compliance.matrix(scope, found_catalogue, filters, day, page=asked)
        page = min(asked, max(1, -(-old.count // 3)))  # past the end: the last page
        assert (shown.page, shown.shown) == (page, old.rows[(page - 1) * 3 : page * 3])
        assert (shown.by_module, shown.by_team, shown.count) == (
            old.by_module,
            old.by_team,
            old.count,
        )
    return old


def test_the_sql_matrix_equals_the_loop_per_learner(app, varied):
    with app.app_context():
        whole = teams.Scope(varied["org"])
        confined = teams.scope_of(varied["pm"], varied["org"])
        assert not confined.whole_organisation
        every = catalogue()
        for scope in (whole, confined):
            for status in ("", *rules.STATUSES):
                _same(scope, every, compliance.Filters(status=status), TODAY)
            for filters in (
                compliance.Filters(team_id=varied["oak"]),
                compliance.Filters(team_id=varied["elm"], status="overdue"),
                compliance.Filters(profession="gp", status="due-soon"),
                compliance.Filters(profession="pharmacist", framework_id="referrer"),
                compliance.Filters(framework_id="splw", status="complete"),
            ):
                _same(scope, every, filters, TODAY)
        asked = [TODAY + timedelta(days=n) for n in (-400, -1, 1, 29, 30, 31, 365, 800)]
        asked += [date(2025, 2, 28), date(2025, 3, 1), date(2027, 2, 28)]
        for day in asked:
            found = _same(whole, every, compliance.Filters(), day)
        assert {c.status for row in found.rows for c in row.cells if c} >= {"expired"}


def test_modules_without_a_quiz_count_once_every_item_is_done(app, varied):
    with app.app_context():
        modules = catalogue().modules
        unassessed = Catalogue(
            tuple(replace(m, assessment=None) if i % 2 else m for i, m in enumerate(modules)),
            catalogue().frameworks,
        )
        old = _same(teams.Scope(varied["org"]), unassessed, compliance.Filters(), TODAY)
        assert any(c and c.completed_on for row in old.rows for c in row.cells[1:2])


def test_modules_gone_from_the_course_stay_listed_and_count_in_no_figure(app, varied):
    with app.app_context():
        modules = catalogue().modules
        gone = modules[1].slug
        without = Catalogue(tuple(m for m in modules if m.slug != gone), catalogue().frameworks)
        whole = teams.Scope(varied["org"])
        for status in ("", *rules.STATUSES):
            _same(whole, without, compliance.Filters(status=status), TODAY)
        _same(teams.scope_of(varied["pm"], varied["org"]), without, compliance.Filters(), TODAY)
        found = _same(whole, without, compliance.Filters(), TODAY)
    assert found.modules[-1] == (gone, gone) and found.no_longer_offered == (gone,)
    statuses = {c.status for row in found.rows for c in row.cells[-1:] if c}
    assert statuses == {rules.NO_LONGER_OFFERED}
    assert gone not in {share.name for share in found.by_module}
