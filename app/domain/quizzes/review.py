"""What a learner reads about each question after answering: the review that teaches.

A review is plain values for the template: the learner's own answer, how right it was,
the feedback the trainer wrote (general, for a right or wrong answer, and under each
option they picked), and the correct answer when the quiz's reveal rule allows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .attempts import Missing, Shown
from .base import Question
from .model import AnswerPart

VERDICTS = {
    "right": "Correct",
    "part": "Partly correct",
    "wrong": "Not correct",
    "unanswered": "Not answered",
    "removed": "No longer available",
    "preview": "Preview",
}


# Words a trainer may open right or wrong feedback with that only say the verdict again:
# the verdict is shown above the feedback ("Not correct"), so the page leaves them out and
# says it once ("Not correct", then "Their shared diagnosis tells you little...").
_SAID_AGAIN = {
    "right": ("Correct", "Right", "Yes", "That's right", "That\u2019s right"),
    "wrong": ("Not correct", "Not quite", "Not this time", "Incorrect", "Wrong", "No"),
}
_SAID_AGAIN["part"] = _SAID_AGAIN["wrong"]
_OPENING = {
    verdict: re.compile(
        r"(\*\*|__|\*|_)?(?:" + "|".join(map(re.escape, words)) + r")[.!]\1?(?:\s+|$)",
        re.IGNORECASE,
    )
    for verdict, words in _SAID_AGAIN.items()
}


@dataclass(frozen=True)
class Review:
    """One question of a graded attempt (or a trainer's preview), ready to show."""

    number: int
    question_id: str
    text: str
    verdict: str
    your_answer: tuple[AnswerPart, ...]
    feedback: tuple[str, ...]
    choice_feedback: tuple[tuple[str, str], ...]
    correct_answer: tuple[str, ...]
    competencies: tuple[str, ...]
    screens: tuple[str, ...]
    earned: float
    points: float
    # How many of `feedback`, from its start, the trainer wrote for this verdict (the right
    # or wrong answer's feedback): shown with the verdict, the general explanation after.
    with_verdict: int = 0

    @property
    def verdict_text(self) -> str:
        """Return the verdict in words: Correct, Partly correct, Not correct, ..."""
        return VERDICTS[self.verdict]

    @property
    def answered(self) -> tuple[tuple[AnswerPart, str], ...]:
        """Return each part of the learner's answer with the note written on that option.

        The note sits under the option it is about, so the option is said once, not again
        under "You chose" further down.
        """
        notes = dict(self.choice_feedback)
        return tuple((part, notes.get(part.text, "")) for part in self.your_answer)

    @property
    def notes_apart(self) -> tuple[tuple[str, str], ...]:
        """Return the notes on options picked that no line of the answer shows as written."""
        shown = {part.text for part in self.your_answer}
        return tuple((choice, text) for choice, text in self.choice_feedback if choice not in shown)

    @property
    def answer_was_correct_answer(self) -> bool:
        """Say whether the answer given is the correct answer shown, line for line.

        A right answer is then shown once, said to be correct, rather than again under
        "Correct answer". A right answer that differs from it (one of several accepted, a
        number in a range) keeps both.
        """
        given = tuple(_plain(part.text) for part in self.your_answer)
        return (
            self.verdict == "right"
            and bool(self.correct_answer)
            and given == tuple(_plain(line) for line in self.correct_answer)
        )

    @property
    def verdict_feedback(self) -> tuple[str, ...]:
        """Return the feedback written for this verdict, said with it."""
        return self.feedback[: self.with_verdict]

    @property
    def explanation(self) -> tuple[str, ...]:
        """Return the feedback for every answer: the general explanation."""
        return self.feedback[self.with_verdict :]


def review(shown: Shown, answer: Any, earned: float, *, reveal: bool) -> Review:
    """Review a question as graded: `earned` is the points stored when it was graded."""
    question = shown.question
    fraction = earned / question.points if question.points else 0.0
    verdict = _verdict(fraction, answered=answer is not None)
    feedback = question.feedback
    said = []
    if verdict == "right" and feedback.correct:
        said.append(explanation(feedback.correct, verdict))
    if verdict in ("part", "wrong") and feedback.incorrect:
        said.append(explanation(feedback.incorrect, verdict))
    said = [text for text in said if text]
    with_verdict = len(said)
    if feedback.general:
        said.append(feedback.general)
    return Review(
        number=shown.number,
        question_id=question.id,
        text=question.text,
        verdict=verdict,
        your_answer=() if answer is None else question.describe(answer, reveal),
        feedback=tuple(said),
        choice_feedback=()
        if answer is None
        else _said_once(question.chosen_feedback(answer), verdict),
        correct_answer=question.correct_lines() if reveal else (),
        competencies=question.competencies,
        screens=question.screens,
        earned=earned,
        points=question.points,
        with_verdict=with_verdict,
    )


def removed(missing: Missing, earned: float, points: float) -> Review:
    """Review a question whose text was never kept: only its stored mark is known."""
    return Review(
        number=missing.number,
        question_id=missing.question_id,
        text="",
        verdict="removed",
        your_answer=(),
        feedback=(),
        choice_feedback=(),
        correct_answer=(),
        competencies=(),
        screens=(),
        earned=earned,
        points=points,
    )


def preview(number: int, question: Question) -> Review:
    """Show a trainer a question with its correct answer and every piece of feedback."""
    feedback = question.feedback
    every_choice = question.chosen_feedback([option.id for option in question.options])
    return Review(
        number=number,
        question_id=question.id,
        text=question.text,
        verdict="preview",
        your_answer=(),
        feedback=tuple(
            f"{label}{text}"
            for label, text in (
                ("", feedback.general),
                ("When right: ", feedback.correct),
                ("When wrong: ", feedback.incorrect),
            )
            if text
        ),
        choice_feedback=every_choice,
        correct_answer=question.correct_lines(),
        competencies=question.competencies,
        screens=question.screens,
        earned=question.points,
        points=question.points,
    )


def _plain(text: str) -> str:
    # Spacing and case make no other answer (a typed answer is marked without them).
    return " ".join(text.split()).casefold()


def explanation(feedback: str, verdict: str) -> str:
    """Return the feedback for a right or wrong answer without an opening that only says
    the verdict again ("Not quite. Their shared diagnosis..." after "Not correct")."""
    opening = _OPENING[verdict].match(feedback)
    return feedback[opening.end() :] if opening else feedback


def _said_once(chosen: tuple[tuple[str, str], ...], verdict: str) -> tuple[tuple[str, str], ...]:
    """Return the feedback under each option picked without an opening that says the
    verdict again ("Not this time." under "Not correct": a GIFT import makes Moodle's
    per-answer "#Not quite." into exactly this); an option whose feedback is only that
    opening shows none."""
    said = ((choice, explanation(text, verdict)) for choice, text in chosen)
    return tuple((choice, text) for choice, text in said if text)


def _verdict(fraction: float, *, answered: bool) -> str:
    if not answered:
        return "unanswered"
    if fraction >= 1 - 1e-9:
        return "right"
    return "part" if fraction > 0 else "wrong"
