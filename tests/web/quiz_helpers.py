"""Helpers for quiz tests: the form a learner who knows (or misses) every answer sends."""

from app.domain.quizzes.attempts import shown_questions
from app.web.quiz_forms import field


def answer_fields(question, *, right: bool) -> dict:
    """Return form fields answering one question rightly (or wrongly)."""
    kind, name = question.type_name, field(question.id)
    if kind in ("single-choice", "true-false"):
        choice = next(c for c in question.choices if c.correct == right)
        return {name: choice.id}
    if kind == "multiple-answers":
        ticked = [c.id for c in question.choices if c.correct == right]
        return {name: ticked, field(question.id, "shown"): "1"}
    if kind == "short-answer":
        return {name: question.answers[0] if right else "no idea at all"}
    if kind == "numeric":
        return {name: str(question.low if right else question.high + 1000)}
    if kind == "matching":
        options = {option.text: option.id for option in question.options}
        pairs = list(question.pairs)
        targets = [p.right for p in pairs] if right else [p.right for p in pairs[1:] + pairs[:1]]
        return {field(question.id, p.id): options[t] for p, t in zip(pairs, targets, strict=True)}
    if kind == "ordering":
        steps = list(question.items) if right else list(reversed(question.items))
        return {field(question.id, step.id): str(n) for n, step in enumerate(steps, start=1)}
    raise AssertionError(kind)


def attempt_form(quiz, selection, *, right: bool) -> dict:
    """Return the fields answering every question of an attempt."""
    data = {}
    for shown in shown_questions(quiz, selection):
        data.update(answer_fields(shown.question, right=right))
    return data
