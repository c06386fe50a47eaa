"""Which passes complete a module: a pass of its quiz, unless its certificate was revoked since.

A knowledge check's pass completes a screen, never the module. Revoking a certificate
(docs/credentials.md) withdraws Linkwise's word for the learning behind it, so the passes up
to the revocation no longer make the module complete for assignments, compliance and
reminders, nor count among the dashboard's module completions; a pass after it counts
again. The attempt conditions are correlated with the `Attempt` of the statement they are
used in; COMPLETION_REVOKED with its `Completion` (the dashboard counts quiz completions,
and so does its kept count: migration 0027's view dashboard_counted says the same).
"""

from datetime import datetime

from sqlalchemy import and_, exists, func

from app.models import Attempt, Certificate, Completion
from app.models_credentials import Credential

ASSESSMENT = "assessment"

# An attempt keeps its quiz's kind with its settings; one from before they were kept was at
# a quiz that existed then, taken as the module's quiz (QuizSettings.from_content agrees).
KIND = func.coalesce(Attempt.quiz_settings["kind"].as_string(), ASSESSMENT)

REVOKED_SINCE = exists().where(
    Certificate.user_id == Attempt.user_id,
    Certificate.module_slug == Attempt.module_slug,
    Credential.certificate_id == Certificate.id,
    Credential.revoked_at >= Attempt.submitted_at,
)

# A quiz's completion (the module's first pass) whose certificate was revoked since.
COMPLETION_REVOKED = exists().where(
    Certificate.user_id == Completion.user_id,
    Certificate.module_slug == Completion.module_slug,
    Credential.certificate_id == Certificate.id,
    Credential.revoked_at >= Completion.completed_at,
)

COUNTED = and_(Attempt.passed.is_(True), KIND == ASSESSMENT, ~REVOKED_SINCE)


def of_quiz(kind: str | None) -> bool:
    """Say whether an attempt of this kind (None: not kept) was at its module's quiz (KIND)."""
    return (kind or ASSESSMENT) == ASSESSMENT


def counted(kind: str | None, submitted_at: datetime, revoked_at: datetime | None) -> bool:
    """Say whether a pass counts: of the module's quiz, and not revoked since (COUNTED)."""
    return of_quiz(kind) and (revoked_at is None or submitted_at > revoked_at)
