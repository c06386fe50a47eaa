"""What item analysis reports about a quiz: plain values for the page, the CLI and CSV."""

from __future__ import annotations

from collections import Counter, defaultdict
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


@dataclass(frozen=True)
class ItemReport:
    """Everything the trainer's page and `linkwise item-stats` show about one quiz."""

    quiz_id: str
    title: str
    place: str
    window: Window
    attempts: int
    per_attempt: int
    mean_percent: float | None
    sd_percent: float | None
    reliability: float | None
    reliability_name: str
    distribution: tuple[tuple[str, int], ...]
    questions: tuple[QuestionStats, ...]
    competencies: tuple[CompetencyStats, ...]
    flags: tuple[ia.Flag, ...]


CSV_HEADER = (
    "question",
    "version",
    "place",
    "type",
    "answered",
    "facility",
    "discrimination",
    "upper_lower",
    "option_shares",
    "flags",
)


def csv_rows(report: ItemReport) -> list[tuple]:
    """Return the report as CSV rows: a header, then one row per question version."""

    def figure(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    rows: list[tuple] = [CSV_HEADER]
    for row in report.questions:
        shares = "; ".join(
            f"{'*' if o.right else ''}{o.text}: {figure(o.share)}" for o in row.options
        )
        rows.append(
            (
                row.question_id,
                row.version[:12],
                row.place,
                row.type_name,
                row.figures.answered,
                figure(row.figures.facility),
                figure(row.figures.discrimination),
                figure(row.figures.upper_lower),
                shares,
                "; ".join(flag.reason for flag in row.flags),
            )
        )
    return rows


def option_shares(question: Question, counts: Counter) -> tuple[OptionShare, ...]:
    """Return how many answers picked each option; `_answered` counts the answers."""
    answered = counts.get("_answered", 0)
    return tuple(
        OptionShare(
            text, right, counts.get(key, 0), counts.get(key, 0) / answered if answered else None
        )
        for key, text, right in question.pick_labels()
    )


def competency_rows(rows: list[QuestionStats], content: Catalogue) -> tuple[CompetencyStats, ...]:
    """Return the figures of each competency's aligned questions, in code order."""
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
        found.append(
            CompetencyStats(
                code=code,
                name=competency.name if competency else code,
                questions=len(items),
                answered=answered,
                facility=facility,
                discrimination=sum(rs) / len(rs) if rs else None,
                flagged=sum(1 for r in items if any(f.code != "few-answers" for f in r.flags)),
            )
        )
    return tuple(found)
