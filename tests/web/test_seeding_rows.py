"""The rows a seed writes never change by accident: the same digest on SQLite and PostgreSQL.

A small course of the test's own (two modules, every question type, a pool) is seeded at a
fixed time, and every row is read back by its natural keys (ids, session tokens and salted
password hashes aside). The digest below was taken from the seeder before it was made
faster; a change to what is drawn or how it is written shows here on both databases.
"""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import create_app, db
from app.models import (
    Answer,
    Attempt,
    Certificate,
    CompetencyLevel,
    Completion,
    Evidence,
    Organisation,
    User,
)
from app.services import seed_rows, seeding
from tests.conftest import DEMO_PASSWORD, empty_every_table
from tests.module_text import PROVENANCE

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
# Changed on 5 December 2026 for competency_level alone (every other table the same): the
# answers of one attempt became one result for the methods that weigh the latest result.
DIGEST = "be52a02c88e3ac451d61d2772789f51f08931fb472342b551d99a58c5fcbeb0f"

FRAMEWORK = """id: seed
title: Seeding test framework
version: "0.1"
publisher: Linkwise tests
source: Written for the seeding tests.
licence: Test data only.
scale:
  - name: Not yet
    threshold: 0
  - name: Secure
    threshold: 80
attainment:
  method: weighted-average
  latest_weight: 0.65
  minimum_evidence: 3
domains:
  - number: 1
    title: Communication
    summary: Talking with people.
    competencies:
      - code: SEED-1.1
        name: Listening
        statement: Listen to what matters to the person.
      - code: SEED-1.2
        name: Explaining
        statement: Explain the service in plain words.
"""

MODULE = (
    """---
title: {title}
summary: A module for the seeding tests.
order: {order}
estimated_minutes: 10
cpd_minutes: 15
learning_outcomes:
  - Say what a link worker does
competencies: [SEED-1.1, SEED-1.2]
"""
    + PROVENANCE
    + """---
Intro.
"""
)

SCREEN = """---
title: Screen {number}
---
Some text for screen {number}.
"""

QUIZ = """---
id: {module}-assessment
module: {module}
title: "Test quiz: {module}"
kind: assessment
pass_mark: 80
max_attempts: 3
shuffle_answers: true
shuffle_questions: true
show_correct_answers: after-pass
---
ID: {module}-single
Competencies: SEED-1.1
Outcomes: 1
1.  Who can refer a person to a link worker?
a)  Only GPs
*b) Almost anyone, the person included
c)  Only practice nurses
d)  Only pharmacists

ID: {module}-true-false
Competencies: SEED-1.2
Outcomes: 1
Type: true-false
2.  A link worker prescribes medication.
*a) False
b)  True

ID: {module}-multiple
Competencies: SEED-1.1, SEED-1.2
Outcomes: 1
3.  Which of these are community support?
[*] A walking group
[*] An advice service
[ ] An antibiotic

ID: {module}-short
Competencies: SEED-1.2
Outcomes: 1
4.  What does the P in PCN stand for?
*   Primary

ID: {module}-number
Competencies: SEED-1.1
Outcomes: 1
5.  How many sessions is typical?
=   [6, 12]

ID: {module}-ordering
Competencies: SEED-1.1
Outcomes: 1
Type: ordering
6.  Put the first meeting in order.
1)  Introduce yourself and your role
2)  Ask what matters to the person
3)  Agree the next steps together

ID: {module}-matching
Competencies: SEED-1.2
Outcomes: 1
Type: matching
7.  Match each need to a service.
=   Debt -> Advice service
=   Loneliness -> Befriending
=   -> Pharmacy

GROUP
pick: 1
points per question: 2
ID: {module}-pool-a
Competencies: SEED-1.1
Outcomes: 1
8.  Is a link worker part of the primary care team?
*a) Yes
b)  No

ID: {module}-pool-b
Competencies: SEED-1.2
Outcomes: 1
9.  Do link workers usually work with a caseload?
*a) Yes
b)  No
END_GROUP
"""


def write_course(root):
    """Write the test's course: a framework and two modules with an assessment each."""
    (root / "competencies").mkdir()
    (root / "competencies" / "seed.yaml").write_text(FRAMEWORK, "utf-8")
    (root / "content" / "quizzes").mkdir(parents=True)
    for order, slug in enumerate(("first-steps", "next-steps"), 1):
        folder = root / "content" / "modules" / slug
        folder.mkdir(parents=True)
        (folder / "module.md").write_text(MODULE.format(title=slug, order=order), "utf-8")
        for number in (1, 2, 3):
            screen = SCREEN.format(number=number)
            (folder / f"0{number}-screen-{number}.md").write_text(screen, "utf-8")
        quiz = root / "content" / "quizzes" / f"{slug}-assessment.md"
        quiz.write_text(QUIZ.format(module=slug), "utf-8")


