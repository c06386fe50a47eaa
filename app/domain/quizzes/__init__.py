"""Quizzes and knowledge checks: the file grammar, question types and scoring.

A quiz file is YAML front matter (id, module, title, kind, pass_mark, shuffle_answers,
shuffle_questions, show_correct_answers; optional max_attempts, retake, time_limit_minutes,
description) and a body in text2qti 0.8.0's question grammar: `1.` questions, `a)` and
`*a)` choices, `[ ]` and `[*]` ticks, `*   answer` short answers, `= 42`, `= 1.5 +- 0.1`
or `= [1, 2]` numbers, `...`, `+` and `-` feedback, `Title:` and `Points:` lines,
`GROUP` / `pick:` / `points per question:` / `END_GROUP` pools and `%` comments.

Linkwise adds lines that go before a question, like `Points:`:

    ID: referral-routes-q1            required, unique in the file
    Competencies: SPLW-1.2, SPLW-4.1  required in assessments
    Screens: a-good-referral          optional: the module's screens that teach it
    Type: true-false                  or matching, ordering (named types are checked)

Front matter may also hold `retake: {wait_days: N, revisit_screens: true}`: after the last
failed attempt, a wait and a revisit of the module's screens open a new set of attempts.

Matching (`Type: matching`): one `= left text -> right text` line per pair; the first
`->` splits the line. `= -> option` adds a decoy that matches no prompt.

Ordering (`Type: ordering`): the steps as `1)`, `2)`, `3)` lines in the correct order.
`1)` cannot be mistaken for a question, which is `1.`.

tests/domain/quizzes/fixtures/every-type.md is a worked example of every type.
"""

from .base import BLANK, NOT_ON_FORM, FormFields, InvalidAnswer, Question, field_name
from .model import (
    Choice,
    Feedback,
    MatchingOption,
    MatchingPair,
    OrderingItem,
    QuestionGroup,
    Quiz,
)
from .parser import QuizResult, parse_quiz
from .questions import (
    QUESTION_TYPES,
    Matching,
    MultipleAnswers,
    Numeric,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

__all__ = [
    "BLANK",
    "NOT_ON_FORM",
    "QUESTION_TYPES",
    "FormFields",
    "field_name",
    "Choice",
    "Feedback",
    "InvalidAnswer",
    "Matching",
    "MatchingOption",
    "MatchingPair",
    "MultipleAnswers",
    "Numeric",
    "Ordering",
    "OrderingItem",
    "Question",
    "QuestionGroup",
    "Quiz",
    "QuizResult",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "parse_quiz",
]
