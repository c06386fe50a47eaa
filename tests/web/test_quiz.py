"""The end-of-module quiz: attempts, autosave, one grade per submission, limits, certificate."""

import random
import threading

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain.content import quiz_key
from app.domain.quizzes.attempts import select_questions
from app.models import Answer, Attempt, Certificate, Completion
from app.services import learning
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.quiz_helpers import answer_fields, attempt_form


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def finish_screens(app, email, module):
    """Record every screen and knowledge check of the module as done."""
    with app.app_context():
        from app.models import User

        user_id = db.session().scalar(select(User.id).where(User.email == email))
        for key in module.screen_item_keys:
            learning.record(user_id, module.slug, key)
        db.session().commit()


@pytest.fixture
def learner(app, client, make_user, module):
    """Return a client signed in as a learner who has finished every screen."""
    email = make_user()
    finish_screens(app, email, module)
    sign_in(client, email)
    return client


def quiz_url(module) -> str:
    return f"/modules/{module.slug}/quiz/"


def start(client, module):
    response = post_form(client, quiz_url(module), {})
    assert response.status_code == 302, response.status_code
    return response.location


def attempt_row(app, url):
    attempt_id = int(url.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        return db.session().get(Attempt, attempt_id)


def submit(client, url, data):
    return post_form(client, url, {**data, "action": "submit"})


def count(app, model, *where):
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where))


def test_quiz_stays_closed_until_every_screen_is_complete(client, make_user, module):
    sign_in(client, make_user())
    assert (
        "The quiz opens once you have completed every screen" in client.get(quiz_url(module)).text
    )
    response = post_form(client, quiz_url(module), {})
    assert response.location == quiz_url(module)
    assert "Finish every screen" in client.get(response.location).text


def test_starting_freezes_the_selection_and_a_second_start_resumes_it(app, learner, module):
    first = start(learner, module)
    again = start(learner, module)
    assert first == again
    attempt = attempt_row(app, first)
    quiz = module.assessment
    delivered = sum(getattr(item, "pick", 1) for item in quiz.items)
    assert len(attempt.selection) == delivered >= 10
    page = learner.get(first).text
    for entry in attempt.selection:
        assert f'id="question-{entry["question"]}"' in page


def test_answers_are_saved_as_given_and_survive_signing_out(app, client, make_user, module):
    email = make_user()
    finish_screens(app, email, module)
    sign_in(client, email)
    url = start(client, module)
    attempt = attempt_row(app, url)
    shown = [module.assessment.question(entry["question"]) for entry in attempt.selection]
    first = next(q for q in shown if q.type_name == "single-choice")
    fields = answer_fields(first, right=True)
    token = csrf_token(client, url)
    saved = client.post(
        url, data={"csrf_token": token, **fields}, headers={"Accept": "application/json"}
    )
    assert saved.json["saved"] is True
    assert saved.json["written"] == [first.id] and saved.json["revision"] == 1
    post_form(client, "/sign-out", {}, page=url)
    sign_in(client, email)
    page = client.get(start(client, module)).text
    choice = fields[f"q.{first.id}"]
    radio = f'id="q.{first.id}-{choice}" name="q.{first.id}" type="radio" value="{choice}"'
    assert f"{radio} checked" in page


def test_passing_grades_once_completes_the_module_and_issues_a_certificate(app, learner, module):
    url = start(learner, module)
    attempt = attempt_row(app, url)
    data = attempt_form(module.assessment, attempt.selection, right=True)
    first = submit(learner, url, data)
    second = submit(learner, url, data)
    assert first.location == second.location == url
    page = learner.get(url).text
    assert "You passed" in page and "100%" in page
    # A title ending in "?" ends the sentence: no full stop after it.
    assert module.title.endswith("?")
    assert f"you have completed <strong>{module.title}</strong></p>" in page
    assert count(app, Attempt, Attempt.status == "graded") == 1
    assert count(app, Certificate) == 1
    assert count(app, Completion, Completion.item_key == quiz_key(module.assessment.id)) == 1
    assert "(100% complete)" in learner.get(f"/modules/{module.slug}/").text


def test_failing_then_passing_on_a_later_attempt(app, learner, module):
    url = start(learner, module)
    wrong = attempt_form(module.assessment, attempt_row(app, url).selection, right=False)
    submit(learner, url, wrong)
    page = learner.get(url).text
    assert "You did not pass this time" in page
    assert "2 attempts left" in page
    second = start(learner, module)
    assert second != url
    right = attempt_form(module.assessment, attempt_row(app, second).selection, right=True)
    submit(learner, second, right)
    assert "You passed" in learner.get(second).text


def test_attempt_limit_is_enforced_on_the_server(app, learner, module):
    for _ in range(module.assessment.max_attempts):
        url = start(learner, module)
        submit(learner, url, {"confirmed": "yes"})
    response = post_form(learner, quiz_url(module), {})
    assert response.location == quiz_url(module)
    assert count(app, Attempt) == module.assessment.max_attempts
    assert "used all your attempts" in learner.get(quiz_url(module)).text


def test_another_learners_attempt_answers_404(app, learner, make_user, module):
    url = start(learner, module)
    other = app.test_client()
    sign_in(other, make_user(email="other@example.org"))
    assert other.get(url).status_code == 404
    token = csrf_token(other, "/account/")
    assert other.post(url, data={"csrf_token": token, "action": "submit"}).status_code == 404


