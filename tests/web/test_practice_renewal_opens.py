"""A confirmed practice is offered for renewal only once it is due soon or has expired, and a
request closed by its supervisor's erasure says so in plain words."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app import db
from app.content import catalogue
from app.domain.competencies import DUE_SOON, MET
from app.domain.dates import day
from app.models import CompetencyLevel, utcnow
from app.models_practice import ConfirmationClosure, ConfirmationDecision
from app.services import erasure, supervisors
from app.services.grid_filters import standing_condition
from app.services.rating_reads import aware
from tests.web import course_files
from tests.web.test_confirmation_validity import confirm, rerate
from tests.web.test_practice import CODE, ask, page_url, people, the_request, user_id  # noqa: F401
from tests.web.test_practice_record import own_competencies  # noqa: F401 (a fixture)

ASK_FORM = f'action="{page_url()}/request"'
RENEW = "Which supervisor should confirm your practice again, to renew it?"


def confirmation_ends(app, request_id: int, ends) -> None:
    """Move the confirmation's recorded end, and the stored rating's, to `ends`."""
    with app.app_context():
        session = db.session()
        session.execute(
            update(ConfirmationDecision)
            .where(ConfirmationDecision.request_id == request_id)
            .values(valid_until=ends)
        )
        session.execute(
            update(CompetencyLevel)
            .where(CompetencyLevel.competency_code == CODE)
            .values(practice_until=ends)
        )
        session.commit()


def test_a_fresh_confirmation_says_until_when_and_offers_renewal_only_when_due(app, people):  # noqa: F811
    learner, sue, _ = people
    request_id = confirm(app, learner, sue)
    with app.app_context():
        ends = aware(
            db.session().scalar(
                select(ConfirmationDecision.valid_until).where(
                    ConfirmationDecision.request_id == request_id
                )
            )
        )
        renew_within = catalogue().framework_for("link-worker").renew_within
    assert ends > utcnow() + timedelta(days=365)  # years away
    page = learner.get(page_url()).text
    assert ASK_FORM not in page and RENEW not in page
    assert f"Your practice is confirmed until {day(ends)}." in page
    assert f"to renew it, from {day(renew_within.before(ends))}." in page

    # Within renew_within of its end: Due soon, so renewing is offered.
    confirmation_ends(app, request_id, utcnow() + timedelta(days=20))
    page = learner.get(page_url()).text
    assert ASK_FORM in page and RENEW in page
    assert "it is due for renewal" in page

    # Expired: asked again, as for any confirmation that no longer confirms.
    confirmation_ends(app, request_id, utcnow() - timedelta(days=1))
    page = learner.get(page_url()).text
    assert ASK_FORM in page and "Confirmation expired" in page


def test_a_confirmation_ending_late_on_a_winter_evening_renews_from_the_same_uk_day(
    app,
    people,  # noqa: F811
    own_competencies,  # noqa: F811
):
    """Ending at 11:45pm GMT on 9 December 2029, renew_within 3m: renewal opens at 11:45pm
    BST on 9 September (22:45 UTC), on the page and in the matrix's "due soon" alike, not
    at 23:45 UTC, which is 12:45am BST on the 10th."""
    # Met by the confirmation alone, so the rating's dates are the confirmation's.
    course_files.edit(
        own_competencies / "splw.yaml",
        "met:\n  all:\n    - knowledge: Secure\n    - practice: confirmed\n",
        "met:\n  practice: confirmed\n",
    )
    course_files.reload(app)
    learner, sue, _ = people
    request_id = confirm(app, learner, sue)
    confirmation_ends(app, request_id, datetime(2029, 12, 9, 23, 45, tzinfo=UTC))
    rerate(app)  # the stored rating, which the matrix reads, from the moved end
    page = learner.get(page_url()).text
    assert (
        "Your practice is confirmed until 9 December 2029. You can ask a supervisor to confirm "
        "it again, to renew it, from 9 September 2029." in page
    )
    opens = datetime(2029, 9, 9, 22, 45, tzinfo=UTC)
    with app.app_context():
        session = db.session()
        rating = session.scalar(
            select(CompetencyLevel).where(CompetencyLevel.competency_code == CODE)
        )
        assert aware(rating.due_from) == opens
        for now, standing in ((opens - timedelta(seconds=1), MET), (opens, DUE_SOON)):
            shown = select(CompetencyLevel.id).where(
                CompetencyLevel.id == rating.id, standing_condition(standing, now)
            )
            assert session.scalar(shown) == rating.id, (now, standing)


def test_a_supervisors_erasure_closes_the_request_saying_the_account_was_deleted(app, people):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    with app.app_context():
        erasure.erase(user_id(app, "sue@example.org"))
        reason = db.session().scalar(
            select(ConfirmationClosure.reason).where(ConfirmationClosure.request_id == request_id)
        )
    assert reason == "supervisor_erased"
    page = learner.get(page_url()).text
    assert f"on {day(utcnow())}, undecided: the supervisor's account was deleted." in page
    assert "Erased account" not in page


def test_a_request_closed_before_its_supervisor_was_erased_keeps_its_reason(app, people):  # noqa: F811
    """Removed as a supervisor first (closed then, reason `supervisor`), erased later: the
    stored reason stays; the page says both, without naming "Erased account"."""
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    sue = user_id(app, "sue@example.org")
    with app.app_context():
        supervisors.set_supervisor(None, sue, False, via="cli")
        db.session().commit()
    before = learner.get(page_url()).text
    assert "Sue Supervisor had stopped being a supervisor at Riverside PCN" in before
    with app.app_context():
        erasure.erase(sue)
        reason = db.session().scalar(
            select(ConfirmationClosure.reason).where(ConfirmationClosure.request_id == request_id)
        )
    assert reason == "supervisor"
    page = learner.get(page_url()).text
    assert (
        "undecided: the supervisor could no longer confirm practice at Riverside PCN, "
        "and their account has been deleted." in page
    )
    assert "Erased account" not in page
