"""Every page is valid HTML according to the Nu HTML checker (npm vnu-jar), and has one h1."""

import random
import re

import lxml.html
import pytest

from app.domain.quizzes.attempts import select_questions
from tests.conftest import (
    DEMO_PASSWORD,
    confirm_professional,
    csrf_token,
    post_form,
    sign_in,
)
from tests.nu_checker import nu_errors  # the other page checks import it from here
from tests.web.quiz_helpers import browser_form


def collect_pages(client, make_user) -> dict[str, str]:
    """Render every page of the foundation, in its interesting states."""
    pages = {
        name: client.get(url).text
        for name, url in [
            ("home", "/"),
            ("privacy", "/privacy"),
            ("cookies", "/cookies"),
            ("accessibility", "/accessibility"),
            ("gate", "/confirm-professional?next=/x"),
            ("declined", "/not-a-healthcare-professional"),
            ("sign-in", "/sign-in"),
            ("not-found", "/nope"),
        ]
    }
    pages["csrf-error"] = client.post("/sign-in", data={}).text
    pages["gate-error"] = post_form(client, "/confirm-professional", {}).text
    confirm_professional(client)
    pages["register"] = client.get("/register").text
    pages["register-errors"] = post_form(client, "/register", {"password": "short"}).text
    pages["sign-in-error"] = sign_in(client, "who@example.org", "wrong password x").text
    make_user()
    sign_in(client, "learner@example.org")
    pages["home-signed-in"] = client.get("/").text
    pages["account"] = client.get("/account/").text
    pages["account-errors"] = post_form(client, "/account/", {"current_password": "x"}).text
    pages["my-learning"] = client.get("/modules/").text
    pages["my-competencies"] = client.get("/my/competencies").text
    pages["competencies"] = client.get("/competencies/").text
    pages["throttled-device"], pages["throttled-network"] = throttled_pages(client.application)
    pages["csrf-signed-out"] = signed_out_page(client.application)
    return pages


def signed_out_page(app) -> str:
    """Return the page a form from a signed-in page gets once its sender has signed out."""
    browser = app.test_client()
    sign_in(browser, "learner@example.org")
    token = csrf_token(browser, "/account/details")
    post_form(browser, "/sign-out", {}, page="/account/")
    response = browser.post("/account/details", data={"csrf_token": token, "full_name": "X"})
    assert "You had signed out" in response.text
    return response.text


def throttled_pages(app) -> tuple[str, str]:
    """Return the 429 pages for guessing at one account, and for a busy shared address."""
    guesser = app.test_client()
    address = {"REMOTE_ADDR": "203.0.113.5"}
    for n in range(22):  # five failures at one account, its refusal, fifteen more, one more
        email = "learner@example.org" if n < 6 else f"someone{n}@example.org"
        form = {"email": email, "password": "wrong password x"}
        response = post_form(guesser, "/sign-in", form, environ_base=address)
        if n == 5:
            device = response
    assert (device.status_code, response.status_code) == (429, 429)
    assert "from this device" in device.text
    assert "from your internet connection" in response.text
    return device.text, response.text


def collect_course_pages(app, client, make_user) -> dict[str, str]:
    """Render every module page and every screen, as a trainer sees them in preview."""
    from app.content import catalogue

    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    pages = {}
    with app.app_context():
        modules = catalogue().modules
    for module in modules:
        pages[module.slug] = client.get(f"/modules/{module.slug}/").text
        for screen in module.screens:
            pages[f"{module.slug}-{screen.slug}"] = client.get(
                f"/modules/{module.slug}/{screen.slug}/"
            ).text
    return pages


