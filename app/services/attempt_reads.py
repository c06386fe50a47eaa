"""An attempt's page in one statement: the attempt, its answers and, for its result, the
learner's standing with the quiz (their attempts, the module's completions, the grants).

Only the learner's own attempt is read, in the module its address names: anyone else's
finds nothing, and the page is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, union_all

from app.domain.content import Module
from app.models import Answer, Attempt
from app.services import quiz_standing, quizzes, tagged_rows
from app.services.learner_rows import SELF
from app.services.tagged_rows import branch

_ATTEMPT_ID = bindparam("attempt_id")

# texts: quiz, module, status, the module's title as it started; numbers: number, percent,
# revision; reals: points, points possible; flag: passed; times: started, submitted;
# documents: selection, settings.
_THIS = branch(
    "this",
    text=(Attempt.quiz_id, Attempt.module_slug, Attempt.status, Attempt.module_title),
    number=(Attempt.number, Attempt.percent, Attempt.revision),
    real=(Attempt.points, Attempt.points_possible),
    flag=(Attempt.passed,),
    at=(Attempt.started_at, Attempt.submitted_at),
    doc=(Attempt.selection, Attempt.quiz_settings),
).where(
    Attempt.id == _ATTEMPT_ID,
    Attempt.user_id == SELF,
    Attempt.module_slug == bindparam("module_slug"),
)

# text: question; real: points; document: the response.
_ANSWERS = (
    branch("answer", text=(Answer.question_id,), real=(Answer.points,), doc=(Answer.response,))
    .join(Attempt, Attempt.id == Answer.attempt_id)
    .where(Answer.attempt_id == _ATTEMPT_ID, Attempt.user_id == SELF)
)

# Each UNION ALL built once, for its cache key to be worked out once (tagged_rows.read): the
# result's took about 5 ms a page.
_FORM = union_all(_THIS, _ANSWERS)
_RESULT = union_all(_THIS, _ANSWERS, *quiz_standing.STANDING_ROWS)


class Saved(NamedTuple):
    """One saved answer: the value given (None once cleared) and the points it earned."""

    value: object
    points: float | None


class AttemptRead(NamedTuple):
    """The attempt, its saved answers by question id and, if asked for, the quiz's standing."""

    attempt: quizzes.AttemptRow
    answers: dict[str, Saved]
    standing: quiz_standing.QuizStatus | None

    @property
    def values(self) -> dict[str, object]:
        """Return the saved answers' values by question id (cleared answers left out)."""
        return {qid: saved.value for qid, saved in self.answers.items() if saved.value is not None}


def read(
    user_id: int,
    module_slug: str,
    attempt_id: int,
    *,
    standing_in: Module | None = None,
    now: datetime | None = None,
) -> AttemptRead | None:
    """Read the learner's attempt and its answers; None if it is not theirs in this module.

    With `standing_in` (a module with a quiz), the learner's standing with that quiz is
    read in the same statement.
    """
    params = {"user_id": user_id, "module_slug": module_slug, "attempt_id": attempt_id}
    if standing_in is None:
        found = tagged_rows.read(_FORM, **params)
    else:
        found = tagged_rows.read(_RESULT, quiz_id=standing_in.assessment.id, **params)
    rows = found.get("this")
    if not rows:
        return None
    row = rows[0]
    quiz_id, slug, status, module_title = row.text[:4]
    number, percent, revision = row.number
    points, points_possible = row.real
    started_at, submitted_at = row.at[:2]
    selection, settings = row.doc
    attempt = quizzes.AttemptRow(
        attempt_id, user_id, quiz_id, slug, number, status, selection, settings, revision,
        started_at, submitted_at, points, points_possible, percent, row.flag[0], module_title,
        None,  # module_facts: a page never shows them; the grade reads them (own_attempt_row)
    )  # fmt: skip
    answers = {
        answer.text[0]: Saved(answer.doc[0].get("value"), answer.real[0])
        for answer in found.get("answer", ())
    }
    standing = None if standing_in is None else quiz_standing.status_of(standing_in, found, now)
    return AttemptRead(attempt, answers, standing)
