"""The competency export: the lines PostgreSQL writes are byte for byte the row-by-row CSV."""

import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from app import db
from app.content import catalogue
from app.domain.spreadsheet import csv_text
from app.models import CompetencyLevel, Organisation, User
from app.services import competency_export, manage, manage_export
from app.services.teams import scope_of

NOW = datetime.now(UTC)
DAY = timedelta(days=1)
# Names a spreadsheet would run, quote or split, and scores whose rounding is a tie.
PEOPLE = {
    "=HYPERLINK(1)": ("link-worker", 86.25),
    'Quote "Q" Quinn': ("link-worker", 0.05),
    "Comma, Carla": ("link-worker", 12.45),
    "-Minus Max": ("practice-nurse", 88.333333),
    "@At Ada": ("gp", None),
    "Tab\tTess": ("pharmacist", 100.0),
    "Plain Pat": ("health-coach", 0.0),
    "+Plus Pia": ("link-worker", 99.95),
    "\tTab First": ("gp", 50.0),
    "\r=Return First": ("practice-nurse", 1.0),
    '=Both, "quoted"\r\nand split': ("link-worker", 45.55),
    "Line\nBreak Bea": ("pharmacist", 3.3),
    "Zoë Ørsted-Łukasz 🌿": ("health-coach", 66.65),
    'Chloé, née "Ćwik"': ("gp", 12.0),
    "": ("link-worker", 7.0),
}