def collect_quiz_pages(app, client, make_user) -> dict[str, str]:
    """Render a knowledge check (asked and answered), a quiz attempt, results, a certificate."""
    from sqlalchemy import select

    from app import db
    from app.content import catalogue
    from app.models import Attempt, Certificate, User
    from app.services import knowledge_checks, learning
    from tests.web.quiz_helpers import answer_fields, attempt_form

    email = make_user(email="quiz-taker@example.org")
    sign_in(client, email)
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.knowledge_check
        )
        user_id = db.session().scalar(select(User.id).where(User.email == email))
        for key in module.screen_item_keys[: module.screen_item_keys.index(screen.key)]:
            learning.record(user_id, module.slug, key)
        db.session().commit()
    url = f"/modules/{module.slug}/{screen.slug}/"
    pages = {"screen-with-check": client.get(url).text}
    post_form(client, url, {}, page=url)  # Next, with the check unanswered
    pages["screen-check-unanswered"] = client.get(url).text
    assert "before you go on" in pages["screen-check-unanswered"]
    fields = {}
    for question in screen.knowledge_check.questions:
        fields.update(answer_fields(question, right=False))
    pages["screen-check-error"] = post_form(client, url + "check", {}, page=url).text
    answered = post_form(client, url + "check", fields, page=url)
    pages["screen-check-answered"] = client.get(answered.location).text
    with client.session_transaction() as session:  # as an answer that lost a race leaves it
        session["_flashes"] = [("check", knowledge_checks.RECORDED_ELSEWHERE)]
    pages["screen-check-recorded-elsewhere"] = client.get(answered.location).text
    assert "already been recorded" in pages["screen-check-recorded-elsewhere"]
    with app.app_context():
        for key in module.screen_item_keys:
            learning.record(user_id, module.slug, key)
        db.session().commit()
    quiz_url = f"/modules/{module.slug}/quiz/"
    pages["quiz-overview"] = client.get(quiz_url).text
    # An attempt that asks a number, so an answer can be refused with the error pattern.
    quiz = module.assessment
    app.config["QUIZ_SEED"] = next(
        seed
        for seed in range(1000)
        if any(
            quiz.question(entry["question"]).type_name == "numeric"
            for entry in select_questions(quiz, random.Random(seed))
        )
    )
    attempt_url = post_form(client, quiz_url, {}).location
    pages["quiz-attempt"] = client.get(attempt_url).text
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
    data = attempt_form(module.assessment, attempt.selection, right=False)
    number = next(
        entry["question"]
        for entry in attempt.selection
        if quiz.question(entry["question"]).type_name == "numeric"
    )
    refused = post_form(client, attempt_url, {f"q.{number}": "about twelve", "action": "save"})
    assert refused.status_code == 400 and "There is a problem" in refused.text, refused.status
    pages["quiz-attempt-error"] = refused.text
    first = attempt.selection[0]["question"]
    one = {k: v for k, v in data.items() if k == f"q.{first}" or k.startswith(f"q.{first}.")}
    confirm = post_form(client, attempt_url, {**one, "action": "submit"})
    pages["quiz-confirm"] = client.get(confirm.location).text
    right = attempt_form(module.assessment, attempt.selection, right=True)
    other = {k: v for k, v in right.items() if k == f"q.{first}" or k.startswith(f"q.{first}.")}
    stale = {**data, **other, "revision": "0", "action": "save"}
    pages["quiz-attempt-changed-elsewhere"] = post_form(client, attempt_url, stale).text
    post_form(client, attempt_url, {**data, "action": "submit", "confirmed": "yes"})
    pages["quiz-result-fail"] = client.get(attempt_url).text
    assert "You have not answered" in pages["quiz-confirm"]
    assert "changed in another tab" in pages["quiz-attempt-changed-elsewhere"]
    assert "Question 1: " in pages["screen-check-error"]
    second = post_form(client, quiz_url, {}).location
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
    data = attempt_form(module.assessment, attempt.selection, right=True)
    post_form(client, second, {**data, "action": "submit"})
    pages["quiz-result-pass"] = client.get(second).text
    pages["certificate"] = client.get(f"/modules/{module.slug}/certificate/").text
    with app.app_context():
        code = db.session().scalar(select(Certificate.code))
    pages["certificate-verified"] = client.get(f"/certificates/{code}").text
    pages["certificate-unknown"] = client.get("/certificates/LW-NOPE").text
    pages["my-competencies-rated"] = client.get("/my/competencies").text
    return pages


