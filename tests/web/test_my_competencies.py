"""A learner's competency profile changes as they pass quizzes."""

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt, Evidence, User
from app.services import attainment_reads
from tests.conftest import post_form, sign_in
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import finish_screens


def pass_quiz(app, client, email, module):
    finish_screens(app, email, module)
    url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
    data = attempt_form(module.assessment, attempt.selection, right=True)
    post_form(client, url, {**data, "action": "submit"})


def covered_codes(framework) -> list[str]:
    aligned = {
        code
        for m in catalogue().modules
        if m.assessment
        for q in m.assessment.questions
        for code in q.competencies
    }
    return [c.code for c in framework.competencies if c.code in aligned]


def test_a_new_learner_has_not_enough_evidence_everywhere(app, signed_in):
    page = signed_in.get("/my/competencies").text
    with app.app_context():
        framework = catalogue().framework_for("practice-nurse")
        covered = covered_codes(framework)
    assert page.count("Not enough evidence") == len(covered)
    assert f"<strong>0 of {len(covered)}</strong> competencies met" in page
    assert "competent" not in page.lower().replace("competencies", "").replace("competency", "")


def test_a_nurse_sees_the_referrer_framework_and_a_link_worker_the_splw_one(app, client, make_user):
    from tests.conftest import sign_in

    sign_in(client, make_user(email="nurse@example.org", profession="practice-nurse"))
    nurse = client.get("/my/competencies").text
    sign_in(client, make_user(email="lw@example.org", profession="link-worker"))
    link_worker = client.get("/my/competencies").text
    with app.app_context():
        referrer, splw = catalogue().framework("referrer"), catalogue().framework("splw")
    assert referrer.title in nurse and "REF-1.1" in nurse and "SPLW-1.1" not in nurse
    assert splw.title in link_worker and "SPLW-1.1" in link_worker and "REF-1.1" not in link_worker


def test_passing_a_quiz_rates_knowledge_but_does_not_meet_without_practice(app, client, make_user):
    from app.models import CompetencyLevel
    from tests.conftest import sign_in

    email = make_user(profession="link-worker")
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_quiz(app, client, email, module)
    with app.app_context():
        questions = {}
        for code, question in db.session().execute(
            select(Evidence.competency_code, Evidence.question_id)
        ):
            questions.setdefault(code, set()).add(question)
        stored = {r.competency_code: r for r in db.session().scalars(select(CompetencyLevel))}
        minimum = catalogue().framework("splw").attainment.minimum_evidence
    for code, asked in questions.items():
        expected = "Secure" if len(asked) >= minimum else "Not enough evidence"
        assert stored[code].level == expected, code
        # The framework asks for a supervisor's confirmation too: knowledge alone is not met.
        assert stored[code].met is False and stored[code].practice == "Not started"
    assert any(r.level == "Secure" for r in stored.values())
    page = client.get("/my/competencies").text
    assert module.assessment.title in page
    assert "nhsuk-tag--green" in page
    assert "Your answer:" in page and "wisp-q" not in page  # words, not question ids


def test_what_next_points_to_modules_and_screens(signed_in, app):
    page = signed_in.get("/my/competencies").text
    assert "What to do next" in page
    with app.app_context():
        framework = catalogue().framework_for("practice-nurse")
        for module in catalogue().modules_developing(framework.id):
            assert module.title in page
            assert f'href="/modules/{module.slug}/' in page
    assert "Screens to read:" in page


def test_competencies_no_question_covers_are_shown_apart(app, make_user):
    from app.domain.content import Catalogue

    make_user(profession="practice-nurse")
    with app.app_context():
        full = catalogue()
        one_module = Catalogue(full.modules[:1], full.frameworks)
        user_id = db.session().scalar(select(User.id))
        profile = attainment_reads.profile(user_id, one_module)
        covered = set(covered_codes(profile.framework)) & {
            code for q in full.modules[0].assessment.questions for code in q.competencies
        }
    shown = {s.competency.code for d in profile.domains for s in d.competencies}
    apart = {c.code for c in profile.not_covered}
    assert shown == covered
    assert apart == {c.code for c in profile.framework.competencies} - covered
    assert profile.total == len(covered)


def test_the_profile_needs_sign_in(client):
    client.set_cookie("linkwise_professional", "yes")
    assert client.get("/my/competencies").location.startswith("/sign-in")


