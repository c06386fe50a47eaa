"""Accounts: signing in and out, passwords, finding an account by its email address or an
organisation by its join code, and the account page's one read (with whether the mail
server refuses the person's emails).

Changing a password, and checking the current one, is in password_changes.py; the
signed-in user, read again on every page, is in signed_in_user.py; creating organisations
and accounts and changing roles (administrators' work) is in account_admin.py.
"""

import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, exc, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from app import db
from app.domain.accounts import (
    normalise_email,
    normalise_join_code,
    normalise_password,
    password_problem,
)
from app.models import Organisation, User, utcnow
from app.models_assignments import MailPreference, ReminderFailure
from app.services import audit, reminder_failures


@cache
def _dummy_hash() -> str:
    """Return a hash to compare against when no account matches, so a missing account and a
    wrong password take the same time (made on first use: scrypt would slow every start-up)."""
    return generate_password_hash("linkwise-no-such-account")


class AccountError(ValueError):
    """A request that breaks an account rule; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def hash_password(password: str) -> str:
    """Return the scrypt hash of a password."""
    return generate_password_hash(normalise_password(password), method="scrypt")


def password_matches(user: User, password: str) -> bool:
    """Say whether password is the user's; an erased account matches nothing."""
    return user.erased_at is None and check_password_hash(
        user.password_hash, normalise_password(password)
    )


def refuse_weak(password: str, user_email: str, full_name: str, field: str = "password") -> None:
    """Raise AccountError saying why, when the password policy refuses a new password."""
    problem = password_problem(password, email=user_email, full_name=full_name)
    if problem:
        raise AccountError(field, problem)


def organisation_for_code(join_code: str) -> Organisation | None:
    """Return the organisation a join code belongs to, if any."""
    code = normalise_join_code(join_code)
    if not code or len(code) > 32:
        return None
    return db.session().scalar(select(Organisation).where(Organisation.join_code == code))


def user_by_email(email: str) -> User | None:
    """Return the account with this email address, if any."""
    email = normalise_email(email)
    if len(email) > 254:
        return None
    return db.session().scalar(select(User).where(User.email == email))


# A sign-in's one write to the account, only while it is as the password was checked
# against: an erasure (which takes the account's lock) that committed since is seen, on
# PostgreSQL as the row is updated, on SQLite under the database's write lock.
_SIGNED_IN = (
    update(User)
    .where(
        User.id == bindparam("user_id"),
        User.password_hash == bindparam("checked"),
        User.erased_at.is_(None),
    )
    .values(last_signed_in_at=bindparam("now"))
    .returning(User.session_token)
)


def authenticate(email: str, password: str, *, address: str | None) -> User | None:
    """Return the user whose credentials these are, recording the outcome in the audit log."""
    session = db.session()
    email = normalise_email(email)
    user = user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), normalise_password(password))
        audit.record(session, "sign_in.failure", email=email, address=address, reason="unknown")
        db.commit_or_log(session, "sign_in.failure", address=address, reason="unknown")
        return None
    if not password_matches(user, password):
        audit.record(
            session,
            "sign_in.failure",
            # Whoever tried is not known to be the account's owner: the account is the
            # subject, the address the actor.
            subject_id=user.id,
            email=email,
            address=address,
            reason="password",
        )
        db.commit_or_log(
            session, "sign_in.failure", subject=user.id, address=address, reason="password"
        )
        return None
    user_id, now = user.id, utcnow()
    try:
        signed_in = (
            session.connection()
            .execute(_SIGNED_IN, {"user_id": user_id, "checked": user.password_hash, "now": now})
            .first()
        )
    except exc.DBAPIError as error:  # the database only reads: see below
        if not db.refused_as_read_only(error):
            raise
        session.rollback()
        db.not_written("sign_in.success", actor=user_id, address=address)
        return user
    if signed_in is None:
        # Erased (or given a new password) since it was read: nothing is written about it,
        # not even the address typed, and no one is signed in.
        session.rollback()
        return None
    set_committed_value(user, "last_signed_in_at", now)
    set_committed_value(user, "session_token", signed_in.session_token)
    audit.record(session, "sign_in.success", actor_id=user_id, email=email, address=address)
    # While the database only reads (a failover, a maintenance window), signing in still
    # works: a learner may need a certificate for an appraisal then. The time stamped only
    # tells when the account was last used, so it waits for the next sign-in; the event
    # goes to the log. Nothing more is sent on the usual way, where the commit succeeds.
    db.commit_or_log(session, "sign_in.success", actor=user_id, address=address)
    return user


def account(user_id: int) -> User:
    """Return the whole account of a user, with their organisation (one query)."""
    return db.session().get(User, user_id, options=[joinedload(User.organisation)])


@dataclass(frozen=True)
class AccountPage:
    """The account page: the whole account, whether the mail server refuses its emails, and
    whether the person gets reminders and summaries (not unsubscribed)."""

    row: User
    failing: reminder_failures.Failing | None
    emails_on: bool


def account_page(user_id: int) -> AccountPage:
    """Return the account with its organisation, its open spell of refused reminder emails,
    if any, and whether it unsubscribed (one query: at most one spell a person is open)."""
    user, spell, unsubscribed = (
        db.session()
        .execute(
            select(User, ReminderFailure, MailPreference.user_id)
            .outerjoin(ReminderFailure, reminder_failures.OPEN_SPELL)
            .outerjoin(MailPreference, MailPreference.user_id == User.id)
            .options(joinedload(User.organisation))
            .where(User.id == user_id)
        )
        .one()
    )
    return AccountPage(user, reminder_failures.failing_from(spell), unsubscribed is None)


def end_sessions(user_id: int) -> bool:
    """Rotate the user's session token, which signs out every browser they use.

    Say False when the database only reads and the token stays as it was: the caller can
    still sign this browser out, which needs no database.
    """
    session = db.session()
    user = session.get(User, user_id)
    user.session_token = secrets.token_hex(16)
    audit.record(session, "sign_out", actor_id=user_id, email=user.email)
    return db.commit_or_log(session, "sign_out", actor=user_id)
