"""Write each GIFT question as the Linkwise question type closest to Moodle's, honestly.

Linkwise gives no partial credit for a wrong single choice, takes 1/n away for each of n
wrong ticks, accepts only fully right typed answers and one number or range: where
Moodle's weights differ, a warning says so at the answer's line.
"""

from __future__ import annotations

import re

from app.domain.quizzes.written_questions import normalise_text

from .checked import QuizWriter
from .gift_model import GiftAnswer, GiftQuestion
from .gift_text import markdown as _markdown

NUMBER = r"[+-]?[0-9]+(?:\.[0-9]+)?"
TOLERANCE = re.compile(rf"^({NUMBER})\s*:\s*({NUMBER})$")
RANGE = re.compile(rf"^({NUMBER})\s*\.\.\s*({NUMBER})$")
EXACT = re.compile(rf"^{NUMBER}$")
CLOSE = 0.01  # percentage points: Moodle stores 33.33333% for a third


def write_question(question: GiftQuestion, number: int, writer: QuizWriter) -> None:
    """Write one kept question after its ID line, or record why it cannot be written."""
    if question.title:
        writer.add(f"Title: {_one_line(question.title)}", question.line)
    text = _markdown(question.text, question, writer)
    if not text.strip():
        writer.error(
            question.line,
            f"question {question.number} has no question text: write it before the '{{'",
        )
        return
    write = {
        "truefalse": _true_false,
        "multichoice": _choices,
        "shortanswer": _short_answers,
        "numerical": _numeric,
        "match": _matching,
    }[question.kind]
    write(question, number, text, writer)


def _true_false(question: GiftQuestion, number: int, text: str, writer: QuizWriter) -> None:
    wrong, right = question.true_false_feedback
    writer.add("Type: true-false", question.line)
    _stem(number, text, question, writer)
    # Moodle shows the first feedback to whoever answers wrongly, the second when right.
    for value in (True, False):
        mark = "*" if value == question.is_true else ""
        writer.add(
            _marked(f"{mark}{'a' if value else 'b'})", "True" if value else "False"), question.line
        )
        feedback = right if value == question.is_true else wrong
        if feedback:
            writer.add(_marked("...", _markdown(feedback, question, writer)), question.line)


def _choices(question: GiftQuestion, number: int, text: str, writer: QuizWriter) -> None:
    answers = question.answers
    single = any(a.right for a in answers)
    if single:
        right = [a for a in answers if a.right]
        if len(right) > 1:
            writer.error(
                right[1].line,
                f"question {question.number} has {len(right)} right answers marked '=': a Linkwise "
                "single-choice question has one; keep one '=' or give every right answer a "
                "weight like '~%50%' for a multiple-answer question",
            )
        for answer in answers:
            weight = answer.weight or 0
            if not answer.right and weight > 0:
                writer.warn(
                    answer.line,
                    f"'{_short(answer)}' earns {weight:g}% in Moodle; "
                    "a Linkwise single choice gives no credit for a wrong choice",
                )
            elif not answer.right and weight < 0:
                writer.warn(
                    answer.line,
                    f"'{_short(answer)}' takes away {-weight:g}% in "
                    "Moodle; a Linkwise single choice takes nothing away",
                )
    else:
        _check_weights(answers, writer)
    _stem(number, text, question, writer)
    for index, answer in enumerate(answers):
        letter = chr(ord("a") + index) if index < 26 else f"a{chr(ord('a') + index - 26)}"
        if single:
            marker = f"{'*' if answer.right else ''}{letter})"
        else:
            marker = "[*]" if (answer.weight or 0) > 0 else "[ ]"
        choice = _markdown(answer.text, question, writer, inline=True)
        writer.add(_marked(marker, choice), answer.line)
        if answer.feedback:
            writer.add(_marked("...", _markdown(answer.feedback, question, writer)), answer.line)


def _check_weights(answers: list[GiftAnswer], writer: QuizWriter) -> None:
    """Warn where Moodle's weights differ from Linkwise's right-minus-wrong marking."""
    right = [a for a in answers if (a.weight or 0) > 0]
    wrong = [a for a in answers if (a.weight or 0) <= 0]
    for answer in right:
        share = 100 / len(right)
        if abs(answer.weight - share) > CLOSE:
            gives = (
                f"gives the one right choice {share:.4g}%"
                if len(right) == 1
                else f"gives each of the {len(right)} right choices {share:.4g}%"
            )
            earns = f"'{_short(answer)}' earns {answer.weight:g}% in Moodle"
            writer.warn(answer.line, f"{earns}; Linkwise {gives}")
    for answer in wrong:
        cost, weight = 100 / len(wrong), -(answer.weight or 0)
        if abs(weight - cost) > CLOSE:
            takes = (
                f"takes away {cost:.4g}% if the one wrong choice is ticked"
                if len(wrong) == 1
                else f"takes away {cost:.4g}% for each of the {len(wrong)} wrong choices ticked"
            )
            writer.warn(
                answer.line,
                f"ticking '{_short(answer)}' costs {weight:g}% in Moodle; Linkwise {takes}",
            )


