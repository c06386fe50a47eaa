"""Forgotten passwords: a link by email, valid for an hour and for one use.

Asking answers the same whether or not the address has an account; the email says which
(a reset link, or that there is no account with that address).
"""

import secrets

from app import db, mail
from app.domain.accounts import normalise_email
from app.links import absolute_url
from app.models import User
from app.services import audit, tokens
from app.services.accounts import hash_password, refuse_weak, user_by_email


def _fingerprint(user: User) -> str:
    # A new password or email changes it: a used (or outdated) link stops working.
    return tokens.fingerprint(user.password_hash, user.email)


def request_reset(email: str, *, address: str | None = None) -> None:
    """Email a reset link to the account's address (or say that there is no account)."""
    session = db.session()
    email = normalise_email(email)
    user = user_by_email(email)
    if user is None or user.erased_at is not None:
        audit.record(
            session, "password.reset_requested", email=email, address=address, account="none"
        )
        session.commit()
        mail.send_quietly(email, "no_account", register_url=absolute_url("auth.register"))
        return
    token = tokens.make(tokens.PASSWORD_RESET, {"u": user.id, "f": _fingerprint(user)})
    audit.record(
        session, "password.reset_requested", subject_id=user.id, email=email, address=address
    )
    session.commit()
    mail.send_quietly(
        email,
        "password_reset",
        name=user.full_name,
        reset_url=absolute_url("recovery.reset_password", token=token),
        minutes=tokens.PASSWORD_RESET[1] // 60,
    )


def user_for_reset(token: str) -> User | None:
    """Return the account a reset link is for, while the link is unused and in time."""
    payload = tokens.read(tokens.PASSWORD_RESET, token)
    if payload is None or not isinstance(payload.get("u"), int):
        return None
    user = db.session().get(User, payload["u"])
    if user is None or user.erased_at is not None:
        return None
    return user if tokens.matches(_fingerprint(user), payload.get("f")) else None


def reset_password(token: str, new_password: str, *, address: str | None = None) -> User | None:
    """Set a new password from a reset link and end every session; None for a spent link."""
    session = db.session()
    user = user_for_reset(token)
    if user is None:
        return None
    refuse_weak(new_password, user.email, user.full_name, field="new_password")
    user.password_hash = hash_password(new_password)
    user.session_token = secrets.token_hex(16)  # signs out every browser
    audit.record(session, "password.reset", actor_id=user.id, email=user.email, address=address)
    session.commit()
    mail.send_quietly(
        user.email,
        "password_changed",
        name=user.full_name,
        reset_url=absolute_url("recovery.forgot_password"),
    )
    return user
