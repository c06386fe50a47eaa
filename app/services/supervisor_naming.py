"""What a manager reads before naming a person a supervisor, or no longer naming them one:
who they are, and where they stand on Linkwise, as facts.

The page reads the person as the manager's drill-down does (`drilldown.learner_page`: one
statement, in the manager's scope, the visit audit-logged), so their modules and
competency levels are the ones that page shows; the change itself is
`supervisors.set_supervisor`.
"""

from dataclasses import dataclass

from app.domain.competencies import CONFIRMED
from app.domain.learning_record import ModuleRecord
from app.services import drilldown


@dataclass(frozen=True)
class Competencies:
    """The person's standing in the framework for their profession, counted."""

    framework: str
    met: int
    secure: int  # knowledge rated secure
    confirmed: int  # practice confirmed by a supervisor (and not expired)
    total: int


@dataclass(frozen=True)
class Candidate:
    """The person a manager is about to name a supervisor, or stop naming one."""

    id: int
    full_name: str
    email: str
    profession: str | None
    team: str | None
    organisation: str
    supervisor: bool  # named a supervisor of their organisation now
    modules: tuple[ModuleRecord, ...]  # each module of the course, as it stands for them
    completed: tuple[ModuleRecord, ...]  # those completed (a certificate expired included)
    competencies: Competencies | None  # None: no framework applies to their profession

    @property
    def started(self) -> bool:
        """Say whether they have started any module of the course."""
        return any(module.status != "not-started" for module in self.modules)


def candidate(page: drilldown.LearnerPage) -> Candidate:
    """Return the person the manager's read of them (`drilldown.learner_page`) is about."""
    person, profile = page.person, page.profile
    # The module's own rows: an earlier certificate of a renewed module is not a module.
    modules = tuple(m for m in page.view.record.modules if m.in_course and not m.renewed)
    counted = None
    if profile is not None:
        standings = [c for domain in profile.domains for c in domain.competencies]
        confirmed = sum(1 for c in standings if c.practice == CONFIRMED)
        counted = Competencies(
            profile.framework.title, profile.met, profile.secure, confirmed, profile.total
        )
    return Candidate(
        id=person.id,
        full_name=person.full_name,
        email=person.email,
        profession=person.profession,
        team=person.team,
        organisation=person.organisation or "",
        supervisor=person.supervisor,
        modules=modules,
        completed=tuple(m for m in modules if m.completed_on is not None),
        competencies=counted,
    )
