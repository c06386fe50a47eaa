"""An assignment as the manager's list and withdraw page show it (assignments.py assigns)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.domain.accounts import PROFESSIONS
from app.domain.assignment_banners import reach_learners, reach_words
from app.domain.content import Catalogue


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
) -> AssignedRow:
    """Return an assignment as the manager's list shows it: the module, whom it covers, and
    for how many of them its date is not the one counted (`reach`: assignment_reach.Reach).

    `titles` names the module (module_titles.titles_of: as last recorded once it has gone).
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
    )


def offered(module_slug: str, catalogue: Catalogue) -> bool:
    """Say whether an assigned module is still offered: it is in the course."""
    return catalogue.module(module_slug) is not None
