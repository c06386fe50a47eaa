"""A competency page says why knowledge stands below the top level and what can raise it.

The rating weighs every attempt (docs/competence.md), so a learner who scored 1% and then
100% is still Developing: the page says so in a sentence, and promises no level.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app import db
from app.content import catalogue
from app.domain.competencies.knowledge import attainment, why_rated
from app.domain.competencies.methods import ATTAINMENT_METHODS, Evidence
from app.models import CompetencyLevel
from tests.conftest import sign_in
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import CODE, page_url

START = datetime(2026, 12, 1, tzinfo=UTC)


def attempt(score: float, day: int, quiz: str) -> list[Evidence]:
    """Return three answers of one attempt, each earning `score`, on `day`."""
    at = START + timedelta(days=day)
    return [Evidence(score, at, f"q{n}", quiz) for n in range(3)]


def test_one_percent_then_full_marks_is_developing_and_the_reason_says_why(app):
    with app.app_context():
        framework = catalogue().framework("splw")
    rated = attainment(attempt(0.01, 0, "a") + attempt(1.0, 1, "b"), framework)
    assert rated.level == "Developing"  # 100% × 0.65 + 1% × 0.35 = 65.35%
    reason = why_rated(rated.level, framework)
    assert reason.startswith("Your knowledge is rated Developing because")
    assert "your latest for 65% and the mean of your earlier ones for 35%" in reason
    assert "can raise it" in reason and "Secure starts at a score of 80%" in reason
    assert why_rated("Secure", framework) is None
    assert why_rated("Not enough evidence", framework) is None


def test_the_competency_page_shows_the_reason_below_the_top_level_only(app, client, make_user):
    email = make_user(profession="link-worker")
    sign_in(client, email)
    with app.app_context():
        module = catalogue().modules[0]
    pass_quiz(app, client, email, module)
    for level, shown in (("Developing", True), ("Secure", False)):
        with app.app_context():
            db.session().execute(
                update(CompetencyLevel)
                .where(CompetencyLevel.competency_code == CODE)
                .values(level=level)
            )
            db.session().commit()
        page = " ".join(client.get(page_url()).text.split())
        assert (f"Your knowledge is rated {level} because" in page) is shown, level
        assert 'id="rating-history"' in page  # the rating history stays


def test_every_attainment_method_says_how_it_scores(app):
    with app.app_context():
        framework = catalogue().framework("splw")
    for name, method in ATTAINMENT_METHODS.items():
        said = method.for_framework(framework).in_words(framework.attainment)
        assert said.startswith("it ") and "quiz attempt" in said, name
