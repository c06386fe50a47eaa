"""Saving and submitting an attempt: one transaction per request, nothing saved is ever lost.

Every attempt form carries the revision of the attempt it was rendered from. A save
writes only the questions whose answers the form changed, and never one that another tab
or window changed since that revision: that would blank or revert a newer answer. Such a
question is reported back with its latest answer. A question with an invalid answer is
reported too, and every valid answer on the same form is still saved. A choice sent by its
id, as pages drawn before an update sent them, is reported the same way and its question
shown again as it was saved: ids would tell anyone the author's order.

Submitting saves first, in the same transaction, then grades once: not while any answer
is invalid or conflicting, and not with questions unanswered until the learner confirms.
"""

from dataclasses import dataclass, field
from datetime import datetime

from app import db
from app.content import catalogue
from app.domain.quizzes import FormFields
from app.domain.quizzes.attempts import read_answers, unanswered
from app.models import Answer, utcnow
from app.services import (
    attempt_reads,
    grading,
    locks,
    passes,
    quiz_pages,
    quiz_standing,
    quizzes,
    rating_reads,
)
from app.services.answer_writes import (
    ANSWERS,
    ANSWERS_AND_RATED,
    SAVE_ANSWER,
    SET_REVISION,
    SavedAnswer,
    apply_form,
)
from app.services.upsert import insert_rows

CHANGED_HERE_TOO = (
    "This answer was changed in another tab or window after this page was opened, so the "
    "change made here was not saved. The latest answer is shown: check it, and change it "
    "again if you need to."
)
CHANGED_ELSEWHERE = (
    "This answer was changed in another tab or window after this page was opened. The latest "
    "answer is shown."
)


@dataclass(frozen=True)
class AttemptForm:
    """What an attempt form sent: the button, the revision it showed, and its fields."""

    action: str  # "save", "submit" or "autosave"
    revision: int
    confirmed: bool
    fields: FormFields


@dataclass(frozen=True)
class AnswerOutcome:
    """What a save or submit did, and the form to show again when it needs the learner."""

    # "saved", "changed" (saved; another tab's changes shown), "invalid", "conflict",
    # "confirm", "graded", "closed" or "time-up"
    kind: str
    revision: int = 0
    written: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()  # changed elsewhere since the form's revision
    stale: tuple[str, ...] = ()  # sent from a page drawn before an update: to draw again
    page: quiz_pages.AttemptPage | None = field(default=None, compare=False)


def attempt_view(user_id: int, module_slug: str, attempt_id: int, now: datetime | None = None):
    """Return the attempt as a form (AttemptPage) or its result (ResultPage); None if not ours."""
    module = catalogue().module(module_slug)
    quiz_module = module if module is not None and module.assessment is not None else None
    read = attempt_reads.read(user_id, module_slug, attempt_id, standing_in=quiz_module)
    if read is None or not passes.of_quiz((read.attempt.quiz_settings or {}).get("kind")):
        # A knowledge check's answer has its feedback on its screen, not a quiz result:
        # shown here, its pass mark of 0 would read as a pass that completed the module.
        return None
    attempt = read.attempt
    found = quizzes.questions_of(attempt)
    if attempt.status == "graded":
        return quiz_pages.result_page(user_id, attempt, found, read.answers, read.standing)
    time_up = quizzes.out_of_time(attempt, found.settings, now or utcnow())
    return quiz_pages.attempt_page(
        attempt, found, read.values, time_up=time_up, standing=read.standing
    )


def confirm_view(user_id: int, module_slug: str, attempt_id: int):
    """Return the page asking before an incomplete attempt is graded, or None if not ours."""
    read = attempt_reads.read(user_id, module_slug, attempt_id)
    if read is None:
        return None
    return quiz_pages.confirm_page(read.attempt, quizzes.questions_of(read.attempt), read.values)