def collect_attempt_pages(app, client, make_user) -> dict[str, str]:
    """Render a quiz with no attempts left, a manager's and a trainer's extra-attempt pages."""
    from sqlalchemy import select

    from app import db
    from app.content import catalogue
    from app.models import User
    from tests.web.test_quiz import finish_screens

    email = make_user(email="locked@example.org", org="Lockside PCN")
    make_user(email="lock-manager@example.org", role="manager", org="Lockside PCN")
    make_user(email="lock-trainer@example.org", role="trainer")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        user_id = db.session().scalar(select(User.id).where(User.email == email))
    finish_screens(app, email, module)
    sign_in(client, email)
    quiz_url = f"/modules/{module.slug}/quiz/"
    for _ in range(module.assessment.max_attempts):
        url = post_form(client, quiz_url, {}).location
        post_form(client, url, {"action": "submit", "confirmed": "yes"})
    pages = {"quiz-overview-locked": client.get(quiz_url).text}
    pages["module-quiz-locked"] = client.get(f"/modules/{module.slug}/").text
    assert "Quiz not passed" in pages["module-quiz-locked"]
    manager = app.test_client()
    sign_in(manager, "lock-manager@example.org")
    learner_url = f"/manage/learners/{user_id}"
    pages["manage-learner-locked"] = manager.get(learner_url).text
    pages["manage-learner-grant-error"] = post_form(
        manager, learner_url + "/extra-attempt", {"quiz_id": module.assessment.id}, page=learner_url
    ).text
    trainer = app.test_client()
    sign_in(trainer, "lock-trainer@example.org")
    pages["author-learners"] = trainer.get("/author/learners").text
    pages["author-learners-missing"] = trainer.get("/author/learners?email=x@example.org").text
    pages["author-learner"] = trainer.get(f"/author/learners/{user_id}").text
    pages["quiz-overview-preview"] = trainer.get(quiz_url).text
    assert "Preview." in pages["quiz-overview-preview"]
    assert "Give one more attempt" in pages["author-learner"]
    assert "There is a problem" in pages["manage-learner-grant-error"]
    post_form(
        manager,
        learner_url + "/extra-attempt",
        {"quiz_id": module.assessment.id, "reason": "Unwell on the day"},
        page=learner_url,
    )
    pages["manage-learner-granted"] = manager.get(learner_url).text
    pages["quiz-attempt-extra"] = client.get(post_form(client, quiz_url, {}).location).text
    assert "(an extra attempt)" in pages["quiz-attempt-extra"]
    return pages


def collect_manager_pages(app, client, make_user) -> dict[str, str]:
    """Render the manager's dashboard, a later page of the grid and a learner."""
    from tests.web.test_manage import add_learners

    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    ids = add_learners(app, "Riverside PCN", 30)
    sign_in(client, "manager@example.org")
    return {
        "manage": client.get("/manage/").text,
        "manage-page-2": client.get("/manage/?page=2&sort=competent").text,
        "manage-learner": client.get(f"/manage/learners/{ids[0]}").text,
    }


