"""Changing a learner's email address: a link sent to the new address, which moves the
account there when it is confirmed."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import db, mail
from app.domain.accounts import normalise_email
from app.links import absolute_url
from app.models import AuditEvent, User
from app.services import audit, locks, mail_outbox, reminder_failures, tokens
from app.services.accounts import AccountError, user_by_email
from app.services.password_changes import check_current_password

# The notice to the account's address that a change of it was asked for.
NOTICE_ASKED = "email_change_requested"


def _email_fingerprint(user_id: int) -> str | None:
    """Return the account's fingerprint for its links (None: no such account), read afresh.

    With the account's last change of address: an address that comes back (X to B, then
    back to X) does not bring back the links sent before it left, so each works once.
    """
    last_change = (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.actor_id == user_id, AuditEvent.kind == "email.changed")
        .scalar_subquery()
    )
    found = (
        db.session()
        .execute(select(User.password_hash, User.email, last_change).where(User.id == user_id))
        .first()
    )
    if found is None:
        return None
    password_hash, email, changed = found
    return tokens.fingerprint(password_hash, email, *(() if changed is None else (str(changed),)))


def request_email_change(
    user_id: int, new_email: str, password: str, *, address: str | None = None
) -> str:
    """Email a confirmation link to the new address; return the address it went to.

    Raise mail.MailError when that email cannot be sent (the same whether or not the new
    address has an account); the old address is then told nothing, as nothing is on its way.
    The notice to the old address is queued (mail_outbox.py) once the link is on its way,
    or may be (MailMaybeSent): what it reports is that link, not a change of the database,
    so no notice waits for a link that never went.
    """
    session = db.session()
    user = session.get(User, user_id)
    check_current_password(user, password, address=address)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("email", "Enter an email address different from your current one")
    audit.record(session, "email.change_requested", actor_id=user_id, address=address)
    session.commit()
    owner = user_by_email(new_email)
    if owner is not None:
        # Tell the owner of that address, not the requester, that it is taken.
        mail.send(new_email, "email_taken", sign_in_url=absolute_url("auth.sign_in"))
        reminder_failures.address_took_mail(owner.id, new_email)
        return new_email
    token = tokens.make(
        tokens.EMAIL_CHANGE, {"u": user.id, "e": new_email, "f": _email_fingerprint(user.id)}
    )
    try:
        mail.send(
            new_email,
            "confirm_email_change",
            name=user.full_name,
            confirm_url=absolute_url("account.confirm_email", token=token),
            hours=tokens.EMAIL_CHANGE[1] // 3600,
        )
    except mail.MailMaybeSent:
        _tell_old_address(session, user)
        raise
    _tell_old_address(session, user)
    return new_email


def _tell_old_address(session, user: User) -> None:
    """Queue and send the notice that a change of address was asked for."""
    notice = mail_outbox.queue(session, user, NOTICE_ASKED)
    session.commit()
    mail_outbox.send_queued([notice])


def email_change_for(user_id: int, token: str) -> str | None:
    """Return the new address a confirmation link is for, if it is this user's and unspent."""
    payload = tokens.read(tokens.EMAIL_CHANGE, token)
    if payload is None or payload.get("u") != user_id or not isinstance(payload.get("e"), str):
        return None
    fingerprint = _email_fingerprint(user_id)
    if fingerprint is None or not tokens.matches(fingerprint, payload.get("f")):
        return None
    return payload["e"]


@dataclass(frozen=True)
class EmailChanged:
    """The address an account moved to: `already` when another use of the link (a double
    click, another tab) moved it there a moment ago, and this one changed nothing."""

    email: str
    already: bool = False


def confirm_email_change(
    user_id: int, token: str, *, address: str | None = None
) -> EmailChanged | None:
    """Move the account to the confirmed address; None for a spent or someone else's link.

    Confirmations of one account's address run one after another under the learner's lock,
    and the link is checked again once it is held: one that finds it used meanwhile, with
    the account at its address, is that change already made and changes nothing.

    The new address is then locked by name, as a sign-up finishing for it locks it, so the
    two run one after another and the second finds the address taken. A way in that takes
    no such lock (an administrator's create-user) can still take it first: the unique key
    then refuses the change, and the learner is told the address is taken.
    """
    session = db.session()
    new_email = email_change_for(user_id, token)
    if new_email is None:
        return None
    locks.lock_learner(session, user_id)
    user = session.get(User, user_id, populate_existing=True)
    if email_change_for(user_id, token) is None:
        already = user.email == new_email
        session.rollback()
        return EmailChanged(new_email, already=True) if already else None
    locks.lock_name(session, f"registration:{new_email}")
    taken = AccountError("email", "An account with this email address already exists")
    if user_by_email(new_email) is not None:
        session.rollback()
        raise taken
    # Queued first: its flush must not be the one that finds the address taken.
    notice = mail_outbox.queue(session, user, "email_changed")
    user.email = new_email
    try:
        # Written now: the unique key on addresses refuses one taken since the check, before
        # a later statement's flush would meet it.
        session.flush()
    except IntegrityError:
        session.rollback()
        raise taken from None
    audit.record(session, "email.changed", actor_id=user_id, email=new_email, address=address)
    # Emails refused at the old address say nothing of the new one: managers stop being told.
    reminder_failures.resolve(session, user_id, "email-changed")
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise taken from None
    mail_outbox.send_queued([notice])
    return EmailChanged(new_email)
