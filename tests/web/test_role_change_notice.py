"""A role change by an administrator emails the person, as an account notice written in the
change's own transaction (services/role_notices.py): what they are now, in the pages' words,
and to contact their administrator if they did not expect it. A second click, which changes
nothing, and a change that rolls back write none; nor does an administrator's change of their
own role, or the command's. One made while the mail server is down is sent by `linkwise
send-mail`. The data export lists it and erasure deletes it. Both databases, real SMTP."""

import re

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from app import db
from app.models import User
from app.models_mail import MailOutbox
from app.services import account_admin, mail_outbox
from app.services.accounts import user_by_email
from app.services.data_rights import export_data
from app.services.erasure import erase
from tests.conftest import post_form
from tests.web.test_admin_organisations import _org_id, _page
from tests.web.test_admin_people import ORG, OTHER, _admin, _confirm, _id, _person
from tests.web.test_mail_down_forms import refused, send_mail_to
from tests.web.test_mail_outbox import notices, time_passes

SAM = "sam@example.org"
SUBJECT = "Your role on Linkwise has changed"
NOTICE = ("role_changed", SAM)
CEILING = "many_failed_sign_ins"


def confirming(admin, user_id, role, organisation=""):
    """Open the confirmation page; return a call that sends its form, as its button does."""
    page = _confirm(admin, user_id, role, organisation).text
    form = re.search(r'<form method="post" action="[^"]*/role">(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(1)))
    return lambda: admin.post(_person(user_id) + "/role", data=fields)


def change(admin, user_id, role, organisation=""):
    """Confirm a role change on the person's pages."""
    return confirming(admin, user_id, role, organisation)()


def words(text: str) -> str:
    return " ".join(text.split())


def kept(app) -> list[dict]:
    """Return the fields of every notice kept, oldest first."""
    with app.app_context():
        return [dict(f) for f in db.session().scalars(select(MailOutbox.fields))]


def role_of(app, email) -> str:
    with app.app_context():
        return db.session().scalar(select(User.role).where(User.email == email))


def test_an_administrators_role_change_emails_the_person_what_they_are_now(app, make_user, mailbox):
    make_user(SAM, org=ORG, full_name="Sam Person")
    ada = _admin(app, make_user)
    sam = _id(app, SAM)
    shown = words(_confirm(ada, sam, "manager").text)
    assert f"we email them at {SAM} to tell them their role has changed" in shown
    send = confirming(ada, sam, "manager")
    assert send().status_code == 302
    assert send().status_code == 302  # a second click: made already, no second email
    assert notices(app) == [(*NOTICE, 0, True, False)]
    [fields] = kept(app)
    assert set(fields) == {"name", "when", "role"}  # no token, no link
    assert fields["role"] == "a manager of the whole of Riverside PCN"
    assert "http" not in str(fields)
    [told] = mailbox.messages(SAM)
    assert told["Subject"] == SUBJECT
    body = words(told.get_content())
    assert body.startswith(
        f"Hello Sam Person, An administrator changed your role on Linkwise on {fields['when']}. "
        "You are now a manager of the whole of Riverside PCN."
    )
    assert "If you did not expect this change, contact your Linkwise administrator." in body
    assert "http" not in body
    assert mailbox.messages("ada@example.org") == []


def test_a_move_says_the_new_organisation_and_a_role_with_none_says_the_role(
    app, make_user, mailbox
):
    make_user(SAM, org=ORG, full_name="Sam Person")
    make_user("kim@example.org", full_name="Kim Person")  # in no organisation
    ada = _admin(app, make_user)
    make_user("lee@example.org", org=OTHER, full_name="Lee Person")  # makes Hillside PCN
    other = _org_id(app, OTHER)
    assert change(ada, _id(app, SAM), "trainer", str(other)).status_code == 302
    assert change(ada, _id(app, "kim@example.org"), "admin").status_code == 302
    assert [f["role"] for f in kept(app)] == ["a trainer of Hillside PCN", "an administrator"]
    assert "You are now a trainer of Hillside PCN." in words(mailbox.body(SAM))
    assert "You are now an administrator." in words(mailbox.body("kim@example.org"))


def test_making_a_manager_and_stepping_one_back_on_the_organisation_page_email_them(
    app, make_user, mailbox
):
    make_user(SAM, org=ORG, full_name="Sam Person")
    ada = _admin(app, make_user)
    org = _org_id(app, ORG)
    asked = post_form(ada, _page(org) + "/managers/confirm", {"email": SAM}, page=_page(org))
    assert f"we email them at {SAM} to tell them their role has changed" in words(asked.text)
    assert (
        post_form(ada, _page(org) + "/managers", {"email": SAM}, page=_page(org)).status_code == 302
    )
    steps = _page(org) + "/managers/step-back"
    back = post_form(ada, steps + "/confirm", {"email": SAM}, page=_page(org))
    assert f"we email them at {SAM} to tell them their role has changed" in words(back.text)
    assert post_form(ada, steps, {"email": SAM}, page=_page(org)).status_code == 302
    assert role_of(app, SAM) == "learner"
    assert [f["role"] for f in kept(app)] == [
        "a manager of the whole of Riverside PCN",
        "a learner of Riverside PCN",
    ]
    assert [m["Subject"] for m in mailbox.messages(SAM)] == [SUBJECT] * 2


def test_the_notice_is_written_in_the_changes_transaction_and_rolls_back_with_it(
    app, make_user, mailbox
):
    make_user(SAM, org=ORG, full_name="Sam Person")
    ada = _id(app, make_user("ada@example.org", role="admin", full_name="Ada Admin"))
    seen = []

    def fails(session):
        """See what the transaction about to commit holds, then have the commit fail."""
        seen.append(session.scalars(select(MailOutbox.template)).all())
        raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))

    with app.app_context():
        event.listen(db.session(), "before_commit", fails)
        with pytest.raises(OperationalError):
            account_admin.set_role(SAM, "manager", actor_id=ada, via="web")
    assert seen == [["role_changed"]]  # the one commit held the change and its notice
    assert role_of(app, SAM) == "learner"
    assert notices(app) == [] and mailbox.messages(SAM) == []
    # Refused (the last administrator): no change, no notice.
    with app.app_context(), pytest.raises(account_admin.LastAdministrator):
        account_admin.set_role("ada@example.org", "learner", actor_id=_id(app, SAM), via="web")
    assert notices(app) == []
    # Made again, it commits with exactly one notice, sent to the person.
    with app.app_context():
        assert account_admin.set_role(SAM, "manager", actor_id=ada, via="web").changed
    assert notices(app) == [(*NOTICE, 0, True, False)]
    assert [m["Subject"] for m in mailbox.messages(SAM)] == [SUBJECT]


