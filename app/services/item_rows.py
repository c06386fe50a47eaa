"""From the item analysis' sums to its rows: per question version, figures and option shares.

services/item_reads.py reads the sums in one statement; these add up its rows per version,
count the options each distinct answer picked and build a `QuestionStats` per version.
A stored version that differs from another only in what learners neither answer nor are
marked on (where it stood, its `Title:`, its `Screens:`, white space Markdown shows the
same: see domain/quizzes/wording.py) counts in that version's row: today's when it is one.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import replace

from app.domain import item_analysis as ia
from app.domain.item_flags import item_flags
from app.domain.item_report import QuestionStats, option_shares
from app.domain.quizzes import Question
from app.domain.quizzes.base import InvalidAnswer
from app.domain.quizzes.wording import alike_versions

# How a row's place marks a question deleted from the quiz file.
REMOVED = "no longer in the quiz"


def moved_versions(quiz, questions) -> dict[str, str]:
    """Return, for each stored version (of `questions`, by hash) that is another one only
    moved, retitled, re-wrapped or given other screens (`alike_versions`), the version its
    answers count under: today's, else the first by hash of the alike earlier ones."""
    current = {v.hash for v in quiz.versions.values()}
    moved = {}
    for versions in alike_versions(quiz.id, questions):
        counted = min(versions, key=lambda v: (v not in current, v))
        moved.update({v: counted for v in versions if v != counted})
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


def people_per_row(
    people: dict[str, int],
    moved: dict[str, str],
    per_question: dict[str, int] | None = None,
    question_of: dict[str, str] | None = None,
) -> dict[str, tuple[int, bool]]:
    """Return, per row's version, how many people answered it and whether that is exact.

    `people` is per stored version; a row that adds up versions only moved (moved_versions)
    cannot add their people, as one learner may have answered two of them. Where the row
    holds every answered version of its question (`question_of` a version's question id),
    the question's own count (`per_question`) is the row's; otherwise the most of any one
    version, the fewest there can be, marked not exact.
    """
    per_question, question_of = per_question or {}, question_of or {}
    found: dict[str, list[str]] = defaultdict(list)
    for version in people:
        found[moved.get(version, version)].append(version)
    versions_of: dict[str, int] = Counter(question_of.get(v) for v in people)
    rows = {}
    for row, versions in found.items():
        question = question_of.get(row)
        if len(versions) == 1:
            rows[row] = (people[versions[0]], True)  # the row may be a version it moved to
        elif question in per_question and versions_of[question] == len(versions):
            rows[row] = (per_question[question], True)
        else:
            rows[row] = (max(people[v] for v in versions), False)
    return rows


def question_rows(
    quiz,
    path,
    sums,
    questions,
    picked,
    sources,
    moved,
    people=None,
    per_question=None,
    first_answered=None,
) -> list[QuestionStats]:
    """Return a row per version answered, in the file's question order, current first.

    `path` is the quiz file's place; `sources` are the files and lines the stored versions
    came from; `moved` the versions counted as others (moved_versions); `people` and
    `per_question` how many people answered each stored version and each question;
    `first_answered` when each stored version was first answered, which numbers a
    question's earlier versions, oldest first."""
    question_of = {version: question.id for version, question in questions.items()}
    reached = people_per_row(people or {}, moved, per_question, question_of)
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
        status = _status(version, question, current, order)
        counts = picked.get(version, Counter())
        options = option_shares(question, counts)
        count, exact = reached.get(version, (None, True))
        figures = ia.item_figures(item, question.points, count, people_exact=exact)
        unused = [o.text for o in options if not o.right and o.count == 0]
        rows.append(
            QuestionStats(
                question_id=question.id,
                version=version,
                current=status == "current",
                title=question.title,
                text=question.text,
                type_name=question.type_name,
                place=_place(status, question, quiz, path, sources.get(version, "")),
                points=question.points,
                competencies=question.competencies,
                figures=figures,
                options=options,
                flags=item_flags(figures, unused if question.has_distractors else ()),
                moved_from=tuple(sorted(merged.get(version, ()))),
                status=status,
                number=order[question.id] + 1 if question.id in order else None,
            )
        )
    return _earlier_told_apart(rows, order, first_answered or {}, path, quiz)


