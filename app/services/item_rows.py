"""From the item analysis' sums to its rows: per question version, figures and option shares.

services/item_stats.py reads the sums in one statement; these add up its rows per version,
count the options each distinct answer picked and build a `QuestionStats` per version.
A stored version that differs from today's only in where it stood (a question moved in its
file, or the quiz to another file) is today's question: its answers count in today's row.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from app.domain import item_analysis as ia
from app.domain.item_report import QuestionStats, option_shares
from app.domain.quizzes import Question
from app.domain.quizzes.base import InvalidAnswer
from app.domain.quizzes.versions import wording_key


def moved_versions(quiz, questions) -> dict[str, str]:
    """Return, for each stored version (of `questions`, by hash) that is a current one only
    moved, the current version's hash."""
    current = {wording_key(quiz.id, v.question): v.hash for v in quiz.versions.values()}
    moved = {}
    for version, question in questions.items():
        now = current.get(wording_key(quiz.id, question))
        if now is not None and now != version:
            moved[version] = now
    return moved


def item_sums(answers, questions):
    """Return the sums of every question version answered, and how often each option was picked.

    `answers` are (version, answer given or None, count, the sums): added up per version.
    """
    added: dict[str, list[float]] = defaultdict(lambda: [0.0] * 10)
    picked: dict[str, Counter] = defaultdict(Counter)
    for version, response, n, *rest in answers:
        into = added[version]
        for index, value in enumerate((n, *rest)):
            into[index] += float(value or 0)
        question = questions.get(version)
        if response is not None and question is not None:
            count_picks(picked[version], question, response, n)
    sums = {version: ia.ItemSums(int(v[0]), *v[1:]) for version, v in added.items()}
    return sums, picked


def count_picks(into: Counter, question: Question, response: str, count: int) -> None:
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


def question_rows(quiz, path, sums, questions, picked, sources, moved) -> list[QuestionStats]:
    """Return a row per version answered, in the file's question order, current first.

    `path` is the quiz file's place; `sources` are the files the stored versions came from,
    which an earlier one names; `moved` the versions counted as current ones (moved_versions)."""
    merged = defaultdict(list)
    for earlier, now in moved.items():
        merged[now].append(earlier)
    current = {v.hash: qid for qid, v in quiz.versions.items()}
    order = {q.id: n for n, q in enumerate(quiz.questions)}
    rows = []
    for version, item in sums.items():
        question = questions.get(version)
        if question is None:
            continue
        earlier = f"content/{sources[version]} (earlier version)" if version in sources else path
        place = f"{path}:{question.line}" if version in current else earlier
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
                moved_from=tuple(sorted(merged.get(version, ()))),
            )
        )
    rows.sort(key=lambda r: (order.get(r.question_id, len(order)), not r.current, r.version))
    return rows
