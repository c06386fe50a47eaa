"""Forgot your password: a one-hour, single-use link by email, the same answer for anyone."""

import re

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app import db
from app.models import AuditEvent, User
from app.services import tokens
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.web.journeys import path_of

NEW_PASSWORD = "lantern meadow copper 88"


def ask(client, email, address="127.0.0.1"):
    return post_form(
        client, "/forgot-password", {"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def test_sign_in_page_offers_forgot_your_password(client):
    assert 'href="/forgot-password">Forgot your password?' in client.get("/sign-in").text


def test_reset_link_sets_a_new_password_and_ends_every_other_session(
    app, client, make_user, mailbox
):
    make_user()
    other_device = app.test_client()
    sign_in(other_device, "learner@example.org")
    assert other_device.get("/account/").status_code == 200
    assert ask(client, "Learner@Example.org").status_code == 200
    message = mailbox.last("learner@example.org")
    assert message["Subject"] == "Reset your Linkwise password"
    link = path_of(mailbox.link("learner@example.org", "/reset-password/"))
    assert "Choose a new password" in client.get(link).text
    response = post_form(client, link, {"new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200  # signed in here
    assert other_device.get("/account/").status_code == 302  # and nowhere else
    assert sign_in(app.test_client(), "learner@example.org", DEMO_PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "learner@example.org", NEW_PASSWORD).status_code == 302
    assert mailbox.last("learner@example.org")["Subject"] == (
        "Your Linkwise password has been changed"
    )


def test_a_reset_link_works_once(app, client, make_user, mailbox):
    make_user()
    ask(client, "learner@example.org")
    link = path_of(mailbox.link("learner@example.org", "/reset-password/"))
    post_form(client, link, {"new_password": NEW_PASSWORD})
    again = app.test_client()
    assert again.get(link).status_code == 404
    response = post_form(
        again, link, {"new_password": "another good pass phrase 9"}, page="/sign-in"
    )
    assert response.status_code == 404
    assert "expired or has already been used" in response.text
    assert sign_in(app.test_client(), "learner@example.org", NEW_PASSWORD).status_code == 302


def test_a_reset_link_older_than_an_hour_is_refused(app, client, make_user):
    make_user()
    with app.app_context():
        user = db.session().scalar(select(User))
        payload = {"u": user.id, "f": tokens.fingerprint(user.password_hash, user.email)}

    class AnHourAgo(TimestampSigner):
        def get_timestamp(self):
            return super().get_timestamp() - 3601

    old = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="linkwise-password-reset", signer=AnHourAgo
    ).dumps(payload)
    fresh = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="linkwise-password-reset")
    assert client.get(f"/reset-password/{old}").status_code == 404
    assert client.get(f"/reset-password/{fresh.dumps(payload)}").status_code == 200


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    app, client, make_user, mailbox
):
    make_user()
    known = ask(client, "learner@example.org")
    unknown = ask(app.test_client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 200

    def plain(html):
        html = re.sub(r"<strong>[^<]*</strong>", "", html)
        return re.sub(r'(nonce|value)="[^"]*"', "", html)

    assert plain(known.text) == plain(unknown.text)
    assert "There is no Linkwise account" in mailbox.body("nobody@example.org")


def test_asking_for_resets_is_throttled_with_retry_after(app, client, make_user):
    make_user()
    for n in range(5):
        assert ask(client, f"someone{n}@example.org", "10.1.1.1").status_code == 200
    response = ask(client, "learner@example.org", "10.1.1.1")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    # Nobody's inbox can be flooded from many addresses either: three emails an hour each.
    for n in range(3):
        assert ask(client, "learner@example.org", f"10.2.2.{n}").status_code == 200
    assert ask(client, "learner@example.org", "10.2.2.9").status_code == 429


def test_resets_are_audited(app, client, make_user, mailbox):
    make_user()
    ask(client, "learner@example.org")
    post_form(
        client,
        path_of(mailbox.link("learner@example.org", "/reset-password/")),
        {"new_password": NEW_PASSWORD},
    )
    with app.app_context():
        kinds = db.session().scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()
    assert kinds[-2:] == ["password.reset_requested", "password.reset"]


def test_a_weak_new_password_is_refused_with_the_reason(client, make_user, mailbox):
    make_user()
    ask(client, "learner@example.org")
    link = path_of(mailbox.link("learner@example.org", "/reset-password/"))
    response = post_form(client, link, {"new_password": "Summer2024!!"})
    assert response.status_code == 400
    assert "too easy to guess" in response.text
    assert client.get(link).status_code == 200  # the link still works


def test_guessing_at_reset_links_is_throttled_with_retry_after(client):
    for n in range(10):
        guess = post_form(
            client, f"/reset-password/guess{n}", {"new_password": NEW_PASSWORD}, page="/sign-in"
        )
        assert guess.status_code == 404, n
    response = post_form(
        client, "/reset-password/guess-again", {"new_password": NEW_PASSWORD}, page="/sign-in"
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert int(response.headers["Retry-After"]) > 0


def test_an_inbox_at_its_limit_is_told_to_look_for_the_email_already_sent(app, client, make_user):
    make_user()
    pages = {}
    for email in ("learner@example.org", "nobody@example.org"):
        for n in range(3):  # someone else asked, from addresses of their own
            assert ask(client, email, f"10.4.4.{n}").status_code == 200
        refused = ask(client, email, "10.4.5.1")
        assert refused.status_code == 429
        words = " ".join(re.sub(r"<[^>]+>", " ", refused.text).split())
        pages[email] = re.sub(r'(nonce|value)="[^"]*"', "", refused.text)
        assert "No email was sent this time" in words
        assert "We sent at least one email to this address within the last hour" in words
        assert "look for it in your inbox, and in your junk or spam folder" in words
        assert "If an account has this address, the email has a link to reset its password" in words
    # Whether an account has the address, the page does not say.
    assert pages["learner@example.org"] == pages["nobody@example.org"]
