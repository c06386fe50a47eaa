"""The learning record as CSV rows, for a spreadsheet: one row per entry, then the totals.

The rows say what the record page says, from the same `learning_record` values; the
record's PDF is `record_pdf`.
"""

from app.domain.certificate_scope import CPD_TIME_COLUMN
from app.domain.learning_record import (
    STATUS_WORDS,
    LearningRecord,
    ModuleRecord,
    credits,
    credits_figure,
)

CSV_HEADER = (
    "module",
    "status",
    "started",
    "completed",
    "quiz score (%)",
    CPD_TIME_COLUMN,
    "RCGP credits",
    "certificate",
    "reflection written",
    # Appended, so a spreadsheet that reads the earlier columns by position still does.
    "which certificate",
    "clinical review of the content",
)


def csv_rows(record: LearningRecord, verify_url) -> list[list]:
    """Return the record as CSV rows: a header, one row per module (and per earlier
    certificate in the period), then the totals.

    A module not yet completed leaves its CPD time empty, as the page's "Not yet counted"
    does. RCGP credits are a GP's alone: anyone else's cells are empty, and a GP's module whose
    time counts without a reflection says it needs one. The last column tells a module's
    latest certificate from an earlier one, and says whether it was revoked or has expired.
    """
    rows: list[list] = [list(CSV_HEADER)]
    for m in record.modules:
        rows.append(
            [
                m.title,
                STATUS_WORDS[m.status],
                m.started_on.isoformat() if m.started_on else "",
                m.completed_on.isoformat() if m.completed_on else "",
                "" if m.score_percent is None else m.score_percent,
                _minutes_cell(m),
                _credits_cell(record.rcgp, m.credited_minutes, m.reflected_minutes),
                _certificate_cell(m, verify_url),
                "yes" if m.reflection_written else "no",
                _which_certificate(m),
                m.clinical_review or "",
            ]
        )
    t = record.totals
    year = f"Total since {t.year_start.isoformat()}"
    period = f"Total since {t.period_start.isoformat()} ({t.period_years} years)"
    blank = ["", "", "", ""]  # certificate, reflection, which certificate, clinical review
    rows.append([year, "", "", "", "", t.year_minutes, _total_credits(t.year_credits), *blank])
    period_credits = _total_credits(t.period_credits)
    rows.append([period, "", "", "", "", t.period_minutes, period_credits, *blank])
    return rows


def _minutes_cell(module: ModuleRecord) -> int | str:
    # As the page: a module not yet completed has no time counted yet, so an empty cell
    # rather than a 0 that reads as "completed, worth nothing". A revoked certificate's
    # module did count and no longer does: 0, and the certificate cell says why.
    if module.counted or module.certificate_revoked_on:
        return module.credited_minutes
    return ""


# Credits are written as the pages write them ("0", "0.75", "1.5"), the same in a module's
# cell as in a total's: a spreadsheet reads each as a number.
def _credits_cell(rcgp: bool, minutes: int, reflected: int) -> str:
    if not rcgp or minutes <= 0:
        return ""
    return credits_figure(credits(reflected)) if reflected else "needs a reflection written"


def _total_credits(value: float | None) -> str:
    return "" if value is None else credits_figure(value)


def _certificate_cell(module: ModuleRecord, verify_url) -> str:
    if not module.certificate_code:
        return ""
    link = verify_url(module.certificate_code)
    if module.certificate_revoked_on:
        return f"{link} (revoked {module.certificate_revoked_on.isoformat()})"
    if module.certificate_expired_on:
        return f"{link} (expired {module.certificate_expired_on.isoformat()})"
    return link


def _which_certificate(module: ModuleRecord) -> str:
    # In the pages' words: the module's row shows its latest certificate, and an entry after
    # it an earlier one ("Earlier certificate"); a revoked or expired one is either, and says so.
    if not module.certificate_code:
        return ""
    which = "earlier" if module.renewed else "latest"
    if module.certificate_revoked_on:
        return f"{which}, revoked"
    return f"{which}, expired" if module.certificate_expired_on else which
