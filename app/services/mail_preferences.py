"""Non-essential mail: the one-click unsubscribe link, and who asked for no more."""

from sqlalchemy import exists

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


def send_with_unsubscribe(user_id: int, to: str, template: str, **context) -> None:
    """Send non-essential mail with a one-click unsubscribe link and its headers."""
    link = absolute_url("unsubscribe.confirm", token=tokens.make(UNSUBSCRIBE, {"u": user_id}))
    message = mail.compose(to, template, unsubscribe_url=link, **context)
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.deliver(message, template)


def reader_of(token: str) -> int | None:
    """Return the id of the person an unsubscribe link was made for, if it is good."""
    payload = tokens.read(UNSUBSCRIBE, token)
    user_id = payload.get("u") if payload else None
    return user_id if isinstance(user_id, int) else None


def unsubscribe(user_id: int, *, address: str | None = None) -> None:
    """Stop non-essential mail to the person; saying it twice changes nothing."""
    session = db.session()
    if session.get(User, user_id) is None:
        return
    insert = insert_for(session)
    added = session.execute(
        insert(MailPreference)
        .values(user_id=user_id)
        .on_conflict_do_nothing(index_elements=["user_id"])
        .returning(MailPreference.user_id)
    ).first()
    if added is not None:
        # The actor is whoever holds the link emailed to the person: taken to be them.
        audit.record(
            session, "mail.unsubscribed", actor_id=user_id, subject_id=user_id, address=address
        )
    session.commit()


def is_unsubscribed(user_id: int) -> bool:
    """Say whether the person asked for no more non-essential mail."""
    return db.session().get(MailPreference, user_id) is not None
