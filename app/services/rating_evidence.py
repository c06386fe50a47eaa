"""The answers behind a learner's ratings, in the words they saw: question, answer, when."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from app.services import module_titles, quiz_versions
from app.services.rating_reads import aware


@dataclass(frozen=True)
class AttemptTaken:
    """The quiz attempt an answer was graded in, with its result as graded then."""

    id: int
    number: int  # the learner's first, second... attempt at the quiz
    submitted_at: datetime | None
    percent: int | None
    passed: bool | None
    # A pass a revocation withdrew (its certificate revoked): its answers no longer count.
    revoked: bool = False


def attempt_taken(
    attempt_id, number, submitted_at, percent, passed, revoked=False
) -> AttemptTaken | None:
    """Return the attempt an evidence row was graded in from the columns read with it (None:
    the row had no attempt); a page's statement may bring its numbers as text or as reals,
    and whether a revocation withdrew it (revoked_pass) as a flag or a number."""
    if attempt_id is None:
        return None
    return AttemptTaken(
        int(attempt_id),
        int(number),
        aware(submitted_at),
        None if percent is None else round(float(percent)),
        None if passed is None else bool(passed),
        bool(revoked),
    )


@dataclass(frozen=True)
class EvidenceItem:
    """One answer behind a rating, in the words the learner saw."""

    question: str
    answer: tuple[str, ...]
    score: float
    at: datetime
    quiz_title: str
    counts: bool  # still within the framework's validity, and its pass not withdrawn
    attempt: AttemptTaken | None = None  # where a page reads it (the practice pages)


@dataclass(frozen=True)
class AttemptEvidence:
    """One attempt's answers behind a rating, with the attempt's number, date and result."""

    quiz_title: str
    attempt: AttemptTaken | None  # None: answers whose attempt was not read with them
    items: tuple[EvidenceItem, ...]

    @property
    def at(self) -> datetime:
        """Return when the attempt was submitted (else when its answers were recorded)."""
        submitted = self.attempt.submitted_at if self.attempt else None
        return submitted or self.items[0].at

    @property
    def counts(self) -> bool:
        """Say whether any of the attempt's answers still counts (within its validity, and
        the attempt no pass a revocation withdrew)."""
        return any(item.counts for item in self.items)

    @property
    def revoked(self) -> bool:
        """Say whether the attempt is a pass whose certificate was revoked: none of its
        answers counts, however recent."""
        return self.attempt is not None and self.attempt.revoked


def by_attempt(items) -> tuple[AttemptEvidence, ...]:
    """Group answers (newest first) by the attempt they were graded in, newest attempt first.

    Two attempts at one quiz may ask the same question: apart, a 0% and a 100% mark on it
    read as two attempts with their own results, not one contradicting itself.
    """
    grouped: dict[object, list[EvidenceItem]] = {}
    for item in items:
        key = item.attempt.id if item.attempt else (item.quiz_title, item.at)
        grouped.setdefault(key, []).append(item)
    found = [
        AttemptEvidence(answers[0].quiz_title, answers[0].attempt, tuple(answers))
        for answers in grouped.values()
    ]
    # Stable: attempts submitted at the same moment keep the order their answers came in.
    return tuple(sorted(found, key=lambda shown: shown.at, reverse=True))


def evidence_in_words(session, rows, catalogue, framework, now) -> dict[str, list[EvidenceItem]]:
    """Turn evidence rows (code, score, at, version, quiz, response), newest first, into words.

    A row may add the attempt it was graded in (AttemptTaken), which its item keeps; an
    answer of a pass a revocation withdrew does not count, as the rating leaves it out.
    """
    questions = quiz_versions.questions(session, {row[3] for row in rows})
    titles = {m.assessment.id: m.assessment.title for m in catalogue.modules if m.assessment}
    # A quiz gone from the course is named as its attempts recorded it.
    titles |= module_titles.recorded_quiz_titles({row[4] for row in rows} - titles.keys())
    found: dict[str, list[EvidenceItem]] = defaultdict(list)
    for code, score, at, version, quiz_id, response, *attempt in rows:
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
                (valid_for is None or valid_for.after(at) > now)
                and not (attempt and attempt[0] and attempt[0].revoked),
                attempt[0] if attempt else None,
            )
        )
    return found
