"""Any email that goes through to the address the mail server refused closes the person's
open spell of refused reminder emails, kept as history: a password reset, the notice that
their password changed, the notice that a change of email address was asked for, the email
that says an address is taken, the reminder that an account exists. It proves the address
takes mail now. One that is refused again closes nothing, and nor does any email close a
spell whose message (not the address) was refused. Both databases, over real SMTP."""

from app import db
from app.models_assignments import ReminderFailure
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.test_admin_emails_refused import REPLY, refuse
from tests.web.test_recovery import NEW_PASSWORD, ask
from tests.web.test_register import register
from tests.web.test_reminders import spells

ASHA = "asha@example.org"
OPEN = (1, REPLY.format(ASHA), None)  # one refusal, the server's reply, not closed
CLOSED = (1, REPLY.format(ASHA), "delivered")


def test_a_password_reset_that_goes_through_closes_the_spell(app, client, make_user, mailbox):
    make_user(ASHA, org="Riverside PCN")
    refuse(app, ASHA)
    mailbox.refuse(ASHA)
    assert ask(client, ASHA).status_code == 503  # refused again: nothing is proved
    assert spells(app, ASHA) == [OPEN]
    mailbox.clear()
    assert ask(client, ASHA).status_code == 200
    assert mailbox.last(ASHA)["Subject"] == "Reset your Linkwise password"
    assert spells(app, ASHA) == [CLOSED]


def test_the_notice_of_a_new_password_closes_the_spell(app, client, make_user, mailbox):
    make_user(ASHA, org="Riverside PCN")
    assert ask(client, ASHA).status_code == 200
    refuse(app, ASHA)  # refused after the reset link went
    link = path_of(mailbox.link(ASHA, "/reset-password/"))
    assert post_form(client, link, {"new_password": NEW_PASSWORD}).status_code == 302
    assert mailbox.last(ASHA)["Subject"] == "Your Linkwise password has been changed"
    assert spells(app, ASHA) == [CLOSED]
    assert "could not be delivered" not in client.get("/account/").text


def test_the_notice_that_an_email_change_was_asked_for_closes_the_spell(
    app, client, make_user, mailbox
):
    sign_in(client, make_user(ASHA, org="Riverside PCN"))
    refuse(app, ASHA)
    asked = {"email": "asha.elm@example.org", "current_password": DEMO_PASSWORD}
    assert post_form(client, "/account/email", asked).status_code == 200
    assert mailbox.last(ASHA)["Subject"] == "A change of email address was asked for"
    assert spells(app, ASHA) == [CLOSED]  # by the notice to the address, before any change


def test_the_email_saying_an_address_is_taken_closes_its_owners_spell(
    app, client, make_user, mailbox
):
    sign_in(client, make_user(ASHA, org="Riverside PCN"))
    make_user("kim@example.org", org="Riverside PCN")
    refuse(app, ASHA)
    refuse(app, "kim@example.org")
    asked = {"email": "kim@example.org", "current_password": DEMO_PASSWORD}
    assert post_form(client, "/account/email", asked).status_code == 200
    assert mailbox.last("kim@example.org")["Subject"] == (
        "Someone tried to move an account to this address"
    )
    assert [s[2] for s in spells(app, "kim@example.org")] == ["delivered"]
    assert spells(app, ASHA) == [OPEN]  # nothing went to Asha's address


def test_registering_again_with_the_address_closes_its_spell(app, client, make_user, mailbox):
    make_user(ASHA, org="Riverside PCN")
    refuse(app, ASHA)
    assert register(client, email=ASHA).status_code == 200
    assert mailbox.last(ASHA)["Subject"] == "You already have a Linkwise account"
    assert spells(app, ASHA) == [CLOSED]


def test_a_spell_of_refused_messages_is_closed_only_by_a_reminder(app, client, make_user, mailbox):
    make_user(ASHA, org="Riverside PCN")
    refuse(app, ASHA, address=False)
    assert ask(client, ASHA).status_code == 200
    assert mailbox.last(ASHA)["Subject"] == "Reset your Linkwise password"
    assert spells(app, ASHA) == [OPEN]
    with app.app_context():
        assert db.session().query(ReminderFailure).one().refused == "message"
