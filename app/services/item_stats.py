"""Item analysis of a quiz: the database adds up, domain/item_analysis.py does the maths.

Two statements over the quiz's graded attempts (the filter: first attempts only, a date
range): the attempts by total and percentage, with the hashes of the quiz's stored question
versions in the same statement (the count, the sums of totals and the top and bottom 27%
come from these); then, per question version, the sums (each group's too) and the count of
each distinct answer to the questions learners pick from. Earlier versions' sources take
one more, and a competency's subtotals per attempt (services/item_competencies.py) another,
when asked for.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import (
    Float,
    Integer,
    Text,
    case,
    cast,
    func,
    literal,
    null,
    select,
    text,
    union_all,
)

from app import db
from app.config import PROJECT_ROOT
from app.content import catalogue
from app.domain import item_analysis as ia
from app.domain.content import Catalogue
from app.domain.item_report import (
    ItemReport,
    QuestionStats,
    Window,
    competency_rows,
    option_shares,
)
from app.domain.quizzes import Question
from app.domain.quizzes.base import InvalidAnswer
from app.domain.quizzes.model import Quiz
from app.models import Answer, Attempt
from app.models import QuestionVersion as VersionRow
from app.services import quiz_versions
from app.services.item_competencies import competency_subtotals


def find_quiz(quiz_id: str, content: Catalogue) -> Quiz | None:
    """Return the assessment or knowledge check with this id, or None."""
    for module in content.modules:
        if module.assessment is not None and module.assessment.id == quiz_id:
            return module.assessment
        for screen in module.screens:
            if screen.knowledge_check is not None and screen.knowledge_check.id == quiz_id:
                return screen.knowledge_check
    return None


def project_path(path: str) -> str:
    """Return a file's path relative to the project when it lies inside it."""
    resolved = Path(path).resolve()
    root = Path(PROJECT_ROOT).resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(path)


def item_report(
    quiz_id: str, window: Window | None = None, *, competency_scores: bool = False
) -> ItemReport | None:
    """Return the item analysis of a quiz over the attempts the window takes, or None.

    With `competency_scores`, also each competency's reliability and score bands: one more
    query that reads every answer again, so it is asked for rather than always run.
    """
    window = window or Window()
    content = catalogue()
    quiz = find_quiz(quiz_id, content)
    if quiz is None:
        return None
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        # Compiling these few aggregates to machine code costs more than running them.
        session.execute(text("SET LOCAL jit = off"))
    attempts = _attempts(quiz_id, window)
    counts: dict[float, int] = Counter()
    percents: dict[int, int] = Counter()
    hashes = []
    for total, percent, n, version in session.execute(_totals_and_versions(quiz_id, attempts)):
        if version is not None:
            hashes.append(version)
            continue
        counts[float(total)] += n
        percents[int(percent or 0)] += n
    totals = ia.TotalSums(
        sum(counts.values()),
        sum(t * n for t, n in counts.items()),
        sum(t * t * n for t, n in counts.items()),
    )
    pct_totals = _percent_sums(percents)
    questions = quiz_versions.questions(session, hashes)
    pickable = [h for h, q in questions.items() if q.pick_labels()]
    groups = ia.groups(counts)
    weighted = _attempts(quiz_id, window, groups)
    sums, picked = _item_sums(session, weighted, groups, pickable, questions)
    rows = _question_rows(quiz, sums, questions, picked, session)
    # Questions marked per attempt, from the answers themselves: pools and edits included.
    per_attempt = round(sum(s.n for s in sums.values()) / totals.n) if totals.n else 0
    alpha = ia.reliability(
        totals, [(sums[r.version], r.figures.variance) for r in rows], per_attempt
    )
    dichotomous = all(questions[h].parts == 1 for h in sums if h in questions)
    flags = ia.longest_is_right(
        [[(c[1], c[2]) for c in q.pick_labels()] for q in _single_choices(quiz)]
    )
    return ItemReport(
        quiz_id=quiz.id,
        title=quiz.title,
        place=project_path(quiz.path),
        window=window,
        attempts=totals.n,
        per_attempt=per_attempt,
        mean_percent=pct_totals[0],
        sd_percent=pct_totals[1],
        reliability=alpha,
        reliability_name="KR-20" if dichotomous else "Cronbach's alpha",
        distribution=ia.distribution(percents),
        questions=tuple(rows),
        competencies=competency_rows(
            rows,
            content,
            competency_subtotals(session, attempts, rows) if competency_scores else None,
            {h: q.parts == 1 for h, q in questions.items()},
        ),
        flags=(flags,) if flags else (),
        competency_scores=competency_scores,
    )


