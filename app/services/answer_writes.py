"""An attempt's saved answers: the statements that read and write them, and what a form changed.

`submissions.answer` reads the saved answers with ANSWERS (on a PostgreSQL submit,
ANSWERS_AND_RATED, with what re-rating the learner reads), asks `apply_form` which of them
the form changed, and writes those. An answer changed in another tab since the form was
drawn is never written over.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import JSON, bindparam, func, select, update

from app.domain.quizzes.attempts import fingerprint, same_answer
from app.models import Answer, Attempt
from app.services import quizzes, rating_reads

SET_REVISION = (
    update(Attempt.__table__)
    .where(Attempt.__table__.c.id == bindparam("attempt_id"))
    .values(revision=bindparam("new_revision"))
)


class SavedAnswer(NamedTuple):
    """An answer as saved, or as this request saves it: what grading and the form read."""

    response: dict
    revision: int


_ANSWER_TABLE = Answer.__table__
ANSWERS = select(
    _ANSWER_TABLE.c.question_id, _ANSWER_TABLE.c.response, _ANSWER_TABLE.c.revision
).where(_ANSWER_TABLE.c.attempt_id == bindparam("attempt_id"))
# On PostgreSQL a submit (or a save past the time limit, which grades) reads its answers
# with what re-rating the learner reads (services/rating_reads.py), under the learner's lock, so
# the grade's one statement can write the learner's levels too. Bound as "attempt_id",
# "rated_learner" and "rated_codes" (every competency the attempt's questions evidence, as
# rating_reads.array_text).
ANSWERS_AND_RATED = select(
    select(
        func.json_agg(
            func.json_build_array(
                _ANSWER_TABLE.c.question_id, _ANSWER_TABLE.c.response, _ANSWER_TABLE.c.revision
            ),
            type_=JSON,
        )
    )
    .where(_ANSWER_TABLE.c.attempt_id == bindparam("attempt_id"))
    .scalar_subquery()
    .label("answers"),
    rating_reads.RATED_EVIDENCE.label("evidence"),
    rating_reads.RATED_PRACTICE.label("practice"),
)
# An answer saved before, changed by this form (an executemany, one set of values each).
SAVE_ANSWER = (
    update(_ANSWER_TABLE)
    .where(
        _ANSWER_TABLE.c.attempt_id == bindparam("attempt"),
        _ANSWER_TABLE.c.question_id == bindparam("question"),
    )
    .values(
        response=bindparam("new_response", type_=_ANSWER_TABLE.c.response.type),
        revision=bindparam("new_revision"),
        saved_at=bindparam("new_saved_at"),
    )
)


def apply_form(
    attempt: quizzes.AttemptRow,
    found: quizzes.AttemptQuestions,
    read,
    rows: dict[str, SavedAnswer],
    form_revision: int,
    new_revision: int,
    now: datetime,
) -> tuple[list[str], list[str], list[str], list[dict], list[dict], list[str]]:
    """Work out the answers the form changed; the caller writes them.

    `rows` (the saved answers) is brought up to date. Return the question ids written,
    those the form changed that another tab had changed since (not written), those another
    tab changed that the form showed as they were, the new answers' rows (to insert in one
    statement, with their points on a grade), the changed answers' values (for
    SAVE_ANSWER) and the questions saved since the form's revision with the very answer the
    form sends (`agreed`: a save sent again because its reply was lost finds its own).
    """
    written, conflicts, elsewhere, added, changed, agreed = [], [], [], [], [], []
    for item in found.shown:
        question = item.question
        qid = question.id
        if qid in read.given:
            new = read.given[qid]
        elif qid in read.blank:
            new = None
        else:
            continue  # not on this form, or invalid
        row = rows.get(qid)
        old = row.response.get("value") if row is not None else None
        if same_answer(question, old, new):
            if row is not None and row.revision > form_revision:
                agreed.append(qid)
            continue
        if row is not None and row.revision > form_revision:
            # Changed elsewhere since this form was rendered: never overwritten from here.
            untouched = read.shown_before.get(qid) == fingerprint(question, new)
            (elsewhere if untouched else conflicts).append(qid)
            continue
        # A cleared answer stays as a row with no value, so a stale form cannot restore it.
        response = {"value": new}
        if row is None:
            added.append(
                {
                    "attempt_id": attempt.id,
                    "question_id": qid,
                    "response": response,
                    "revision": new_revision,
                    "saved_at": now,
                }
            )
        else:
            changed.append(
                {
                    "attempt": attempt.id,
                    "question": qid,
                    "new_response": response,
                    "new_revision": new_revision,
                    "new_saved_at": now,
                }
            )
        rows[qid] = SavedAnswer(response, new_revision)
        written.append(qid)
    return written, conflicts, elsewhere, added, changed, agreed