@pytest.fixture
def organisation(app, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    with app.app_context():
        session = db.session()
        org = session.scalar(select(Organisation).where(Organisation.name == "Riverside PCN"))
        codes = {
            p: [c.code for c in catalogue().framework_for(p).competencies]
            for p, _ in PEOPLE.values()
        }
        for number, (name, (profession, score)) in enumerate(PEOPLE.items()):
            user = User(
                email=f"person{number}@example.org" if number % 4 else f"-{number},x@example.org",
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
            # Every other competency rated, in a standing that turns with the learner.
            for index, code in enumerate(codes[profession][number % 2 :: 2]):
                met = (index + number) % 3 != 0
                session.add(
                    CompetencyLevel(
                        user_id=user.id,
                        organisation_id=org.id,
                        competency_code=code,
                        level="Secure" if met else "Developing",
                        score=score,
                        evidence_count=index,
                        last_evidence_at=NOW - index * DAY if index % 2 else None,
                        practice="Awaiting confirmation" if index == 1 else "Confirmed",
                        met=met,
                        met_until=NOW + (index * 40 - 30) * DAY if met else None,
                        due_from=NOW + (index * 40 - 60) * DAY if met else None,
                        expired=index == 2,
                    )
                )
        session.commit()
        manager = session.scalar(select(User).where(User.email == "manager@example.org"))
        return manager.id, org.id


@pytest.mark.parametrize("status", ["", "met", "due-soon", "expired", "awaiting"])
@pytest.mark.parametrize(
    "filters", [None, manage.Filters(search="a"), manage.Filters(profession="gp")]
)
def test_the_export_is_the_row_by_row_csv(app, organisation, monkeypatch, status, filters):
    manager, org = organisation
    # Pages of two learners: the export crosses page boundaries, as a region's does.
    monkeypatch.setattr(manage_export, "LEARNERS_A_PAGE", 2)
    with app.app_context():
        scope = scope_of(manager, org)
        expected = csv_text(
            competency_export.export_rows(scope, catalogue(), manager, status, filters)
        )
        chunks = competency_export.export_csv(
            scope, catalogue(), manager, status, filters, chunk_size=100
        )
        written = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode()
    assert written == expected
    assert expected.count("\r\n") > (1 if status or filters else len(PEOPLE))


def test_scores_round_half_up_from_the_stored_figure(app, organisation):
    manager, org = organisation
    with app.app_context():
        rows = list(competency_export.export_rows(scope_of(manager, org), catalogue(), manager))
    scores = {row[0]: row[5] for row in rows[1:] if row[5]}
    assert scores["=HYPERLINK(1)"] == "86.3"
    assert scores["Comma, Carla"] == "12.5"
    assert scores['Quote "Q" Quinn'] == "0.1"
    assert scores["-Minus Max"] == "88.3"


def test_the_export_reads_one_snapshot(app, organisation, monkeypatch):
    """A learner renamed and a rating removed mid-download leave the file as it began."""
    manager, org = organisation
    monkeypatch.setattr(manage_export, "LEARNERS_A_PAGE", 2)
    with app.app_context():
        scope = scope_of(manager, org)
        expected = csv_text(competency_export.export_rows(scope, catalogue(), manager))
        chunks = competency_export.export_csv(scope, catalogue(), manager, chunk_size=1)
        started = [next(chunks), next(chunks)]  # the header and the first learner's rows
        with db.engine().begin() as other:
            later = other.scalar(select(User.id).where(User.full_name == "Plain Pat"))
            other.execute(update(User).where(User.id == later).values(full_name="Renamed"))
            other.execute(delete(CompetencyLevel).where(CompetencyLevel.user_id == later))
        written = b"".join(c if isinstance(c, bytes) else c.encode() for c in [*started, *chunks])
        assert "Renamed" in csv_text(competency_export.export_rows(scope, catalogue(), manager))
    assert written.decode() == expected


def test_the_second_reader_reads_the_snapshot_the_export_began_with(app, organisation, monkeypatch):
    """PostgreSQL reads every other page on a second connection: however late that one
    starts, its pages show the learners and ratings as the first connection's snapshot does."""
    manager, org = organisation
    monkeypatch.setattr(manage_export, "LEARNERS_A_PAGE", 2)
    share, shared = manage_export._share_snapshot, []

    def late(connection, exported):
        # Every learner renamed and every rating removed after the export began, before
        # the second connection's first statement.
        with engine.begin() as other:
            learners = (User.organisation_id == org) & (User.role == "learner")
            other.execute(update(User).where(learners).values(full_name=User.full_name + "!"))
            other.execute(delete(CompetencyLevel).where(CompetencyLevel.organisation_id == org))
        share(connection, exported)
        shared.append(exported)

    monkeypatch.setattr(manage_export, "_share_snapshot", late)
    with app.app_context():
        engine = db.engine()
        scope = scope_of(manager, org)
        expected = csv_text(competency_export.export_rows(scope, catalogue(), manager))
        chunks = competency_export.export_csv(scope, catalogue(), manager, chunk_size=100)
        written = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
    assert written.decode() == expected
    assert len(shared) == (engine.dialect.name == "postgresql")


def test_pages_come_out_in_name_order_whichever_reader_finishes_first(
    app, organisation, monkeypatch
):
    """Both readers run ahead of the download: a page that finishes early waits its turn."""
    manager, org = organisation
    monkeypatch.setattr(manage_export, "LEARNERS_A_PAGE", 1)
    read, readers, finished = manage_export._page, [], []

    def first_reader_late(connection, sql, parameters):
        if connection not in readers:
            readers.append(connection)
        if connection is readers[0]:
            time.sleep(0.05)  # the other reader's next page is done first
        text = read(connection, sql, parameters)
        finished.append(text)
        return text

    monkeypatch.setattr(manage_export, "_page", first_reader_late)
    with app.app_context():
        scope = scope_of(manager, org)
        expected = csv_text(competency_export.export_rows(scope, catalogue(), manager))
        chunks = competency_export.export_csv(scope, catalogue(), manager, chunk_size=64)
        written = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        postgresql = db.engine().dialect.name == "postgresql"
    assert written.decode() == expected
    assert len(finished) == (len(PEOPLE) if postgresql else 0)
    assert len(readers) == (2 if postgresql else 0)
