"""A passed quiz opens again for renewal: when an assignment, a competency or a certificate
asks for it, the learner gets a fresh set of attempts; before that, it stays closed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain import dates
from app.models import Attempt, AttemptGrant, CompetencyLevel, utcnow
from app.models_credentials import Credential
from app.services import attempt_standings, extra_attempts, quiz_standing, quizzes
from tests.conftest import post_form, sign_in
from tests.web.journeys import pass_module, user_id
from tests.web.renewal_helpers import ORG, age, assign_yearly, fail, failed_then_passed
from tests.web.test_quiz_next_attempt import whole_minute_on

DAY = timedelta(days=1)


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def passer(app, client, make_user, module) -> int:
    """Sign in a learner of Riverside PCN who passes the module's quiz; return their id."""
    email = make_user(org=ORG)
    sign_in(client, email)
    pass_module(app, client, email, module)
    return user_id(app, email)


@pytest.fixture
def passed(app, client, make_user, module):
    """A learner of Riverside PCN who passed the module's quiz; return their id."""
    return passer(app, client, make_user, module)


def test_a_yearly_assignment_falling_due_opens_the_passed_quiz_again(app, passed, module):
    assign_yearly(app, module)
    with app.app_context():
        today = dates.uk_today()
        expires = today.replace(year=today.year + 1)
        opens = expires - timedelta(days=30)
        with pytest.raises(quizzes.QuizClosed) as closed:
            quizzes.start(passed, module, now=utcnow() + timedelta(days=300))
        assert str(closed.value) == (
            f"You have already passed this quiz. It opens for renewal on {opens.day} {opens:%B %Y}."
        )
        db.session().rollback()
        renewal = quizzes.start(passed, module, now=utcnow() + timedelta(days=340))
        assert renewal.number == 2 and renewal.status == "in-progress"
        standing = quiz_standing.status(passed, module, utcnow() + timedelta(days=340))
        assert standing.renewing and standing.passed.number == 1
        assert standing.renewal.reasons == (
            "Your organisation asks for this module every year: "
            f"renew by {expires.day} {expires:%B %Y}",
        )


def test_a_competency_due_for_renewal_opens_the_quiz_that_assesses_it(app, client, make_user):
    with app.app_context():
        module = catalogue().module("safeguarding-risk-and-confidentiality")
    learner = passer(app, client, make_user, module)
    with app.app_context():
        # Knowing the routes for immediate risk is met on knowledge alone, for a year,
        # renewed 3 months early.
        level = (
            db.session()
            .scalars(select(CompetencyLevel).where(CompetencyLevel.competency_code == "REF-4.1"))
            .one()
        )
        assert level.met and level.due_from is not None
        due_from = quiz_standing.aware(level.due_from)
        # It opens at the moment the rating falls due, not at the start of that day: the
        # learner is told the time.
        shown = whole_minute_on(due_from)
        when = f"at {dates.time_of_day(shown)} on {dates.day(shown)}"
        with pytest.raises(quizzes.QuizClosed) as closed:
            quizzes.start(learner, module, now=due_from - DAY)
        assert str(closed.value).endswith(f"It opens for renewal {when}.")
        db.session().rollback()
    page = client.get(f"/modules/{module.slug}/quiz/").text
    assert f"It opens again for renewal <strong>{when}</strong>." in page
    with app.app_context():
        standing = quiz_standing.status(learner, module, due_from)
        assert standing.renewing
        # The certificate's credential lasts as long as that knowledge does (a year), so it
        # is due for renewal at the same time.
        until = quiz_standing.aware(db.session().scalar(select(Credential.valid_until)))
        assert standing.renewal.reasons == (
            "Your knowledge of Knowing the routes for immediate risk is due for renewal",
            f"Your certificate is valid until {dates.day(until)}",
        )
        assert quizzes.start(learner, module, now=due_from).number == 2


def test_a_certificate_near_its_end_opens_the_quiz(app, passed, module):
    # Valid for 3 years, renewed within 3 months: nothing else asks for it.
    with app.app_context():
        year = 365 * DAY
        assert not quiz_standing.status(passed, module, utcnow() + 2 * year).renewing
        standing = quiz_standing.status(passed, module, utcnow() + 3 * year - 30 * DAY)
        assert standing.renewing and standing.renewal.reasons[0].startswith(
            "Your certificate is valid until "
        )


