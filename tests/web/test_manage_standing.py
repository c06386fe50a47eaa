"""The manager's grid and CSV show knowledge and practice, filtered by where learners stand."""

import csv
import io
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.domain.dates import uk_day
from app.models import CompetencyLevel, Organisation, User
from app.services import account_admin
from tests.conftest import sign_in

NOW = datetime.now(UTC)
DAY = timedelta(days=1)
# name -> (profession, met, met_until, due_from, expired, practice)
PEOPLE = {
    "Met Mary": ("link-worker", True, NOW + 400 * DAY, NOW + 300 * DAY, False, "Confirmed"),
    "Due Dan": ("link-worker", True, NOW + 30 * DAY, NOW - DAY, False, "Confirmed"),
    "Expired Eve": ("link-worker", False, None, None, True, "Confirmation expired"),
    "Lapsed Len": ("link-worker", True, NOW - DAY, NOW - 90 * DAY, False, "Confirmed"),
    "Waiting Wes": ("link-worker", False, None, None, False, "Awaiting confirmation"),
    "Nurse Nia": ("practice-nurse", False, None, None, False, "Awaiting confirmation"),
}


@pytest.fixture
def manager(app, client, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    with app.app_context():
        session = db.session()
        org = session.scalar(select(Organisation).where(Organisation.name == "Riverside PCN"))
        for name, (profession, met, until, due, expired, practice) in PEOPLE.items():
            user = User(
                email=f"{name.split()[1].lower()}@example.org",
                full_name=name,
                password_hash="scrypt:none",
                profession=profession,
                organisation_id=org.id,
                professional_confirmed_at=NOW,
                professional_confirmed_as=profession,
                session_token=secrets.token_hex(8),
            )
            session.add(user)
            session.flush()
            code = "SPLW-1.1" if profession == "link-worker" else "REF-1.1"
            session.add(
                CompetencyLevel(
                    user_id=user.id,
                    organisation_id=org.id,
                    competency_code=code,
                    level="Secure",
                    score=90.0,
                    evidence_count=3,
                    last_evidence_at=NOW - 10 * DAY,
                    practice=practice,
                    met=met,
                    met_until=until,
                    due_from=due,
                    expired=expired,
                )
            )
        session.commit()
        account_admin.create_organisation("Elsewhere")
    sign_in(client, "manager@example.org")
    return client


def names(page: str) -> set[str]:
    return {name for name in PEOPLE if name in page}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("", {"Met Mary", "Due Dan", "Expired Eve", "Lapsed Len", "Waiting Wes"}),
        ("met", {"Met Mary"}),
        ("due-soon", {"Due Dan"}),
        ("expired", {"Expired Eve", "Lapsed Len"}),
        ("awaiting", {"Waiting Wes"}),
    ],
)
def test_the_grid_filters_by_standing_in_the_link_worker_framework(manager, status, expected):
    page = manager.get(f"/manage/?framework=splw&status={status}").text
    assert names(page) == expected


def test_a_cell_shows_knowledge_and_practice_in_words(manager):
    page = manager.get("/manage/?framework=splw").text
    assert "Knowledge Secure; practice Confirmed; met, due for renewal" in page
    assert "Knowledge Secure; practice Awaiting confirmation; not met" in page


def test_nurses_are_shown_in_the_referrer_framework(manager):
    page = manager.get("/manage/?profession=practice-nurse").text
    assert "Referring to social prescribing" in page
    assert names(page) == {"Nurse Nia"}
    assert "REF-1.1" in page and "SPLW-1.1" not in page


def test_the_csv_carries_both_dimensions_and_the_same_filter(manager):
    every = list(csv.reader(io.StringIO(manager.get("/manage/export.csv").text)))
    assert every[0][6] == "Knowledge" and every[0][10] == "Practice"
    assert every[0][14:16] == ["Met", "Met until"]
    nia = [row for row in every if row[0] == "Nurse Nia"]
    assert {row[4][:4] for row in nia} == {"REF-"}  # her framework's competencies only
    due = list(csv.reader(io.StringIO(manager.get("/manage/export.csv?status=due-soon").text)))
    assert [(row[0], row[4], row[10], row[14]) for row in due[1:]] == [
        ("Due Dan", "SPLW-1.1", "Confirmed", "Due soon")
    ]
    assert due[1][15] == uk_day(NOW + 30 * DAY).isoformat()


def test_the_csv_of_a_standing_holds_the_learners_the_grid_shows(manager):
    # Nia, a nurse, awaits confirmation in the referrer framework; the grid shows the link
    # workers' framework by default, so its "awaiting" learners are Wes alone: so is the CSV.
    assert names(manager.get("/manage/?status=awaiting").text) == {"Waiting Wes"}
    rows = list(csv.reader(io.StringIO(manager.get("/manage/export.csv?status=awaiting").text)))
    assert [(row[0], row[4]) for row in rows[1:]] == [("Waiting Wes", "SPLW-1.1")]
    # With the nurses' framework chosen, she is the one, in the grid and in the CSV.
    query = "status=awaiting&framework=referrer"
    assert names(manager.get(f"/manage/?{query}").text) == {"Nurse Nia"}
    rows = list(csv.reader(io.StringIO(manager.get(f"/manage/export.csv?{query}").text)))
    assert [(row[0], row[4]) for row in rows[1:]] == [("Nurse Nia", "REF-1.1")]
