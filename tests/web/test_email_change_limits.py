"""Changing email sends a confirmation to any address typed: three an hour to one address
(EMAILS_PER_RECIPIENT, as sign-ups and password resets), five an hour from one account.
Past either, no email goes, nothing changes, the form says when to try again and keeps
what was typed; the refusal is audited."""

import html

from sqlalchemy import select

from app import db
from app.models import AuditEvent
from tests.conftest import DEMO_PASSWORD, post_form, sign_in


def _change(client, email: str):
    return post_form(client, "/account/email", {"email": email, "current_password": DEMO_PASSWORD})


def _throttled(app) -> list[str | None]:
    with app.app_context():
        kinds = select(AuditEvent).where(AuditEvent.kind == "request.throttled")
        return [event.detail.get("endpoint") for event in db.session().scalars(kinds)]


def _refused_as_too_many(response, email: str) -> None:
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    page = html.unescape(response.text)
    assert "Too many emails have been sent for email address changes" in page
    assert "no email was sent and your email address has not changed" in page
    assert f'value="{email}"' in page  # what was typed is kept


def test_confirmations_to_one_address_stop_at_three_an_hour(app, make_user, mailbox):
    make_user(email="taken@example.org", full_name="Tam Taken")
    for sender, address in (("sam", "victim"), ("tom", "taken")):  # taken: its owner is told
        sending = app.test_client()
        sign_in(sending, make_user(email=f"{sender}@example.org"))
        sent = [_change(sending, f"{address}@example.org").status_code for _ in range(3)]
        assert sent == [200] * 3
    other = app.test_client()  # another account, the same recipients: still three an hour
    sign_in(other, make_user(email="kim@example.org"))
    for address in ("victim@example.org", "taken@example.org"):
        _refused_as_too_many(_change(other, address), address)
    assert len(mailbox.messages("victim@example.org")) == 3
    assert len(mailbox.messages("taken@example.org")) == 3
    assert mailbox.messages("kim@example.org") == []  # nor a notice of a change not asked
    assert _throttled(app) == ["account.change_email"] * 2
    assert sign_in(app.test_client(), "kim@example.org").status_code == 302  # unchanged


def test_one_account_sends_at_most_five_email_changes_an_hour(app, signed_in, mailbox):
    for n in range(5):
        assert _change(signed_in, f"new{n}@example.org").status_code == 200
    refused = _change(signed_in, "new5@example.org")
    _refused_as_too_many(refused, "new5@example.org")
    assert mailbox.messages("new5@example.org") == []
    assert len(mailbox.messages("learner@example.org")) == 5  # one notice per change sent
