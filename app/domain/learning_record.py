"""A learner's record of learning for appraisal and revalidation: every module, and CPD time.

CPD time counts once a module is completed (its quiz passed, or every screen done for a
module without one), and stops counting if Linkwise revokes the module's certificate. Totals
are given for the calendar year and for a revalidation period (the NMC's is three years).
A module passed again (renewed) within the period was learned twice: each earlier certificate
issued in the period is an entry of its own, and its CPD time adds to the totals.

An entry that stands for a certificate alone (an earlier one, or one whose module has left
the course) says "Certificate revoked" once it is revoked, with no completed date: it is no
longer evidence of completing anything. A module's own row says how the module stands; when
its latest certificate is revoked while an earlier one stands, it names that earlier one,
through which the module stays completed (services/passes.py).

A certificate whose credential's validity has ended has expired, as its public check says.
An entry whose certificate has expired (the module's row, by the certificate the module
stands on) says "Certificate expired", with its completed date and the day it expired: the
learning was done, and is due again. Its CPD time still counts: expiry is about how current
the learning is, not about the time spent on it.

RCGP credits are a GP's: one per hour of learning with a reflection on it, to two places as
the credential states CPD hours. The record shows them only for a GP, and only for time
with its reflection written; otherwise it says what is still needed, never a credit earned.

The page shows these values; `record_pdf` and `record_csv` write them out.
"""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.domain.open_badges import cpd_hours
from app.domain.pdf import cpd_time_in_words

# The status of an entry that stands for a certificate alone, once that certificate is revoked.
CERTIFICATE_REVOKED = "certificate-revoked"
# The status of a completed entry whose certificate (the one it stands on) has expired.
CERTIFICATE_EXPIRED = "certificate-expired"


class CertificateNamed(NamedTuple):
    """A certificate as the record names it: its code and the day it was issued."""

    code: str
    issued_on: date


@dataclass(frozen=True)
class ModuleRecord:
    """One module as it stands for the learner."""

    slug: str
    title: str
    # "not-started", "in-progress" or "completed"; CERTIFICATE_REVOKED for an entry that
    # stands for a certificate alone (renewed, or not in_course) whose certificate is revoked;
    # CERTIFICATE_EXPIRED for a completed one whose certificate has expired.
    status: str
    started_on: date | None
    completed_on: date | None
    score_percent: int | None
    cpd_minutes: int  # the module's CPD time; counted in totals only once completed
    certificate_code: str | None
    reflection_written: bool
    certificate_revoked_on: date | None = None  # Linkwise withdrew its word for the certificate
    in_course: bool = True  # False: the module has left the course; its certificate stands
    # An earlier certificate of a module renewed since: a CPD activity of its own, listed
    # after the module's row (the latest certificate's) while within the record's period.
    renewed: bool = False
    # How many later certificates the module has, when every one of them was revoked (else
    # 0): it was passed again, but those passes no longer count.
    later_revoked: int = 0
    # The day its certificate was issued (None without one).
    issued_on: date | None = None
    # The module's row, its latest certificate revoked: the earlier certificate that still
    # stands, through which the module stays completed (None otherwise).
    completed_through: CertificateNamed | None = None
    # The day the certificate it stands on expired (None while valid, or with no end date).
    certificate_expired_on: date | None = None
    # What its certificate says of the content's clinical review when issued (None without
    # one): see clinical_review.content_review.
    clinical_review: str | None = None

    @property
    def status_in_words(self) -> str:
        """Return the status as the record says it: "Completed", "Certificate expired", ..."""
        return STATUS_WORDS[self.status]

    @property
    def passed_again_in_words(self) -> str:
        """Say of an earlier certificate that the module was passed again, and what became of it."""
        if not self.later_revoked:
            return "passed again since"
        if self.later_revoked == 1:
            return "passed again since, but the later certificate was revoked"
        return "passed again since, but the later certificates were revoked"

    @property
    def counted(self) -> bool:
        """Say whether the module's CPD time counts: completed, its certificate not revoked."""
        return self.completed_on is not None and self.certificate_revoked_on is None

    @property
    def credited_minutes(self) -> int:
        """Return the CPD minutes this module adds to the learner's totals."""
        return self.cpd_minutes if self.counted else 0

    @property
    def reflected_minutes(self) -> int:
        """Return the CPD minutes counted with a reflection written: what RCGP credits need."""
        return self.credited_minutes if self.reflection_written else 0


@dataclass(frozen=True)
class CpdTotals:
    """CPD time this calendar year and over the revalidation period; for a GP (`rcgp`), the
    part of it with a reflection written, which alone earns RCGP credits."""

    year_start: date
    year_minutes: int
    period_years: int
    period_start: date
    period_minutes: int
    rcgp: bool = False
    year_reflected_minutes: int = 0
    period_reflected_minutes: int = 0

    @property
    def year_credits(self) -> float | None:
        """Return this year's RCGP credits earned, or None for anyone but a GP."""
        return credits(self.year_reflected_minutes) if self.rcgp else None

    @property
    def period_credits(self) -> float | None:
        """Return the period's RCGP credits earned, or None for anyone but a GP."""
        return credits(self.period_reflected_minutes) if self.rcgp else None

    @property
    def year_credits_note(self) -> str:
        """Return what this year's time earns in RCGP credits, in brackets ("" if not a GP)."""
        return rcgp_note(self.year_minutes, self.year_reflected_minutes, self.rcgp)

    @property
    def period_credits_note(self) -> str:
        """Return what the period's time earns in RCGP credits, in brackets ("" if not a GP)."""
        return rcgp_note(self.period_minutes, self.period_reflected_minutes, self.rcgp)


