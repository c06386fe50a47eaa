"""Per competency, each attempt's subtotal over its aligned questions: one grouped query.

The inner query adds up, per attempt and competency, the points earned on the aligned
questions the attempt showed, the points they were worth and how many there were; the
outer one counts the attempts per (competency, subtotal, possible, questions), so the
database returns a few hundred rows however many attempts there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Float, Integer, String, func, literal, select, union_all

from app.domain.item_report import QuestionStats, Subtotals
from app.models import Answer

# SQLite allows 500 terms in one compound SELECT: the alignment table is built in chunks.
CHUNK = 400


def competency_subtotals(session, attempts, rows: list[QuestionStats]) -> Subtotals:
    """Return, per competency, the count of attempts per (subtotal, possible, questions)."""
    codes = sorted({code for r in rows for code in r.competencies})
    # Codes travel as their index: sorting on two integers is cheaper than on text.
    pairs = [(r.version, codes.index(code), r.points) for r in rows for code in r.competencies]
    if not pairs:
        return {}
    aligned = _aligned(pairs)
    per_attempt = (
        select(
            aligned.c.code.label("code"),
            func.sum(Answer.points).label("s"),
            func.sum(aligned.c.worth).label("p"),
            func.count().label("k"),
        )
        .join(attempts, Answer.attempt_id == attempts.c.id)
        .join(aligned, aligned.c.version == Answer.question_version)
        .where(Answer.points.is_not(None))
        .group_by(Answer.attempt_id, aligned.c.code)
        .subquery("per_attempt")
    )
    query = select(
        per_attempt.c.code, per_attempt.c.s, per_attempt.c.p, per_attempt.c.k, func.count()
    ).group_by(per_attempt.c.code, per_attempt.c.s, per_attempt.c.p, per_attempt.c.k)
    found: dict[str, Counter] = defaultdict(Counter)
    for code, subtotal, possible, questions, count in session.execute(query):
        found[codes[code]][(float(subtotal or 0), float(possible or 0), int(questions))] += count
    return found


def _aligned(pairs: list[tuple[str, int, float]]):
    """Return (version, code, worth) rows as a subquery of literal SELECTs."""

    def term(version: str, code: int, worth: float):
        return select(
            literal(version, String).label("version"),
            literal(code, Integer).label("code"),
            literal(float(worth), Float).label("worth"),
        )

    chunks = [
        union_all(*[term(*pair) for pair in pairs[at : at + CHUNK]])
        for at in range(0, len(pairs), CHUNK)
    ]
    if len(chunks) == 1:
        return chunks[0].subquery("aligned")
    return union_all(*[select(chunk.subquery()) for chunk in chunks]).subquery("aligned")