def test_no_notice_for_an_administrators_own_change_or_the_commands(
    app, make_user, mailbox, runner
):
    make_user(SAM, org=ORG, full_name="Sam Person")
    ada = _admin(app, make_user)
    _admin(app, make_user, "bea@example.org")  # so Ada is not the last administrator
    assert runner.invoke(args=["set-role", SAM, "trainer"]).exit_code == 0
    assert change(ada, _id(app, "ada@example.org"), "learner").status_code == 302
    assert role_of(app, "ada@example.org") == "learner"
    assert notices(app) == [] and mailbox.messages() == []


def test_a_role_changed_while_the_mail_server_is_down_is_told_by_send_mail(
    app, make_user, mailbox, smtp_server, runner
):
    make_user(SAM, org=ORG, full_name="Sam Person")
    ada = _admin(app, make_user)
    send_mail_to(app, refused())
    assert change(ada, _id(app, SAM), "trainer").status_code == 302
    assert role_of(app, SAM) == "trainer"  # made, whatever the mail server does
    assert notices(app) == [(*NOTICE, 1, False, False)]
    send_mail_to(app, smtp_server.url)
    time_passes(app)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in mailbox.messages(SAM)] == [SUBJECT]
    assert "You are now a trainer of Riverside PCN." in words(mailbox.body(SAM))


def test_the_data_export_lists_the_new_notices_and_erasure_deletes_them(app, make_user, mailbox):
    make_user(SAM, org=ORG, full_name="Sam Person")
    make_user("kim@example.org", full_name="Kim Person")
    ada = _admin(app, make_user)
    assert change(ada, _id(app, SAM), "trainer").status_code == 302
    with app.app_context():
        session = db.session()
        for email in (SAM, "kim@example.org"):  # as the sign-in ceiling writes it
            at_ceiling = {"failures": 50, "until": "9 December 2026 at 1:00am GMT"}
            mail_outbox.queue(session, user_by_email(email), CEILING, **at_ceiling, known_days=90)
        session.commit()
        data = export_data(user_by_email(SAM), None)
    told, ceiling = data["account_notices"]
    assert (told["notice"], told["to"]) == NOTICE and told["sent_at"]
    assert told["fields"]["role"] == "a trainer of Riverside PCN"
    assert (ceiling["notice"], ceiling["fields"]["failures"]) == (CEILING, 50)
    assert "role changed" in data["account_notices_kept"]
    assert "many attempts to sign in" in data["account_notices_kept"]
    with app.app_context():
        assert erase(_id(app, SAM), via="cli")
    assert notices(app) == [(CEILING, "kim@example.org", 0, False, False)]
