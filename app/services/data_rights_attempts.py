"""A person's quiz attempts and answers, for the data export (see data_rights.py)."""

from datetime import datetime

from app.domain.dates import iso_utc
from app.models import Attempt


def export(attempt: Attempt, withdrawn_at: datetime | None) -> dict:
    """Return one attempt as the export holds it: its result, the quiz and the module as it
    started, and every answer."""
    return {
        "id": attempt.id,
        "quiz": attempt.quiz_id,
        "module": attempt.module_slug,
        "module_title": attempt.module_title,  # when it started (null from before it was kept)
        "number": attempt.number,
        "status": attempt.status,
        "started_at": iso_utc(attempt.started_at),
        "submitted_at": iso_utc(attempt.submitted_at),
        "points": attempt.points,
        "points_possible": attempt.points_possible,
        "percent": attempt.percent,
        "passed": attempt.passed,
        # When a revoked certificate withdrew this pass (null: it was not): its answers stay
        # here as graded and no longer count as evidence.
        "pass_withdrawn_at": iso_utc(withdrawn_at),
        "quiz_settings": attempt.quiz_settings,
        # What a certificate for a pass of this attempt records of the module, as the module
        # said it when the attempt started (null: a knowledge check's attempt, or one started
        # before Linkwise kept it).
        "module_as_started": module_as_started(attempt.module_facts),
        # Which question versions were shown, in what order: the record behind the score.
        "questions_shown": attempt.selection,
        "answers": [
            {
                "question": answer.question_id,
                "question_version": answer.question_version,
                "answer": (answer.response or {}).get("value"),
                "points": answer.points,
                "saved_at": iso_utc(answer.saved_at),
            }
            for answer in attempt.answers
        ],
    }


def module_as_started(facts: dict | None) -> dict | None:
    """Return an attempt's record of its module (attempt.module_facts) in the export's words:
    competencies by code and name, as a certificate's are."""
    if facts is None:
        return None
    return {
        "cpd_minutes": facts.get("cpd_minutes"),
        "learning_outcomes": list(facts.get("learning_outcomes") or ()),
        "competencies": [
            {"code": code, "name": name} for code, name in facts.get("competencies") or ()
        ],
        # Who the module named as its clinical reviewer (null: it named none).
        "clinical_reviewer": facts.get("clinical_reviewer"),
    }