def test_a_renewal_has_a_fresh_set_of_attempts_and_no_more(app, client, passed, module):
    assign_yearly(app, module)
    later = utcnow() + timedelta(days=340)
    quiz = module.assessment
    for number in range(2, 2 + quiz.max_attempts):
        with app.app_context():
            attempt = quizzes.start(passed, module, now=later)
            assert attempt.number == number
            attempt_id = attempt.id
        fail(client, module, attempt_id)
    with app.app_context():
        standing = quiz_standing.status(passed, module, later)
        assert standing.renewing and standing.allowance.used == quiz.max_attempts
        assert standing.allowance.locked
        with pytest.raises(quizzes.QuizClosed, match="used all your attempts"):
            quizzes.start(passed, module, now=later)
        db.session().rollback()
        # The earlier pass still stands: the module stays complete.
        assert standing.passed.number == 1


def test_a_manager_refused_before_a_renewal_opens_is_told_its_exact_time(app, client, make_user):
    with app.app_context():
        module = catalogue().module("safeguarding-risk-and-confidentiality")
    learner = passer(app, client, make_user, module)
    manager = user_id(app, make_user(email="m@example.org", role="manager", org=ORG))
    with app.app_context():
        # Knowing the routes for immediate risk falls due at the moment of the pass, a year
        # on less three months: the manager is told that minute, as the learner is.
        opens = quiz_standing.status(learner, module).renewal.opens_at
        shown = whole_minute_on(opens)
        assert shown != dates.uk_day_starts(dates.uk_day(shown))
        with pytest.raises(extra_attempts.NothingChanged) as refused:
            extra_attempts.grant_attempt(manager, learner, module.assessment.id, "Off sick")
        assert str(refused.value) == (
            "Nothing was changed: Sam Learner has passed this quiz and it opens for renewal "
            f"at {dates.time_of_day(shown)} on {dates.day(shown)}."
        )


def test_the_attempts_and_grants_before_the_pass_do_not_count_against_the_renewal(
    app, client, make_user, module
):
    learner = failed_then_passed(app, client, make_user, module)
    assign_yearly(app, module)
    with app.app_context():
        standing = quiz_standing.status(learner, module, utcnow() + timedelta(days=340))
        assert standing.renewing and standing.passed.number == 2
        assert standing.allowance.used == 0
        assert standing.allowance.left == module.assessment.max_attempts


def test_a_manager_gives_one_more_attempt_only_at_an_open_renewal(
    app, client, make_user, passed, module
):
    assign_yearly(app, module)
    manager = user_id(app, make_user(email="m@example.org", role="manager", org=ORG))
    quiz_id = module.assessment.id
    with app.app_context():
        with pytest.raises(extra_attempts.GrantRefused) as refused:
            extra_attempts.grant_attempt(manager, passed, quiz_id, "Off sick")
        opens = quiz_standing.status(passed, module).renewal.opens_at
        assert str(refused.value).endswith(
            f"has passed this quiz and it opens for renewal on {dates.day(opens)}."
        )
    age(app, passed, 340)  # the yearly renewal is due
    still = pytest.raises(extra_attempts.GrantRefused, match="still has an attempt to use")
    with app.app_context(), still:
        extra_attempts.grant_attempt(manager, passed, quiz_id, "Off sick")
    for _ in range(module.assessment.max_attempts):
        with app.app_context():
            attempt_id = quizzes.start(passed, module).id
        fail(client, module, attempt_id)
    with app.app_context():
        page = attempt_standings.learner_attempts(passed)
        [standing] = [q for q in page.quizzes if q.quiz_id == quiz_id]
        assert standing.renewing and standing.locked and standing.used == 3
        extra_attempts.grant_attempt(manager, passed, quiz_id, "Off sick")
        assert db.session().scalar(select(func.count()).select_from(AttemptGrant)) == 1
        assert quizzes.start(passed, module).number == 2 + module.assessment.max_attempts


def test_two_tabs_starting_a_renewal_get_one_attempt(app, client, passed, module):
    assign_yearly(app, module)
    age(app, passed, 340)
    first = post_form(client, f"/modules/{module.slug}/quiz/", {})
    second = post_form(client, f"/modules/{module.slug}/quiz/", {})
    assert first.location == second.location and "/attempts/" in first.location
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Attempt)) == 2
