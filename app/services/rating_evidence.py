"""The answers behind a learner's ratings, in the words they saw: question, answer, when."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from app.services import module_titles, quiz_versions
from app.services.rating_reads import aware


@dataclass(frozen=True)
class EvidenceItem:
    """One answer behind a rating, in the words the learner saw."""

    question: str
    answer: tuple[str, ...]
    score: float
    at: datetime
    quiz_title: str
    counts: bool  # still within the framework's validity


def evidence_in_words(session, rows, catalogue, framework, now) -> dict[str, list[EvidenceItem]]:
    """Turn evidence rows (code, score, at, version, quiz, response), newest first, into words."""
    questions = quiz_versions.questions(session, {row[3] for row in rows})
    titles = {m.assessment.id: m.assessment.title for m in catalogue.modules if m.assessment}
    # A quiz gone from the course is named as its attempts recorded it.
    titles |= module_titles.recorded_quiz_titles({row[4] for row in rows} - titles.keys())
    found: dict[str, list[EvidenceItem]] = defaultdict(list)
    for code, score, at, version, quiz_id, response in rows:
        at = aware(at)
        competency = catalogue.competency(code)
        valid_for = (competency.valid_for if competency else None) or framework.valid_for
        question = questions.get(version)
        value = (response or {}).get("value")
        answer = ()
        if question is not None and value is not None:
            answer = tuple(part.text for part in question.describe(value, False))
        found[code].append(
            EvidenceItem(
                question.text if question else "This question is no longer available",
                answer,
                score,
                at,
                titles.get(quiz_id, quiz_id),
                valid_for is None or valid_for.after(at) > now,
            )
        )
    return found
