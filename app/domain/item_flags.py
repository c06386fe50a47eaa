"""Flags on a quiz's figures: what a trainer should look at, and what to do about it."""

from __future__ import annotations

from collections.abc import Sequence

from .item_analysis import Flag, ItemFigures, rounded

# Thresholds from the field (Moodle's quiz statistics and common item-analysis practice).
TOO_EASY = 0.9
TOO_HARD = 0.3
WEAK_DISCRIMINATION = 0.1
# A reliability shown below this is near zero: the total measures next to nothing.
LOW_RELIABILITY = 0.1
# Below this many people a question's figures swing with every learner: they are shown,
# but no verdict is drawn from them. It counts people, not answers: one learner answering
# a knowledge check twenty times is still one learner.
FEW_ANSWERS = 20


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def people_said(people: int, exact: bool = True) -> str:
    """Return "1 person", "2 people", or "2 or more people" when only the fewest is known."""
    return _plural(people, "person", "people") if exact else f"{people} or more people"


def who_answered(figures: ItemFigures) -> str:
    """Return how many people gave how many answers: "2 people, 23 answers", "1 person"."""
    said = people_said(figures.learners, figures.people_exact)
    if figures.answered != figures.learners:
        said += f", {_plural(figures.answered, 'answer', 'answers')}"
    return said


def too_few(people: int) -> bool:
    """Return whether figures from this many people are too few to judge a question by."""
    return people < FEW_ANSWERS


def item_flags(figures: ItemFigures, unused: Sequence[str]) -> tuple[Flag, ...]:
    """Return the flags a question version's figures raise, each with what to do.

    Below FEW_ANSWERS people, only that: a verdict on facility or discrimination from a
    handful of learners would claim more than their answers show.
    """
    if too_few(figures.learners):
        return (
            Flag(
                "few-answers",
                f"too few answers to judge ({who_answered(figures)}; "
                f"judged from {FEW_ANSWERS} people)",
                "Wait for more answers before changing the question.",
            ),
        )
    flags = []
    if figures.facility is not None and figures.facility > TOO_EASY:
        flags.append(
            Flag(
                "too-easy",
                f"facility {figures.facility:.2f} is above {TOO_EASY}: "
                "nearly every answer earns the marks",
                "Check the question does not give the answer away and the wrong choices are "
                "believable; keep it if it checks something every learner must know.",
            )
        )
    if figures.facility is not None and figures.facility < TOO_HARD:
        flags.append(
            Flag(
                "too-hard",
                f"facility {figures.facility:.2f} is below {TOO_HARD}: most answers miss the marks",
                "Check the marked answer is right, the wording is clear and a screen of the "
                "module teaches it.",
            )
        )
    if figures.discrimination is not None and figures.discrimination < WEAK_DISCRIMINATION:
        # Negative only when it shows as negative, at the two places a trainer reads: a
        # figure of -0.003 is noise around 0, not attempts that score less doing better.
        shown = rounded(figures.discrimination, 2)
        flags.append(
            Flag(
                "weak-discrimination",
                f"discrimination {shown:.2f} is below {WEAK_DISCRIMINATION}: "
                + (
                    "attempts that score worse on the rest of the quiz do better on this question"
                    if shown < 0
                    else "the question does not tell attempts that do well on the rest of the "
                    "quiz from those that do not"
                ),
                "Look for a second defensible answer, a wrongly marked answer or wording that "
                "misleads those who know the topic.",
            )
        )
    if unused:
        names = ", ".join(f"'{text}'" for text in unused)
        flags.append(
            Flag(
                "unused-distractor",
                f"nobody picked {names}",
                "Replace it with a mistake learners really make, or remove it.",
            )
        )
    return tuple(flags)


def longest_is_right(questions: Sequence[Sequence[tuple[str, bool]]]) -> Flag | None:
    """Flag a quiz whose right answer is the longest choice in most single-choice questions.

    Each question is its choices as (text, correct). Learners who guess the longest
    choice then score without knowing the topic.
    """
    counted = [q for q in questions if len(q) > 2]
    # With two choices one of them is the longer by chance half the time: not counted, and
    # the flag says so rather than give a denominator short of the questions listed.
    left_out = sum(1 for q in questions if len(q) == 2)
    longest = 0
    for choices in counted:
        lengths = sorted((len(text), correct) for text, correct in choices)
        if lengths[-1][1] and lengths[-1][0] > lengths[-2][0]:
            longest += 1
    if not counted or longest * 2 <= len(counted):
        return None
    reason = (
        f"the right answer is the longest choice in {longest} of the {len(counted)} "
        "single-choice questions with three or more choices"
    )
    if left_out:
        two = _plural(left_out, "two-choice question", "two-choice questions")
        reason += f" ({two} not counted)"
    return Flag(
        "longest-right",
        reason,
        "Make the wrong choices as long and as careful as the right one, or shorten it.",
    )


def reliability_flag(
    reliability: float | None, attempts: int, people: int | None = None
) -> Flag | None:
    """Flag a quiz whose reliability shows below 0.1, saying what that means and what to do.

    Below 0 the questions pull against each other: learners who do well on some do worse
    on others, so the total measures no one thing. As for discrimination, a figure counts
    as negative only when it shows below 0.00.
    """
    if reliability is None or rounded(reliability, 2) >= LOW_RELIABILITY:
        return None
    shown = rounded(reliability, 2)
    people = attempts if people is None else people
    if too_few(people):
        # As for a question: no verdict from a handful of learners, only the counts.
        said = people_said(people)
        if attempts != people:
            said += f", {_plural(attempts, 'attempt', 'attempts')}"
        return Flag(
            "low-reliability",
            f"reliability {shown:.2f} is low, but there are too few attempts to judge "
            f"({said}; judged from {FEW_ANSWERS} people)",
            "Wait for more attempts before changing the quiz because of it.",
        )
    reason = (
        f"reliability {shown:.2f} is below 0: the questions do not measure the same thing "
        "together, and learners who do well on some tend to do worse on others"
        if shown < 0
        else f"reliability {shown:.2f} is near 0: the questions do not measure the same "
        "thing together, so the total says little about what a learner knows"
    )
    advice = (
        "Look first at the questions flagged for weak or negative discrimination: a wrongly "
        "marked answer or misleading wording pulls reliability down. A quiz with few "
        "questions, or on topics that have little to do with each other, is low too."
    )
    return Flag("low-reliability", reason, advice)
