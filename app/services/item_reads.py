"""Item analysis's one statement over a quiz's graded attempts, and its rows sorted by kind.

The statement filters the attempts (first attempts only, a date range) and reads: the
attempts by total and percentage (the count, the sums of totals and the top and bottom 27%
come from these), the quiz's stored question versions with their source files, and per
question version, item score and distinct answer to the questions learners pick from, the
count and the sums of the attempts' totals and group weights. On PostgreSQL the answers are
added up by parallel workers (no WITH query is joined to them). A competency's subtotals per
attempt (services/item_competencies.py), when asked for, are more branches of the same
statement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import (
    BigInteger,
    Float,
    Select,
    String,
    Text,
    case,
    cast,
    exists,
    func,
    literal,
    select,
    union,
)

from app import db
from app.domain.filter_days import filter_moments
from app.domain.item_report import Window
from app.domain.quizzes import QUESTION_TYPES, Question
from app.models import Answer, Attempt
from app.models import QuestionVersion as VersionRow
from app.services import tagged_rows
from app.services.item_competencies import Aligned, subtotal_terms, subtotals_of
from app.services.passes import ASSESSMENT

# The question types whose answers pick options (choices, pairs, steps): their answers are
# counted apart, for each option's share.
PICKABLE = tuple(
    name for name, kind in QUESTION_TYPES.items() if kind.pick_labels is not Question.pick_labels
)


def at_module_quiz(quiz_id: str, module_slug: str, served: Sequence[str]) -> Select:
    """Return SELECT of the ids whose attempts are at a module's quiz: today's, and those it
    had before in the module (ids no quiz is served under now whose attempts were at the
    module's quiz: passes.AT_MODULE_QUIZ).

    The earlier ids are read from the stored question versions (one row a question and
    edit), each id's attempts asked through the index that starts with the quiz id; used
    as `IN (this)`, so the item analysis stays one statement.
    """
    at_quiz = exists().where(
        Attempt.quiz_id == VersionRow.quiz_id,
        Attempt.module_slug == module_slug,
        Attempt.quiz_settings["kind"].as_string() == ASSESSMENT,
    )
    earlier = select(VersionRow.quiz_id).where(VersionRow.quiz_id.not_in(served), at_quiz)
    return union(select(literal(quiz_id, String)), earlier)


def module_of(quiz_id: str) -> str | None:
    """Return the module whose quiz had this id, from an attempt at it (None: none known)."""
    found = select(Attempt.module_slug).where(
        Attempt.quiz_id == quiz_id, Attempt.quiz_settings["kind"].as_string() == ASSESSMENT
    )
    return db.session().scalar(found.limit(1))


def _of_quiz(column, quiz: str | Select):
    # A quiz's id, or SELECT of the ids it has had (at_module_quiz).
    return column == quiz if isinstance(quiz, str) else column.in_(quiz)


def graded_attempts(quiz: str | Select, window: Window):
    """Return the window's graded attempts at the quiz (its id, or SELECT of the ids it has
    had) and their totals, as a subquery."""
    conditions = [_of_quiz(Attempt.quiz_id, quiz), Attempt.status == "graded"]
    if window.first_only:
        conditions.append(Attempt.number == 1)
    start, end = filter_moments(window.since, window.until)
    if start:
        conditions.append(Attempt.submitted_at >= start)
    if end:
        conditions.append(Attempt.submitted_at < end)
    total = func.coalesce(Attempt.points, 0.0)
    columns = [
        Attempt.id.label("id"),
        Attempt.user_id.label("person"),
        total.label("t"),
        Attempt.percent.label("percent"),
        # The points it could earn: its score is points over these, as exact as they are (the
        # stored percent is rounded down to a whole number, for the learner's result).
        Attempt.points_possible.label("possible"),
        # The questions the attempt showed, as recorded: a quiz changed since had others.
        func.json_array_length(Attempt.selection).label("k"),
    ]
    return select(*columns).where(*conditions).subquery("attempts")


def attempt_totals(attempts):
    """Return the attempts' count per total, points possible, percentage and questions shown,
    as a WITH query."""
    columns = (attempts.c.t, attempts.c.possible, attempts.c.percent, attempts.c.k)
    return select(*columns, func.count().label("n")).group_by(*columns).cte("totals")


def weighted_attempts(attempts, totals):
    """Return the attempts with their weights in the upper (u) and lower (l) 27% groups.

    The groups are `ia.groups` worked out in SQL from the attempts' count per total
    (`totals`): the total at which each group fills up, walking the totals down (up), and
    the share of the attempts tied there that it has room for. The two cuts are one row
    each, read as uncorrelated subqueries: PostgreSQL works them out once, before the
    answers are read, and hands them to parallel workers; a join would keep the answers'
    aggregate out of the workers.
    """
    by_total = select(totals.c.t, func.sum(totals.c.n).label("n")).group_by(totals.c.t).subquery()
    # 27% of the attempts rounded up: at least one attempt.
    size = select((27 * cast(func.sum(totals.c.n), BigInteger) + 99) // 100).scalar_subquery()

    def cut(down: bool):
        order = by_total.c.t.desc() if down else by_total.c.t
        taken = func.sum(by_total.c.n).over(order_by=order)
        filled = select(by_total.c.t, by_total.c.n, taken.label("taken")).subquery()
        share = cast(size - (filled.c.taken - filled.c.n), Float) / cast(filled.c.n, Float)
        first = select(filled.c.t, share.label("share")).where(filled.c.taken >= size)
        first = first.order_by(filled.c.t.desc() if down else filled.c.t).limit(1)
        found = first.cte("upper" if down else "lower")
        return select(found.c.t).scalar_subquery(), select(found.c.share).scalar_subquery()

    (upper_t, upper_share), (lower_t, lower_share) = cut(True), cut(False)
    t = attempts.c.t
    return select(
        attempts.c.id,
        t,
        case((t > upper_t, 1.0), (t == upper_t, upper_share), else_=0.0).label("u"),
        case((t < lower_t, 1.0), (t == lower_t, lower_share), else_=0.0).label("l"),
    ).subquery("weighted")


class Read(NamedTuple):
    """What the one statement reads: attempts by total, by score (a percentage, unrounded)
    and by questions shown, the source of each stored version of the quiz's questions, the
    answers' sums and the competencies' subtotals, if asked for (see `statement`)."""

    counts: Counter
    percents: Counter
    shown: Counter
    sources: dict[str, str]
    answers: list[tuple]
    subtotals: dict
    # How many people the attempts are by, and per question version how many answered it:
    # a knowledge check may be taken again and again by one learner.
    people: int = 0
    people_by_version: dict[str, int] | None = None
    # Per question id, over all its versions: exact for a row that adds up versions only
    # moved (services/item_rows.people_per_row).
    people_by_question: dict[str, int] | None = None
    # Per question version, when its first answer counted here was given: earlier versions
    # of one question are told apart in that order.
    first_answered: dict | None = None


# A version and the answer given (texts), a count, then the item score and four sums; a
# competency's subtotal row fills a text, both numbers and two reals.
# A question version's "people" row also has when its first answer was given.
ROWS = tagged_rows.Layout(text=2, number=2, real=5, at=1)


def read_sums(quiz: str | Select, attempts, current: list[str], aligned=None) -> Read:
    """Run `statement` and sort its rows out by kind."""
    found = ROWS.read(statement(quiz, attempts, current, aligned))
    people, per_question, first = {}, {}, {}
    for row in found.get("people", ()):
        people[row.text[0]] = row.number[0]
        if row.text[0] is not None and row.at[0] is not None:
            first[row.text[0]] = row.at[0]
    for row in found.get("people-question", ()):
        per_question[row.text[0]] = row.number[0]
    read = Read(
        Counter(),
        Counter(),
        Counter(),
        {},
        [],
        {},
        people.pop(None, 0),
        people,
        per_question,
        first,
    )
    for row in found.get("total", ()):
        (n, shown), (total, percent, possible, *_) = row.number, row.real
        read.counts[float(total)] += n
        read.percents[score_percent(total, possible, percent)] += n
        read.shown[int(shown or 0)] += n
    for row in found.get("version", ()):
        version, source = row.text
        read.sources[version] = source or ""
    for row in found.get("answer", ()):
        (version, given), n, (x, sum_t, sum_tt, upper, lower) = row.text, row.number[0], row.real
        # Every answer of a group scored x: its sums of x are x times its count and sums.
        x = float(x)
        read.answers.append(
            (
                version,
                given,
                n,
                x * n,
                x * x * n,
                sum_t,
                sum_tt,
                x * sum_t,
                upper,
                x * upper,
                lower,
                x * lower,
            )
        )
    # (code, subtotal, possible, questions, attempts), as subtotals_of takes them.
    competencies = found.get("competency", ())
    read.subtotals.update(subtotals_of((r.text[0], *r.real[:2], *r.number) for r in competencies))
    return read


def score_percent(total, possible, stored) -> float:
    """Return an attempt's score as a percentage of the points it could earn, unrounded;
    its stored percentage (a whole number, rounded down) where its points possible are not
    known."""
    if possible:
        # Multiplying before dividing keeps a whole score exact (7 of 10 is 70).
        return 100 * float(total) / float(possible)
    return float(int(stored or 0))


def statement(
    quiz: str | Select, attempts, current: list[str], aligned: list[Aligned] | None = None
):
    """Return the branches of one query of three kinds of row (see ROWS), four with `aligned`
    (`quiz` its id, or SELECT of the ids it has had):

    - "total": the attempts by total, points possible, percentage and questions shown;
    - "version": each stored version of the quiz's questions, and the file it came from;
    - "answer": per question version, item score and, for the questions learners pick
      from, distinct answer: the count and the sums of the attempts' totals, squared
      totals and weights in the upper and lower groups (`read_sums` makes them `ia.ItemSums`).
      Grouped by the score instead of summing it answer by answer: fewer sums per answer.
    - "people": how many people took the attempts (no version), and per question version
      how many answered it (a knowledge check may be answered again and again) and when
      first, and
      "people-question" the same per question id, over all its versions;
    - "competency", for each code the `aligned` versions count for: the attempts per
      subtotal, possible and questions (see services/item_competencies.py).
    """
    totals = attempt_totals(attempts)
    weighted = weighted_attempts(attempts, totals)
    x, t = Answer.points, weighted.c.t
    # The answer given, but none for the questions learners do not pick from (a short
    # answer, a number): asked as "one of those?", because most quizzes have none and
    # PostgreSQL answers that for an empty list without looking the version up, where
    # "one of the pickable?" cost a sixth of the statement's CPU.
    unpickable = select(VersionRow.hash).where(
        _of_quiz(VersionRow.quiz_id, quiz), VersionRow.type_name.not_in(PICKABLE)
    )
    given = case((Answer.question_version.in_(unpickable), None), else_=cast(Answer.response, Text))
    source = VersionRow.content["source"].as_string()
    competencies = [
        ROWS.branch(
            "competency",
            text=[literal(term.code)],
            number=[term.questions, func.count()],
            real=[term.subtotal, term.possible],
        )
        .where(term.questions > 0)
        .group_by(term.subtotal, term.possible, term.questions)
        for term in subtotal_terms(attempts, aligned or [])
    ]
    return (
        ROWS.branch(
            "total",
            number=[totals.c.n, totals.c.k],
            real=[totals.c.t, cast(totals.c.percent, Float), totals.c.possible],
        ),
        ROWS.branch(
            "version",
            # Where an earlier version came from (a current one names its own line).
            text=[VersionRow.hash, case((VersionRow.hash.in_(current), None), else_=source)],
        ).where(_of_quiz(VersionRow.quiz_id, quiz)),
        ROWS.branch(
            "answer",
            text=[Answer.question_version, given],
            number=[func.count()],
            real=[x, func.sum(t), func.sum(t * t), func.sum(weighted.c.u), func.sum(weighted.c.l)],
        )
        .join(weighted, Answer.attempt_id == weighted.c.id)
        .where(Answer.question_version.is_not(None), x.is_not(None))
        .group_by(Answer.question_version, given, x),
        ROWS.branch("people", number=[func.count(func.distinct(attempts.c.person))]),
        ROWS.branch(
            "people",
            text=[Answer.question_version],
            number=[func.count(func.distinct(attempts.c.person))],
            at=[func.min(Answer.saved_at)],
        )
        .join(attempts, Answer.attempt_id == attempts.c.id)
        .where(Answer.question_version.is_not(None), x.is_not(None))
        .group_by(Answer.question_version),
        ROWS.branch(
            "people-question",
            text=[Answer.question_id],
            number=[func.count(func.distinct(attempts.c.person))],
        )
        .join(attempts, Answer.attempt_id == attempts.c.id)
        .where(Answer.question_version.is_not(None), x.is_not(None))
        .group_by(Answer.question_id),
        *competencies,
    )