def _earlier_told_apart(rows, order, first_answered, path, quiz) -> list[QuestionStats]:
    """Sort the rows by question, today's version first, then its earlier versions by when
    they were first answered, each numbered "k of n" when a question has several; so are
    the versions of a question no longer in the quiz, which come last."""

    def first(row) -> tuple:
        found = [
            first_answered[v]
            for v in (row.version, *row.moved_from)
            if first_answered.get(v) is not None
        ]
        return (0, min(found)) if found else (1, None)

    def key(row) -> tuple:
        # A removed question's versions sit together, under its ID.
        removed = "" if row.question_id in order else row.question_id
        place = order.get(row.question_id, len(order))
        return (place, removed, not row.current, first(row), row.version)

    rows = sorted(rows, key=key)
    earlier: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row.status in ("earlier", "removed"):
            earlier[row.question_id].append(index)
    for indexes in earlier.values():
        for k, index in enumerate(indexes, 1):
            row, of = rows[index], len(indexes)
            if row.status == "removed":
                if of > 1:
                    place = _numbered_removed(row.place, k, of)
                    rows[index] = replace(row, earlier=(k, of), place=place)
                continue
            told = f"earlier version {k} of {of}" if of > 1 else "earlier version"
            line = quiz.question(row.question_id).line
            rows[index] = replace(row, earlier=(k, of), place=f"{path}:{line} ({told})")
    return rows


def _numbered_removed(place: str, k: int, of: int) -> str:
    """Return a removed question's place (_place) with which of its versions the row is:
    "(no longer in the quiz; version 1 of 2, was at line 29)"."""
    told = f"{REMOVED}; version {k} of {of}"
    return place.replace(f"{REMOVED}; was", f"{told}, was", 1).replace(f"{REMOVED})", f"{told})", 1)


def with_unanswered_today(rows, quiz, path) -> list[QuestionStats]:
    """Add, under its number, each question of the quiz with answers to earlier versions
    only: today's version, with no answers yet, so its earlier versions sit under it."""
    have_today = {row.question_id for row in rows if row.current}
    answered = {row.question_id for row in rows}
    order = {q.id: n for n, q in enumerate(quiz.questions)}
    added = [
        QuestionStats(
            question_id=question.id,
            version=quiz.versions[question.id].hash,
            current=True,
            title=question.title,
            text=question.text,
            type_name=question.type_name,
            place=f"{path}:{question.line}",
            points=question.points,
            competencies=question.competencies,
            figures=ia.ItemFigures(0, None, None, None, 0.0),
            options=option_shares(question, Counter()),
            flags=(),
            number=order[question.id] + 1,
        )
        for question in quiz.questions
        if question.id in answered and question.id not in have_today
    ]
    if not added:
        return rows
    # Python's sort keeps the order of rows that tie: each earlier version stays in its place.
    return sorted(
        [*rows, *added], key=lambda r: (order.get(r.question_id, len(order)), not r.current)
    )


def _status(version, question, current, order) -> str:
    """Return whether a version is today's, an earlier one of a question still in the quiz,
    or one of a question no longer in it."""
    if version in current:
        return "current"
    return "earlier" if question.id in order else "removed"


def _place(status, question, quiz, path, source) -> str:
    """Return where a row's question is: today's PATH:LINE for it and its earlier versions
    (where an earlier one stood may hold another question now); for a removed one, the file
    it was in and its line there, which is no place to look today."""
    if status == "current":
        return f"{path}:{question.line}"
    if status == "earlier":
        return f"{path}:{quiz.question(question.id).line} (earlier version)"
    file, _, line = source.rpartition(":")
    if not file:
        return f"{path} ({REMOVED})"
    return f"content/{file} ({REMOVED}; was at line {line})"
