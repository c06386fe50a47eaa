"""An assignment as the manager's list and withdraw page show it (assignments.py assigns)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from app.domain.accounts import PROFESSIONS
from app.domain.assignment_banners import reach_learners, reach_words
from app.domain.content import Catalogue
from app.models_teams import Leaver


@dataclass(frozen=True)
class AssignedRow:
    """An assignment as the manager's list shows it."""

    id: int
    module_title: str
    who: str
    due_on: date
    renew_months: int | None
    offered: bool = True  # False once its module has left the course (see `standing_in`)
    # Of the learners it covers: held to an earlier date by another assignment; with a later
    # date of their own, having joined its team after it fell due (assignment_reach.Reach).
    earlier: int = 0
    own_dates: int = 0
    named: bool = False  # for one learner by name
    email: str | None = None  # a named learner's, so two of the same name are told apart
    # A named learner no longer in the organisation: it asks nothing of them. When they left,
    # from their latest leaver row (None for a leaving no row records).
    left: bool = False
    left_at: datetime | None = None

    @property
    def who_in_full(self) -> str:
        """Return whom it covers as a sentence names them: a named learner with their email."""
        return f"{self.who} ({self.email})" if self.email else self.who

    @property
    def notes(self) -> tuple[str, ...]:
        """Return what the row says about learners for whom its date is not the one counted."""
        return reach_words(self.earlier, self.own_dates, named=self.named)

    @property
    def withdraw_note(self) -> str:
        """Return what withdrawing it leaves as it was for those an earlier date binds."""
        who = "the learner" if self.named else reach_learners(self.earlier, "the")
        return f"for {who} held to an earlier date by another assignment, that date still applies"


def assigned_row(
    assignment_id: int,
    module_slug: str,
    profession: str | None,
    team_name: str | None,
    person: str | None,
    due_on: date,
    renew_months: int | None,
    catalogue: Catalogue,
    titles: Mapping[str, str],
    reach: tuple[int, int] = (0, 0),
    *,
    email: str | None = None,
    left: bool = False,
    left_at: datetime | None = None,
) -> AssignedRow:
    """Return an assignment as the manager's list shows it: the module, whom it covers, and
    for how many of them its date is not the one counted (`reach`: assignment_reach.Reach).

    `titles` names the module (module_titles.titles_of: as last recorded once it has gone);
    `email` is the named learner's; `left` and `left_at` say they have left the organisation
    and when (`left_columns`).
    """
    who = person or team_name or "Everyone in the organisation"
    if profession:
        who += f" ({PROFESSIONS.get(profession, profession)}s)"
    return AssignedRow(
        assignment_id,
        titles[module_slug],
        who,
        due_on,
        renew_months,
        offered(module_slug, catalogue),
        *(int(n or 0) for n in reach),
        named=person is not None,
        email=email if person is not None else None,
        left=bool(left) and person is not None,
        left_at=left_at,
    )


def left_columns(person, table) -> tuple:
    """Return the SQL for 'the named learner has left the assignment's organisation' and for
    when they last left it; `person` is the learner's table (aliased), `table` Assignment or
    AssignmentWithdrawal."""
    left = and_(
        person.c.id.is_not(None),
        or_(
            person.c.organisation_id.is_(None),
            person.c.organisation_id != table.organisation_id,
        ),
    )
    left_at = (
        select(func.max(Leaver.left_at))
        .where(Leaver.user_id == person.c.id, Leaver.organisation_id == table.organisation_id)
        .correlate(person, table)
        .scalar_subquery()
    )
    return left, left_at


def offered(module_slug: str, catalogue: Catalogue) -> bool:
    """Say whether an assigned module is still offered: it is in the course."""
    return catalogue.module(module_slug) is not None
