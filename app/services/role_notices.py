"""The account notice telling a person an administrator changed their role (mail_outbox.py).

It is written in the role change's own transaction (account_admin.set_role), so no change
commits without it, and says what they are now in the words the pages use: "a manager of the
whole of Riverside PCN", "a learner of Hillside PCN", "an administrator". A manager made (or
moved) by a role change manages the whole organisation until confined to teams again
(set_role lets go of any teams), so that is what it says. A change made by the person
themselves tells them nothing they did not do, and the command set-role, run on the server,
knows no one to name as having made it: neither sends one.
"""

from sqlalchemy.orm import Session

from app.domain.accounts import a_role
from app.models import User
from app.services import mail_outbox

NOTICE = "role_changed"  # mail_outbox.NOTICES


def role_in_words(role: str, organisation: str | None) -> str:
    """Say what someone is with this role in this organisation (None: in none)."""
    if organisation is None:
        return a_role(role)
    if role == "manager":
        return f"a manager of the whole of {organisation}"
    return f"{a_role(role)} of {organisation}"


def queue_role_changed(
    session: Session, user: User, role: str, organisation: str | None, *, actor_id: int | None
) -> int | None:
    """Queue the notice that their role is now `role` (in `organisation`) in the change's
    transaction, flushed; return its id, or None when no other person made the change."""
    if actor_id is None or actor_id == user.id:
        return None
    return mail_outbox.queue(session, user, NOTICE, role=role_in_words(role, organisation))
