"""Registering an account: the form, then the link emailed to the address."""

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, PendingRegistration, User
from tests.conftest import DEMO_PASSWORD, confirm_professional, post_form

GOOD = {
    "full_name": "Priya Shah",
    "email": "Priya.Shah@Example.org",
    "profession": "pharmacist",
    "registration_number": "2087654",
    "join_code": "",
    "password": "kettle orchard lantern 9",
}


def register(client, **changes):
    confirm_professional(client)
    return post_form(client, "/register", {**GOOD, **changes})


def finish(client, mailbox, email="priya.shah@example.org"):
    """Follow the emailed link and press "Create my account"."""
    path = urlsplit(mailbox.link(email, "/register/confirm/")).path
    page = client.get(path)
    assert page.status_code == 200
    assert "Finish creating your account" in page.text
    return post_form(client, path, {})


def test_registering_emails_a_link_that_creates_the_learner(app, client, mailbox):
    response = register(client)
    assert response.status_code == 200
    assert "Check your email" in response.text
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id))) == 0
    message = mailbox.last("priya.shah@example.org")
    assert message["Subject"] == "Finish creating your Linkwise account"
    assert "http://localhost/register/confirm/" in message.get_content()
    response = finish(client, mailbox)
    assert response.status_code == 302
    with app.app_context():
        user = db.session().scalar(select(User))
        assert user.email == "priya.shah@example.org"
        assert user.role == "learner"
        assert user.profession == "pharmacist"
        assert user.registration_number == "2087654"
        assert user.professional_confirmed_at is not None
        assert user.professional_confirmed_as == "pharmacist"
        assert user.password_hash.startswith("scrypt:")
    assert "Priya Shah" in client.get("/").text


def test_a_registration_number_is_kept_trimmed_in_capitals_and_checked_by_profession(
    app, client, mailbox
):
    wrong = register(client, profession="gp", registration_number="12A3456E")
    assert "GPs: your GMC number, 7 digits." in wrong.text  # the hint says each format
    assert wrong.status_code == 400
    assert wrong.text.count("Enter your GMC number in the correct format: 7 digits") == 2
    register(client, profession="practice-nurse", registration_number=" 12a3456e ")
    finish(client, mailbox)
    with app.app_context():
        assert db.session().scalar(select(User.registration_number)) == "12A3456E"


def test_the_last_step_shows_the_registration_number_the_certificates_will_print(client, mailbox):
    for number, shown in (("2087654", "2087654"), ("", "None given")):
        email = f"priya{number}@example.org"
        register(client, email=email, registration_number=number)
        page = client.get(urlsplit(mailbox.link(email, "/register/confirm/")).path).text
        summary = page[page.index('<dl class="nhsuk-summary-list"') : page.index("</dl>")]
        row = summary[summary.index("Professional registration number") :]
        assert shown in row[: row.index("</div>")]
        assert "registration number. You can change any of them later, from your account" in page


def test_following_the_link_alone_creates_nothing(app, client, mailbox):
    register(client)
    client.get(urlsplit(mailbox.link("priya.shah@example.org", "/register/")).path)
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id))) == 0


def test_a_registration_link_works_once(app, client, mailbox):
    register(client)
    path = urlsplit(mailbox.link("priya.shah@example.org", "/register/confirm/")).path
    assert finish(client, mailbox).status_code == 302
    again = post_form(app.test_client(), path, {}, page="/sign-in")
    assert again.status_code == 404
    assert "expired or has already been used" in again.text
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id))) == 1
        assert db.session().scalar(select(func.count(PendingRegistration.id))) == 0


def test_registering_with_a_join_code_joins_the_organisation(app, client, runner, mailbox):
    runner.invoke(args=["create-org", "Riverside PCN", "--join-code", "RIVER123"])
    assert register(client, join_code="river-123").status_code == 200
    finish(client, mailbox)
    with app.app_context():
        assert db.session().scalar(select(User)).organisation.name == "Riverside PCN"


def test_unknown_join_code_is_refused_and_keeps_the_other_answers(client):
    response = register(client, join_code="NOPE9999")
    assert response.status_code == 400
    assert "We do not recognise that join code" in response.text
    assert 'value="Priya Shah"' in response.text
    assert 'href="#join_code"' in response.text


def test_registering_an_existing_email_answers_the_same_and_the_email_says_so(
    app, client, make_user, mailbox
):
    new = register(app.test_client(), email="someone.new@example.org")
    make_user(email="priya.shah@example.org")
    taken = register(client)
    assert taken.status_code == new.status_code == 200
    assert _same_page(taken.text, new.text)
    message = mailbox.last("priya.shah@example.org")
    assert message["Subject"] == "You already have a Linkwise account"
    assert "http://localhost/forgot-password" in message.get_content()
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id))) == 1