@dataclass(frozen=True)
class LearningRecord:
    """Everything the learning record page, PDF and CSV show."""

    learner_name: str
    profession: str
    registration_number: str | None
    generated_on: date
    modules: tuple[ModuleRecord, ...]
    totals: CpdTotals
    profession_code: str | None = None  # as accounts.PROFESSIONS has them: whose CPD rules

    @property
    def rcgp(self) -> bool:
        """Say whether RCGP credits apply to the learner (a GP)."""
        return self.totals.rcgp

    @property
    def cpd_note(self) -> str:
        """Return the sentence on what CPD time is for: the learner's regulator's rule.

        RCGP credits for a GP, GPhC records for a pharmacist, the NMC's hours for a nurse;
        for everyone else (link workers, coaches, care co-ordinators), whom no one of these
        regulates, what the record is for in general.
        """
        if self.rcgp:
            return (
                "RCGP credits are one per hour of learning with a reflection written: write the "
                "reflection on a module's certificate for its time to earn them."
            )
        if self.profession_code in GPHC_PROFESSIONS:
            return (
                "The GPhC asks pharmacists for 4 CPD records a year: the reflective account on "
                "a module's certificate can help you write one."
            )
        if self.profession_code in NMC_PROFESSIONS:
            return (
                "The NMC asks nurses for 35 hours of CPD over each three-year revalidation "
                "period, with reflective accounts."
            )
        return (
            "You can use this record for your own CPD, appraisal or supervision: the reflection "
            "on a module's certificate says what you learned and what it changes in your work."
        )

    def module_credits_note(self, module: ModuleRecord) -> str:
        """Return what a module's counted time earns in RCGP credits ("" if not a GP)."""
        return rcgp_note(module.credited_minutes, module.reflected_minutes, self.rcgp)


# Who earns RCGP credits: GPs (profession codes, as accounts.PROFESSIONS has them).
RCGP_PROFESSIONS = frozenset({"gp"})
# Whose CPD records the GPhC asks for: pharmacists.
GPHC_PROFESSIONS = frozenset({"pharmacist"})
# Whose revalidation the NMC sets: nurses.
NMC_PROFESSIONS = frozenset({"practice-nurse"})


def earns_rcgp_credits(profession: str | None) -> bool:
    """Say whether RCGP credits apply to people of this profession (GPs)."""
    return profession in RCGP_PROFESSIONS


def credits(minutes: int) -> float:
    """Return RCGP credits at one an hour, to two places: the figure the credential carries."""
    return cpd_hours(minutes)


def credits_figure(value: float) -> str:
    """Return RCGP credits as a number is written: "0", "0.75", "1.5", "12" (at most two
    places, as the credential states them, and no trailing zeros), everywhere they are shown."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def credits_in_words(value: float) -> str:
    """Return RCGP credits as a reader sees them: "0.75 RCGP credits", "1 RCGP credit"."""
    return f"{credits_figure(value)} RCGP credit{'' if value == 1 else 's'}"


def rcgp_note(minutes: int, reflected: int, rcgp: bool) -> str:
    """Return, in brackets, the RCGP credits CPD time earns, or what it still needs.

    Only a GP earns them (`rcgp`), and only for time with its reflection written
    (`reflected` of the `minutes`); for anyone else there is nothing to say.
    """
    if not rcgp or minutes <= 0:
        return ""
    if reflected >= minutes:
        return f"({credits_in_words(credits(minutes))})"
    if reflected <= 0:
        return "(no RCGP credits yet: they need a reflection written)"
    return (
        f"({credits_in_words(credits(reflected))} for the {cpd_time_in_words(reflected)} with "
        "a reflection written; the rest needs one)"
    )


def years_before(day: date, years: int) -> date:
    """Return the same day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def cpd_totals(
    modules: tuple[ModuleRecord, ...], today: date, years: int, *, rcgp: bool = False
) -> CpdTotals:
    """Add up the CPD time of modules completed this year and over the last `years` years,
    and for a GP (`rcgp`) the part of each with a reflection written."""
    year_start = date(today.year, 1, 1)
    period_start = years_before(today, years)
    year = [m for m in modules if m.counted and m.completed_on >= year_start]
    period = [m for m in modules if m.counted and m.completed_on >= period_start]
    return CpdTotals(
        year_start=year_start,
        year_minutes=sum(m.credited_minutes for m in year),
        period_years=years,
        period_start=period_start,
        period_minutes=sum(m.credited_minutes for m in period),
        rcgp=rcgp,
        year_reflected_minutes=sum(m.reflected_minutes for m in year),
        period_reflected_minutes=sum(m.reflected_minutes for m in period),
    )


STATUS_WORDS = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "completed": "Completed",
    CERTIFICATE_REVOKED: "Certificate revoked",
    CERTIFICATE_EXPIRED: "Certificate expired",
}


def describe_minutes(minutes: int, reflected: int = 0, rcgp: bool = False) -> str:
    """Return CPD time in words with what it earns in RCGP credits, e.g. "1 hour 30 minutes
    (1.5 RCGP credits)" for a GP who wrote the reflections; "45 minutes" for anyone else."""
    note = rcgp_note(minutes, reflected, rcgp)
    return f"{cpd_time_in_words(minutes)} {note}" if note else cpd_time_in_words(minutes)
