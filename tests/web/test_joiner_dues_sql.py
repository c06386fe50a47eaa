"""A joiner's own due date is the same day in Python and in each SQL statement, in UK days.

The rule (domain/assignments.own_due) runs in Python for reminders and the learner's list
(assignment_standings.for_learner), and in SQL for the compliance matrix
(compliance_cells.rules_for) and the learner's own pages and the manager's learner page
(learner_rows.ASSIGNMENTS). Each is asked about learners who joined just before and just
after midnight in the UK in summer (23:30 UTC is 00:30 BST the next day), about an
assignment set at 23:30 UTC, and one set already past its due date.
"""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain import assignments as rules
from app.models import User
from app.models_assignments import Assignment
from app.models_teams import Team, TeamMember
from app.services import assignment_standings, compliance, teams
from tests.web import due_dates
from tests.web.pcn import ORG

DUE = date(2026, 6, 30)


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+00:00").astimezone(UTC)


# (learner, joined Elm at (UTC), the due date expected for the first module, the second's)
# The first module: Elm's, set 2 June at 09:00 UTC (28 days before 30 June) and due then.
# The second: Elm's, set 31 May at 23:30 UTC (1 June in the UK: 29 days), due 30 June.
JOINERS = [
    ("before", at("2026-05-20", "10:00"), DUE, DUE),
    ("due day, 23:30 BST", at("2026-06-30", "22:30"), DUE, DUE),
    ("next UK day, 00:30 BST", at("2026-06-30", "23:30"), date(2026, 7, 29), date(2026, 7, 30)),
    ("a week late", at("2026-07-07", "08:00"), date(2026, 8, 4), date(2026, 8, 5)),
]


@pytest.fixture
def joiners(app, make_user, pcn):
    """Learners who joined Elm Practice at the moments above, and its two assignments."""
    with app.app_context():
        session = db.session()
        elm = session.scalar(select(Team.id).where(Team.name == "Elm Practice"))
        org = session.scalar(select(Team.organisation_id).where(Team.id == elm))
        first, second, third = (m.slug for m in catalogue().modules[:3])
        for slug, set_at in (
            (first, at("2026-06-02", "09:00")),
            (second, at("2026-05-31", "23:30")),
        ):
            session.add(
                Assignment(
                    organisation_id=org,
                    module_slug=slug,
                    target=f"team:{elm}",
                    team_id=elm,
                    due_on=DUE,
                    assigned_at=set_at,
                )
            )
        # Set on 10 July, already past its due date: those there then keep 30 June; one who
        # joins after it was set is due the day they join (no time to give).
        session.add(
            Assignment(
                organisation_id=org,
                module_slug=third,
                target=f"team:{elm}/profession:practice-nurse",
                team_id=elm,
                profession="practice-nurse",
                due_on=DUE,
                assigned_at=at("2026-07-10", "12:00"),
            )
        )
        session.commit()
    ids = {}
    for n, (name, joined, *_) in enumerate(JOINERS):
        email = f"joiner{n}@example.org"
        make_user(email=email, org=ORG, full_name=f"Joiner {name}".replace(":", ""))
        with app.app_context():
            session = db.session()
            user = session.scalar(select(User.id).where(User.email == email))
            session.add(TeamMember(user_id=user, team_id=elm, joined_at=joined))
            _there_since(session, user, at("2026-05-01", "09:00"))
            session.commit()
        ids[name] = user
    return {"ids": ids, "org": org, "slugs": (first, second, third)}


def _there_since(session, user_id: int, moment: datetime) -> None:
    # In the organisation, and a practice nurse, since before anything was assigned: only
    # their team's joining day counts here (test_org_joiner_dues_sql.py: the others).
    person = session.get(User, user_id)
    person.organisation_joined_at = person.profession_since = moment


def test_python_and_both_sql_statements_give_each_joiner_the_same_own_date(app, joiners):
    first, second, third = joiners["slugs"]
    on = date(2026, 7, 8)
    names = {name: joiners["ids"][name] for name, *_ in JOINERS}
    with app.app_context():
        found = due_dates.three_ways(joiners["org"], list(names.values()), joiners["slugs"], on)
    for name, _, expected_first, expected_second in JOINERS:
        expected = {first: expected_first, second: expected_second, third: DUE}
        python, in_sql, mine = found[names[name]]
        assert python == in_sql == mine == expected, name


def test_a_joiner_after_an_assignment_set_already_past_due_is_due_the_day_they_join(
    app, make_user, joiners
):
    _, _, third = joiners["slugs"]
    make_user(email="late@example.org", org=ORG, full_name="Late Joiner")
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User.id).where(User.email == "late@example.org"))
        _there_since(session, user, at("2026-05-01", "09:00"))
        elm = session.scalar(select(Team.id).where(Team.name == "Elm Practice"))
        session.add(TeamMember(user_id=user, team_id=elm, joined_at=at("2026-07-11", "23:30")))
        session.commit()
        every = catalogue()
        for on in (date(2026, 7, 12), date(2026, 7, 13)):
            python = due_dates.dues(assignment_standings.for_learner(user, every, on))
            matrix = compliance.matrix(
                teams.Scope(joiners["org"]), every, compliance.Filters(), on, page=None
            )
            [row] = [row for row in matrix.rows if row.user_id == user]
            cell = row.cells[[slug for slug, _ in matrix.modules].index(third)]
            assert python[third] == cell.due_on == date(2026, 7, 12)  # 00:30 BST on 12 July
            expected = rules.DUE_SOON if on == date(2026, 7, 12) else rules.OVERDUE
            assert cell.status == expected
