"""What item analysis reports about a quiz: plain values for the page and the CLI.

domain/item_csv.py writes the same values as CSV.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from . import item_analysis as ia
from .content import Catalogue
from .quizzes import Question


@dataclass(frozen=True)
class Window:
    """Which graded attempts count: first attempts only, and a range of submission dates."""

    first_only: bool = False
    since: date | None = None
    until: date | None = None  # inclusive


@dataclass(frozen=True)
class QuizHeading:
    """What names a quiz's item analysis: its id, title and file (an ItemReport has them too)."""

    quiz_id: str
    title: str
    place: str


@dataclass(frozen=True)
class OptionShare:
    """How many answers picked one option, and their share of the answers."""

    text: str
    right: bool
    count: int
    share: float | None


@dataclass(frozen=True)
class QuestionStats:
    """One question version's figures, flags and place in the source."""

    question_id: str
    version: str
    current: bool
    title: str | None
    text: str
    type_name: str
    place: str  # PATH:LINE
    points: float
    competencies: tuple[str, ...]
    figures: ia.ItemFigures
    options: tuple[OptionShare, ...]
    flags: tuple[ia.Flag, ...]
    # Earlier versions counted in this row: the same question, only moved in or between files,
    # retitled, re-wrapped or given other screens (see domain/quizzes/wording.py).
    moved_from: tuple[str, ...] = ()
    # "current"; "earlier": a version of a question still in the quiz; "removed": one of a
    # question no longer in it.
    status: str = "current"
    # The question's number in the quiz as it stands (as the question bank numbers it);
    # None for a question no longer in it.
    number: int | None = None
    # For an earlier version of a question with several (or of one no longer in the quiz):
    # which, by when it was first answered, and of how many (1 is the oldest).
    earlier: tuple[int, int] | None = None

    @property
    def label(self) -> str | None:
        """Return what marks a row that is not today's question with answers, or None."""
        if self.status == "earlier" and self.earlier and self.earlier[1] > 1:
            return f"Earlier version {self.earlier[0]} of {self.earlier[1]}"
        if self.status == "removed" and self.earlier and self.earlier[1] > 1:
            return f"No longer in the quiz: version {self.earlier[0]} of {self.earlier[1]}"
        if self.status == "current" and not self.figures.answered:
            return "No answers yet"
        return {"earlier": "Earlier version", "removed": "No longer in the quiz"}.get(self.status)

    @property
    def heading(self) -> str:
        """Return how the page names the row: its number in the quiz, then its ID."""
        return f"Q{self.number} {self.question_id}" if self.number else self.question_id


@dataclass(frozen=True)
class CompetencyStats:
    """The figures of the questions aligned with one competency."""

    code: str
    name: str
    questions: int
    answered: int
    facility: float | None
    discrimination: float | None  # mean over its questions that have one
    flagged: int
    attempts: int = 0  # attempts that showed at least one of its questions
    per_attempt: int = 0
    reliability: float | None = None  # over each attempt's subtotal of its questions
    reliability_name: str = "Cronbach's alpha"
    distribution: tuple[tuple[str, int], ...] = ()  # subtotal as a share of its points


@dataclass(frozen=True)
class ItemReport:
    """Everything the trainer's page and `linkwise item-stats` show about one quiz."""

    quiz_id: str
    title: str
    place: str
    window: Window
    attempts: int
    per_attempt: int  # the mean, rounded: what reliability takes
    mean_percent: float | None
    sd_percent: float | None
    reliability: float | None
    reliability_name: str
    distribution: tuple[tuple[str, int], ...]
    questions: tuple[QuestionStats, ...]
    competencies: tuple[CompetencyStats, ...]
    flags: tuple[ia.Flag, ...]
    # Whether each competency's reliability and score bands were worked out (they read every
    # answer again, so a trainer asks for them).
    competency_scores: bool = False
    # The fewest and most questions the window's attempts showed, as recorded; None without
    # attempts.
    questions_per_attempt: tuple[int, int] | None = None
    # How many people took those attempts: fewer than the attempts where some took it again.
    people: int | None = None

    @property
    def repeats(self) -> bool:
        """Return whether some people's repeat attempts are counted alongside their first."""
        return self.people is not None and self.attempts > self.people

    @property
    def questions_shown(self) -> str:
        """Return how many questions the attempts had: "5", "4 to 5", or "–" with none."""
        if self.questions_per_attempt is None:
            return "–"
        fewest, most = self.questions_per_attempt
        return str(most) if fewest == most else f"{fewest} to {most}"

    @property
    def no_attempts(self) -> str:
        """Return the sentence saying the window holds no graded attempts."""
        window = self.window
        which = "graded first attempts" if window.first_only else "graded attempts"
        since, until = (d and f"{d.day} {d:%B %Y}" for d in (window.since, window.until))
        if since and until:
            return f"No {which} between {since} and {until}."
        if since:
            return f"No {which} on or after {since}."
        if until:
            return f"No {which} up to and including {until}."
        return f"No {which} yet."


