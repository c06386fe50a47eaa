"""The rows of seeded learners, table by table, as grading would have written them.

Plain tuples in each table's column order (COLUMNS, USER_COLUMNS, ATTEMPT_COLUMNS), JSON
values as their text, for the seeder to insert or COPY a batch at a time (seeding.py).
"""

import json
import secrets

from sqlalchemy import JSON

from app.domain.seeded_answers import answer_key
from app.domain.seeding import Course, SeededAttempt, SeededLearner
from app.models import (
    RATING_COLUMNS,
    Answer,
    Certificate,
    CompetencyLevel,
    Completion,
    Evidence,
    utcnow,
)
from app.services.ratings import rules_of


def dependent_rows(
    drawn: list[SeededLearner],
    user_ids: list[int],
    attempt_ids: list[int],
    organisation_id: int,
    with_answers: bool,
    course: Course,
) -> dict:
    """Return the rows of the tables that refer to the batch's users and attempts, by model."""
    users = list(zip(drawn, user_ids, strict=True))
    taken = [(attempt, user_id) for learner, user_id in users for attempt in learner.attempts]
    numbered = [
        (attempt, user_id, new_id)
        for (attempt, user_id), new_id in zip(taken, attempt_ids, strict=True)
    ]
    # Attempts are frozen values that may compare equal, so they are told apart by identity.
    attempt_id = {id(attempt): new_id for attempt, _, new_id in numbered}
    rated_at = utcnow()
    response = _responses()
    certified = _certified_modules(course)
    rules = rules_of(course.all_frameworks)
    return {
        Answer: [
            (
                number,
                question_id,
                response(answer),
                attempt.submitted_at,
                points,
                0,
                version,
            )
            for attempt, _, number in numbered
            for question_id, version, answer, points in attempt.answers
        ]
        if with_answers
        else [],
        Completion: [
            (user_id, slug, key, at)
            for learner, user_id in users
            for slug, key, at in learner.completions
        ],
        Evidence: [
            (
                user_id,
                organisation_id,
                code,
                attempt.quiz_id,
                question_id,
                version,
                number,
                score,
                attempt.submitted_at,
            )
            for attempt, user_id, number in numbered
            for code, question_id, version, score in attempt.evidence
        ],
        CompetencyLevel: [
            (
                user_id,
                organisation_id,
                level.code,
                level.knowledge.level,
                level.knowledge.score,
                level.knowledge.evidence_count,
                level.last_evidence_at,
                level.practice,
                level.met,
                level.met_until,
                level.due_from,
                level.expired,
                level.practice_until,
                level.knowledge_until,
                rated_at,
                "seeded",
                rules.get(level.code),
            )
            for learner, user_id in users
            for level in learner.levels
        ],
        Certificate: [
            (
                code,
                user_id,
                passed.module_slug,
                attempt_id[id(passed)],
                passed.submitted_at,
                learner.full_name,
                learner.profession,
                learner.registration_number,
                *certified[passed.module_slug],
            )
            for learner, user_id in users
            for passed, code in (
                (learner.attempts[index], code) for index, code in learner.certificates
            )
        ],
    }


def _certified_modules(course: Course) -> dict[str, tuple]:
    """Return what a certificate of each module records, its lists as JSON text."""
    return {
        slug: (title, minutes, json.dumps(outcomes), json.dumps(competencies), reviewer)
        for slug, (title, minutes, outcomes, competencies, reviewer) in course.certified.items()
    }


# The columns of the rows dependent_rows builds as tuples, in the tuples' order.
COLUMNS = {
    Answer: (
        "attempt_id",
        "question_id",
        "response",
        "saved_at",
        "points",
        "revision",
        "question_version",
    ),
    Completion: ("user_id", "module_slug", "item_key", "completed_at"),
    Evidence: (
        "user_id",
        "organisation_id",
        "competency_code",
        "quiz_id",
        "question_id",
        "question_version",
        "attempt_id",
        "score",
        "recorded_at",
    ),
    CompetencyLevel: (
        "user_id",
        "organisation_id",
        "competency_code",
        *RATING_COLUMNS,
        "rated_at",
        "cause",
        "rules",
    ),
    # reflective_account takes the database's default, an empty account.
    Certificate: (
        "code",
        "user_id",
        "module_slug",
        "attempt_id",
        "issued_at",
        "holder_name",
        "holder_profession",
        "holder_registration_number",
        "module_title",
        "cpd_minutes",
        "learning_outcomes",
        "competencies",
        "clinical_reviewer",
    ),
}


USER_COLUMNS = (
    "email",
    "full_name",
    "password_hash",
    "profession",
    "registration_number",
    "role",
    "organisation_id",
    "professional_confirmed_at",
    "professional_confirmed_as",
    "session_token",
    "created_at",
    "last_signed_in_at",
)


ATTEMPT_COLUMNS = (
    "user_id",
    "quiz_id",
    "module_slug",
    "number",
    "status",
    "selection",
    "quiz_settings",
    "revision",
    "started_at",
    "submitted_at",
    "points",
    "points_possible",
    "percent",
    "passed",
    "module_title",
)


def user_row(learner: SeededLearner, organisation_id: int, password_hash: str) -> tuple:
    return (
        learner.email,
        learner.full_name,
        password_hash,
        learner.profession,
        learner.registration_number,
        "learner",
        organisation_id,
        learner.created_at,
        learner.profession,
        secrets.token_hex(16),
        learner.created_at,
        learner.last_signed_in_at,
    )


def attempt_row(attempt: SeededAttempt, user_id: int) -> tuple:
    return (
        user_id,
        attempt.quiz_id,
        attempt.module_slug,
        attempt.number,
        "graded",
        attempt.selection,
        attempt.settings,
        0,
        attempt.started_at,
        attempt.submitted_at,
        attempt.points,
        attempt.points_possible,
        attempt.percent,
        attempt.passed,
        attempt.module_title,
    )


def _responses():
    """Return a function giving an answer's stored JSON, encoding each different answer once."""
    encoded: dict = {}

    def response(answer) -> str:
        try:
            key = answer_key(answer)
            return encoded[key]
        except KeyError:
            text = encoded[key] = json.dumps({"value": answer})
            return text
        except TypeError:  # an answer that cannot be a key: encoded afresh
            return json.dumps({"value": answer})

    return response


def numbered_rows(model, columns: tuple[str, ...], ids: list[int], rows: list[tuple]) -> list:
    """Return the rows with their ids first and JSON values as their text (None stays NULL)."""
    encoded = [
        n for n, name in enumerate(columns, 1) if isinstance(model.__table__.c[name].type, JSON)
    ]
    # The same value (an attempt's quiz settings, say) is encoded once: the rows keep it alive,
    # so its id stays its own for the whole call.
    texts: dict[int, str] = {}
    copied = []
    for new_id, row in zip(ids, rows, strict=True):
        values = [new_id, *row]
        for n in encoded:
            value = values[n]
            if isinstance(value, list | dict):
                if id(value) not in texts:
                    texts[id(value)] = json.dumps(value)
                values[n] = texts[id(value)]
        copied.append(values)
    return copied
