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
from app.models_practice import ConfirmationRequest
from app.models_teams import TeamManager
from app.services import audit, credential_revocations, leavers
from app.services.data_rights import about_person
from app.services.password_changes import check_current_password
from app.services.practice_rights import erase_practice
from app.services.request_closures import close_stranded, lock_for_closing

ERASED_NAME = "Erased account"


def erase_own_account(user_id: int, password: str, *, address: str | None = None) -> bool:
    """Erase the signed-in user's account once they have re-entered their password; False
    when another request (a double click, another tab, an administrator) erased it first.

    An account found erased has no password left to check: the request is told it is
    done, and nothing counts as a wrong password.
    """
    user = db.session().get(User, user_id, populate_existing=True)
    if user.erased_at is not None:
        return False
    check_current_password(user, password, address=address)
    return erase(user_id, actor_id=user_id, address=address)


def erased(user_id: int | None) -> bool:
    """Say whether the account with this id has been erased."""
    if user_id is None:
        return False
    found = db.session().scalar(select(User.erased_at).where(User.id == user_id))
    return found is not None


def erase(
    user_id: int, *, actor_id: int | None = None, via: str = "web", address: str | None = None
) -> bool:
    """Anonymise the account and delete its free text, in one transaction.

    Returns False, changing nothing and writing no audit row, when the account was already
    erased (two erasures at once take the person's lock in turn: the second finds it done).
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
    # manager's removal would take them (a leaver row, its figures drop them). Managed
    # teams, reminder history (sent and refused) and mail choices go (a manager's account
    # must keep its organisation; managers are not counted as learners).
    if user.organisation_id is not None and user.role != "manager":
        # Its requests are closed below, once the account reads as erased.
        leavers.leave_organisation(
            user.id, user.organisation_id, actor_id=actor_id, close_requests=False, via=via
        )
    for table in (TeamManager, ReminderSent, ReminderFailure, MailPreference):
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
    audit.record(session, "account.erased", actor_id=actor_id, subject_id=user.id, via=via)
    session.commit()
    return True
