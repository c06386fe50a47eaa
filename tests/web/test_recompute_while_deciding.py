"""A supervisor's decision made while `recompute-levels` waits for its batch's learners is
counted by it, not undone: each batch rates as things stand once its learners are locked
(before, the whole command rated as at its start, so a later decision was left out and the
rating it made overwritten until the next run)."""

import threading
import time

import pytest
from sqlalchemy import select, text

from app import db
from app.content import catalogue
from app.models import CompetencyLevel, RatingChange, utcnow
from app.models_practice import SelfAssessment
from app.services import rating_recompute
from tests.web import test_practice
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import CODE, ask, decide, self_assess, the_request, user_id

people = test_practice.people  # a link worker, two supervisors at Riverside, one elsewhere


@pytest.fixture
def earlier(app, make_user) -> int:
    """A learner made before the others (a lower id: locked first), with a self-assessment."""
    email = make_user(email="early@example.org", org="Riverside PCN", full_name="Eve Early")
    learner = user_id(app, email)
    with app.app_context():
        session = db.session()
        session.add(SelfAssessment(user_id=learner, competency_code=CODE, confidence=2))
        session.commit()
    return learner


def waiting_on_a_lock(app) -> bool:
    with app.app_context(), db.engine().connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query LIKE '%FOR SHARE%'"
                )
            ).scalar()
        )


def test_a_decision_made_while_recompute_waits_is_not_undone(app, earlier, people):
    if db_name(app) != "postgresql":
        pytest.skip("SQLite has no row locks: one writer at a time")
    learner, sue, _ = people
    module = next(m for m in catalogue_of(app).modules if m.assessment)
    pass_quiz(app, learner, "learner@example.org", module)
    self_assess(learner, "3", "after", "Asked what matters first.")
    assert ask(learner, app).status_code == 302
    assert practice(app) == "Awaiting confirmation"
    done = []
    with app.app_context(), db.engine().connect() as blocker:
        blocker.execute(
            text("SELECT id FROM user_account WHERE id = :id FOR UPDATE"), {"id": earlier}
        )

        def recompute():
            with app.app_context():
                rating_recompute.recompute_levels(catalogue(), workers=1)
                done.append(utcnow())

        running = threading.Thread(target=recompute)
        running.start()
        deadline = time.monotonic() + 20
        while not waiting_on_a_lock(app):
            assert time.monotonic() < deadline, "recompute-levels never waited for the lock"
            time.sleep(0.05)
        # The supervisor confirms while the command waits (it has not locked this learner).
        assert decide(sue, the_request(app), outcome="confirmed").status_code == 302
        blocker.rollback()
    running.join(30)
    assert done, "recompute-levels did not finish"
    assert practice(app) == "Confirmed"
    with app.app_context():
        causes = db.session().scalars(
            select(RatingChange.cause)
            .where(
                RatingChange.user_id == user_id(app, "learner@example.org"),
                RatingChange.competency_code == CODE,
            )
            .order_by(RatingChange.id)
        )
        # Nothing after the decision: the command found the rating as it had to be.
        assert list(causes)[-1] == "decided"


def practice(app) -> str:
    """Return the learner's practice status in CODE (the earlier learner has one too)."""
    with app.app_context():
        return db.session().scalar(
            select(CompetencyLevel.practice).where(
                CompetencyLevel.user_id == user_id(app, "learner@example.org"),
                CompetencyLevel.competency_code == CODE,
            )
        )


def db_name(app) -> str:
    with app.app_context():
        return db.engine().dialect.name


def catalogue_of(app):
    with app.app_context():
        return catalogue()
