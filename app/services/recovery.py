"""Forgotten passwords: a link by email, valid for an hour and for one use.

Asking answers the same whether or not the address has an account; the email says which
(a reset link, or that there is no account with that address). When the email cannot be
sent, asking raises mail.MailError, the same way for both, and counts for nothing: the next
ask sends one.

Sent twice at once (a double click, two tabs), either form does its work once: asks for
one address run one after another, and one that finds a link sent moments ago sends no
other; uses of one link run one after another under the learner's lock, and one that finds
the link used meanwhile changes nothing.
"""

import secrets
from datetime import timedelta

from sqlalchemy import select

from app import db, mail
from app.domain.accounts import normalise_email
from app.links import absolute_url
from app.models import AuditEvent, User, utcnow
from app.services import audit, locks, mail_outbox, reminder_failures, sign_in_locks, tokens
from app.services.accounts import hash_password, password_matches, refuse_weak, user_by_email
from app.services.password_changes import note_password_changed

# A second ask for one address within this time is the first one sent again (a double
# click, two tabs): the link already on its way stands, and no other is sent. Asking again
# after it ("Send the email again") sends a new one.
ASKED_AGAIN_WITHIN = timedelta(seconds=30)
ASKED = "password.reset_requested"
NOT_SENT = "password.reset_not_sent"  # the ask before it with that address sent nothing


class LinkJustUsed(Exception):
    """The link was used a moment ago (another tab, a double click); nothing was changed."""


def _fingerprint(user: User) -> str:
    # A new password or email changes it: a used (or outdated) link stops working.
    return tokens.fingerprint(user.password_hash, user.email)


def request_reset(email: str, *, address: str | None = None) -> None:
    """Email a reset link to the account's address (or say that there is no account);
    raise mail.MailError, having recorded it, when the email could not be sent."""
    session = db.session()
    email = normalise_email(email)
    locks.lock_name(session, f"password-reset:{email}")
    if _asked_a_moment_ago(email):
        session.rollback()
        return
    user = user_by_email(email)
    if user is None or user.erased_at is not None:
        audit.record(
            session, "password.reset_requested", email=email, address=address, account="none"
        )
        session.commit()
        _sent_or_raise(
            email, None, "no_account", register_url=absolute_url("auth.register"), address=address
        )
        return
    token = tokens.make(tokens.PASSWORD_RESET, {"u": user.id, "f": _fingerprint(user)})
    audit.record(
        session, "password.reset_requested", subject_id=user.id, email=email, address=address
    )
    session.commit()
    _sent_or_raise(
        email,
        user.id,
        "password_reset",
        name=user.full_name,
        reset_url=absolute_url("recovery.reset_password", token=token),
        minutes=tokens.PASSWORD_RESET[1] // 60,
        address=address,
    )
    reminder_failures.address_took_mail(user.id, email)


def _sent_or_raise(email: str, user_id: int | None, template: str, *, address, **context):
    """Send the email; when it cannot go, record that (the ask then counts for nothing,
    so asking again sends one) and raise mail.MailError."""
    try:
        mail.send(email, template, **context)
    except mail.MailError:
        session = db.session()
        audit.record(
            session,
            NOT_SENT,
            subject_id=user_id,
            email=email,
            address=address,
            **({} if user_id else {"account": "none"}),
        )
        session.commit()
        raise


def _asked_a_moment_ago(email: str) -> bool:
    """Say whether a link went to the address moments ago (an ask whose email could not be
    sent does not count)."""
    latest = db.session().scalar(
        select(AuditEvent.kind)
        .where(
            AuditEvent.kind.in_((ASKED, NOT_SENT)),
            AuditEvent.occurred_at >= utcnow() - ASKED_AGAIN_WITHIN,
            AuditEvent.email == email,
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return latest == ASKED


def user_for_reset(token: str, *, fresh: bool = False) -> User | None:
    """Return the account a reset link is for, while the link is unused and in time
    (`fresh`: as stored now, not as this session read it before)."""
    payload = tokens.read(tokens.PASSWORD_RESET, token)
    if payload is None or not isinstance(payload.get("u"), int):
        return None
    user = db.session().get(User, payload["u"], populate_existing=fresh)
    if user is None or user.erased_at is not None:
        return None
    return user if tokens.matches(_fingerprint(user), payload.get("f")) else None


def reset_password(token: str, new_password: str, *, address: str | None = None) -> User | None:
    """Set a new password from a reset link and end every session; None for a spent link.

    A link that was unused when asked, but is found used once the learner's lock is held
    (a double click or another tab used it first), changes nothing: the same new password
    is that change, already made, and the user is returned to be signed in with it; any
    other raises LinkJustUsed.
    """
    session = db.session()
    user = user_for_reset(token)
    if user is None:
        return None
    locks.lock_learner(session, user.id)
    if user_for_reset(token, fresh=True) is None:
        erased = user.erased_at is not None
        same = password_matches(user, new_password)  # an erased account matches nothing
        session.rollback()
        if same:
            return user
        if erased:
            return None
        raise LinkJustUsed
    refuse_weak(new_password, user.email, user.full_name, field="new_password")
    user.password_hash = hash_password(new_password)
    user.session_token = secrets.token_hex(16)  # signs out every browser
    # The link proves the inbox: its owner may sign in at once, where failures stopped it.
    lifted = [count.said for count in sign_in_locks.lift_on_reset(user)]
    audit.record(
        session,
        "password.reset",
        actor_id=user.id,
        email=user.email,
        address=address,
        **({"lifted": lifted} if lifted else {}),
    )
    notice = note_password_changed(session, user)
    session.commit()
    mail_outbox.send_queued([notice])
    return user
