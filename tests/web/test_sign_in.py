"""Signing in and out, changing password, and what ends a session."""

from sqlalchemy import select

from app import db
from app.models import AuditEvent
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


def test_sixth_failed_attempt_for_an_account_answers_429(app, client, make_user):
    make_user()
    for attempt in range(5):
        other_address = {"REMOTE_ADDR": f"10.0.0.{attempt}"}
        response = post_form(
            client,
            "/sign-in",
            {"email": "learner@example.org", "password": "wrong wrong wrong"},
            environ_base=other_address,
        )
        assert response.status_code == 401
    response = sign_in(client, "learner@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.text


def test_sixth_failed_attempt_from_an_address_answers_429(client, make_user):
    for n in range(5):
        assert sign_in(client, f"nobody{n}@example.org", "wrong wrong wrong").status_code == 401
    assert sign_in(client, "someone-else@example.org", "wrong wrong wrong").status_code == 429


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
