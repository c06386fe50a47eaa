"""Read a learner's competency profile from their stored ratings, in one statement.

The evidence behind each rating comes as the learner saw it (question text from its frozen
version, their answer, when): see services/rating_evidence.py.
"""

from datetime import datetime

from app import db
from app.domain.content import Catalogue
from app.domain.progress import QUIZ_PREFIX
from app.models import utcnow
from app.services import learner_rows, retired_confirmations, retired_ratings, tagged_rows
from app.services.attainment import Profile, StoredLevel, build_profile
from app.services.rating_evidence import AttemptTaken, attempt_taken, evidence_in_words
from app.services.rating_reads import aware

# What a profile is built from: one statement.
PROFILE_ROWS = (
    learner_rows.LEVELS,
    learner_rows.EVIDENCE,
    learner_rows.COMPLETIONS,
    retired_confirmations.CONFIRMATIONS,
    # Bound with `known`: the codes some framework has (retired_ratings.known_codes).
    retired_ratings.LEVELS,
)


def profile(
    user_id: int, catalogue: Catalogue, now: datetime | None = None, profession: str | None = None
) -> Profile | None:
    """Return the learner's profile in the framework for their profession, from stored rows."""
    branches = PROFILE_ROWS if profession is not None else (learner_rows.PERSON, *PROFILE_ROWS)
    now = now or utcnow()
    known = retired_ratings.known_codes(catalogue)
    found = tagged_rows.read(branches, user_id=user_id, now=now, known=known)
    if profession is None:
        person = learner_rows.person_of(found)
        profession = person.profession if person else None
    return profile_from(profession, found, catalogue, now)


def profile_from(
    profession: str | None, found, catalogue: Catalogue, now, renewing=frozenset()
) -> Profile | None:
    """Return the profile in the profession's framework from the learner's rows (PROFILE_ROWS).

    `renewing` names the modules whose passed quiz is open for renewal now.
    """
    framework = catalogue.framework_for(profession or "")
    if framework is None:
        return None
    codes = {c.code for c in framework.competencies}
    stored = {
        row.text[0]: StoredLevel(
            level=row.text[1],
            practice=row.text[2],
            score=row.real[0],
            evidence_count=row.number[0],
            met=row.flag[0],
            expired=row.flag[1],
            met_until=row.at[0],
            due_from=row.at[1],
            practice_until=row.at[2],
        )
        for row in found.get("level", ())
        if row.text[0] in codes
    }
    # Newest first, as the learner reads them; ties in the order they were recorded.
    evidence = sorted(
        (row for row in found.get("evidence", ()) if row.text[0] in codes),
        key=lambda row: row.number[0],
    )
    evidence.sort(key=lambda row: aware(row.at[0]), reverse=True)
    rows = [
        (row.text[0], row.real[0], row.at[0], row.text[2], row.text[1], row.doc[0], _attempt(row))
        for row in evidence
    ]
    words = evidence_in_words(db.session(), rows, catalogue, framework, now)
    done = found.get("done", ())
    passed = frozenset(row.text[0] for row in done if row.text[1].startswith(QUIZ_PREFIX))
    confirmations = retired_confirmations.from_rows(found.get("confirmation", ()))
    retired = retired_ratings.from_rows(found.get("retired-level", ()))
    return build_profile(
        framework, stored, words, catalogue, now, passed, renewing, confirmations, retired
    )


def _attempt(row) -> AttemptTaken | None:
    """Return the attempt an evidence row was graded in (learner_rows.EVIDENCE)."""
    attempt_id, number = row.number[1:3]
    return attempt_taken(attempt_id, number, row.at[1], row.real[1], row.flag[0], row.flag[1])