def answer(
    user_id: int, module_slug: str, attempt_id: int, form: AttemptForm, now: datetime | None = None
) -> AnswerOutcome | None:
    """Save what the form changed and, on submit, grade the attempt once; None if not ours
    (nor anyone's any more: an account erased meanwhile).

    `now` only decides whether a timed attempt is out of time (tests pass one).
    """
    session = db.session()
    submitting = form.action == "submit"
    try:
        attempt = quizzes.own_attempt_row(user_id, module_slug, attempt_id, lock_learner=submitting)
        if attempt is None:
            return None
        found = quizzes.questions_of(attempt)
        time_up = quizzes.out_of_time(attempt, found.settings, now or utcnow())
        if time_up and not submitting:
            locks.lock_learner(session, user_id)
        # Saves take the learner's lock too (with the attempt's): an erasure that blanked
        # the answers while this request was under way is seen, and nothing is written.
        revision = locks.lock_attempt(session, attempt.id)
    except locks.AccountGone:
        return None  # rolled back: the account was erased
    if revision is None:
        session.rollback()
        return AnswerOutcome("closed")
    # Timed from the lock, so an attempt's answers are never saved after it is submitted.
    now = utcnow()
    connection = session.connection()
    rated = None
    if (submitting or time_up) and connection.dialect.name == "postgresql":
        # Straight through the driver (db.fetch_one, on the session's connection).
        saved, *rated = db.fetch_one(
            ANSWERS_AND_RATED,
            {
                "attempt_id": attempt.id,
                "rated_learner": user_id,
                "rated_codes": rating_reads.array_text(
                    sorted({code for item in found.shown for code in item.question.competencies})
                ),
            },
        )
        saved = saved or ()
    else:
        saved = connection.execute(ANSWERS, {"attempt_id": attempt.id})
    rows = {
        question_id: SavedAnswer(response, saved_revision)
        for question_id, response, saved_revision in saved
    }
    if time_up:
        # What was saved before the limit is graded; answers sent late are not.
        grading.record_grade(
            session, attempt, found.shown, rows, found.settings, now, revision=revision, rated=rated
        )
        session.commit()
        return AnswerOutcome("time-up", revision)
    read = read_answers(found.shown, form.fields)
    written, conflicts, elsewhere, added, changed, agreed = apply_form(
        attempt, found, read, rows, form.revision, revision + 1, now
    )
    if written:
        revision += 1
    # Changed since the form's revision, to what the form does not already hold.
    updated = tuple(
        qid
        for qid, row in rows.items()
        if row.revision > form.revision and qid not in written and qid not in agreed
    )
    values = {qid: row.response.get("value") for qid, row in rows.items()}
    kind = "saved"
    if read.errors:
        kind = "invalid"
    elif conflicts or (elsewhere and form.action == "submit"):
        kind = "conflict"  # nothing is graded that the learner has not seen
    elif elsewhere and form.action == "save":
        kind = "changed"
    elif form.action == "submit":
        kind = "confirm" if unanswered(found.shown, values) and not form.confirmed else "graded"
    if changed:
        connection.execute(SAVE_ANSWER, changed)
    if kind == "graded":
        # The grade's own UPDATE sets the revision, and new answers go in with their points.
        grading.record_grade(
            session,
            attempt,
            found.shown,
            rows,
            found.settings,
            now,
            revision=revision,
            added=added,
            rated=rated,
            # What this form wrote was checked as it was read: not checked again.
            checked={qid: read.checked[qid] for qid in written if qid in read.checked},
        )
    elif written:
        insert_rows(connection, Answer.__table__, added)
        connection.execute(SET_REVISION, {"attempt_id": attempt.id, "new_revision": revision})
    session.commit()
    page = None
    if kind in ("invalid", "conflict", "changed") or (form.action == "autosave" and updated):
        page = quiz_pages.attempt_page(
            attempt,
            found,
            {qid: v for qid, v in values.items() if v is not None},
            revision=revision,
            errors=read.errors,
            submitted=read.submitted,
            notices={
                **{qid: CHANGED_ELSEWHERE for qid in elsewhere},
                **{qid: CHANGED_HERE_TOO for qid in conflicts},
            },
            standing=_standing_for_page(user_id, module_slug, form),
        )
    return AnswerOutcome(kind, revision, tuple(written), updated, tuple(read.stale), page)


def _standing_for_page(user_id: int, module_slug: str, form: AttemptForm):
    """Return the standing that numbers the attempt on a page drawn again, not for autosave."""
    module = catalogue().module(module_slug)
    if form.action == "autosave" or module is None or module.assessment is None:
        return None  # autosave draws questions only, never the heading
    return quiz_standing.status_read(user_id, module)
