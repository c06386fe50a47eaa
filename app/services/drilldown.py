"""What a manager reads about one learner: team, assignments, modules, attempts, CPD."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app import db
from app.domain.assignments import Standing
from app.domain.content import Catalogue
from app.domain.learning_record import LearningRecord
from app.models import Attempt
from app.services import assignments, record, teams


@dataclass(frozen=True)
class AttemptRow:
    """One graded attempt at a module's quiz."""

    module_title: str
    number: int
    submitted_at: datetime | None
    percent: int | None
    passed: bool | None


@dataclass(frozen=True)
class LearnerView:
    """Everything the drill-down shows beside the competency ratings."""

    team: str | None
    assigned: list[Standing]
    record: LearningRecord
    attempts: list[AttemptRow]


def learner_view(user_id: int, catalogue: Catalogue, day: date, years: int) -> LearnerView:
    """Return the learner's team, assignments, module record and graded attempts."""
    titles = {m.slug: m.title for m in catalogue.modules}
    attempts = [
        AttemptRow(
            titles.get(a.module_slug, a.module_slug), a.number, a.submitted_at, a.percent, a.passed
        )
        for a in db.session().execute(
            select(
                Attempt.module_slug,
                Attempt.number,
                Attempt.submitted_at,
                Attempt.percent,
                Attempt.passed,
            )
            .where(Attempt.user_id == user_id, Attempt.status == "graded")
            .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        )
    ]
    team = teams.team_of(user_id)
    return LearnerView(
        team.name if team else None,
        assignments.for_learner(user_id, catalogue, day),
        record.learning_record(user_id, catalogue, years),
        attempts,
    )
