"""Turn quiz form fields into the answers the question types check, and back."""

from werkzeug.datastructures import MultiDict

from app.domain.quizzes import InvalidAnswer
from app.domain.quizzes.attempts import Shown

SINGLE_VALUE = ("single-choice", "true-false", "short-answer", "numeric")


def field(question_id: str, *parts: str) -> str:
    """Return the form field name for a question (and a part of it)."""
    return ".".join(("q", question_id, *parts))


def answers_from_form(shown: tuple[Shown, ...], form: MultiDict) -> dict:
    """Return the answers a form carries, by question id; blank questions are left out."""
    answers = {}
    for item in shown:
        question, kind = item.question, item.question.type_name
        if kind in SINGLE_VALUE:
            value = form.get(field(question.id), "")
            if value.strip():
                answers[question.id] = value
        elif kind == "multiple-answers":
            # A marker field tells "ticked nothing" apart from "question not on this form".
            if field(question.id, "shown") in form:
                answers[question.id] = form.getlist(field(question.id))
        elif kind == "matching":
            chosen = {pair.id: form.get(field(question.id, pair.id), "") for pair in question.pairs}
            if any(chosen.values()):
                answers[question.id] = chosen
        elif kind == "ordering":
            order = _order(question, form)
            if order is not None:
                answers[question.id] = order
    return answers


def _order(question, form: MultiDict) -> list[str] | None:
    positions = {step.id: form.get(field(question.id, step.id), "") for step in question.items}
    if not any(positions.values()):
        return None
    try:
        numbers = {step: int(position) for step, position in positions.items()}
    except ValueError:
        raise InvalidAnswer(f"{question.title or 'question'}: give every step a position") from None
    if sorted(numbers.values()) != list(range(1, len(numbers) + 1)):
        count = len(numbers)
        raise InvalidAnswer(
            f"{question.title or 'question'}: give each step a different position, 1 to {count}"
        )
    return sorted(numbers, key=numbers.get)


def form_values(shown: Shown, answer) -> dict:
    """Return what each field of a question should show, from a saved answer."""
    kind = shown.question.type_name
    if answer is None:
        return {}
    if kind == "multiple-answers":
        return {"ticked": set(answer)}
    if kind == "matching":
        return {"chosen": dict(answer)}
    if kind == "ordering":
        return {"positions": {step: n for n, step in enumerate(answer, start=1)}}
    return {"value": answer}
