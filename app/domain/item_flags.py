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
# Below this many answers a question's figures swing with every learner; distractors
# are only called unused once this many learners have had the chance to pick them.
FEW_ANSWERS = 20


def item_flags(figures: ItemFigures, unused: Sequence[str]) -> tuple[Flag, ...]:
    """Return the flags a question version's figures raise, each with what to do."""
    flags = []
    if figures.answered < FEW_ANSWERS:
        flags.append(
            Flag(
                "few-answers",
                f"only {figures.answered} answer{'' if figures.answered == 1 else 's'}: "
                "the figures will move as more learners answer",
                "Wait for more answers before changing the question.",
            )
        )
    if figures.facility is not None and figures.facility > TOO_EASY:
        flags.append(
            Flag(
                "too-easy",
                f"facility {figures.facility:.2f} is above {TOO_EASY}: "
                "nearly everyone gets it right",
                "Check the question does not give the answer away and the wrong choices are "
                "believable; keep it if it checks something every learner must know.",
            )
        )
    if figures.facility is not None and figures.facility < TOO_HARD:
        flags.append(
            Flag(
                "too-hard",
                f"facility {figures.facility:.2f} is below {TOO_HARD}: most learners get it wrong",
                "Check the marked answer is right, the wording is clear and a screen of the "
                "module teaches it.",
            )
        )
    if figures.discrimination is not None and figures.discrimination < WEAK_DISCRIMINATION:
        # Negative only when it shows as negative, at the two places a trainer reads: a
        # figure of -0.003 is noise around 0, not learners who know less doing better.
        shown = rounded(figures.discrimination, 2)
        flags.append(
            Flag(
                "weak-discrimination",
                f"discrimination {shown:.2f} is below {WEAK_DISCRIMINATION}: "
                + (
                    "learners who do worse overall do better on this question"
                    if shown < 0
                    else "the question does not tell those who do well overall from those "
                    "who do not"
                ),
                "Look for a second defensible answer, a wrongly marked answer or wording that "
                "misleads those who know the topic.",
            )
        )
    if unused and figures.answered >= FEW_ANSWERS:
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
    longest = 0
    for choices in counted:
        lengths = sorted((len(text), correct) for text, correct in choices)
        if lengths[-1][1] and lengths[-1][0] > lengths[-2][0]:
            longest += 1
    if not counted or longest * 2 <= len(counted):
        return None
    return Flag(
        "longest-right",
        f"the right answer is the longest choice in {longest} of {len(counted)} "
        "single-choice questions",
        "Make the wrong choices as long and as careful as the right one, or shorten it.",
    )


def reliability_flag(reliability: float | None, attempts: int) -> Flag | None:
    """Flag a quiz whose reliability shows below 0.1, saying what that means and what to do.

    Below 0 the questions pull against each other: learners who do well on some do worse
    on others, so the total measures no one thing. As for discrimination, a figure counts
    as negative only when it shows below 0.00.
    """
    if reliability is None or rounded(reliability, 2) >= LOW_RELIABILITY:
        return None
    shown = rounded(reliability, 2)
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
    if attempts < FEW_ANSWERS:
        reason += f"; with only {attempts} attempts the figure will move as more learners take it"
        advice = "Wait for more attempts before changing the quiz because of it. " + advice
    return Flag("low-reliability", reason, advice)