@pytest.fixture
def seeding_app(database_url, tmp_path, monkeypatch):
    """Return an app on the test's course, its clock stopped at NOW for the seeder."""
    write_course(tmp_path)
    monkeypatch.setattr(seeding, "utcnow", lambda: NOW)  # the run's time
    monkeypatch.setattr(seed_rows, "utcnow", lambda: NOW)  # the time levels are rated
    app = create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "CONTENT_DIR": tmp_path / "content",
            "COMPETENCIES_DIR": tmp_path / "competencies",
        }
    )
    yield app
    engine = app.extensions["linkwise.engine"]
    empty_every_table(engine)
    engine.dispose()


def value(thing):
    """Return a stored value in one form on both databases (times as aware UTC)."""
    if isinstance(thing, datetime):
        return (thing if thing.tzinfo else thing.replace(tzinfo=UTC)).isoformat()
    if isinstance(thing, float):
        return repr(thing)
    return thing


def ordered(rows) -> list:
    """Return rows in one order whatever their values (None, lists and dicts included)."""
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def seeded_rows(organisation: str) -> dict[str, list]:
    """Read every row the seeder wrote for an organisation, by natural keys, sorted."""
    session = db.session()
    users = {
        user.id: user
        for user in session.scalars(
            select(User).join(Organisation).where(Organisation.name == organisation)
        )
    }
    attempts = {
        attempt.id: attempt
        for attempt in session.scalars(select(Attempt).where(Attempt.user_id.in_(users)))
    }

    def attempt_key(attempt_id):
        attempt = attempts[attempt_id]
        return [users[attempt.user_id].email, attempt.quiz_id, attempt.number]

    def row(record, columns, **keys):
        return [*(value(getattr(record, c)) for c in columns), *keys.values()]

    user_columns = (
        "email full_name profession registration_number role professional_confirmed_at "
        "professional_confirmed_as created_at last_signed_in_at"
    )
    by_user = {
        "completion": (Completion, "module_slug item_key completed_at last_completed_at"),
        "competency_level": (
            CompetencyLevel,
            "competency_code level score evidence_count last_evidence_at practice met "
            "met_until due_from expired rated_at",
        ),
    }
    rows = {
        table: ordered(
            row(record, columns.split(), user=users[record.user_id].email)
            for record in session.scalars(select(model).where(model.user_id.in_(users)))
        )
        for table, (model, columns) in by_user.items()
    }
    rows["user_account"] = ordered(row(user, user_columns.split()) for user in users.values())
    rows["attempt"] = ordered(
        row(
            attempt,
            [
                "module_slug",
                "status",
                "selection",
                "quiz_settings",
                "revision",
                "started_at",
                "submitted_at",
                "points",
                "points_possible",
                "percent",
                "passed",
            ],
            key=attempt_key(attempt.id),
        )
        for attempt in attempts.values()
    )
    by_attempt = {
        "answer": (Answer, "question_id response saved_at points revision question_version"),
        "evidence": (
            Evidence,
            "competency_code quiz_id question_id question_version score recorded_at",
        ),
        "certificate": (Certificate, "code module_slug issued_at reflective_account"),
    }
    for table, (model, columns) in by_attempt.items():
        rows[table] = ordered(
            row(record, columns.split(), attempt=attempt_key(record.attempt_id))
            for record in session.scalars(select(model).where(model.attempt_id.in_(attempts)))
        )
    evidence_users = session.execute(
        select(Evidence.attempt_id, Evidence.user_id, Evidence.organisation_id).where(
            Evidence.attempt_id.in_(attempts)
        )
    )
    assert all(
        attempts[a].user_id == u and users[u].organisation_id == o for a, u, o in evidence_users
    )
    return rows


def test_a_seed_writes_the_same_rows_as_ever_on_either_database(seeding_app):
    with seeding_app.app_context():
        report = seeding.seed_learners(60, 5, DEMO_PASSWORD, "Digest PCN", batch_size=25, workers=1)
        rows = seeded_rows("Digest PCN")
    assert {table: len(found) for table, found in rows.items()} == {
        table: report.rows.get(table, 0) for table in rows
    }
    assert all(rows.values())
    text = json.dumps(rows, sort_keys=True, default=str)
    assert hashlib.sha256(text.encode()).hexdigest() == DIGEST
