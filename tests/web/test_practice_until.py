"""A confirmed practice reads "Confirmation expired" on every page and export from the moment
its confirmation ends, not only after the nightly re-rating stores it."""

from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.models import CompetencyLevel, utcnow
from app.models_practice import ConfirmationDecision
from app.services.rating_reads import aware
from tests.web.test_confirmation_validity import (
    between,
    confirm,
    exported,
    rerate,
    riverside_manager,
)
from tests.web.test_practice import CODE, page_url, people, user_id  # noqa: F401 (a fixture)
from tests.web.test_practice_record import stored

CONFIRMED, EXPIRED = "Confirmed", "Confirmation expired"


def practice_shown(app, learner, manager) -> dict[str, str]:
    """Return what each place that shows the learner's practice in CODE says about it."""
    lee = user_id(app, "learner@example.org")
    row = f"<strong>{CODE}</strong>"
    own = learner.get(page_url()).text
    grid = manager.get("/manage/?profession=link-worker").text
    drill = manager.get(f"/manage/learners/{lee}").text
    lines = manager.get("/manage/export.csv").text.splitlines()
    return {
        "learner's competency page": between(own, "Practice</dt>", "</dd>"),
        "learner's competencies": between(learner.get("/my/competencies").text, row, "</tr>"),
        "manager's learner page": between(drill, row, "</tr>"),
        # Lee's row: only CODE has a practice step, the others "Not started".
        "manager's grid": between(grid, ">Lee Learner</a>", "</tr>"),
        "manager's export": next(line for line in lines if f",{CODE}," in line),
        "data export": exported(app)["rating"]["practice"],
    }


def test_a_lapsed_confirmation_says_so_everywhere_before_the_ratings_are_recomputed(
    app,
    people,  # noqa: F811
    make_user,
):
    learner, sue, _ = people
    manager = riverside_manager(app, make_user)
    request_id = confirm(app, learner, sue)
    # The rating written with the decision ends "Confirmed" where the decision recorded.
    with app.app_context():
        recorded = db.session().scalar(
            select(ConfirmationDecision.valid_until).where(
                ConfirmationDecision.request_id == request_id
            )
        )
    assert recorded is not None
    assert aware(stored(app).practice_until) == aware(recorded)
    for place, shown in practice_shown(app, learner, manager).items():
        assert CONFIRMED in shown and EXPIRED not in shown, place

    # The confirmation ended yesterday; the rating stored when it was given still says
    # "Confirmed", ending then, until the nightly re-rating.
    ended = utcnow() - timedelta(days=1)
    with app.app_context():
        session = db.session()
        session.execute(
            update(ConfirmationDecision)
            .where(ConfirmationDecision.request_id == request_id)
            .values(valid_until=ended)
        )
        session.execute(
            update(CompetencyLevel)
            .where(CompetencyLevel.competency_code == CODE)
            .values(practice_until=ended)
        )
        session.commit()
    assert stored(app).practice == CONFIRMED
    before = practice_shown(app, learner, manager)
    for place, shown in before.items():
        assert EXPIRED in shown and CONFIRMED not in shown, place

    rerate(app)
    assert (stored(app).practice, stored(app).practice_until) == (EXPIRED, None)
    assert practice_shown(app, learner, manager) == before
