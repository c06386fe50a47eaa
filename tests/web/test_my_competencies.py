"""A learner's competency profile changes as they pass quizzes."""

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt, Evidence
from app.services import attainment
from tests.conftest import post_form
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import finish_screens


def pass_quiz(app, client, email, module):
    finish_screens(app, email, module)
    url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
    data = attempt_form(module.assessment, attempt.selection, right=True)
    post_form(client, url, {**data, "action": "submit"})


def test_a_new_learner_has_insufficient_evidence_everywhere(app, signed_in):
    page = signed_in.get("/my/competencies").text
    with app.app_context():
        frameworks = catalogue().frameworks
    assert page.count("Insufficient evidence") == sum(len(f.competencies) for f in frameworks)
    for framework in frameworks:
        assert f"competent in <strong>0 of {len(framework.competencies)}</strong>" in page


def test_passing_a_quiz_rates_the_competencies_it_gives_evidence_for(app, client, make_user):
    from tests.conftest import sign_in

    email = make_user()
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_quiz(app, client, email, module)
    with app.app_context():
        profiles = attainment.profile(db.session().scalar(select(Evidence.user_id)), catalogue())
        counts = {}
        for code in db.session().scalars(select(Evidence.competency_code)):
            counts[code] = counts.get(code, 0) + 1
    rated = {
        s.competency.code: s.attainment
        for profile in profiles
        for d in profile.domains
        for s in d.competencies
    }
    minimum = profiles[0].framework.attainment.minimum_evidence
    for code, count in counts.items():
        expected = "Competent" if count >= minimum else "Insufficient evidence"
        assert rated[code].level == expected, code
    assert any(a.level == "Competent" for a in rated.values())
    page = client.get("/my/competencies").text
    assert module.assessment.title in page
    assert "nhsuk-tag--green" in page


def test_what_next_points_to_modules_for_competencies_not_yet_reached(signed_in, app):
    page = signed_in.get("/my/competencies").text
    assert "What to do next" in page
    with app.app_context():
        for module in catalogue().modules:
            assert module.title in page


def test_the_profile_needs_sign_in(client):
    client.set_cookie("linkwise_professional", "yes")
    assert client.get("/my/competencies").location.startswith("/sign-in")


def test_grading_keeps_each_competency_level_in_step_with_the_profile(app, client, make_user):
    from app.models import CompetencyLevel
    from tests.conftest import sign_in

    email = make_user()
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_quiz(app, client, email, module)
    with app.app_context():
        user_id = db.session().scalar(select(Evidence.user_id))
        stored = {
            row.competency_code: (row.level, row.evidence_count)
            for row in db.session().scalars(select(CompetencyLevel))
        }
        profiles = attainment.profile(user_id, catalogue())
    computed = {
        s.competency.code: (s.attainment.level, s.attainment.evidence_count)
        for profile in profiles
        for d in profile.domains
        for s in d.competencies
        if s.evidence
    }
    assert stored == computed
