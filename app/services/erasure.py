"""Erasing an account, at the person's request or an administrator's, in one transaction.

The account is anonymised in place rather than deleted: its learning records stay, tied to
a row that no longer says who it was, so the organisation's counts (learners, completions,
competency levels) still add up; certificates are withdrawn, free text is deleted, and the
audit log keeps only the row's id, a pseudonym.
"""

import secrets

from sqlalchemy import or_, select, update

from app import db
from app.models import (
    Answer,
    Attempt,
    AttemptGrant,
    AuditEvent,
    Certificate,
    PendingRegistration,
    User,
    utcnow,
)
from app.models_assignments import MailPreference, ReminderFailure, ReminderSent
from app.models_mail import MailOutbox
from app.models_practice import ConfirmationRequest
from app.models_teams import TeamManager
from app.services import audit, credential_revocations, leavers
from app.services.account_admin import LastAdministrator, last_administrator
from app.services.data_rights import about_person
from app.services.password_changes import check_current_password
from app.services.practice_rights import erase_practice
from app.services.request_closures import close_stranded, lock_for_closing

ERASED_NAME = "Erased account"


def erase_own_account(user_id: int, password: str, *, address: str | None = None) -> bool:
    """Erase the signed-in user's account once they have re-entered their password; False
    when another request (a double click, another tab, an administrator) erased it first.

    An account found erased has no password left to check: the request is told it is
    done, and nothing counts as a wrong password. The last administrator is refused
    (LastAdministrator), as on the People pages, so the site is not left with none.
    """
    user = db.session().get(User, user_id, populate_existing=True)
    if user.erased_at is not None:
        return False
    check_current_password(user, password, address=address)
    try:
        return erase(user_id, actor_id=user_id, address=address, keep_an_administrator=True)
    except LastAdministrator:
        raise LastAdministrator(
            "account",
            "You are the last administrator: make another account an administrator before "
            "you delete yours",
        ) from None


def erased(user_id: int | None) -> bool:
    """Say whether the account with this id has been erased."""
    if user_id is None:
        return False
    found = db.session().scalar(select(User.erased_at).where(User.id == user_id))
    return found is not None


def erase(
    user_id: int,
    *,
    actor_id: int | None = None,
    via: str = "web",
    address: str | None = None,
    keep_an_administrator: bool = False,
) -> bool:
    """Anonymise the account and delete its free text, in one transaction.

    Returns False, changing nothing and writing no audit row, when the account was already
    erased (two erasures at once take the person's lock in turn: the second finds it done).
    With `keep_an_administrator` (an administrator's page), the last administrator is not
    erased: LastAdministrator is raised and nothing changes.
    """
    session = db.session()
    # The person's lock first (with those of the learners whose requests wait for them): a
    # supervisor's decision on a request of theirs waits for the erasure (and then finds it
    # closed), or the erasure waits for the decision to stand.
    lock_for_closing(user_id)
    user = session.get(User, user_id, populate_existing=True)
    if user.erased_at is not None:
        session.rollback()
        return False
    if keep_an_administrator and user.role == "admin" and last_administrator(user.id):
        session.rollback()
        raise LastAdministrator("user", f"{user.full_name} is the last administrator")
    now = utcnow()
    old_email, old_name = user.email, user.full_name
    for event in session.scalars(select(AuditEvent).where(about_person(user))):
        event.email = None
        event.address = None
        if event.detail and any(v in (old_email, old_name) for v in event.detail.values()):
            event.detail = {
                key: "[erased]" if value in (old_email, old_name) else value
                for key, value in event.detail.items()
            }
    session.execute(
        PendingRegistration.__table__.delete().where(PendingRegistration.email == old_email)
    )
    session.execute(
        update(Certificate)
        .where(Certificate.user_id == user.id)
        # The name and number it recorded go with the account's: nothing says who held it.
        .values(
            withdrawn_at=now,
            reflective_account={},
            holder_name=ERASED_NAME,
            holder_registration_number=None,
        )
    )
    credential_revocations.withdraw_for_erasure(session, user.id, user.organisation_id, now)
    # An erased person is nobody's learner any more: they leave their organisation as a
    # manager's removal would take them (a leaver row for a learner, its figures drop
    # them; trainers and administrators its figures never counted leave none, as on a
    # move). Managed teams, reminder history (sent and refused) and mail choices go (a
    # manager's account must keep its organisation; managers are not counted as learners).
    # So do the account notices kept for them, sent or waiting (mail_outbox.py): a notice
    # to an address no longer held would name a person who is no longer there.
    if user.organisation_id is not None and user.role != "manager":
        # Its requests are closed below, once the account reads as erased.
        leavers.leave_organisation(
            user.id,
            user.organisation_id,
            actor_id=actor_id,
            close_requests=False,
            via=via,
            as_leaver=user.role == "learner",
        )
    for table in (TeamManager, ReminderSent, ReminderFailure, MailPreference, MailOutbox):
        session.execute(table.__table__.delete().where(table.user_id == user.id))
    # A reason given for an extra attempt is free text about the person; the grant stands.
    session.execute(update(AttemptGrant).where(AttemptGrant.user_id == user.id).values(reason=""))
    erase_practice(user.id)  # reflections, what supervisors wrote, supervisor standing
    # Answers keep their marks (the attempt's score stands) but not what was written.
    session.execute(
        update(Answer)
        .where(Answer.attempt_id.in_(select(Attempt.id).where(Attempt.user_id == user.id)))
        .values(response={"value": None})
    )
    user.email = f"erased-{user.id}@erased.invalid"
    user.full_name = ERASED_NAME
    user.registration_number = None
    user.password_hash = "!erased"  # matches no password
    user.session_token = secrets.token_hex(16)  # ends every session
    user.last_signed_in_at = None
    user.erased_at = now
    session.flush()
    # Requests can now be decided by no one, and are closed (audited): those waiting for
    # them as a supervisor, so their learners can ask someone else, and those they sent as a
    # learner, which leave their supervisors' queues. Decisions already made stand.
    close_stranded(
        or_(ConfirmationRequest.supervisor_id == user.id, ConfirmationRequest.user_id == user.id),
        actor_id=actor_id,
        via=via,
    )
    # The address is the administrator's who erased it; a person erasing their own account
    # leaves none of theirs, as every event about them above lost its address.
    audit.record(
        session,
        "account.erased",
        actor_id=actor_id,
        subject_id=user.id,
        via=via,
        address=address if actor_id != user.id else None,
    )
    session.commit()
    return True