def _short_answers(question: GiftQuestion, number: int, text: str, writer: QuizWriter) -> None:
    accepted = []
    for answer in question.answers:
        weight = 100 if answer.weight is None else answer.weight
        if abs(weight - 100) > CLOSE:
            writer.warn(
                answer.line,
                f"'{answer.text}' earns {weight:g}% in Moodle; Linkwise "
                "accepts only fully right answers, so it is left out",
            )
        elif "*" in answer.text:
            writer.warn(
                answer.line,
                f"'{answer.text}' uses Moodle's '*' wildcard, which "
                "Linkwise does not read: it is left out; list the answers you accept",
            )
        elif first := next(
            (a for a in accepted if normalise_text(a.text) == normalise_text(answer.text)), None
        ):
            # Moodle lists cases apart; Linkwise ignores case and accents, so one is enough.
            writer.warn(
                answer.line,
                f"'{answer.text}' is the answer '{first.text}' again (Linkwise ignores case "
                "and accents when marking), so it is left out",
            )
        else:
            accepted.append(answer)
    feedback = {a.feedback for a in accepted if a.feedback}
    correct = feedback.pop() if len(feedback) == 1 else None
    for answer in accepted:
        if answer.feedback and answer.feedback != correct:
            writer.warn(
                answer.line,
                f"the feedback for '{answer.text}' is left out: Linkwise "
                "gives one '+' feedback for any right answer",
            )
        elif answer.feedback and len(accepted) > 1 and any(not a.feedback for a in accepted):
            writer.warn(
                answer.line,
                f"the feedback for '{answer.text}' becomes the '+' "
                "feedback, shown for any right answer",
            )
    _stem(number, text, question, writer, correct=correct)
    for answer in accepted:
        writer.add(f"*   {_one_line(answer.text)}", answer.line)


def _numeric(question: GiftQuestion, number: int, text: str, writer: QuizWriter) -> None:
    right = [a for a in question.answers if a.right]
    wrong = [a for a in question.answers if not a.right]
    full = [a for a in right if a.weight is None or abs(a.weight - 100) <= CLOSE]
    for answer in right:
        if answer not in full:
            writer.warn(
                answer.line,
                f"'{answer.text}' earns {answer.weight:g}% in Moodle; "
                "Linkwise accepts only fully right numbers, so it is left out",
            )
    for answer in full[1:]:
        writer.warn(
            answer.line,
            f"'{answer.text}' is a second right number; Linkwise accepts "
            "one number or range, so it is left out",
        )
    anything_else = next((a for a in wrong if a.text in ("", "*")), None)
    for answer in wrong:
        if answer is not anything_else:
            writer.warn(
                answer.line,
                f"the wrong answer '{answer.text}' and its feedback are "
                "left out: Linkwise has one '-' feedback for every wrong answer",
            )
    if not full:
        writer.error(question.line, f"question {question.number} has no fully right number")
        return
    answer = full[0]
    value = _number(answer, question.number, writer)
    incorrect = anything_else.feedback if anything_else else None
    _stem(number, text, question, writer, correct=answer.feedback, incorrect=incorrect)
    if value is not None:
        writer.add(f"=   {value}", answer.line)


def _number(answer: GiftAnswer, number: int, writer: QuizWriter) -> str | None:
    value = answer.text.replace(" ", "")
    if found := TOLERANCE.match(value):
        return f"{found[1]} +- {found[2]}"
    if found := RANGE.match(value):
        return f"[{found[1]}, {found[2]}]"
    if EXACT.match(value):
        return value
    writer.error(
        answer.line,
        f"question {number} has '{answer.text}', which is not a number, "
        "'number:tolerance' or 'low..high'",
    )
    return None


def _matching(question: GiftQuestion, number: int, text: str, writer: QuizWriter) -> None:
    writer.add("Type: matching", question.line)
    _stem(number, text, question, writer)
    for answer in question.answers:
        left, arrow, right = answer.text.partition("->")
        if not arrow:
            writer.error(
                answer.line, f"question {question.number} has the pair '{answer.text}' without '->'"
            )
            continue
        left = _one_line(_markdown(left.strip(), question, writer, inline=True))
        writer.add(
            f"=   {left} -> {_one_line(right.strip())}".replace("=    ->", "=   ->"), answer.line
        )
        if answer.feedback:
            writer.warn(answer.line, "feedback on a matching pair is left out")


def _stem(
    number: int,
    text: str,
    question: GiftQuestion,
    writer: QuizWriter,
    correct: str | None = None,
    incorrect: str | None = None,
) -> None:
    writer.add(_marked(f"{number}.", text), question.line)
    for marker, feedback in (("...", question.general_feedback), ("+", correct), ("-", incorrect)):
        if feedback:
            writer.add(_marked(marker, _markdown(feedback, question, writer)), question.line)


def _marked(marker: str, text: str) -> str:
    """Return text after a marker, later lines indented to line up with the first."""
    first, *rest = text.split("\n")
    lines = [f"{marker:<3} {first}".rstrip()]
    lines += [f"    {line}".rstrip() for line in rest]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short(answer: GiftAnswer) -> str:
    text = _one_line(answer.text)
    return text if len(text) <= 40 else text[:37] + "..."