def test_stored_ratings_equal_recomputed_ratings(app, client, make_user):
    from app.models import CompetencyLevel
    from app.services import rating_recompute
    from tests.conftest import sign_in

    email = make_user(profession="link-worker")
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_quiz(app, client, email, module)

    def stored():
        return {
            r.competency_code: (r.level, r.score, r.evidence_count, r.practice, r.met, r.expired)
            for r in db.session().scalars(select(CompetencyLevel))
        }

    with app.app_context():
        graded = stored()
        assert rating_recompute.recompute_levels(catalogue()) == 1
        db.session().expire_all()
        assert stored() == graded and graded


def test_after_a_framework_change_recompute_stores_what_the_rating_function_says(
    app, client, make_user
):
    from dataclasses import replace
    from datetime import timedelta

    from app.domain.competencies import KnowledgeAtLeast, parse_duration, rate_learner
    from app.domain.content import Catalogue
    from app.models import CompetencyLevel, utcnow
    from app.services import rating_reads, rating_recompute
    from tests.conftest import sign_in

    email = make_user(profession="link-worker")
    sign_in(client, email)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_quiz(app, client, email, module)
    with app.app_context():
        before = {r.competency_code: r.met for r in db.session().scalars(select(CompetencyLevel))}
        # The change: knowledge alone meets, and evidence counts for a week only.
        changed = Catalogue(
            catalogue().modules,
            tuple(
                replace(f, met=KnowledgeAtLeast("Developing", 1), valid_for=parse_duration("1w"))
                for f in catalogue().frameworks
            ),
        )
        later = utcnow() + timedelta(days=3)
        rating_recompute.recompute_levels(changed, now=later)
        db.session().expire_all()
        stored = {r.competency_code: r for r in db.session().scalars(select(CompetencyLevel))}
        user = db.session().scalar(select(User.id).where(User.email == email))
        evidence = rating_reads.load_evidence([user])[user]
        expected = {r.code: r for r in rate_learner(changed.frameworks, evidence, {}, later)}
    assert not any(before.values()) and any(r.met for r in stored.values())
    assert set(stored) == set(expected)
    for code, row in stored.items():
        rating = expected[code]
        assert (row.level, row.met, row.expired, row.practice) == (
            rating.knowledge.level, rating.met, rating.expired, rating.practice
        )  # fmt: skip
        if rating.met:
            assert rating_reads.aware(row.met_until) == rating.met_until
            assert rating_reads.aware(row.due_from) == rating.due_from


def test_a_competency_with_a_rule_of_its_own_says_so_and_needs_no_practice(app, signed_in):
    # REF-4.1 (crisis routes) is met on secure knowledge alone and lapses after a year,
    # while the framework asks for a confirmation of practice and counts three years.
    page = signed_in.get("/my/competencies").text
    assert (
        "<strong>REF-4.1 Knowing the routes for immediate risk</strong> has a rule of its own: "
        "met means knowledge rated Secure, with no confirmation of practice needed. "
        "Its evidence counts for 1 year."
    ) in page
    row = page[page.index("<strong>REF-4.1</strong>") :]
    row = row[: row.index("</tr>")]
    assert "Not needed" in row and "Not started" not in row
    other = page[page.index("<strong>REF-4.2</strong>") :]
    assert "Not started" in other[: other.index("</tr>")]
    assert page.count("has a rule of its own") == 1


def test_what_next_never_points_to_a_quiz_already_passed(app, client, make_user):
    from app.domain.progress import quiz_key
    from app.models import Attempt, Completion, utcnow

    make_user()
    sign_in(client, "learner@example.org")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    link = f'href="/modules/{module.slug}/">{module.title}</a> develops'
    assert link in client.get("/my/competencies").text
    # Passed with too few answers on its competencies to rate them: still to develop, yet
    # its quiz cannot be taken again, so the module is no longer a next step. (The pass and
    # its completion, with no answers: a pass counts by its attempt, as compliance counts.)
    with app.app_context():
        learner = db.session().scalar(select(User.id))
        db.session().add_all(
            (
                Attempt(
                    user_id=learner,
                    quiz_id=module.assessment.id,
                    module_slug=module.slug,
                    number=1,
                    status="graded",
                    selection=[],
                    quiz_settings={"kind": "assessment"},
                    submitted_at=utcnow(),
                    passed=True,
                ),
                Completion(
                    user_id=learner,
                    module_slug=module.slug,
                    item_key=quiz_key(module.assessment.id),
                ),
            )
        )
        db.session().commit()
    page = client.get("/my/competencies").text
    assert "Not enough evidence" in page
    assert link not in page
