"""Item analysis of a quiz: the database adds up, domain/item_analysis.py does the maths.

services/item_reads.py reads the sums in one statement; this module finds the quiz, works
the sums into figures per question version and competency, and returns the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from app import db
from app.config import PROJECT_ROOT
from app.content import catalogue
from app.domain import item_analysis as ia
from app.domain.content import Catalogue
from app.domain.item_flags import longest_is_right, reliability_flag
from app.domain.item_report import ItemReport, QuizHeading, Window, competency_rows
from app.domain.quizzes import Question
from app.domain.quizzes.model import Quiz
from app.services import item_reads, quiz_versions
from app.services.item_competencies import known_aligned, read_subtotals
from app.services.item_rows import (
    item_sums,
    moved_versions,
    question_rows,
    with_unanswered_today,
)
from app.services.passes import ASSESSMENT


def find_quiz(quiz_id: str, content: Catalogue) -> Quiz | None:
    """Return the assessment or knowledge check with this id, or None."""
    for module in content.modules:
        if module.assessment is not None and module.assessment.id == quiz_id:
            return module.assessment
        for screen in module.screens:
            if screen.knowledge_check is not None and screen.knowledge_check.id == quiz_id:
                return screen.knowledge_check
    return None


def heading(quiz_id: str, content: Catalogue) -> QuizHeading | None:
    """Return what names a quiz's analysis page without its figures, or None: no such quiz."""
    quiz = find_quiz(quiz_id, content)
    return None if quiz is None else QuizHeading(quiz.id, quiz.title, project_path(quiz.path))


def quiz_ids(quiz: Quiz, content: Catalogue):
    """Return the id whose attempts are at this quiz, or SELECT of the ids: a module's
    quiz given a new id in its module keeps the attempts taken under the ids it had
    (passes.AT_MODULE_QUIZ). Their question versions are other versions (a version's hash
    holds its quiz's id); a question unchanged counts as today's, as one only moved does."""
    if quiz.kind != ASSESSMENT:
        return quiz.id
    served = [
        found.id
        for module in content.modules
        for found in (module.assessment, *(s.knowledge_check for s in module.screens))
        if found is not None
    ]
    return item_reads.at_module_quiz(quiz.id, quiz.module, served)


def quiz_now(quiz_id: str, content: Catalogue) -> str | None:
    """Return the id a module's quiz has now, when `quiz_id` is one it had before in its
    module (its item analysis, under the id it has now, holds the earlier attempts)."""
    if find_quiz(quiz_id, content) is not None:
        return None
    slug = item_reads.module_of(quiz_id)
    module = content.module(slug) if slug is not None else None
    return module.assessment.id if module is not None and module.assessment else None


def project_path(path: str) -> str:
    """Return a file's path relative to the project when it lies inside it."""
    resolved = Path(path).resolve()
    root = Path(PROJECT_ROOT).resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(path)


def item_report(
    quiz_id: str, window: Window | None = None, *, competency_scores: bool = False
) -> ItemReport | None:
    """Return the item analysis of a quiz over the attempts the window takes, or None.

    With `competency_scores`, also each competency's reliability and score bands: more
    branches of the statement that read every answer again, so they are asked for rather
    than always run.
    """
    window = window or Window()
    content = catalogue()
    quiz = find_quiz(quiz_id, content)
    if quiz is None:
        return None
    session = db.session()
    ids = quiz_ids(quiz, content)
    attempts = item_reads.graded_attempts(ids, window)
    current = [v.hash for v in quiz.versions.values()]
    known = known_aligned(quiz) if competency_scores else None
    found = item_reads.read_sums(ids, attempts, current, known)
    counts, percents = found.counts, found.percents
    totals = ia.TotalSums(
        sum(counts.values()),
        sum(t * n for t, n in counts.items()),
        sum(t * t * n for t, n in counts.items()),
    )
    pct_totals = _percent_sums(percents)
    # Today's questions too: answers to a version only moved count in today's row, which
    # may not be stored yet.
    today = {v.hash: v.question for v in quiz.versions.values()}
    questions = {**today, **quiz_versions.questions(session, found.sources)}
    moved = moved_versions(quiz, questions)
    answers = [(moved.get(v, v), *rest) for v, *rest in found.answers] if moved else found.answers
    sums, picked = item_sums(answers, questions)
    path = project_path(quiz.path)
    rows = question_rows(
        quiz,
        path,
        sums,
        questions,
        picked,
        found.sources,
        moved,
        found.people_by_version,
        found.people_by_question,
        found.first_answered,
    )
    # Questions marked per attempt, from the answers themselves: pools and edits included.
    per_attempt = round(sum(s.n for s in sums.values()) / totals.n) if totals.n else 0
    alpha = ia.reliability(
        totals, [(sums[r.version], r.figures.variance) for r in rows], per_attempt
    )
    # KR-20 is alpha for questions marked right or wrong only: named by the versions the
    # figure comes from, or with no answers by the quiz's questions (never by default).
    marked = [questions[h] for h in sums if h in questions] or quiz.questions
    dichotomous = all(question.parts == 1 for question in marked)
    subtotals = None
    if known is not None:
        subtotals = read_subtotals(session, attempts, quiz, known, found, questions, rows)
    flags = (
        reliability_flag(alpha, totals.n, found.people),
        longest_is_right([[(c[1], c[2]) for c in q.pick_labels()] for q in _single_choices(quiz)]),
    )
    return ItemReport(
        quiz_id=quiz.id,
        title=quiz.title,
        place=project_path(quiz.path),
        window=window,
        attempts=totals.n,
        people=found.people,
        per_attempt=per_attempt,
        questions_per_attempt=(min(found.shown), max(found.shown)) if found.shown else None,
        mean_percent=pct_totals[0],
        sd_percent=pct_totals[1],
        reliability=alpha,
        reliability_name="KR-20" if dichotomous else "Cronbach's alpha",
        distribution=ia.distribution(percents),
        # Figures and competencies above come from the answered rows alone.
        questions=tuple(with_unanswered_today(rows, quiz, path)),
        competencies=competency_rows(
            rows,
            content,
            subtotals,
            {h: q.parts == 1 for h, q in questions.items()},
        ),
        flags=tuple(flag for flag in flags if flag),
        competency_scores=competency_scores,
    )


def _single_choices(quiz: Quiz) -> list[Question]:
    return [q for q in quiz.questions if q.type_name == "single-choice"]


def _percent_sums(percents: Mapping[int, int]) -> tuple[float | None, float | None]:
    n = sum(percents.values())
    s = sum(p * c for p, c in percents.items())
    ss = sum(p * p * c for p, c in percents.items())
    return ia.mean_and_sd(ia.TotalSums(n, s, ss))
