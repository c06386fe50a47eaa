"""Per competency, each attempt's subtotal over its aligned questions: one grouped query.

The inner query reads each answer once and adds up, per attempt, for every competency
of the quiz: the points earned on its aligned questions, the points they were worth and
how many there were (a version's row says which competencies it counts for). The outer
one counts the attempts per (competency, subtotal, possible, questions), so the database
returns a few hundred rows however many attempts there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Float, Integer, String, func, literal, select, union_all

from app.domain.item_report import QuestionStats, Subtotals
from app.models import Answer

# SQLite allows 500 terms in one compound SELECT: the version table is built in chunks.
CHUNK = 400


def competency_subtotals(session, attempts, rows: list[QuestionStats]) -> Subtotals:
    """Return, per competency, the count of attempts per (subtotal, possible, questions)."""
    codes = sorted({code for r in rows for code in r.competencies})
    if not codes:
        return {}
    aligned = _aligned([r for r in rows if r.competencies], codes)
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
    terms = []
    for n in range(len(codes)):
        s, p, k = (per_attempt.c[f"{name}{n}"] for name in "spk")
        terms.append(
            select(literal(n, Integer).label("code"), s, p, k, func.count())
            .where(k > 0)
            .group_by(s, p, k)
        )
    found: dict[str, Counter] = defaultdict(Counter)
    for code, subtotal, possible, questions, count in session.execute(union_all(*terms)):
        found[codes[code]][(float(subtotal or 0), float(possible or 0), int(questions))] += count
    return found


def _aligned(rows: list[QuestionStats], codes: list[str]):
    """Return a row per version: its hash, points and a 0/1 column per competency."""

    def term(row: QuestionStats):
        return select(
            literal(row.version, String).label("version"),
            literal(float(row.points), Float).label("worth"),
            *(
                literal(int(code in row.competencies), Integer).label(f"c{n}")
                for n, code in enumerate(codes)
            ),
        )

    chunks = [
        union_all(*[term(row) for row in rows[at : at + CHUNK]])
        for at in range(0, len(rows), CHUNK)
    ]
    if len(chunks) == 1:
        return chunks[0].subquery("aligned")
    return union_all(*[select(chunk.subquery()) for chunk in chunks]).subquery("aligned")