def seed_drawing(quiz, kind: str) -> int:
    """Return a seed whose attempt shows a question of this type."""
    for seed in range(1000):
        for entry in select_questions(quiz, random.Random(seed)):
            if quiz.question(entry["question"]).type_name == kind:
                return seed
    raise AssertionError(f"{quiz.id} has no {kind} question to tamper with")


@pytest.mark.parametrize("tamper", ["unknown-choice", "text-for-number", "foreign-question"])
def test_tampered_answers_answer_400_and_change_nothing(app, learner, module, tamper):
    quiz = module.assessment
    app.config["QUIZ_SEED"] = seed_drawing(quiz, "numeric")
    url = start(learner, module)
    attempt = attempt_row(app, url)
    shown = [quiz.question(entry["question"]) for entry in attempt.selection]
    choice_q = next(q for q in shown if q.type_name in ("single-choice", "true-false"))
    number_q = next(q for q in shown if q.type_name == "numeric")
    data = {}
    if tamper == "unknown-choice":
        data = {f"q.{choice_q.id}": "zz"}
    elif tamper == "text-for-number":
        data = {f"q.{number_q.id}": "about twelve"}
    else:
        data = {"q.not-a-question": "a", f"q.{choice_q.id}": "zz"}
    response = submit(learner, url, data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert attempt_row(app, url).status == "in-progress"
    assert count(app, Attempt, Attempt.status == "graded") == 0
    assert count(app, Answer) == 0


def test_concurrent_submissions_give_one_graded_attempt(app, learner, module):
    url = start(learner, module)
    data = attempt_form(module.assessment, attempt_row(app, url).selection, right=True)
    token = csrf_token(learner, url)
    cookie = learner.get_cookie("linkwise_session").value
    statuses = []

    def send():
        tab = app.test_client()
        tab.set_cookie("linkwise_session", cookie)
        response = tab.post(url, data={"csrf_token": token, "action": "submit", **data})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 5
    assert count(app, Attempt, Attempt.status == "graded") == 1
    assert count(app, Certificate) == 1


def test_certificate_page_pdf_and_public_verification(app, learner, module):
    url = start(learner, module)
    submit(
        learner, url, attempt_form(module.assessment, attempt_row(app, url).selection, right=True)
    )
    page_url = f"/modules/{module.slug}/certificate/"
    page = learner.get(page_url).text
    assert "Your CPD certificate" in page and module.title in page
    post_form(learner, page_url, {"reflection": "I will ask what matters <b>first</b>."})
    pdf = learner.get(f"/modules/{module.slug}/certificate.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    with app.app_context():
        code = db.session().scalar(select(Certificate.code))
    public = app.test_client().get(f"/certificates/{code}")
    assert public.status_code == 200
    assert "Sam Learner" in public.text and module.title in public.text
    assert "learner@example.org" not in public.text and "reflection" not in public.text.lower()
    assert app.test_client().get("/certificates/LW-AAAA-BBBB-CCCC-DDDD").status_code == 404


def test_verification_names_the_code_as_printed_however_it_was_typed(app, learner, module):
    url = start(learner, module)
    submit(
        learner, url, attempt_form(module.assessment, attempt_row(app, url).selection, right=True)
    )
    with app.app_context():
        code = db.session().scalar(select(Certificate.code))
    # As someone might type it from a phone call: lower case, no dashes, a space at the end.
    for typed in (code.lower(), code.replace("-", ""), f"{code} "):
        public = app.test_client().get(f"/certificates/{typed}")
        assert public.status_code == 200
        assert f"certificate <strong>{code}</strong>" in public.text, typed


def test_no_certificate_before_passing(learner, module):
    assert learner.get(f"/modules/{module.slug}/certificate/").status_code == 404
    assert learner.get(f"/modules/{module.slug}/certificate.pdf").status_code == 404


def test_a_timed_attempt_past_its_limit_is_graded_with_what_was_saved(app, learner, module):
    from dataclasses import replace
    from datetime import timedelta

    timed = replace(module.assessment, time_limit_minutes=20)
    with app.app_context():
        app.extensions["linkwise.catalogue"] = replace(
            catalogue(),
            modules=tuple(
                replace(m, assessment=timed) if m.slug == module.slug else m
                for m in catalogue().modules
            ),
        )
    url = start(learner, module)
    assert "This attempt closes at" in learner.get(url).text
    with app.app_context():
        attempt = db.session().get(Attempt, attempt_row(app, url).id)
        attempt.started_at = attempt.started_at - timedelta(minutes=30)
        db.session().commit()
    late = attempt_form(timed, attempt_row(app, url).selection, right=True)
    response = submit(learner, url, late)
    assert response.status_code == 302
    graded = attempt_row(app, url)
    assert graded.status == "graded"
    assert graded.points == 0


def test_grading_records_evidence_for_each_competency_of_each_question(app, learner, module):
    from app.models import Evidence

    url = start(learner, module)
    selection = attempt_row(app, url).selection
    submit(learner, url, attempt_form(module.assessment, selection, right=True))
    submit(learner, url, attempt_form(module.assessment, selection, right=True))
    expected = sum(
        len(module.assessment.question(entry["question"]).competencies) for entry in selection
    )
    assert count(app, Evidence) == expected
    with app.app_context():
        scores = set(db.session().scalars(select(Evidence.score)))
    assert scores == {1.0}
