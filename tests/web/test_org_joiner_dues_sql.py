"""A learner who joins the organisation, or takes a profession, after an assignment to
everyone there or to that profession fell due has the time it gave everyone from that day:
the same day in Python and in each SQL statement, in UK days.

As test_joiner_dues_sql.py for a team's assignments: reminders and the learner's list
(assignment_standings.for_learner) in Python; the compliance matrix
(compliance_cells.rules_for), the learner's own pages (learner_rows.ASSIGNMENTS) and the
banner of an assignment by name (assignment_overlaps.earlier) in SQL. Asked about learners
who joined, or took the profession, just before and just after midnight in the UK in summer
(23:30 UTC is 00:30 BST the next day), and about a day not known (accounts from before 0050
that the audit log could not date keep the assignment's date).
"""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import User
from app.models_assignments import Assignment
from app.services import assignment_overlaps
from tests.web import due_dates
from tests.web.pcn import ORG

DUE = date(2026, 6, 30)
EARLY = datetime(2026, 5, 1, 9, tzinfo=UTC)


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+00:00").astimezone(UTC)


# (learner, joined the organisation at, practice nurse since (UTC), the due date expected
# under the assignment to everyone, under the one to practice nurses)
# Everyone's: set 2 June at 09:00 UTC (28 days before 30 June). Practice nurses': set 31 May
# at 23:30 UTC (1 June in the UK: 29 days). Both due 30 June. A learner comes under the
# practice nurses' one on the later of the two days.
JOINERS = [
    ("there before", EARLY, EARLY, DUE, DUE),
    ("joined on the due day, 23:30 BST", at("2026-06-30", "22:30"), EARLY, DUE, DUE),
    (
        "joined the next UK day, 00:30 BST",
        at("2026-06-30", "23:30"),
        EARLY,
        date(2026, 7, 29),
        date(2026, 7, 30),
    ),
    ("joined a week late", at("2026-07-07", "08:00"), EARLY, date(2026, 8, 4), date(2026, 8, 5)),
    ("nurse from the due day, 23:30 BST", EARLY, at("2026-06-30", "22:30"), DUE, DUE),
    ("nurse from the next UK day", EARLY, at("2026-06-30", "23:30"), DUE, date(2026, 7, 30)),
    (
        "joined late, nurse later still",
        at("2026-07-02", "10:00"),
        at("2026-07-05", "10:00"),
        date(2026, 7, 30),
        date(2026, 8, 3),
    ),
    ("not known", None, None, DUE, DUE),
]


@pytest.fixture
def joiners(app, make_user, pcn):
    """Learners in no team who joined the organisation, and became practice nurses, at the
    moments above; an assignment to everyone and one to practice nurses."""
    with app.app_context():
        session = db.session()
        org = session.scalar(select(User.organisation_id).where(User.email == "lead@example.org"))
        first, second = (m.slug for m in catalogue().modules[:2])
        for slug, set_at, profession in (
            (first, at("2026-06-02", "09:00"), None),
            (second, at("2026-05-31", "23:30"), "practice-nurse"),
        ):
            target = "profession:practice-nurse" if profession else "org"
            session.add(
                Assignment(
                    organisation_id=org,
                    module_slug=slug,
                    target=target,
                    profession=profession,
                    due_on=DUE,
                    assigned_at=set_at,
                )
            )
        session.commit()
    ids = {}
    for n, (name, joined, since, *_) in enumerate(JOINERS):
        email = f"joiner{n}@example.org"
        # A name has no colon (the times in the labels lose theirs).
        full_name = f"Joiner {name}".replace(":", "")
        make_user(email=email, org=ORG, full_name=full_name, profession="practice-nurse")
        with app.app_context():
            session = db.session()
            person = session.scalar(select(User).where(User.email == email))
            person.organisation_joined_at, person.profession_since = joined, since
            ids[name] = person.id
            session.commit()
    return {"ids": ids, "org": org, "slugs": (first, second)}


def test_python_and_sql_give_each_newcomer_the_same_own_date(app, joiners):
    first, second = joiners["slugs"]
    on = date(2026, 7, 8)
    names = {name: joiners["ids"][name] for name, *_ in JOINERS}
    with app.app_context():
        found = due_dates.three_ways(joiners["org"], list(names.values()), joiners["slugs"], on)
    for name, _, _, expected_first, expected_second in JOINERS:
        expected = {first: expected_first, second: expected_second}
        python, in_sql, mine = found[names[name]]
        assert python == in_sql == mine == expected, name


def test_naming_a_newcomer_for_a_later_date_says_their_own_earlier_one_binds(app, joiners):
    first, _ = joiners["slugs"]
    late = joiners["ids"]["joined a week late"]
    before = joiners["ids"]["there before"]
    with app.app_context():
        found = assignment_overlaps.earlier(
            joiners["org"], [late, before], [first], date(2026, 8, 10), None, catalogue()
        )
    assert {(e.learner, e.due_on) for e in found} == {
        ("Joiner joined a week late", date(2026, 8, 4)),
        ("Joiner there before", DUE),
    }
