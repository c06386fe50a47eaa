"""Signing in and out, changing password, and what ends a session."""

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import db
from app.models import AuditEvent, User
from app.services import accounts
from tests.conftest import DEMO_PASSWORD, post_form, sign_in


def test_signing_in_renews_the_session_and_returns_to_next(client, make_user):
    make_user()
    client.get("/sign-in")
    before = client.get_cookie("linkwise_session").value
    response = post_form(
        client,
        "/sign-in",
        {"email": "Learner@Example.org ", "password": DEMO_PASSWORD, "next": "/account/"},
    )
    assert response.status_code == 302
    assert response.location == "/account/"
    assert client.get_cookie("linkwise_session").value != before
    assert "Sam Learner" in client.get("/account/").text


def test_signing_in_never_sends_the_user_off_the_site(client, make_user):
    make_user()
    response = post_form(
        client,
        "/sign-in",
        {"email": "learner@example.org", "password": DEMO_PASSWORD, "next": "https://evil.example"},
    )
    assert response.location == "/"


def test_wrong_password_is_refused_and_audited(app, client, make_user):
    make_user()
    response = sign_in(client, "learner@example.org", "not the right one at all")
    assert response.status_code == 401
    assert "Enter a correct email address and password" in response.text
    with app.app_context():
        kinds = db.session().scalars(select(AuditEvent.kind)).all()
    assert "sign_in.failure" in kinds


def test_successful_sign_in_is_audited(app, client, make_user):
    make_user()
    sign_in(client, "learner@example.org")
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "sign_in.success"))
    assert event.email == "learner@example.org"
    assert event.address == "127.0.0.1"


def test_passwords_are_stored_at_production_scrypt_cost_and_sign_in(
    app, client, make_user, monkeypatch
):
    # The test process hashes at a cheaper cost (tests/conftest.py): restore the app's own.
    monkeypatch.setattr(accounts, "generate_password_hash", generate_password_hash)
    make_user()
    with app.app_context():
        stored = db.session().scalar(select(User.password_hash))
    assert stored.startswith("scrypt:32768:8:1$")
    assert sign_in(client, "learner@example.org").status_code == 302


def fail_sign_in(client, email, address, times):
    """Fail to sign in `times` times at an account from an address."""
    for _ in range(times):
        response = post_form(
            client,
            "/sign-in",
            {"email": email, "password": "wrong wrong wrong"},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 401


def test_sixth_failed_attempt_at_an_account_from_one_address_answers_429(app, client, make_user):
    make_user()
    fail_sign_in(client, "learner@example.org", "10.0.0.9", 5)
    response = post_form(
        client,
        "/sign-in",
        {"email": "learner@example.org", "password": DEMO_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "sign_in.throttled")
        )
    assert (event.email, event.address) == ("learner@example.org", "10.0.0.9")


def test_failing_at_an_account_cannot_lock_its_owner_out_from_elsewhere(client, make_user):
    make_user()
    for attacker in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        fail_sign_in(client, "learner@example.org", attacker, 5)
    assert sign_in(client, "learner@example.org").status_code == 302


def test_failures_at_many_accounts_from_one_address_answer_429(client, make_user):
    for n in range(20):
        fail_sign_in(client, f"nobody{n}@example.org", "10.0.0.7", 1)
    response = post_form(
        client,
        "/sign-in",
        {"email": "someone-else@example.org", "password": "wrong wrong wrong"},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_successful_sign_ins_do_not_count_towards_the_limit(client, make_user):
    make_user()
    for _ in range(7):
        assert sign_in(client, "learner@example.org").status_code == 302


def test_sign_out_is_a_post_and_ends_every_session(app, client, make_user):
    make_user()
    sign_in(client, "learner@example.org")
    other_device = app.test_client()
    sign_in(other_device, "learner@example.org")
    assert client.get("/sign-out").status_code == 405
    response = post_form(client, "/sign-out", {}, page="/account/")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302
    assert other_device.get("/account/").status_code == 302


def test_changing_password_keeps_this_session_and_ends_the_others(app, client, make_user):
    make_user()
    sign_in(client, "learner@example.org")
    other_device = app.test_client()
    sign_in(other_device, "learner@example.org")
    response = post_form(
        client,
        "/account/",
        {"current_password": DEMO_PASSWORD, "new_password": "plum harbour violin 77"},
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    assert (
        sign_in(app.test_client(), "learner@example.org", "plum harbour violin 77").status_code
        == 302
    )


def test_changing_password_needs_the_current_one(client, make_user):
    make_user()
    sign_in(client, "learner@example.org")
    response = post_form(
        client,
        "/account/",
        {"current_password": "not my password", "new_password": "plum harbour violin 77"},
    )
    assert response.status_code == 400
    assert "Your current password is not correct" in response.text


def test_signed_in_pages_are_not_cached(signed_in):
    assert signed_in.get("/account/").headers["Cache-Control"] == "no-store"


def test_account_page_needs_sign_in(client):
    client.set_cookie("linkwise_professional", "yes")
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_changing_password_refuses_a_guessable_one_and_says_why(app, client, make_user):
    make_user()
    sign_in(client, "learner@example.org")
    for weak, reason in (("Summer2024!!", "too easy to guess"), ("Password123!", "too easy")):
        response = post_form(
            client, "/account/", {"current_password": DEMO_PASSWORD, "new_password": weak}
        )
        assert response.status_code == 400, weak
        assert reason in response.text, weak
    assert sign_in(app.test_client(), "learner@example.org", "Summer2024!!").status_code == 401
