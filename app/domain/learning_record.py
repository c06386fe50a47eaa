"""A learner's record of learning for appraisal and revalidation: every module, and CPD time.

CPD time counts once a module is completed (its quiz passed, or every screen done for a
module without one), and stops counting if Linkwise revokes the module's certificate. Totals
are given for the calendar year and for a revalidation period (the NMC's is three years);
RCGP counts one credit per hour of learning, to two places as the credential states it.
"""

from dataclasses import dataclass
from datetime import date

from app.domain.open_badges import cpd_hours
from app.domain.pdf import cpd_time_in_words


@dataclass(frozen=True)
class ModuleRecord:
    """One module as it stands for the learner."""

    slug: str
    title: str
    status: str  # "not-started", "in-progress" or "completed"
    started_on: date | None
    completed_on: date | None
    score_percent: int | None
    cpd_minutes: int  # the module's CPD time; counted in totals only once completed
    certificate_code: str | None
    reflection_written: bool
    certificate_revoked_on: date | None = None  # Linkwise withdrew its word for the certificate
    in_course: bool = True  # False: the module has left the course; its certificate stands

    @property
    def counted(self) -> bool:
        """Say whether the module's CPD time counts: completed, its certificate not revoked."""
        return self.completed_on is not None and self.certificate_revoked_on is None

    @property
    def credited_minutes(self) -> int:
        """Return the CPD minutes this module adds to the learner's totals."""
        return self.cpd_minutes if self.counted else 0


@dataclass(frozen=True)
class CpdTotals:
    """CPD time this calendar year and over the revalidation period."""

    year_start: date
    year_minutes: int
    period_years: int
    period_start: date
    period_minutes: int

    @property
    def year_credits(self) -> float:
        """Return this year's RCGP credits (one an hour)."""
        return credits(self.year_minutes)

    @property
    def period_credits(self) -> float:
        """Return the period's RCGP credits (one an hour)."""
        return credits(self.period_minutes)


@dataclass(frozen=True)
class LearningRecord:
    """Everything the learning record page, PDF and CSV show."""

    learner_name: str
    profession: str
    registration_number: str | None
    generated_on: date
    modules: tuple[ModuleRecord, ...]
    totals: CpdTotals


def credits(minutes: int) -> float:
    """Return RCGP credits at one an hour, to two places: the figure the credential carries."""
    return cpd_hours(minutes)


def years_before(day: date, years: int) -> date:
    """Return the same day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def cpd_totals(modules: tuple[ModuleRecord, ...], today: date, years: int) -> CpdTotals:
    """Add up the CPD time of modules completed this year and over the last `years` years."""
    year_start = date(today.year, 1, 1)
    period_start = years_before(today, years)
    done = [m for m in modules if m.counted]
    return CpdTotals(
        year_start=year_start,
        year_minutes=sum(m.credited_minutes for m in done if m.completed_on >= year_start),
        period_years=years,
        period_start=period_start,
        period_minutes=sum(m.credited_minutes for m in done if m.completed_on >= period_start),
    )


STATUS_WORDS = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "completed": "Completed",
}

CSV_HEADER = (
    "module",
    "status",
    "started",
    "completed",
    "quiz score (%)",
    "CPD minutes",
    "RCGP credits",
    "certificate",
    "reflection written",
)


def csv_rows(record: LearningRecord, verify_url) -> list[list]:
    """Return the record as CSV rows: a header, one row per module, then the totals."""
    rows: list[list] = [list(CSV_HEADER)]
    for m in record.modules:
        rows.append(
            [
                m.title,
                STATUS_WORDS[m.status],
                m.started_on.isoformat() if m.started_on else "",
                m.completed_on.isoformat() if m.completed_on else "",
                "" if m.score_percent is None else m.score_percent,
                m.credited_minutes,
                credits(m.credited_minutes),
                _certificate_cell(m, verify_url),
                "yes" if m.reflection_written else "no",
            ]
        )
    t = record.totals
    year = f"Total since {t.year_start.isoformat()}"
    period = f"Total since {t.period_start.isoformat()} ({t.period_years} years)"
    rows.append([year, "", "", "", "", t.year_minutes, t.year_credits, "", ""])
    rows.append([period, "", "", "", "", t.period_minutes, t.period_credits, "", ""])
    return rows


def _certificate_cell(module: ModuleRecord, verify_url) -> str:
    if not module.certificate_code:
        return ""
    link = verify_url(module.certificate_code)
    if module.certificate_revoked_on:
        return f"{link} (revoked {module.certificate_revoked_on.isoformat()})"
    return link


def describe_minutes(minutes: int) -> str:
    """Return CPD time in words with its RCGP credits, e.g. "1 hour 30 minutes (1.5 credits)"."""
    value = credits(minutes)
    shown = f"{value:g}"
    return f"{cpd_time_in_words(minutes)} ({shown} credit{'' if value == 1 else 's'})"
