"""Per competency, each attempt's subtotal over its aligned questions: one grouped query.

The inner query reads each answer once and adds up, per attempt, for every competency
of the quiz: the points earned on its aligned questions, the points they were worth and
how many there were (a version's row says which competencies it counts for). The outer
one counts the attempts per (competency, subtotal, possible, questions), so the database
returns a few hundred rows however many attempts there are.

`subtotal_terms` gives the outer query's terms, one per competency, so that the item
analysis can run them as branches of its own statement; `competency_subtotals` runs them
alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import Float, Integer, String, func, literal, select, union_all

from app.domain.item_report import QuestionStats, Subtotals
from app.domain.quizzes.model import Quiz
from app.models import Answer

# SQLite allows 500 terms in one compound SELECT: the version table is built in chunks.
CHUNK = 400


class Aligned(NamedTuple):
    """A question version that counts for competencies: its hash, points and codes."""

    version: str
    points: float
    competencies: tuple[str, ...]


class Term(NamedTuple):
    """One competency's columns of the per-attempt WITH query: subtotal, possible, count."""

    code: str
    subtotal: object
    possible: object
    questions: object


# Per quiz, the earlier versions of its questions that count for competencies, as the last
# report with competency scores found them stored. A stored version never changes, so the
# next report aligns their answers in its one statement; a version stored since, or one
# not rebuilt, is caught by comparing with the rows read and costs one more statement.
_EARLIER: dict[str, dict[str, Aligned]] = {}


def known_aligned(quiz: Quiz) -> list[Aligned]:
    """Return the versions of the quiz's questions known here to count for competencies:
    today's, and the earlier ones the last report found stored."""
    known = {
        v.hash: Aligned(v.hash, v.question.points, tuple(v.question.competencies))
        for v in quiz.versions.values()
        if v.question.competencies
    }
    return [*known.values(), *(a for h, a in _EARLIER.get(quiz.id, {}).items() if h not in known)]


def read_subtotals(session, attempts, quiz: Quiz, known, found, questions, rows) -> Subtotals:
    """Return the subtotals the item analysis read (`found`), if it aligned (`known`) every
    answered version as its row does; else read them again, aligned by the rows.

    Also note the quiz's earlier versions, from the `questions` stored, for the next report.
    """
    current = {v.hash for v in quiz.versions.values()}
    _EARLIER[quiz.id] = {
        h: Aligned(h, q.points, tuple(q.competencies))
        for h, q in questions.items()
        if q.competencies and h not in current
    }
    answered = {v for v, *_ in found.answers}
    if {a for a in known if a.version in answered} == set(aligned_of(rows)):
        return found.subtotals
    return competency_subtotals(session, attempts, rows)


def aligned_of(rows: Iterable[QuestionStats]) -> list[Aligned]:
    """Return the versions among these rows that count for a competency."""
    return [
        Aligned(version, r.points, tuple(r.competencies))
        for r in rows
        if r.competencies
        for version in (r.version, *r.moved_from)
    ]


def competency_subtotals(session, attempts, rows: list[QuestionStats]) -> Subtotals:
    """Return, per competency, the count of attempts per (subtotal, possible, questions)."""
    terms = subtotal_terms(attempts, aligned_of(rows))
    if not terms:
        return {}
    queries = [
        select(literal(n, Integer).label("code"), t.subtotal, t.possible, t.questions, func.count())
        .where(t.questions > 0)
        .group_by(t.subtotal, t.possible, t.questions)
        for n, t in enumerate(terms)
    ]
    return subtotals_of(
        (terms[code].code, subtotal, possible, questions, count)
        for code, subtotal, possible, questions, count in session.execute(union_all(*queries))
    )


def subtotals_of(found: Iterable[tuple]) -> Subtotals:
    """Return the subtotals from rows of (code, subtotal, possible, questions, attempts)."""
    subtotals: dict[str, Counter] = defaultdict(Counter)
    for code, subtotal, possible, questions, count in found:
        subtotals[code][(float(subtotal or 0), float(possible or 0), int(questions))] += count
    return subtotals


def subtotal_terms(attempts, versions: list[Aligned]) -> list[Term]:
    """Return, per competency in code order, its columns of the per-attempt WITH query.

    An attempt counts for a competency when one of its answers does (questions > 0):
    group each term's columns by all three, counting rows, for the attempts per subtotal.
    """
    codes = sorted({code for v in versions for code in v.competencies})
    if not codes:
        return []
    aligned = _aligned(versions, codes)
    x = Answer.points
    sums = []
    for n in range(len(codes)):
        # FILTER skips the answers of other competencies instead of adding zeros for them.
        mine = aligned.c[f"c{n}"] == 1
        sums += [
            func.sum(x).filter(mine).label(f"s{n}"),
            func.sum(aligned.c.worth).filter(mine).label(f"p{n}"),
            func.count().filter(mine).label(f"k{n}"),
        ]
    per_attempt = (
        select(Answer.attempt_id, *sums)
        .join(attempts, Answer.attempt_id == attempts.c.id)
        .join(aligned, aligned.c.version == Answer.question_version)
        .where(x.is_not(None))
        .group_by(Answer.attempt_id)
        .cte("per_attempt")
    )
    return [
        Term(code, *(per_attempt.c[f"{name}{n}"] for name in "spk")) for n, code in enumerate(codes)
    ]


def _aligned(versions: list[Aligned], codes: list[str]):
    """Return a row per version: its hash, points and a 0/1 column per competency."""

    def term(version: Aligned):
        return select(
            literal(version.version, String).label("version"),
            literal(float(version.points), Float).label("worth"),
            *(
                literal(int(code in version.competencies), Integer).label(f"c{n}")
                for n, code in enumerate(codes)
            ),
        )

    chunks = [
        union_all(*[term(v) for v in versions[at : at + CHUNK]])
        for at in range(0, len(versions), CHUNK)
    ]
    if len(chunks) == 1:
        return chunks[0].subquery("aligned")
    return union_all(*[select(chunk.subquery()) for chunk in chunks]).subquery("aligned")
