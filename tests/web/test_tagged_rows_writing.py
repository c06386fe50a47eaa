"""A read that also writes (`tagged_rows.read_writing`) finds exactly what a plain read finds."""

from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import AuditEvent, CompetencyLevel, User, utcnow
from app.services import audit, drilldown, retired_ratings, tagged_rows
from app.services.learner_rows import PERSON
from tests.conftest import sign_in
from tests.web.journeys import pass_module, user_id

# Scores whose shortest decimal needs 16 or 17 digits: JSON at 15 digits would change them.
AWKWARD = (2 / 3, 0.1 + 0.2, 1 / 3 * 100, 0.7000000000000001)


def test_every_row_of_the_learner_page_comes_back_as_a_plain_read_finds_it(app, make_user):
    email = make_user(email="asha@example.org", org="Riverside PCN")
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    client = app.test_client()
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_module(app, client, email, module)  # attempts, answers, evidence, a certificate
    learner, lead = user_id(app, email), user_id(app, "lead@example.org")
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
        now = utcnow()  # the moment the ratings are read at (knowledge_until)
        # The codes some framework has: the AWK ratings are also read as no longer in one.
        known = retired_ratings.known_codes(catalogue())
        read = tagged_rows.read(branches, user_id=learner, now=now, known=known)
        viewed = audit.recorded_where("learner.viewed", User.id, User.id == learner, actor_id=lead)
        written = tagged_rows.read_writing(branches, viewed, user_id=learner, now=now, known=known)
        session.commit()
        events = session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.subject_id == learner, AuditEvent.kind == "learner.viewed"
            )
        )
    assert {"person", "attempt", "evidence", "certificate", "level", "retired-level"} <= set(read)
    assert written == read
    scores = {row.text[0]: row.real[0] for row in written["level"]}
    assert [scores[f"AWK-{place}"] for place in range(len(AWKWARD))] == list(AWKWARD)
    retired = {row.text[0]: row.real[0] for row in written["retired-level"]}
    assert retired == {f"AWK-{place}": score for place, score in enumerate(AWKWARD)}
    assert events == 1


def test_a_read_that_finds_no_one_writes_nothing(app, make_user):
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    lead = user_id(app, "lead@example.org")
    with app.app_context():
        viewed = audit.recorded_where("learner.viewed", User.id, User.id == 10**6, actor_id=lead)
        found = tagged_rows.read_writing((PERSON,), viewed, user_id=10**6)
        db.session().commit()
        events = db.session().scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.kind == "learner.viewed")
        )
    assert found == {} and events == 0