def collect_account_pages(app, make_user, mailbox) -> dict[str, str]:
    """Render registration by email, password reset, the account pages and their errors."""
    from app.services import accounts
    from tests.web.journeys import pass_module, path_of

    pages = {}
    visitor = app.test_client()
    confirm_professional(visitor)
    register = {
        "full_name": "Ada Byron",
        "email": "ada@example.org",
        "profession": "gp",
        "password": "lantern meadow copper 88",
    }
    pages["register-check-email"] = post_form(visitor, "/register", register).text
    confirm = path_of(mailbox.link("ada@example.org", "/register/confirm/"))
    pages["register-confirm"] = visitor.get(confirm).text
    post_form(visitor, confirm, {})
    pages["register-link-spent"] = visitor.get(confirm).text
    stranger = app.test_client()
    pages["forgot-password"] = stranger.get("/forgot-password").text
    pages["forgot-password-errors"] = post_form(stranger, "/forgot-password", {"email": "x"}).text
    pages["forgot-password-sent"] = post_form(
        stranger, "/forgot-password", {"email": "ada@example.org"}
    ).text
    reset = path_of(mailbox.link("ada@example.org", "/reset-password/"))
    pages["reset-password"] = stranger.get(reset).text
    pages["reset-password-errors"] = post_form(stranger, reset, {"new_password": "short"}).text
    pages["reset-link-spent"] = stranger.get("/reset-password/nope").text

    email = make_user(email="record@example.org", org="Riverside PCN")
    learner = app.test_client()
    sign_in(learner, email)
    with app.app_context():
        from app.content import catalogue

        module = next(m for m in catalogue().modules if m.assessment)
    pass_module(app, learner, email, module)
    certificate = f"/modules/{module.slug}/certificate/"
    stale = browser_form(learner.get(certificate).text, "reflection-form")
    post_form(learner, certificate, {"learned": "To ask first."})
    pages["certificate-with-reflection"] = learner.get(certificate).text
    stale["learned"] = "Written in a tab opened before."
    pages["certificate-reflection-conflict"] = learner.post(certificate, data=stale).text
    too_long = browser_form(learner.get(certificate).text, "reflection-form")
    too_long["code"] = "x" * 2501
    pages["certificate-reflection-errors"] = learner.post(certificate, data=too_long).text
    pages["module-certified"] = learner.get(f"/modules/{module.slug}/").text
    pages["my-learning-certified"] = learner.get("/modules/").text
    pages["learning-record"] = learner.get("/my/record").text
    pages["account-details"] = learner.get("/account/details").text
    stale = browser_form(pages["account-details"], "details-form")
    post_form(learner, "/account/details", {**stale, "full_name": "Sam Elsewhere"})
    stale["full_name"] = "Sam Here"
    pages["account-details-conflict"] = learner.post("/account/details", data=stale).text
    pages["account-details-errors"] = post_form(learner, "/account/details", {"full_name": ""}).text
    pages["account-email"] = learner.get("/account/email").text
    pages["account-email-errors"] = post_form(learner, "/account/email", {"email": "nope"}).text
    pages["account-email-sent"] = post_form(
        learner, "/account/email", {"email": "new@example.org", "current_password": DEMO_PASSWORD}
    ).text
    pages["account-email-confirm"] = learner.get(
        path_of(mailbox.link("new@example.org", "/account/email/confirm/"))
    ).text
    pages["account-email-link-spent"] = learner.get("/account/email/confirm/nope").text
    pages["account-organisation-member"] = learner.get("/account/organisation").text
    pages["account-organisation-errors"] = post_form(
        learner, "/account/organisation", {"join_code": "NOPE"}
    ).text
    pages["account-data"] = learner.get("/account/data").text
    pages["account-delete"] = learner.get("/account/delete").text
    pages["account-delete-errors"] = post_form(
        learner, "/account/delete", {"current_password": "wrong wrong wrong"}
    ).text
    pages["bad-request"] = learner.get("/modules/?x=%00").text
    code = db_certificate_code(app)
    post_form(learner, "/account/delete", {"current_password": DEMO_PASSWORD})
    pages["certificate-withdrawn"] = app.test_client().get(f"/certificates/{code}").text
    make_user(email="admin@example.org", role="admin")
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    pages["audit-log"] = admin.get("/admin/audit").text
    pages["audit-log-errors"] = admin.get("/admin/audit?since=soon&kind=sign_in.success").text
    pages["organisations"] = admin.get("/admin/organisations/").text
    pages["organisations-errors"] = post_form(admin, "/admin/organisations/", {"name": " "}).text
    made = post_form(admin, "/admin/organisations/", {"name": "Elm Tree Surgery"})
    pages["organisation"] = admin.get(made.location).text
    make_user(email="elm.learner@example.org", org="Elm Tree Surgery")
    managers = made.location + "/managers"
    pages["organisation-errors"] = post_form(
        admin, managers + "/confirm", {"email": "nope@example.org"}, page=made.location
    ).text
    pages["organisation-make-manager"] = post_form(
        admin, managers + "/confirm", {"email": "elm.learner@example.org"}, page=made.location
    ).text
    make_user(email="elm.manager@example.org", role="manager", org="Elm Tree Surgery")
    pages["organisation-with-a-manager"] = admin.get(made.location).text
    pages["organisation-step-back"] = post_form(
        admin,
        managers + "/step-back/confirm",
        {"email": "elm.manager@example.org"},
        page=made.location,
    ).text
    pages["people"] = admin.get("/admin/people/").text
    pages["people-none-found"] = admin.get("/admin/people/?q=nobody+at+all").text
    found = admin.get("/admin/people/?q=elm.learner").text
    person = "/admin/people/" + re.search(r'href="/admin/people/(\d+)"', found).group(1)
    pages["person"] = admin.get(person).text
    pages["person-role"] = admin.get(person + "/role").text
    pages["person-role-errors"] = post_form(
        admin, person + "/role/confirm", {"role": "", "organisation": "x"}, page=person + "/role"
    ).text
    pages["person-role-confirm"] = post_form(
        admin, person + "/role/confirm", {"role": "trainer", "organisation": ""}, page=person
    ).text
    pages["person-erase"] = admin.get(person + "/erase").text
    post_form(admin, person + "/erase", {}, page=person + "/erase")
    pages["person-erased"] = admin.get(person).text
    assert "Erased account" in pages["person-erased"]
    found = admin.get("/admin/people/?q=admin%40").text
    own = "/admin/people/" + re.search(r'href="/admin/people/(\d+)"', found).group(1) + "/erase"
    refused = post_form(admin, own, {}, page=own)
    assert refused.status_code == 400, own
    pages["person-erase-errors"] = refused.text
    for _ in range(6):
        throttled = post_form(
            app.test_client(), "/sign-in", {"email": "admin@example.org", "password": "nope"}
        )
    pages["too-many"] = throttled.text
    with app.app_context():
        accounts.user_by_email("admin@example.org")
    return pages


