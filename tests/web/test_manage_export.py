"""The competency export: the lines PostgreSQL writes are byte for byte the row-by-row CSV."""

import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from app import db
from app.content import catalogue
from app.domain.spreadsheet import csv_text
from app.models import CompetencyLevel, CompetencyName, Organisation, User
from app.models_teams import Team, TeamMember
from app.services import competency_export, manage, manage_export
from app.services.teams import scope_of
from tests.web.confirmations import decided_request

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
# Competencies no framework has now, each with the name it last had (None: none recorded),
# names and codes a spreadsheet would run, quote or split among them.
RETIRED = {"OLD-1": '=Old, "one"', "@OLD-2": None, "OLD-3": "Plain old three"}
# A team name a spreadsheet would run and split (made before names were checked), for every
# third learner; the others are in no team.
TEAM = '=Elm, "one"'


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
        team = Team(organisation_id=org.id, name=TEAM, join_code="ELMX0001")
        session.add(team)
        session.flush()
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
            if number % 3 == 0:
                session.add(TeamMember(user_id=user.id, team_id=team.id))
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
            add_retired(session, user, org.id, number)
        for code, name in RETIRED.items():
            if name is not None:
                session.add(CompetencyName(competency_code=code, framework_id="old",
                                           name=name, first_seen_at=NOW - 9 * DAY,
                                           last_seen_at=NOW - 8 * DAY))  # fmt: skip
        session.commit()
        manager = session.scalar(select(User).where(User.email == "manager@example.org"))
        return manager.id, org.id


def add_retired(session, user, org_id: int, number: int) -> None:
    """Give the learner ratings, and a confirmation, in competencies no framework has now:
    in turn with answers, answers expired, a request alone (listed nowhere) or confirmed."""
    for index, code in enumerate(RETIRED):
        kind = (number + index) % 4
        session.add(
            CompetencyLevel(
                user_id=user.id,
                organisation_id=org_id,
                competency_code=code,
                level="Not enough evidence" if kind == 2 else "Developing",
                score=None if kind == 2 else 55.55,
                evidence_count=0 if kind == 2 else 2,
                last_evidence_at=None if kind == 2 else NOW - 20 * DAY,
                practice="Awaiting confirmation" if kind == 2 else "Confirmed",
                practice_until=NOW - DAY if kind == 1 else None,
                knowledge_until=NOW - DAY if kind == 1 else None,
                met=kind == 0,
            )
        )
        if kind == 3 or (kind == 2 and number % 3 == 0):
            decided_request(
                session,
                user_id=user.id,
                organisation_id=org_id,
                competency_code=code,
                decided_by_name="Sue",
                decided_at=NOW - (number + 3) * DAY,
            )


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
    # A retired competency's rows come with no standing asked, and never in one.
    asked = filters.status if filters else status  # the grid's filters carry their own
    assert ("Retired: no longer in any framework" in expected) == (not asked)


def test_a_learners_retired_competencies_follow_their_own_labelled_and_counted_in_nothing(
    app, organisation
):
    manager, org = organisation
    with app.app_context():
        rows = list(competency_export.export_rows(scope_of(manager, org), catalogue(), manager))
        text = csv_text(rows)
    retired = [row for row in rows[1:] if row[16]]
    assert retired and {row[16] for row in retired} == {"Retired: no longer in any framework"}
    assert {row[14] for row in retired} == {"Not counted: retired"}  # never "Not met"
    assert {row[15] for row in retired} == {""}
    assert {tuple(row[11:14]) for row in retired} == {("", "", "")}  # the practice cell's day
    assert {row[4] for row in retired} <= set(RETIRED)
    for row in retired:
        # The name it last had, beside its code as in the last column.
        assert row[17] == row[5] == (RETIRED[row[4]] or "Not recorded")
    # Each learner's retired rows follow their framework's, by code.
    for number, row in enumerate(rows[1:], start=1):
        if row[16] and number < len(rows) - 1 and rows[number + 1][0] == row[0]:
            assert rows[number + 1][16] and rows[number + 1][4] > row[4]
    # A request alone is listed nowhere; a confirmation says when, even of one.
    assert not any(r[10] == "Awaiting confirmation" and not r[10].startswith("Confirmed by")
                   for r in retired)  # fmt: skip
    confirmed = [r for r in retired if r[10].startswith("Confirmed by a supervisor on ")]
    assert confirmed and any(r[6] == "Not enough evidence" and r[8] == 0 for r in confirmed)
    # Answers expired since read as none in date; a lapsed confirmation as expired.
    assert any(r[10] == "Confirmation expired" and r[6] == "Not enough evidence" for r in retired)
    # No cell starts a formula: the code, the name and the learner alike.
    assert "\r\n=" not in text and ",=" not in text and ',"=' not in text
    assert ",'=Old, one" in text.replace("\"'=Old", "'=Old") or "'=Old" in text
    assert ",'@OLD-2," in text


def test_scores_round_half_up_from_the_stored_figure(app, organisation):
    manager, org = organisation
    with app.app_context():
        rows = list(competency_export.export_rows(scope_of(manager, org), catalogue(), manager))
    scores = {row[0]: row[7] for row in rows[1:] if row[7] and not row[16]}
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


def test_each_row_names_the_learners_team_and_the_competency_formula_safe(app, organisation):
    manager, org = organisation
    with app.app_context():
        rows = list(competency_export.export_rows(scope_of(manager, org), catalogue(), manager))
        names = {c.code: c.name for f in catalogue().frameworks for c in f.competencies}
    assert rows[0][3:6] == ["Team", "Competency", "Competency name"]
    for number, name in enumerate(PEOPLE):
        teams = {row[3] for row in rows[1:] if row[0] == name}
        assert teams == ({TEAM} if number % 3 == 0 else {"No team"}), name
    assert all(row[5] == names[row[4]] for row in rows[1:] if not row[16])
    # Written safe: the apostrophe before the formula, quoted for its comma and quotes.
    text = csv_text(rows)
    assert ',"\'=Elm, ""one""",' in text and ",=Elm" not in text
