"""An address taken by a way in that takes no lock (an administrator's create-user) after the
confirmation found it free and before its change is written: the learner is told the
address is taken, their account keeps its address, and nothing is recorded; never a 500."""

import threading

import pytest
from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, User
from app.services import account_admin, email_changes
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.web.journeys import path_of

OLD, NEW = "learner@example.org", "sam.new@example.org"


def test_an_address_taken_after_the_check_is_refused_as_taken(
    app, client, make_user, mailbox, monkeypatch
):
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the confirmation holds it throughout")
    sign_in(client, make_user(email=OLD))
    post_form(client, "/account/email", {"email": NEW, "current_password": DEMO_PASSWORD})
    link = path_of(mailbox.link(NEW, "/account/email/confirm/"))
    looked_up = email_changes.user_by_email

    def found_free_then_taken(email):
        found = looked_up(email)
        if email == NEW:  # the administrator's account is made and committed meanwhile
            made = threading.Thread(target=_create, args=(app,))
            made.start()
            made.join(30)
        return found

    monkeypatch.setattr(email_changes, "user_by_email", found_free_then_taken)
    sent = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert (sent.status_code, sent.location) == (302, "/account/")
    assert "An account with this email address already exists" in client.get("/account/").text
    with app.app_context():
        session = db.session()
        assert session.scalar(select(User.id).where(User.email == OLD)) is not None
        assert session.scalar(select(func.count()).where(User.email == NEW)) == 1
        changed = select(func.count()).where(AuditEvent.kind == "email.changed")
        assert session.scalar(changed) == 0


def _create(app):
    with app.app_context():
        account_admin.create_user(
            email=NEW, full_name="Sam Other", password=DEMO_PASSWORD, profession="gp",
            role="learner", organisation_name=None,
        )  # fmt: skip