def option_shares(question: Question, counts: Counter) -> tuple[OptionShare, ...]:
    """Return how many answers picked each option; `_answered` counts the answers."""
    answered = counts.get("_answered", 0)
    return tuple(
        OptionShare(
            text, right, counts.get(key, 0), counts.get(key, 0) / answered if answered else None
        )
        for key, text, right in question.pick_labels()
    )


# Per competency: how many attempts had each (subtotal, possible points, questions marked).
Subtotals = Mapping[str, Mapping[tuple[float, float, int], int]]


def subtotal_figures(counts: Mapping[tuple[float, float, int], int], items: list[QuestionStats]):
    """Return attempts, questions per attempt, alpha and the ten-band distribution of subtotals.

    `counts` has the attempts per (subtotal, possible, questions marked) of one competency;
    `items` its aligned question versions, whose variances the quiz's figures already hold.
    """
    n = sum(counts.values())
    if n == 0:
        return 0, 0, None, ia.distribution({})
    totals = ia.TotalSums(
        n,
        sum(s * c for (s, _, _), c in counts.items()),
        sum(s * s * c for (s, _, _), c in counts.items()),
    )
    per_attempt = round(sum(k * c for (_, _, k), c in counts.items()) / n)
    alpha = ia.alpha(totals, [(r.figures.answered, r.figures.variance) for r in items], per_attempt)
    percents: Counter = Counter()
    for (s, p, _), c in counts.items():
        # Multiplying before dividing keeps a whole band's edge (7 of 10 is 70) exact.
        percents[100 * s / p if p else 0] += c
    return n, per_attempt, alpha, ia.distribution(percents)


def competency_rows(
    rows: list[QuestionStats],
    content: Catalogue,
    subtotals: Subtotals | None = None,
    dichotomous: Mapping[str, bool] | None = None,
) -> tuple[CompetencyStats, ...]:
    """Return the figures of each competency's aligned questions, in code order.

    `dichotomous` says, per question version, whether it is marked right or wrong only:
    a competency whose questions all are reports KR-20, otherwise Cronbach's alpha.
    """
    subtotals = subtotals or {}
    dichotomous = dichotomous or {}
    aligned: dict[str, list[QuestionStats]] = defaultdict(list)
    for row in rows:
        for code in row.competencies:
            aligned[code].append(row)
    found = []
    for code in sorted(aligned):
        items = aligned[code]
        answered = sum(r.figures.answered for r in items)
        scored = [r for r in items if r.figures.facility is not None]
        weight = sum(r.figures.answered for r in scored)
        facility = (
            sum(r.figures.facility * r.figures.answered for r in scored) / weight
            if weight
            else None
        )
        rs = [r.figures.discrimination for r in items if r.figures.discrimination is not None]
        competency = content.competency(code)
        attempts, per_attempt, alpha, bands = subtotal_figures(subtotals.get(code, {}), items)
        kr20 = all(dichotomous.get(r.version, False) for r in items)
        found.append(
            CompetencyStats(
                code=code,
                name=competency.name if competency else code,
                questions=len(items),
                answered=answered,
                facility=facility,
                discrimination=sum(rs) / len(rs) if rs else None,
                flagged=sum(1 for r in items if any(f.code != "few-answers" for f in r.flags)),
                attempts=attempts,
                per_attempt=per_attempt,
                reliability=alpha,
                reliability_name="KR-20" if kr20 else "Cronbach's alpha",
                distribution=bands,
            )
        )
    return tuple(found)
