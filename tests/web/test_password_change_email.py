"""Changing the password while signed in tells the account holder by email, as a reset does."""

from tests.conftest import DEMO_PASSWORD, post_form, sign_in

NEW = "plum harbour violin 77"


def test_changing_the_password_while_signed_in_emails_the_account_holder(
    client, make_user, mailbox
):
    sign_in(client, make_user())
    mailbox.clear()
    response = post_form(
        client, "/account/", {"current_password": DEMO_PASSWORD, "new_password": NEW}
    )
    assert response.status_code == 302
    message = mailbox.last("learner@example.org")
    assert message["Subject"] == "Your Linkwise password has been changed"
    body = mailbox.body("learner@example.org")
    assert "every other device was signed out" in body
    assert "If you did not do this, reset your password now" in body
    assert "/forgot-password" in body


def test_a_refused_password_change_sends_no_email(client, make_user, mailbox):
    sign_in(client, make_user())
    mailbox.clear()
    response = post_form(
        client, "/account/", {"current_password": "not my password", "new_password": NEW}
    )
    assert response.status_code == 400
    assert mailbox.messages("learner@example.org") == []
