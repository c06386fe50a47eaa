"""Accounts and organisations: register, sign in, change password, roles."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app import db
from app.domain.accounts import (
    PROFESSIONS,
    ROLES,
    new_join_code,
    normalise_email,
    normalise_join_code,
    normalise_password,
)
from app.models import Organisation, User, utcnow
from app.services import audit

# A hash to compare against when no account matches, so a missing account and a wrong
# password take the same time.
_DUMMY_HASH = generate_password_hash("linkwise-no-such-account")


class AccountError(ValueError):
    """A request that breaks an account rule; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Registration:
    full_name: str
    email: str
    password: str
    profession: str
    professional_confirmed_at: datetime
    registration_number: str = ""
    join_code: str = ""


def hash_password(password: str) -> str:
    """Return the scrypt hash of a password."""
    return generate_password_hash(normalise_password(password), method="scrypt")


def organisation_for_code(join_code: str) -> Organisation | None:
    """Return the organisation a join code belongs to, if any."""
    code = normalise_join_code(join_code)
    if not code:
        return None
    return db.session().scalar(select(Organisation).where(Organisation.join_code == code))


def register(form: Registration, *, address: str | None = None) -> User:
    """Create a learner account; raise AccountError on a duplicate email or unknown code."""
    session = db.session()
    email = normalise_email(form.email)
    if form.profession not in PROFESSIONS:
        raise AccountError("profession", "Select your profession")
    organisation = None
    if form.join_code.strip():
        organisation = organisation_for_code(form.join_code)
        if organisation is None:
            raise AccountError(
                "join_code", "We do not recognise that join code. Check it with your manager"
            )
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("email", "An account with this email address already exists")
    user = User(
        email=email,
        full_name=form.full_name.strip(),
        password_hash=hash_password(form.password),
        profession=form.profession,
        registration_number=form.registration_number.strip() or None,
        role="learner",
        organisation=organisation,
        professional_confirmed_at=form.professional_confirmed_at,
        professional_confirmed_as=form.profession,
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    audit.record(session, "account.registered", email=email, address=address)
    try:
        session.commit()
    except IntegrityError:
        # Two tabs or a double click raced past the check above: one account wins.
        session.rollback()
        raise AccountError("email", "An account with this email address already exists") from None
    return user


def authenticate(email: str, password: str, *, address: str | None) -> User | None:
    """Return the user whose credentials these are, recording the outcome in the audit log."""
    session = db.session()
    email = normalise_email(email)
    user = session.scalar(select(User).where(User.email == email))
    candidate = normalise_password(password)
    if user is None:
        check_password_hash(_DUMMY_HASH, candidate)
        audit.record(session, "sign_in.failure", email=email, address=address, reason="unknown")
        session.commit()
        return None
    if not check_password_hash(user.password_hash, candidate):
        audit.record(
            session,
            "sign_in.failure",
            actor_id=user.id,
            email=email,
            address=address,
            reason="password",
        )
        session.commit()
        return None
    user.last_signed_in_at = utcnow()
    audit.record(session, "sign_in.success", actor_id=user.id, email=email, address=address)
    session.commit()
    return user


SIGNED_IN_COLUMNS = (
    User.id,
    User.email,
    User.full_name,
    User.role,
    User.profession,
    User.organisation_id,
    User.session_token,
)


def load_signed_in_user(user_id: int, session_token: str):
    """Return the signed-in user's row while the session token in their cookie is current.

    Every page asks for this, so it reads plain columns rather than building an ORM object.
    """
    statement = select(*SIGNED_IN_COLUMNS).where(User.id == user_id)
    row = db.session().connection().execute(statement).one_or_none()
    if row is None or not secrets.compare_digest(row.session_token, session_token):
        return None
    return row


def account(user_id: int) -> User:
    """Return the whole account of a user, with their organisation."""
    return db.session().get(User, user_id)


def end_sessions(user_id: int) -> User:
    """Rotate the user's session token, which signs out every browser they use."""
    session = db.session()
    user = session.get(User, user_id)
    user.session_token = secrets.token_hex(16)
    audit.record(session, "sign_out", actor_id=user_id, email=user.email)
    session.commit()
    return user


def change_password(user_id: int, current: str, new: str) -> User:
    """Replace the password after checking the current one; ends other sessions."""
    session = db.session()
    user = session.get(User, user_id)
    if not check_password_hash(user.password_hash, normalise_password(current)):
        raise AccountError("current_password", "Your current password is not correct")
    user.password_hash = hash_password(new)
    user.session_token = secrets.token_hex(16)
    audit.record(session, "password.changed", actor_id=user_id, email=user.email)
    session.commit()
    return user


def create_organisation(name: str, join_code: str | None = None) -> Organisation:
    """Create an organisation with a fresh (or given) join code."""
    session = db.session()
    if session.scalar(select(Organisation).where(Organisation.name == name)):
        raise AccountError("name", f"An organisation called {name!r} already exists")
    organisation = Organisation(
        name=name, join_code=normalise_join_code(join_code or new_join_code())
    )
    session.add(organisation)
    audit.record(session, "organisation.created", name=name)
    session.commit()
    return organisation


def create_user(
    *,
    email: str,
    full_name: str,
    password: str,
    profession: str,
    role: str,
    organisation_name: str | None = None,
) -> User:
    """Create an account of any role (an administrator's action; no confirmation page)."""
    session = db.session()
    if role not in ROLES:
        raise AccountError("role", f"role must be one of {', '.join(ROLES)}")
    if profession not in PROFESSIONS:
        raise AccountError("profession", f"profession must be one of {', '.join(PROFESSIONS)}")
    organisation = _organisation_named(organisation_name)
    if role == "manager" and organisation is None:
        raise AccountError("org", "a manager must belong to an organisation (--org)")
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("email", f"an account for {email} already exists")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        profession=profession,
        role=role,
        organisation=organisation,
        professional_confirmed_at=utcnow(),
        professional_confirmed_as=profession,
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    audit.record(session, "account.created", email=email, role=role)
    session.commit()
    return user


def set_role(email: str, role: str, organisation_name: str | None = None) -> User:
    """Change a user's role (and organisation), recording it in the audit log."""
    session = db.session()
    if role not in ROLES:
        raise AccountError("role", f"role must be one of {', '.join(ROLES)}")
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError("email", f"no account for {email}")
    if organisation_name:
        user.organisation = _organisation_named(organisation_name)
    if role == "manager" and user.organisation is None:
        raise AccountError("org", "a manager must belong to an organisation (--org)")
    audit.record(
        session,
        "role.changed",
        actor_id=None,
        email=user.email,
        old=user.role,
        new=role,
    )
    user.role = role
    session.commit()
    return user


def _organisation_named(name: str | None) -> Organisation | None:
    if not name:
        return None
    organisation = db.session().scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        raise AccountError("org", f"no organisation called {name!r} (create it with create-org)")
    return organisation
