"""Grading equals its definition: what each question type keeps to mark quickly (its option
ids as a set, its right answers), an attempt's shown order taken as stored, and answers the
form checked as it was read, give to the last bit what working everything out anew gives.

The plain versions below are the rules as their docstrings state them, written with
nothing kept between calls.
"""

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.domain.quizzes import (
    InvalidAnswer,
    Matching,
    MultipleAnswers,
    Ordering,
    ShortAnswer,
    SingleChoice,
    parse_quiz,
)
from app.domain.quizzes.attempts import Shown, grade, read_answers, shown_questions
from app.domain.quizzes.parts import text_id
from app.domain.quizzes.written_questions import normalise_text

from .conftest import FIXTURES, KNOWN_CODES

QUIZ = parse_quiz(
    (FIXTURES / "every-type.md").read_text(encoding="utf-8"),
    FIXTURES / "every-type.md",
    KNOWN_CODES,
).quiz
QUESTIONS = QUIZ.questions


def plain_check(question, raw):
    """Check an answer as each type's check_answer says, keeping nothing."""
    ids = [option.id for option in question.options]
    if isinstance(question, SingleChoice):
        if isinstance(raw, list | tuple) and len(raw) == 1:
            raw = raw[0]
        if not isinstance(raw, str) or raw.strip() not in ids:
            raise InvalidAnswer("choose one of the options")
        return raw.strip()
    if isinstance(question, MultipleAnswers):
        raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list | tuple) or not all(isinstance(i, str) for i in raw):
            raise InvalidAnswer("choose from the options")
        ticked = frozenset(i.strip() for i in raw)
        if not all(i in ids for i in ticked):
            raise InvalidAnswer("choose from the options given")
        return ticked
    if isinstance(question, Ordering):
        if isinstance(raw, str) or not isinstance(raw, list | tuple):
            raise InvalidAnswer("put every step in order")
        if not all(isinstance(step, str) for step in raw):
            raise InvalidAnswer("put every step in order")
        order = tuple(step.strip() for step in raw)
        if sorted(order) != sorted(ids):
            raise InvalidAnswer("put every step in order, each once")
        return order
    if isinstance(question, Matching):
        if not isinstance(raw, dict):
            raise InvalidAnswer("choose an option for each item")
        prompts = [pair.id for pair in question.pairs]
        chosen = []
        for prompt, option in raw.items():
            if prompt not in prompts or (option and option not in ids):
                raise InvalidAnswer("choose from the options given")
            if option:
                chosen.append((prompt, option))
        return tuple(sorted(chosen))
    return question.check_answer(raw)  # typed answers: nothing kept to check them


def plain_score(question, answer) -> float:
    """Score a checked answer as each type's score says, keeping nothing."""
    if isinstance(question, SingleChoice):
        return 1.0 if any(c.correct and c.id == answer for c in question.choices) else 0.0
    if isinstance(question, MultipleAnswers):
        right = [c for c in question.choices if c.correct]
        wrong = [c for c in question.choices if not c.correct]
        earned = sum(1 for c in right if c.id in answer) / len(right)
        lost = sum(1 for c in wrong if c.id in answer) / len(wrong) if wrong else 0.0
        return max(0.0, earned - lost)
    if isinstance(question, Matching):
        right = {(pair.id, text_id(pair.right)) for pair in question.pairs}
        return sum(1 for chosen in answer if chosen in right) / len(question.pairs)
    if isinstance(question, ShortAnswer):
        return 1.0 if answer in {normalise_text(a) for a in question.answers} else 0.0
    return question.score(answer)  # the others keep nothing to score


def plain_order(question, stored) -> tuple[str, ...]:
    """Return the shown order: the stored ids the question still has, then the rest."""
    known = set(question.option_ids)
    order = tuple(i for i in stored if i in known)
    return order + tuple(i for i in question.option_ids if i not in order)


def some_answer(question, rng: random.Random):
    """Return an answer a form could send: often a good one, sometimes not."""
    ids = list(question.option_ids) + ["zz", " a ", ""]
    if isinstance(question, Matching):
        return {pair.id: rng.choice(ids) for pair in question.pairs}
    if isinstance(question, Ordering):
        steps = list(question.option_ids)
        rng.shuffle(steps)
        return steps if rng.random() < 0.8 else steps[:-1]
    if isinstance(question, MultipleAnswers):
        return rng.sample(ids, rng.randint(0, len(ids)))
    if isinstance(question, SingleChoice):
        return rng.choice(ids)
    return rng.choice(["", "42", "3.5", "link worker", " Link  Worker ", "no idea"])


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False))
def test_each_type_checks_and_scores_answers_as_its_definition(rng):
    for question in QUESTIONS:
        raw = some_answer(question, rng)
        try:
            expected = plain_check(question, raw)
        except InvalidAnswer:
            try:
                question.check_answer(raw)
            except InvalidAnswer:
                continue
            raise AssertionError(f"{question.id} accepted {raw!r}") from None
        answer = question.check_answer(raw)
        assert answer == expected
        assert repr(question.score(answer)) == repr(plain_score(question, answer))


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False))
def test_an_attempts_shown_order_is_the_stored_one_with_what_it_misses(rng):
    selection = []
    for question in QUESTIONS:
        ids = list(question.option_ids) + ["gone", "also-gone"]
        kind = rng.randrange(4)
        if kind == 0:  # every option once, as an attempt stores it
            order = rng.sample(list(question.option_ids), len(question.option_ids))
        elif kind == 1:  # from before an edit: some gone, some new
            order = rng.sample(ids, rng.randint(0, len(ids)))
        elif kind == 2:  # an id twice
            order = list(question.option_ids) + list(question.option_ids[:1])
        else:
            order = list(question.option_ids)[:-1] + ["gone"]
        selection.append({"question": question.id, "version": question.id, "order": order})
    versions = {question.id: question for question in QUESTIONS}
    shown, missing = shown_questions(selection, versions)
    assert missing == ()
    for item, entry in zip(shown, selection, strict=True):
        assert item.order == plain_order(item.question, entry["order"])


def form_for(answers: dict) -> MultiDict:
    """Return the form fields that send these answers, each question marked as shown."""
    form = MultiDict()
    for question in QUESTIONS:
        form.add(question.marker_field, "1")
        for name, values in question.form_fields(answers.get(question.id)).items():
            for value in values:
                form.add(name, value)
    return form


@settings(max_examples=200, deadline=None)
@given(st.randoms(use_true_random=False), st.sampled_from([0, 50, 80, 100]))
def test_a_grade_from_answers_checked_as_read_is_the_grade_worked_out_anew(rng, pass_mark):
    shown = tuple(
        Shown(number, question, question.id, question.option_ids)
        for number, question in enumerate(QUESTIONS, 1)
    )
    answers = {}
    for question in QUESTIONS:
        raw = some_answer(question, rng)
        try:
            question.check_answer(raw)
        except InvalidAnswer:
            continue
        answers[question.id] = raw
    read = read_answers(shown, form_for(answers))
    assert read.checked.keys() == read.given.keys()
    for qid, value in read.given.items():
        assert read.checked[qid] == next(q for q in QUESTIONS if q.id == qid).check_answer(value)
    given = dict(read.given)
    fresh = grade(shown, given, pass_mark)
    quick = grade(shown, given, pass_mark, read.checked)
    assert repr(quick) == repr(fresh)
    for marked in quick.marked:
        question = marked.question
        raw = given.get(question.id)
        plain = plain_score(question, plain_check(question, raw)) if raw is not None else 0
        assert repr(marked.fraction) == repr(plain)
