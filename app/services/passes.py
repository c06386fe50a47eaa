"""Which passes complete a module: a pass of its quiz, unless its certificate was revoked since.

A knowledge check's pass completes a screen, never the module. Revoking a certificate
(docs/credentials.md) withdraws Linkwise's word for the learning behind it, so the passes up
to the revocation no longer make the module complete for assignments, compliance and
reminders, nor count among the dashboard's module completions; a pass after it counts
again. The attempt conditions are correlated with the `Attempt` of the statement they are
used in; COMPLETION_COUNTED_FROM with its `Completion`.

A learner may hold several certificates for a module, one for each pass that earned one
(a renewal earns its own). Revoking one withdraws the pass it certifies, not the others:
a pass with a certificate of its own counts until that certificate is revoked, whatever
happens to the module's other certificates. A pass without one (a pass the old
one-certificate-a-module rule left uncertified, before migration 0034) is withdrawn, as
before, by any of the module's certificates revoked at or after it. For a learner with one
certificate for the module this is the rule as it always was.

The dashboard counts a learner's completion of a module (their earliest quiz completion in
it, under any id its quiz has had there, dated at their first pass) while one of their
passes of the module's quiz counts: from its own date while their earliest pass still
counts, else from their earliest pass that does (COMPLETION_COUNTED_FROM). Its kept counts
say the same (migrations 0036 and 0040: the view dashboard_counted and triggers).

What a learner, their manager or a trainer is shown follows the same passes: the module is
completed while nothing of it was revoked or a pass of its quiz counts (COMPLETION_STANDS).
The quiz's completion row (the first pass) stays as it was written; a page reads it only
while it stands.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.domain.progress import QUIZ_PREFIX
from app.models import Attempt, Certificate, Completion
from app.models_credentials import Credential

ASSESSMENT = "assessment"

# An attempt keeps its quiz's kind with its settings; one from before they were kept was at
# a quiz that existed then, taken as the module's quiz (QuizSettings.from_content agrees).
KIND = func.coalesce(Attempt.quiz_settings["kind"].as_string(), ASSESSMENT)

_OWN = aliased(Certificate, name="own_certificate")

# Revoked: its own certificate, or (a pass without one) any of the module's, since the pass.
REVOKED_SINCE = exists().where(
    Certificate.user_id == Attempt.user_id,
    Certificate.module_slug == Attempt.module_slug,
    Credential.certificate_id == Certificate.id,
    Credential.revoked_at >= Attempt.submitted_at,
    # Correlated by name: a SELECT nested two deep is correlated only with the one around
    # it, which does not hold the attempt, so it would otherwise read every attempt.
    or_(
        Certificate.attempt_id == Attempt.id,
        ~exists().where(_OWN.attempt_id == Attempt.id).correlate_except(_OWN),
    ),
)

# The learner's attempts at a module's quiz under any id it has had in the module (bound as
# module_slug and quiz_id, today's id): a quiz given a new id keeps its attempts, as its pass
# keeps the module completed (progress.passed_quiz). Under another id, only an attempt that
# kept its kind is known to be at the quiz, not at a knowledge check.
AT_MODULE_QUIZ = and_(
    Attempt.module_slug == bindparam("module_slug"),
    or_(
        Attempt.quiz_id == bindparam("quiz_id"),
        Attempt.quiz_settings["kind"].as_string() == ASSESSMENT,
    ),
)


def at_module_quiz(attempt, quiz_id: str, module_slug: str) -> bool:
    """Say whether an attempt row (with `kind`) is at the module's quiz (AT_MODULE_QUIZ)."""
    return attempt.module_slug == module_slug and (
        attempt.quiz_id == quiz_id or attempt.kind == ASSESSMENT
    )


PASSED = and_(Attempt.passed.is_(True), KIND == ASSESSMENT)
COUNTED = and_(PASSED, ~REVOKED_SINCE)

# The learner's passes of the module's quiz a `Completion` records, under any id the quiz has
# had in the module (PASSED: at a quiz of kind 'assessment'), as the kept counts (0040).
_OF_COMPLETION = and_(
    Attempt.user_id == Completion.user_id,
    Attempt.module_slug == Completion.module_slug,
)
_EARLIEST = select(func.min(Attempt.submitted_at)).where(_OF_COMPLETION, PASSED)
_EARLIEST_COUNTED = select(func.min(Attempt.submitted_at)).where(_OF_COMPLETION, COUNTED)
_MODULE_REVOKED = exists().where(
    Certificate.user_id == Completion.user_id,
    Certificate.module_slug == Completion.module_slug,
    Credential.certificate_id == Certificate.id,
    Credential.revoked_at.is_not(None),
)

# When a quiz's completion counts from on the dashboard, or NULL while it does not: its own
# date while the learner's earliest pass of the module's quiz counts (or nothing of the module was
# revoked, or no pass is on record), else their earliest pass that counts; none, NULL.
_earliest, _earliest_counted = _EARLIEST.scalar_subquery(), _EARLIEST_COUNTED.scalar_subquery()
COMPLETION_COUNTED_FROM = case(
    (~_MODULE_REVOKED, Completion.completed_at),
    (or_(_earliest.is_(None), _earliest == _earliest_counted), Completion.completed_at),
    else_=_earliest_counted,
)

# A completion that stands, correlated with its `Completion`: a screen's or a knowledge
# check's always; the quiz's while nothing of the module was revoked (as the dashboard, a
# completion with no pass on record stands) or a pass of the module's quiz still counts
# (COUNTED), so a module whose every pass was revoked is no longer completed: its screens
# stay read, and its quiz is to pass again.
COMPLETION_STANDS = or_(
    ~Completion.item_key.startswith(QUIZ_PREFIX),
    ~_MODULE_REVOKED,
    exists().where(
        Attempt.user_id == Completion.user_id,
        Attempt.module_slug == Completion.module_slug,
        COUNTED,
    ),
)


def of_quiz(kind: str | None) -> bool:
    """Say whether an attempt of this kind (None: not kept) was at its module's quiz (KIND)."""
    return (kind or ASSESSMENT) == ASSESSMENT


def counted(kind: str | None, submitted_at: datetime, revoked_at: datetime | None) -> bool:
    """Say whether a pass counts: of the module's quiz, and not revoked since (COUNTED)."""
    return of_quiz(kind) and (revoked_at is None or submitted_at > revoked_at)


def revoked_at(
    attempt_id: int, certificates: Iterable[tuple[int, datetime | None]]
) -> datetime | None:
    """Return when the revocation that can withdraw a pass was made (REVOKED_SINCE), if any.

    `certificates` are the learner's for the pass's module, as (attempt id, when its
    credential was revoked or None): the pass's own certificate decides; a pass without one
    is withdrawn by the latest revocation among them.
    """
    certificates = list(certificates)
    for certified, revoked in certificates:
        if certified == attempt_id:
            return revoked
    return max((revoked for _, revoked in certificates if revoked is not None), default=None)
