"""Supervisors' confirmations in another framework than the learner's: an earlier profession's.

A learner's profile shows the framework for the profession they give now. One who changes
profession (a GP who becomes a link worker, say) keeps what a supervisor confirmed while
the other framework was theirs: the profile lists it apart, under that framework's name,
counted in no total of the framework they are in now. A competency still in its framework
has its own page (practice_page.py), marked as not in the learner's framework; one taken out
of that framework since is listed by the name its decision recorded, as
retired_confirmations.py names those taken out of the learner's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from app.domain.content import Catalogue
from app.domain.frameworks import Framework
from app.services.retired_confirmations import Confirmation


class EarlierConfirmation(NamedTuple):
    """The latest confirmation of one competency of an earlier profession's framework."""

    confirmation: Confirmation
    name: str | None  # as its framework names it now, else as decided; None: not recorded
    has_page: bool  # still in its framework: it has a competency page of its own

    @property
    def code(self) -> str:
        """Return the competency's code."""
        return self.confirmation.code


class EarlierFramework(NamedTuple):
    """A framework other than the learner's, with the competencies they were confirmed in."""

    title: str
    confirmations: tuple[EarlierConfirmation, ...]


def earlier_frameworks(
    framework: Framework, confirmations: Iterable[Confirmation], catalogue: Catalogue
) -> tuple[EarlierFramework, ...]:
    """Return, by framework title, the learner's confirmations in frameworks not `framework`.

    A competency some other framework has now is that framework's; one no framework has is
    the framework its decision recorded, when that is not `framework` (those of `framework`
    and those with none recorded are listed as no longer in the framework instead).
    """
    latest: dict[str, Confirmation] = {}
    for found in sorted(confirmations, key=lambda c: (c.decided_at, c.request_id)):
        latest[found.code] = found
    grouped: dict[str, list[EarlierConfirmation]] = {}
    for code, found in sorted(latest.items()):
        competency = catalogue.competency(code)
        if competency is not None:
            if competency.framework_id == framework.id:
                continue
            title, shown = catalogue.framework(competency.framework_id).title, competency.name
        elif found.framework_title is None or found.framework_title == framework.title:
            continue
        else:
            title, shown = found.framework_title, found.name
        grouped.setdefault(title, []).append(
            EarlierConfirmation(found, shown, competency is not None)
        )
    return tuple(EarlierFramework(t, tuple(c)) for t, c in sorted(grouped.items()))
