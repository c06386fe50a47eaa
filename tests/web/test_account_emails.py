"""Your account says whether reminder (or weekly summary) emails are on, and turns them off
and on again; an unsubscribe link stops working once the address it went to is no longer the
account's (links sent before that rule keep working until they expire)."""

import html
from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.models import AuditEvent, User
from app.models_assignments import MailPreference
from app.services import mail_preferences, tokens
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.test_reminders import DUE, assign_elm, remind


def kinds(app) -> list[str]:
    with app.app_context():
        return (
            db.session()
            .scalars(
                select(AuditEvent.kind)
                .where(AuditEvent.kind.like("mail.%"))
                .order_by(AuditEvent.id)
            )
            .all()
        )


def unsubscribed(app, user: int) -> bool:
    with app.app_context():
        return db.session().get(MailPreference, user) is not None


def emails_section(client) -> str:
    page = html.unescape(client.get("/account/").text)
    return page[page.index('<h2 id="emails">') : page.index("<h2>Your data</h2>")]


def test_a_learner_who_unsubscribed_sees_it_and_turns_reminders_back_on(
    app, runner, client, mailbox, pcn
):
    assign_elm(app)
    remind(runner, DUE - timedelta(days=1))
    link = path_of(mailbox.link("asha@example.org", "/unsubscribe/"))
    assert app.test_client().post(link).status_code == 200
    sign_in(client, "asha@example.org")
    section = emails_section(client)
    assert "Reminder emails" in section and "Off: you unsubscribed" in section
    assert "Turn on reminder emails" in section
    done = post_form(client, "/account/emails", {"reminders": "on"}, page="/account/")
    assert done.status_code == 302 and done.location.endswith("/account/#emails")
    assert not unsubscribed(app, pcn["asha"])
    page = html.unescape(client.get("/account/").text)
    assert "Reminder emails are now on" in page
    section = emails_section(client)
    assert ">On<" in section.replace("\n", "").replace(" ", "")
    assert "Turn off reminder emails" in section
    # A second click asks for what already is: nothing more changes or is recorded.
    post_form(client, "/account/emails", {"reminders": "on"}, page="/account/")
    assert "Reminder emails were already on: nothing was changed" in html.unescape(
        client.get("/account/").text
    )
    assert kinds(app) == ["mail.unsubscribed", "mail.resubscribed"]
    remind(runner, DUE + timedelta(days=1))  # overdue: reminded again
    assert len(mailbox.messages("asha@example.org")) == 2


def test_turning_reminders_off_from_the_account_page_stops_them(app, runner, client, mailbox, pcn):
    assign_elm(app)
    sign_in(client, "asha@example.org")
    assert "Turn off reminder emails" in emails_section(client)
    post_form(client, "/account/emails", {"reminders": "off"}, page="/account/")
    assert unsubscribed(app, pcn["asha"])
    assert kinds(app) == ["mail.unsubscribed"]
    remind(runner, DUE - timedelta(days=1))
    assert mailbox.messages("asha@example.org") == []


def test_the_emails_setting_needs_the_form_s_csrf_token(app, client, pcn):
    sign_in(client, "asha@example.org")
    refused = client.post("/account/emails", data={"reminders": "off"})
    assert refused.status_code == 400
    assert not unsubscribed(app, pcn["asha"])
    unknown = post_form(client, "/account/emails", {"reminders": "maybe"}, page="/account/")
    assert unknown.status_code == 302 and not unsubscribed(app, pcn["asha"])
    assert app.test_client().post(
        "/account/emails", data={"csrf_token": csrf_token(client, "/account/"), "reminders": "off"}
    ).status_code in (302, 400)  # signed out: sent to sign in (or refused), never applied
    assert not unsubscribed(app, pcn["asha"])


def test_a_manager_sees_weekly_summaries_on_the_account_page_and_the_link_s_page(
    app, runner, client, mailbox, pcn
):
    assign_elm(app)
    remind(runner, DUE - timedelta(days=3))
    link = path_of(mailbox.link("pm@example.org", "/unsubscribe/"))
    page = html.unescape(app.test_client().get(link).text)
    assert "Unsubscribe from weekly summaries" in page
    assert "Stop weekly summaries of the learning assigned in your teams" in page
    assert "learning your manager assigned" not in page
    done = html.unescape(app.test_client().post(link).text)
    assert "will not send you weekly summaries of the learning assigned in your teams" in done
    sign_in(client, "pm@example.org")
    section = emails_section(client)
    assert "Weekly summary emails" in section and "Off: you unsubscribed" in section


def test_a_link_sent_to_an_address_the_account_no_longer_has_changes_nothing(
    app, runner, mailbox, pcn
):
    assign_elm(app)
    remind(runner, DUE - timedelta(days=1))
    link = path_of(mailbox.link("asha@example.org", "/unsubscribe/"))
    with app.app_context():  # the learner changed her address since
        db.session().execute(
            update(User).where(User.id == pcn["asha"]).values(email="asha.new@example.org")
        )
        db.session().commit()
    page = app.test_client().get(link)
    assert page.status_code == 404 and "This link no longer works" in page.text
    one_click = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 404 and "This link no longer works" in one_click.text
    assert not unsubscribed(app, pcn["asha"]) and kinds(app) == []
    with app.app_context():  # back to the address the link went to: it works again
        db.session().execute(
            update(User).where(User.id == pcn["asha"]).values(email="asha@example.org")
        )
        db.session().commit()
    assert app.test_client().post(link).status_code == 200
    assert unsubscribed(app, pcn["asha"])


def test_a_link_sent_before_addresses_were_fingerprinted_still_works(app, pcn):
    with app.test_request_context():
        # What every unsubscribe link carried before: the account's id alone.
        old = tokens.make(mail_preferences.UNSUBSCRIBE, {"u": pcn["asha"]})
    assert app.test_client().get(f"/unsubscribe/{old}").status_code == 200
    assert app.test_client().post(f"/unsubscribe/{old}").status_code == 200
    assert unsubscribed(app, pcn["asha"])


def test_a_trainer_is_offered_no_reminder_setting_they_would_never_get(app, make_user):
    """Reminders go to learners and weekly summaries to managers: a trainer or an
    administrator is told only account emails come, with nothing to turn off."""
    for role in ("trainer", "admin"):
        client = app.test_client()
        sign_in(client, make_user(f"{role}@example.org", role=role))
        section = emails_section(client)
        assert f"{role}@example.org" in client.get("/account/").text
        assert "only emails about your account" in section, role
        assert "Turn off" not in section and "Reminder emails" not in section, role