def db_certificate_code(app) -> str:
    from sqlalchemy import select

    from app import db
    from app.models import Certificate

    with app.app_context():
        return db.session().scalar(select(Certificate.code))


def collect_outage_page(tmp_path) -> dict[str, str]:
    """Render the 503 page as a signed-in user sees it when the database is gone."""
    from app import create_app

    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/gone/nope.db"})
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:token"
    return {"service-unavailable": client.get("/modules/").text}


def test_every_page_is_valid_html(client, make_user, tmp_path, database_url, mailbox):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    pages = collect_pages(client, make_user)
    app = client.application
    pages.update(collect_account_pages(app, make_user, mailbox))
    pages.update(collect_outage_page(tmp_path))
    pages.update(collect_quiz_pages(app, app.test_client(), make_user))
    pages.update(collect_manager_pages(app, app.test_client(), make_user))
    pages.update(collect_attempt_pages(app, app.test_client(), make_user))
    pages.update(
        collect_course_pages(client.application, client.application.test_client(), make_user)
    )
    errors = nu_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
    # Valid HTML allows several h1s; a page has one all the same, in each state shown here.
    h1s = {name: len(lxml.html.fromstring(html).xpath("//h1")) for name, html in pages.items()}
    assert {name: n for name, n in h1s.items() if n != 1} == {}