def _same_page(first: str, second: str) -> bool:
    """Compare two pages, ignoring the email address shown and per-request tokens."""

    def plain(html):
        html = re.sub(r"<strong>[^<]*@[^<]*</strong>", "", html)
        return re.sub(r'(nonce|value)="[^"]*"', "", html)

    return plain(first) == plain(second)


def test_weak_passwords_are_refused_with_the_reason(client):
    for password, reason in [
        ("short1", "12 characters or more"),
        ("password1234", "too common"),
        ("aaaaaaaaaaaaaaa", "too common"),
        ("priya.shah@example.org", "not be your name or email"),
        ("Password123!", "too easy to guess"),
        ("Summer2024!!", "too easy to guess"),
        ("Priya Shah 1990", "too easy to guess"),
    ]:
        response = register(client, password=password)
        assert response.status_code == 400, password
        assert reason in response.text, password


def test_long_passphrases_and_any_unicode_are_accepted(app, client, mailbox):
    passphrase = "ŵy mae'r ddraig goch 🐉 yn hedfan dros y bryniau " * 3
    assert register(client, password=passphrase).status_code == 200
    finish(client, mailbox)
    from tests.conftest import sign_in

    client2 = app.test_client()
    assert sign_in(client2, GOOD["email"], passphrase).status_code == 302


def test_every_missing_answer_is_listed_in_the_error_summary(client):
    response = register(client, full_name="", email="", profession="", password="")
    assert response.status_code == 400
    for message in [
        "Enter your full name",
        "Enter your email address",
        "Select your profession",
        "Enter a password",
    ]:
        assert message in response.text
    assert 'href="#profession"' in response.text and 'id="profession"' in response.text


def test_nobody_registers_without_confirming(client):
    response = post_form(client, "/register", GOOD, page="/sign-in")
    assert response.status_code == 302
    assert response.location.startswith("/confirm-professional")


def test_double_submission_creates_one_account(app, client, mailbox):
    confirm_professional(client)
    from tests.conftest import csrf_token

    token = csrf_token(client, "/register")
    first = client.post("/register", data={**GOOD, "csrf_token": token})
    second = app.test_client()
    second.set_cookie("linkwise_professional", "yes")
    token2 = csrf_token(second, "/register")
    again = second.post("/register", data={**GOOD, "csrf_token": token2})
    assert first.status_code == again.status_code == 200
    links = [
        urlsplit(link).path
        for message in mailbox.messages("priya.shah@example.org")
        for link in [message.get_content().split("http://localhost", 1)[1].split()[0]]
    ]
    assert len(links) == 2
    for path in links:
        post_form(app.test_client(), path, {}, page="/sign-in")
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id))) == 1
        kinds = db.session().scalars(select(AuditEvent.kind)).all()
        assert kinds.count("account.registered") == 1


def test_demo_password_constant_is_strong_enough():
    from app.domain.accounts import password_problem

    assert password_problem(DEMO_PASSWORD) is None


def test_registering_is_throttled_per_address_and_per_recipient_with_retry_after(client):
    confirm_professional(client)
    for n in range(10):
        response = post_form(client, "/register", {**GOOD, "email": f"person{n}@example.org"})
        assert response.status_code == 200, n
    response = post_form(client, "/register", {**GOOD, "email": "one.more@example.org"})
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert int(response.headers["Retry-After"]) > 0
    # Nor can one inbox be flooded from many addresses: three emails an hour each.
    for n in range(3):
        sent = post_form(client, "/register", GOOD, environ_base={"REMOTE_ADDR": f"10.3.3.{n}"})
        assert sent.status_code == 200, n
    flood = post_form(client, "/register", GOOD, environ_base={"REMOTE_ADDR": "10.3.3.9"})
    assert flood.status_code == 429 and int(flood.headers["Retry-After"]) > 0


def test_a_profession_not_on_the_list_asks_to_select_one(client):
    response = register(client, profession="astronaut")
    assert response.status_code == 400
    assert "Not a valid choice" not in response.text
    assert response.text.count("Select your profession") == 2  # summary and inline


def test_a_registration_number_no_regulator_issues_is_refused(client):
    response = register(client, registration_number="=HYPERLINK(1)")
    assert response.status_code == 400
    assert "Registration number must only include letters" in response.text
    assert 'href="#registration_number"' in response.text


def test_an_inbox_at_its_limit_is_told_to_look_for_the_email_already_sent(client):
    confirm_professional(client)
    for n in range(3):
        sent = post_form(client, "/register", GOOD, environ_base={"REMOTE_ADDR": f"10.3.4.{n}"})
        assert sent.status_code == 200, n
    refused = post_form(client, "/register", GOOD, environ_base={"REMOTE_ADDR": "10.3.4.9"})
    assert refused.status_code == 429
    words = " ".join(re.sub(r"<[^>]+>", " ", refused.text).split())
    assert "We sent at least one email to this address within the last hour" in words
    assert "If it has a link to finish creating your account, the link works for a day" in words
