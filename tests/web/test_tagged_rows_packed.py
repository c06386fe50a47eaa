"""Rows read as one JSON array inside another statement (`tagged_rows.packed`) come back
exactly as a plain read finds them."""

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import CompetencyLevel, User, utcnow
from app.services import drilldown, tagged_rows
from app.services.learner_rows import PERSON
from tests.conftest import sign_in
from tests.web.journeys import pass_module, user_id
from tests.web.test_tagged_rows_writing import AWKWARD


def test_every_row_of_the_learner_page_comes_back_packed_as_a_plain_read_finds_it(app, make_user):
    email = make_user(email="asha@example.org", org="Riverside PCN")
    client = app.test_client()
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_module(app, client, email, module)  # attempts, answers, evidence, a certificate
    learner = user_id(app, email)
    with app.app_context():
        session = db.session()
        for place, score in enumerate(AWKWARD):
            session.add(
                CompetencyLevel(
                    user_id=learner, competency_code=f"AWK-{place}", level="x", score=score,
                    evidence_count=1, met=bool(place % 2),
                )
            )  # fmt: skip
        session.commit()
        branches = (PERSON, *drilldown.PAGE_ROWS)
        now = utcnow()
        read = tagged_rows.read(branches, user_id=learner, now=now)
        dialect = db.engine().dialect
        packed = tagged_rows.packed(branches, dialect.name).label("rows")
        statement = select(User.email, packed).where(User.id == learner)
        row = session.execute(statement, {"user_id": learner, "now": now}).one()
        found = tagged_rows.unpacked(row.rows, dialect)
        # No rows: SQLite's array is empty, PostgreSQL's NULL.
        none = session.execute(statement, {"user_id": 10**6, "now": now}).one().rows
    assert {"person", "attempt", "evidence", "certificate", "level"} <= set(read)
    assert row.email == email and found == read
    assert tagged_rows.unpacked(none, dialect) == {}
