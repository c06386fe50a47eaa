"""Non-essential mail: the one-click unsubscribe link, who asked for no more, and turning it
back on from the account page.

An unsubscribe link carries the account's id and a fingerprint of the address it was sent to
("e"): once the account's address changes, a link sent to the old inbox stops working, so
whoever reads that inbox now cannot turn off the new one's reminders. Links sent before the
fingerprint was added carry the id alone and keep working until they expire (2 years after
they were sent); there is no way to tell which address such a link went to.
"""

from dataclasses import dataclass

from sqlalchemy import delete, exists

from app import db, mail
from app.links import absolute_url
from app.models import User
from app.models_assignments import MailPreference
from app.services import audit, tokens
from app.services.upsert import insert_for

UNSUBSCRIBE = ("unsubscribe", 2 * 366 * 24 * 60 * 60)  # a link in an email works for 2 years


def turned_off(user_id):
    """Return the SQL condition 'the person with this id asked for no non-essential mail'."""
    return exists().where(MailPreference.user_id == user_id)


def emails_named(role: str) -> str:
    """Name the non-essential mail a person of this role gets: managers a weekly summary of
    their teams' assigned learning, learners reminders about theirs."""
    return "Weekly summary emails" if role == "manager" else "Reminder emails"


def _address_fingerprint(address: str) -> str:
    return tokens.fingerprint("unsubscribe", address)


def send_with_unsubscribe(user_id: int, to: str, template: str, **context) -> None:
    """Send non-essential mail with a one-click unsubscribe link and its headers; the link
    works while `to` is the account's address."""
    payload = {"u": user_id, "e": _address_fingerprint(to)}
    link = absolute_url("unsubscribe.confirm", token=tokens.make(UNSUBSCRIBE, payload))
    message = mail.compose(to, template, unsubscribe_url=link, **context)
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.deliver(message, template)


@dataclass(frozen=True)
class LinkReader:
    """The person an unsubscribe link was made for, as the link's pages need them."""

    user_id: int
    manager: bool  # gets the weekly summary of their teams' learning, not reminders
    address_changed: bool  # the link went to an address that is no longer the account's


def reader_of(token: str) -> LinkReader | None:
    """Return who an unsubscribe link was made for, or None for a link that is not good
    (not ours, expired, or its account erased)."""
    payload = tokens.read(UNSUBSCRIBE, token)
    user_id = payload.get("u") if payload else None
    if not isinstance(user_id, int):
        return None
    user = db.session().get(User, user_id)
    if user is None or user.erased_at is not None:
        return None
    sent_to = payload.get("e")  # None in a link sent before addresses were fingerprinted
    changed = sent_to is not None and not tokens.matches(_address_fingerprint(user.email), sent_to)
    return LinkReader(user.id, user.role == "manager", changed)


def unsubscribe(user_id: int, *, address: str | None = None) -> None:
    """Stop non-essential mail to the person; saying it twice changes nothing."""
    set_reminders(user_id, on=False, address=address)


def set_reminders(user_id: int, *, on: bool, address: str | None = None) -> bool:
    """Turn the person's non-essential mail on or off, in one transaction, audited; say
    whether anything changed (asking for what already is, a double click, changes nothing)."""
    session = db.session()
    if session.get(User, user_id) is None:
        return False
    if on:
        changed = session.execute(
            delete(MailPreference)
            .where(MailPreference.user_id == user_id)
            .returning(MailPreference.user_id)
        ).first()
    else:
        changed = session.execute(
            insert_for(session)(MailPreference)
            .values(user_id=user_id)
            .on_conflict_do_nothing(index_elements=["user_id"])
            .returning(MailPreference.user_id)
        ).first()
    if changed is not None:
        # The actor is whoever holds the link emailed to the person, or the signed-in person.
        kind = "mail.resubscribed" if on else "mail.unsubscribed"
        audit.record(session, kind, actor_id=user_id, subject_id=user_id, address=address)
    session.commit()
    return changed is not None


def is_unsubscribed(user_id: int) -> bool:
    """Say whether the person asked for no more non-essential mail."""
    return db.session().get(MailPreference, user_id) is not None
