"""Item analysis as CSV: one row per question version, or per competency with its score bands."""

from __future__ import annotations

from decimal import Decimal

from . import item_analysis as ia
from .item_report import ItemReport

CSV_HEADER = (
    "question",
    "version",
    "place",
    "type",
    "answered",
    "people",
    "facility",
    "discrimination",
    "upper_lower",
    "option_shares",
    "flags",
)


def figure(value: float | None) -> Decimal | str:
    """Return a figure for a CSV cell to three places, as a number, or blank when none.

    A number, not text: a negative discrimination written as text would be taken for the
    start of a formula and written with a leading apostrophe, which no sum can read (the
    CSV guard, domain/spreadsheet.py, leaves numbers as they are). Never "-0.000": a
    figure that rounds to zero is zero.
    """
    return "" if value is None else Decimal(f"{ia.rounded(value, 3):.3f}")


def csv_rows(report: ItemReport) -> list[tuple]:
    """Return the report as CSV rows: a header, then one row per question version."""

    rows: list[tuple] = [CSV_HEADER]
    for row in report.questions:
        shares = "; ".join(
            f"{'*' if o.right else ''}{o.text}: {figure(o.share)}" for o in row.options
        )
        flags = "; ".join(flag.reason for flag in row.flags)
        rows.append(
            (
                row.question_id,
                row.version[:12],
                row.place,
                row.type_name,
                row.figures.answered,
                "" if row.figures.people is None else row.figures.people,
                figure(row.figures.facility),
                figure(row.figures.discrimination),
                figure(row.figures.upper_lower),
                # Choice text keeps the content file's line wraps: a cell reads on one line.
                " ".join(shares.split()),
                " ".join(flags.split()),
            )
        )
    return rows


def competency_csv_rows(report: ItemReport) -> list[tuple]:
    """Return a header, then one row per competency: its figures and its ten score bands."""

    bands = [label for label, _ in ia.distribution({})]
    rows: list[tuple] = [
        (
            "competency",
            "name",
            "questions",
            "answered",
            "facility",
            "discrimination",
            "attempts",
            "questions_per_attempt",
            "reliability",
            "reliability_name",
            *(f"score_{band}" for band in bands),
        )
    ]
    for row in report.competencies:
        counts = dict(row.distribution)
        rows.append(
            (
                row.code,
                row.name,
                row.questions,
                row.answered,
                figure(row.facility),
                figure(row.discrimination),
                row.attempts,
                row.per_attempt,
                figure(row.reliability),
                row.reliability_name,
                *(counts.get(band, 0) for band in bands),
            )
        )
    return rows