def _attempts(quiz_id: str, window: Window, groups: ia.Groups | None = None):
    """Return the window's graded attempts, their totals and group weights, as a subquery."""
    conditions = [Attempt.quiz_id == quiz_id, Attempt.status == "graded"]
    if window.first_only:
        conditions.append(Attempt.number == 1)
    if window.since:
        conditions.append(Attempt.submitted_at >= datetime.combine(window.since, time(), UTC))
    if window.until:
        end = datetime.combine(window.until + timedelta(days=1), time(), UTC)
        conditions.append(Attempt.submitted_at < end)
    total = func.coalesce(Attempt.points, 0.0)
    columns = [Attempt.id.label("id"), total.label("t"), Attempt.percent.label("percent")]
    if groups is not None:
        # The weights of Groups.upper and Groups.lower, once per attempt, not per answer.
        columns += [
            case(
                (total > groups.upper_score, 1.0),
                (total == groups.upper_score, groups.upper_weight),
                else_=0.0,
            ).label("u"),
            case(
                (total < groups.lower_score, 1.0),
                (total == groups.lower_score, groups.lower_weight),
                else_=0.0,
            ).label("l"),
        ]
    return select(*columns).where(*conditions).subquery("attempts")


def _totals_and_versions(quiz_id: str, attempts):
    """Return one query of the attempts by total and percentage (total, percent, count,
    NULL), then the hash of every stored version of the quiz's questions (NULLs, hash)."""
    return union_all(
        select(
            attempts.c.t, attempts.c.percent, func.count(), cast(null(), VersionRow.hash.type)
        ).group_by(attempts.c.t, attempts.c.percent),
        select(cast(null(), Float), cast(null(), Integer), literal(0), VersionRow.hash).where(
            VersionRow.quiz_id == quiz_id
        ),
    )


def _item_sums(session, attempts, groups, pickable, questions):
    """Return the sums of every question version answered, and how often each option was picked.

    One pass over the answers: grouped by version and, for questions with options, by the
    answer given, so the option counts come from the same scan as the sums.
    """
    if groups is None:
        return {}, {}
    x, t, upper, lower = Answer.points, attempts.c.t, attempts.c.u, attempts.c.l
    given = case((Answer.question_version.in_(pickable), cast(Answer.response, Text)), else_=None)
    query = (
        select(
            Answer.question_version,
            given,
            func.count(),
            func.sum(x),
            func.sum(x * x),
            func.sum(t),
            func.sum(t * t),
            func.sum(x * t),
            func.sum(upper),
            func.sum(upper * x),
            func.sum(lower),
            func.sum(lower * x),
        )
        .join(attempts, Answer.attempt_id == attempts.c.id)
        .where(Answer.question_version.is_not(None), Answer.points.is_not(None))
        .group_by(Answer.question_version, given)
    )
    added: dict[str, list[float]] = defaultdict(lambda: [0.0] * 10)
    picked: dict[str, Counter] = defaultdict(Counter)
    for version, response, n, *rest in session.execute(query):
        into = added[version]
        for index, value in enumerate((n, *rest)):
            into[index] += float(value or 0)
        question = questions.get(version)
        if response is not None and question is not None:
            _count_picks(picked[version], question, response, n)
    sums = {version: ia.ItemSums(int(v[0]), *v[1:]) for version, v in added.items()}
    return sums, picked


def _count_picks(into: Counter, question: Question, response: str, count: int) -> None:
    """Add one distinct answer's count to the options it picked."""
    try:
        value = json.loads(response).get("value")
        answer = question.check_answer(value) if value is not None else None
    except (InvalidAnswer, ValueError, AttributeError):
        return
    if answer is None:
        return
    into["_answered"] += count
    for key in question.picks(answer):
        into[key] += count


def _question_rows(quiz, sums, questions, picked, session) -> list[QuestionStats]:
    """Return a row per version answered, in the file's question order, current first."""
    current = {v.hash: qid for qid, v in quiz.versions.items()}
    order = {q.id: n for n, q in enumerate(quiz.questions)}
    sources = _sources(session, [h for h in sums if h not in current])
    path = project_path(quiz.path)
    rows = []
    for version, item in sums.items():
        question = questions.get(version)
        if question is None:
            continue
        place = f"{path}:{question.line}" if version in current else sources.get(version, path)
        counts = picked.get(version, Counter())
        options = option_shares(question, counts)
        figures = ia.item_figures(item, question.points)
        unused = [o.text for o in options if not o.right and o.count == 0]
        rows.append(
            QuestionStats(
                question_id=question.id,
                version=version,
                current=version in current,
                title=question.title,
                text=question.text,
                type_name=question.type_name,
                place=place,
                points=question.points,
                competencies=question.competencies,
                figures=figures,
                options=options,
                flags=ia.item_flags(figures, unused if question.has_distractors else ()),
            )
        )
    rows.sort(key=lambda r: (order.get(r.question_id, len(order)), not r.current, r.version))
    return rows


def _sources(session, hashes: list[str]) -> dict[str, str]:
    """Return where earlier versions came from, as their stored content says."""
    if not hashes:
        return {}
    rows = session.execute(
        select(VersionRow.hash, VersionRow.content).where(VersionRow.hash.in_(hashes))
    )
    return {h: f"content/{c.get('source', '')} (earlier version)" for h, c in rows}


def _single_choices(quiz: Quiz) -> list[Question]:
    return [q for q in quiz.questions if q.type_name == "single-choice"]


def _percent_sums(percents: Mapping[int, int]) -> tuple[float | None, float | None]:
    n = sum(percents.values())
    s = sum(p * c for p, c in percents.items())
    ss = sum(p * p * c for p, c in percents.items())
    return ia.mean_and_sd(ia.TotalSums(n, s, ss))
