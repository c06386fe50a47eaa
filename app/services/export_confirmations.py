"""The competency export's confirmation columns: who confirmed the practice, when, and until when.

A row whose practice is "Confirmed" or "Confirmation expired" (as stored: a rating stores
"Confirmed" until it is re-rated after the end) names the latest confirmation behind it: the
supervisor as the decision recorded them, the day, and the day it stops counting as the
decision recorded it ("No end date", or "Not recorded" for one given before decisions kept
it), as the learner's and supervisor's pages say. Any other row leaves the three empty.

The decision is looked up only for those rows, by the index of requests by learner and
code: CASE runs its subquery only when its condition holds, so the export reads nothing
more for the rest. `competency_export` reads the three values (SQLite); `cells_sql` has
PostgreSQL write them as CSV cells, byte for byte the same.
"""

from sqlalchemy import case, func, select

from app.domain.competencies import CONFIRMATION_EXPIRED
from app.domain.competencies import CONFIRMED as PRACTICE_CONFIRMED
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services.retired_confirmations import CONFIRMED
from app.services.sql_csv_cells import cell, uk_day
from app.services.sqlfunctions import iso_date

# The practices, as stored, whose row names the confirmation behind them.
_CONFIRMED = (PRACTICE_CONFIRMED, CONFIRMATION_EXPIRED)
HEADER = ["Confirmed by", "Confirmed on", "Confirmation valid until"]
EMPTY = ("", "", "")
NO_END_DATE = "No end date"
NOT_RECORDED = "Not recorded"


def _latest(user_id, code, *columns):
    """Return, in SQL, the columns of the learner's latest confirmation in the code."""
    return (
        select(*columns)
        .join(ConfirmationRequest, ConfirmationRequest.id == ConfirmationDecision.request_id)
        .where(
            ConfirmationRequest.user_id == user_id,
            ConfirmationRequest.competency_code == code,
            ConfirmationDecision.outcome == CONFIRMED,
        )
        .order_by(ConfirmationDecision.decided_at.desc(), ConfirmationDecision.id.desc())
        .limit(1)
        # The learner and the code come from the row the cells are for, however far out
        # (PostgreSQL's learner is a LATERAL two levels up): never read again here.
        .correlate_except(ConfirmationDecision, ConfirmationRequest)
        .scalar_subquery()
    )


def columns(user_id, code, practice) -> list:
    """Return the three cells' values for a rating's row, NULL unless its practice is
    confirmed: who confirmed, the day, and until when (a day, or the words for none)."""
    confirmed = practice.in_(_CONFIRMED)
    return [
        case((confirmed, _latest(user_id, code, ConfirmationDecision.decided_by_name))),
        case((confirmed, _latest(user_id, code, iso_date(ConfirmationDecision.decided_at)))),
        case((confirmed, _latest(user_id, code, _until(iso_date)))),
    ]


def cells(by, on, until) -> tuple[str, str, str]:
    """Return the three cells from the values `columns` read ('' for a row with none)."""
    return (by or "", on or "", until or "")


def cells_sql(user_id, code, practice):
    """Return, in SQL, the three cells as CSV (no comma after), as `cells` gives them."""
    line = (
        cell(ConfirmationDecision.decided_by_name) + "," + uk_day(ConfirmationDecision.decided_at)
    )
    line = line + "," + _until(uk_day)
    found = _latest(user_id, code, line)
    return case((practice.in_(_CONFIRMED), func.coalesce(found, ",,")), else_=",,")


def _until(day):
    # The recorded end as a day; the words for none (no cell of theirs needs quotes).
    recorded = func.coalesce(day(ConfirmationDecision.valid_until), NO_END_DATE)
    return case((ConfirmationDecision.validity_recorded, recorded), else_=NOT_RECORDED)
