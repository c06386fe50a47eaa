"""Changing a password, and the check of the current one that every change to an account
(password, email, deletion) asks for first."""

import secrets

from sqlalchemy.orm import Session

from app import db
from app.models import User
from app.services import audit, locks, mail_outbox
from app.services.accounts import AccountError, hash_password, password_matches, refuse_weak


def check_current_password(user: User, password: str, *, address: str | None) -> None:
    """Raise AccountError (and record the failure) unless password is the user's own.

    Every page that asks for the current password (change password, change email, delete
    account) goes through here, so a failure is audited the same way everywhere.
    """
    if not password_matches(user, password):
        session = db.session()
        audit.record(
            session, "password.check_failed", actor_id=user.id, email=user.email, address=address
        )
        session.commit()
        raise AccountError("current_password", "Your current password is not correct")


JUST_CHANGED = (
    "Your password was changed a moment ago, from this or another tab or window, so this "
    "change was not made. Use the password you chose then, or sign in again and change it"
)


def change_password(
    user_id: int, current: str, new: str, *, session_token: str, address: str | None = None
) -> User:
    """Replace the password after checking the current one; ends other sessions and emails
    the account's address that the password was changed.

    `session_token` is the one the request was signed in with. Changes of one account's
    password run one after another; one that finds the session ended meanwhile (a double
    click or another tab changed the password first) makes no change of its own: the same
    new password is that change, already made, and the user is returned to sign in with
    it again; any other is refused with JUST_CHANGED.
    """
    session = db.session()
    locks.lock_learner(session, user_id)
    user = session.get(User, user_id, populate_existing=True)
    if not secrets.compare_digest(user.session_token, session_token):
        same = password_matches(user, new)
        session.rollback()
        if same:
            return user
        raise AccountError("new_password", JUST_CHANGED)
    check_current_password(user, current, address=address)
    refuse_weak(new, user.email, user.full_name, field="new_password")
    user.password_hash = hash_password(new)
    user.session_token = secrets.token_hex(16)
    audit.record(session, "password.changed", actor_id=user_id, email=user.email, address=address)
    # As after a reset: a change made by someone who took over a signed-in browser does not
    # go unnoticed.
    notice = note_password_changed(session, user)
    session.commit()
    mail_outbox.send_queued([notice])
    return user


def note_password_changed(session: Session, user: User) -> int:
    """Queue the email telling the account holder their password changed (a change or a
    reset), with a link to reset it, in the change's own transaction; return its id.

    Sent after the commit (`mail_outbox.send_queued`), and by `linkwise send-mail` until it
    goes: a mail server that is down neither undoes the change (it is made, and the browser
    stays in) nor loses the notice.
    """
    return mail_outbox.queue(session, user, "password_changed")
