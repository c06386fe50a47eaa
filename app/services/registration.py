"""Signing up: the form starts a registration, the emailed link finishes it.

Registering answers the same whether or not the address already has an account: the
email says what happened (a link to finish signing up, or a reminder that the account
exists with a link to reset its password), so the form tells nobody who is registered.
When that email cannot be sent, registering raises mail.MailError, the same way for both,
and leaves nothing behind to finish: the pending registration is taken back out. When the
mail server has the whole email but never answers, it may well arrive: the registration
stays, and the page says the email may take a while.

A sign-up records the join code it gave, so that a manager replacing that code takes it out
of the organisation before it is confirmed (services/join_codes.py). Both ends lock the
code's owner (the organisation's row, or the team's) before they read where the sign-up
joins, as the replacement does before it changes it: registering, a code replaced meanwhile
is not recognised; confirming, the sign-up joins the organisation and team, or (replaced
meanwhile) none, never one without the other.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app import db, mail
from app.domain.accounts import PROFESSIONS, normalise_email, normalise_registration_number
from app.links import absolute_url
from app.models import AuditEvent, Organisation, PendingRegistration, User, utcnow
from app.models_teams import Team, TeamMember
from app.services import audit, locks, reminder_failures, team_members, tokens
from app.services.accounts import (
    AccountError,
    hash_password,
    refuse_weak,
    user_by_email,
)
from app.services.profile import UNKNOWN_CODE, joins

PENDING_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class Registration:
    """What the registration form collects."""

    full_name: str
    email: str
    password: str
    profession: str
    professional_confirmed_at: datetime
    registration_number: str = ""
    join_code: str = ""


def register(form: Registration, *, address: str | None = None) -> bool:
    """Start a sign-up and email the address; AccountError for a problem with the form,
    mail.MailError (the sign-up taken back, the failure recorded) when the email cannot go.

    Say whether the mail server confirmed it took the email: False when it has the whole
    message but never answered (it may arrive, late), when the sign-up stays, so that the
    link in it works."""
    session = db.session()
    email = normalise_email(form.email)
    if form.profession not in PROFESSIONS:
        raise AccountError("profession", "Select your profession")
    organisation = team = code = None
    if form.join_code.strip():
        organisation, team = joins(form.join_code)
        code = (team or organisation).join_code
    refuse_weak(form.password, email, form.full_name)
    session.execute(delete(PendingRegistration).where(PendingRegistration.expires_at < utcnow()))
    # Both paths hash the password and send one email, so they take about the same time.
    password_hash = hash_password(form.password)
    existing = user_by_email(email)
    if existing is not None:
        audit.record(
            session, "registration.existing", subject_id=existing.id, email=email, address=address
        )
        session.commit()
        try:
            mail.send(
                email,
                "already_registered",
                name=existing.full_name,
                sign_in_url=absolute_url("auth.sign_in"),
                reset_url=absolute_url("recovery.forgot_password"),
            )
        except mail.MailMaybeSent:
            return False
        except mail.MailError:
            _not_sent(email, None, subject_id=existing.id, address=address)
            raise
        reminder_failures.address_took_mail(existing.id, email)
        return True
    if code is not None and not _code_holds(session, team or organisation, code):
        raise AccountError("join_code", UNKNOWN_CODE)  # replaced a moment ago
    token, token_hash = tokens.new_secret()
    session.add(
        PendingRegistration(
            token_hash=token_hash,
            email=email,
            full_name=form.full_name.strip(),
            password_hash=password_hash,
            profession=form.profession,
            registration_number=normalise_registration_number(form.registration_number) or None,
            organisation_id=organisation.id if organisation else None,
            team_id=team.id if team else None,
            join_code=code,
            professional_confirmed_at=form.professional_confirmed_at,
            expires_at=utcnow() + PENDING_FOR,
        )
    )
    audit.record(session, "registration.started", email=email, address=address)
    session.commit()
    try:
        mail.send(
            email,
            "confirm_registration",
            name=form.full_name.strip(),
            confirm_url=absolute_url("auth.confirm_registration", token=token),
            hours=int(PENDING_FOR.total_seconds() // 3600),
        )
    except mail.MailMaybeSent:
        return False
    except mail.MailError:
        _not_sent(email, token_hash, address=address)
        raise
    return True


def _code_holds(session, owner, code: str) -> bool:
    """Say whether the organisation or team `owner` still has the join code, holding its row
    (FOR SHARE) until the transaction ends, so that replacing the code waits for this sign-up
    to be added and then finds it. On SQLite the transaction already holds the write lock."""
    table = type(owner)
    held = select(table.id).where(table.id == owner.id, table.join_code == code)
    return session.execute(held.with_for_update(read=True)).first() is not None


def _not_sent(email: str, token_hash: str | None, *, address, subject_id=None) -> None:
    """Record that a sign-up's email could not be sent, and take back the pending
    registration it stood for: a link nobody received finishes nothing."""
    session = db.session()
    if token_hash is not None:
        session.execute(
            delete(PendingRegistration).where(PendingRegistration.token_hash == token_hash)
        )
    audit.record(
        session, "registration.not_sent", subject_id=subject_id, email=email, address=address
    )
    session.commit()


def pending(token: str) -> PendingRegistration | None:
    """Return the registration a link finishes, while it is unused and in time."""
    if not token or len(token) > 100:
        return None
    return db.session().scalar(
        select(PendingRegistration).where(
            PendingRegistration.token_hash == tokens.hash_secret(token),
            PendingRegistration.expires_at > utcnow(),
        )
    )


@dataclass(frozen=True)
class PendingPage:
    """What the page that finishes a sign-up shows: the details given, and the organisation
    (and team) the join code given puts the new account in, so that a learner with a wrong
    code can tell before their account is made; `code_replaced` when managers replaced that
    code since, so the account will join no organisation."""

    full_name: str
    email: str
    profession: str
    registration_number: str | None  # printed on every certificate the account earns
    organisation: str | None
    team: str | None
    code_replaced: bool


def pending_page(token: str) -> PendingPage | None:
    """Return what the page of a registration link shows, while the link is unused and in time."""
    if not token or len(token) > 100:
        return None
    row = (
        db.session()
        .execute(
            select(
                PendingRegistration.full_name,
                PendingRegistration.email,
                PendingRegistration.profession,
                PendingRegistration.registration_number,
                Organisation.name,
                Team.name,
                PendingRegistration.join_code_replaced_at.is_not(None),
            )
            .outerjoin(Organisation, Organisation.id == PendingRegistration.organisation_id)
            .outerjoin(Team, Team.id == PendingRegistration.team_id)
            .where(
                PendingRegistration.token_hash == tokens.hash_secret(token),
                PendingRegistration.expires_at > utcnow(),
            )
        )
        .first()
    )
    return PendingPage(*row) if row is not None else None


@dataclass(frozen=True)
class Confirmed:
    """The account a registration link stands for: `already` when another use of the same
    link (a double click, another tab) made it a moment ago, and this one made nothing."""

    user: User
    already: bool = False
    code_replaced: bool = False  # the join code given was replaced: the account is in none
    # Made in an organisation (a join code given): its name, the team, and what is assigned
    # to them there now (module title, where they stand), soonest due first.
    organisation: str | None = None
    team: str | None = None
    assigned: tuple = ()


def confirm(token: str, *, address: str | None = None) -> Confirmed | None:
    """Create the account a registration link stands for; None when the link is spent.

    Uses of links for one address run one after another, under a lock named by it (there is
    no account's row to lock yet). One that found its link unused, but finds the account
    made once it holds the lock, makes nothing: when that account was made from this very
    registration (a double click, another tab), it is returned to be signed in, as a
    double-submitted password change is, and says as the first did whether the join code
    given was replaced; when from another, the link is spent.
    """
    session = db.session()
    row = pending(token)
    if row is None:
        return None
    locks.lock_name(session, f"registration:{row.email}")
    existing = user_by_email(row.email)
    if existing is not None:
        # The password hash (salted afresh for each registration) names the one it came from.
        same = secrets.compare_digest(existing.password_hash, row.password_hash)
        # Made from a sign-up that gave a join code, yet in no organisation: the code was
        # replaced before that use confirmed (this one may have read its sign-up before the
        # replacement), so this tab tells what that one told. Read before the commit expires it.
        replaced = row.join_code is not None and existing.organisation_id is None
        session.execute(delete(PendingRegistration).where(PendingRegistration.email == row.email))
        session.commit()
        return Confirmed(existing, already=True, code_replaced=replaced) if same else None
    if row.organisation_id is not None and row.join_code is not None:
        row = _reread_holding_owner(session, row)
        if row is None:  # taken out meanwhile (it expired, say)
            session.rollback()
            return None
    user = User(
        email=row.email,
        full_name=row.full_name,
        password_hash=row.password_hash,
        profession=row.profession,
        registration_number=row.registration_number,
        role="learner",
        organisation_id=row.organisation_id,
        organisation_joined_at=None if row.organisation_id is None else utcnow(),
        professional_confirmed_at=row.professional_confirmed_at,
        professional_confirmed_as=row.profession,
        session_token=secrets.token_hex(16),
        last_signed_in_at=utcnow(),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # The address was taken meanwhile by a way in that does not take the lock (an
        # administrator's create-user, say): the link is spent.
        session.rollback()
        return None
    # Read before the delete below expires the row.
    team_id, replaced = row.team_id, row.join_code_replaced_at is not None
    # A later use of the spent link is told what this one is (spent_link_told_replaced): the
    # event names the link by its hash, which confirms nothing once the sign-up is gone.
    told = {"join_code_replaced": True, "link_hash": row.token_hash} if replaced else {}
    session.execute(delete(PendingRegistration).where(PendingRegistration.email == row.email))
    if team_id is not None and user.organisation_id is not None:
        session.add(TeamMember(user_id=user.id, team_id=team_id))
    audit.record(
        session, "account.registered", actor_id=user.id, email=user.email, address=address, **told
    )
    session.commit()
    if user.organisation_id is None:
        return Confirmed(user, code_replaced=replaced)
    team = session.scalar(select(Team.name).where(Team.id == team_id)) if team_id else None
    organisation = session.get(Organisation, user.organisation_id).name
    assigned = team_members.assigned_now(user.id)
    return Confirmed(user, organisation=organisation, team=team, assigned=assigned)


def spent_link_told_replaced(token: str) -> bool:
    """Say whether a spent registration link made an account whose join code had been
    replaced (as recorded when it made it, see confirm), and the account is in no organisation
    still: a later use of the link is told what the first was. Only within the time a link
    lasts; after that it has expired whatever it did."""
    if not token or len(token) > 100:
        return False
    told = (
        select(AuditEvent.id)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.kind == "account.registered",
            AuditEvent.occurred_at > utcnow() - PENDING_FOR,
            AuditEvent.detail["link_hash"].as_string() == tokens.hash_secret(token),
            User.organisation_id.is_(None),
            User.erased_at.is_(None),
        )
        .limit(1)
    )
    return db.session().scalar(told) is not None


def _reread_holding_owner(session, row: PendingRegistration) -> PendingRegistration | None:
    """Lock the row of the organisation or team whose join code the sign-up gave (FOR SHARE),
    then read the sign-up again: a replacement of that code changes the owner's row before the
    sign-up's, so it has either committed both (the sign-up joins nothing) or waits for this
    confirmation to end (and then finds the sign-up gone)."""
    owner = (
        select(Team.id).where(Team.id == row.team_id)
        if row.team_id is not None
        else select(Organisation.id).where(Organisation.id == row.organisation_id)
    )
    session.execute(owner.with_for_update(read=True))
    return session.scalar(
        select(PendingRegistration)
        .where(PendingRegistration.id == row.id)
        .execution_options(populate_existing=True)
    )
