"""Moving to another organisation with its join code: what the move changes, read for the
page that asks the learner to confirm it (the move itself: profile.join_organisation)."""

from dataclasses import dataclass

from app.services.accounts import AccountError, organisation_for_code
from app.services.profile import where_they_are


@dataclass(frozen=True)
class Moving:
    """A move the learner is asked to confirm: from one organisation to another."""

    join_code: str
    leaving_id: int
    leaving: str
    joining: str
    team: str | None  # the team they are in, which they leave
    supervisor: bool  # named a supervisor where they are: they stop being one there


def moving(user_id: int, join_code: str) -> Moving | None:
    """Return what moving to the organisation of `join_code` changes; None when there is
    nothing to confirm (they are in no organisation, or already in that one).

    Raises AccountError for a code nobody has, or for a manager (moved by an administrator).
    """
    joining = organisation_for_code(join_code)
    if joining is None:
        raise AccountError(
            "join_code", "We do not recognise that join code. Check it with your manager"
        )
    row = where_they_are(user_id)
    if row is None or row[1] == joining.id:
        return None
    if row.role == "manager":
        raise AccountError("join_code", "Ask an administrator to move a manager's account")
    return Moving(joining.join_code, row[1], row[2], joining.name, row[3], bool(row[4]))
