"""What a SCORM package's own JavaScript needs to run a module: order, questions, marking.

The package grades in the browser, as every self-grading SCORM package does, so the
answers travel inside it. `suspend_data_bound` gives the longest suspend_data the runtime
can write for a module (its format is in app/scorm_runtime/linkwise-scorm.js), so an
export that could overflow SCORM 1.2's 4,096 characters is refused, not shipped.
"""

from __future__ import annotations

from app.domain.content import Module
from app.domain.numbers import digit_zeros
from app.domain.quizzes import Question, QuestionGroup, Quiz

SUSPEND_DATA_LIMIT = 4096
MAX_TEXT = 60  # characters a short answer may have in the package
MAX_NUMBER = 24  # characters a numeric answer may have
MAX_ATTEMPT_DIGITS = 3  # attempts used are counted up to 999
SEED_DIGITS = 7  # a 32-bit seed in base 36
MAX_OPTIONS = 36  # one base-36 digit per choice, option or position


def question_data(question: Question) -> dict:
    """Return what the runtime needs to show order and mark one question."""
    found = {"id": question.id, "type": question.type_name, "points": question.points}
    found["blank"] = question.blank_message  # what the site says when it is left unanswered
    kind = question.type_name
    if kind in ("single-choice", "true-false", "multiple-answers"):
        # By the values the shared form partials give the choices (Choice.form_value).
        found["choices"] = [c.form_value for c in question.choices]
        found["correct"] = [c.form_value for c in question.choices if c.correct]
    elif kind == "short-answer":
        found["answers"] = list(question.answers)
    elif kind == "numeric":
        found["low"], found["high"] = question.low, question.high
    elif kind == "matching":
        found["pairs"] = [
            [p.id, next(o.id for o in question.options if o.text == p.right)]
            for p in question.pairs
        ]
        found["options"] = [o.id for o in question.options]
    elif kind == "ordering":
        found["steps"] = [item.id for item in question.items]
    return found


def course_data(module: Module) -> dict:
    """Return the module as the package's runtime reads it."""
    quiz = module.assessment
    screens = [
        {
            "slug": s.slug,
            "title": s.title,
            "check": s.knowledge_check.id if s.knowledge_check else None,
        }
        for s in module.screens
    ]
    checks = {
        s.knowledge_check.id: [question_data(q) for q in s.knowledge_check.questions]
        for s in module.screens
        if s.knowledge_check
    }
    return {
        "version": 1,
        "module": module.slug,
        "title": module.title,
        "items": list(module.item_keys),
        "screens": screens,
        "checks": checks,
        "quiz": _quiz_data(quiz) if quiz else None,
        "maxText": MAX_TEXT,
        "maxNumber": MAX_NUMBER,
        # The digits a numeric answer may be typed in, as typed_number reads them.
        "digitZeros": list(digit_zeros()),
    }


def _quiz_data(quiz: Quiz) -> dict:
    index = {q.id: n for n, q in enumerate(quiz.questions)}
    parts = []
    for item in quiz.items:
        if isinstance(item, QuestionGroup):
            parts.append({"pool": [index[q.id] for q in item.questions], "pick": item.pick})
        else:
            parts.append({"pool": [index[item.id]], "pick": 1})
    return {
        "id": quiz.id,
        "title": quiz.title,
        "passMark": quiz.pass_mark,
        "maxAttempts": quiz.max_attempts,
        "shuffleQuestions": quiz.shuffle_questions,
        "shuffleAnswers": quiz.shuffle_answers,
        "showCorrectAnswers": quiz.show_correct_answers,
        "parts": parts,
        "questions": [question_data(q) for q in quiz.questions],
    }


def answer_bound(question: Question) -> int:
    """Return the most characters the runtime writes for one answer (see encodeAnswer)."""
    kind = question.type_name
    if kind in ("single-choice", "true-false"):
        return 1
    if kind == "multiple-answers":
        return len(_base36(2 ** len(question.choices) - 1))
    if kind == "short-answer":
        return 3 * MAX_TEXT  # each of %|~, escaped as three characters
    if kind == "numeric":
        return MAX_NUMBER
    if kind == "matching":
        return len(question.pairs)
    if kind == "ordering":
        return len(question.items)
    raise ValueError(kind)


def suspend_data_bound(module: Module) -> int:
    """Return the longest suspend_data the runtime can write for this module."""
    header = len("L1|") + len(str(len(module.item_keys))) + 1 + MAX_ATTEMPT_DIGITS + 1
    header += len("100") + 1 + len("1") + 1 + SEED_DIGITS + 1
    quiz = module.assessment
    if quiz is None:
        return header
    answers, drawn = 0, 0
    for item in quiz.items:
        group = item.questions if isinstance(item, QuestionGroup) else (item,)
        pick = item.pick if isinstance(item, QuestionGroup) else 1
        bounds = sorted((answer_bound(q) for q in group), reverse=True)[:pick]
        answers += sum(bounds)
        drawn += len(bounds)
    return header + answers + max(drawn - 1, 0)


def package_problems(module: Module) -> list[str]:
    """Return why a module cannot be packaged (each a sentence), or nothing."""
    problems = []
    quiz = module.assessment
    for question in quiz.questions if quiz else ():
        count = len(
            getattr(question, "choices", None)
            or getattr(question, "pairs", None)
            or getattr(question, "items", None)
            or ()
        )
        options = len(getattr(question, "options", ())) if question.type_name == "matching" else 0
        if max(count, options) > MAX_OPTIONS:
            problems.append(
                f"question {question.id} has more than {MAX_OPTIONS} choices, "
                "options or steps, more than a SCORM package can record"
            )
    bound = suspend_data_bound(module)
    if bound > SUSPEND_DATA_LIMIT:
        problems.append(
            f"an attempt at the quiz could need {bound} characters of suspend_data, over "
            f"SCORM 1.2's {SUSPEND_DATA_LIMIT}: pick fewer questions per attempt"
        )
    return problems


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text
