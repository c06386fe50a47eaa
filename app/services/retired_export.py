"""A learner's rows in competencies no framework has now, for the competency export.

After a learner's rows for their framework, the export lists their ratings in competencies
taken out of every framework since (retired_held.py says why), by code: a rating with
answers or a level, or one a supervisor confirmed. Their last cells say they are retired
and give the name the competency last had; the practice cell gives the date of the latest
confirmation, the met cell that it is not counted. `competency_export` builds these rows in
Python; `retired_lines` has PostgreSQL write them, byte for byte the same.
"""

from datetime import datetime

from sqlalchemy import Numeric, String, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.domain.competencies import INSUFFICIENT_EVIDENCE
from app.models import CompetencyLevel
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services.competency_names import last_name
from app.services.grid_filters import practice_now
from app.services.knowledge_now import knowledge_now
from app.services.retired_confirmations import CONFIRMED
from app.services.sql_csv_cells import cell, python_cells, uk_day

NOT_COUNTED = "Not counted: retired"  # the met cell: no standing now, never "Not met"
RETIRED = "Retired: no longer in any framework"
NAME_NOT_RECORDED = "Not recorded"  # taken out before names were kept (migration 0039)
CONFIRMED_ON = "Confirmed by a supervisor on "  # the practice cell, before the date


def latest_confirmation():
    """Return, in SQL, when a supervisor last confirmed the rating's learner in its code
    (NULL: never), read by the index of requests by learner and code."""
    return (
        select(func.max(ConfirmationDecision.decided_at))
        .join(ConfirmationRequest, ConfirmationRequest.id == ConfirmationDecision.request_id)
        .where(
            ConfirmationRequest.user_id == CompetencyLevel.user_id,
            ConfirmationRequest.competency_code == CompetencyLevel.competency_code,
            ConfirmationDecision.outcome == CONFIRMED,
        )
        .scalar_subquery()
    )


def retired_lines(person, known: list[str], now: datetime):
    """Return the learner's lines in competencies no framework has now, by code (LATERAL):
    a rating with answers, a level or a supervisor's confirmation (its latest, by date).

    By code as Python sorts it (its code points: "C"), as `competency_export` lists them.
    """
    level = CompetencyLevel
    confirmed = latest_confirmation()
    # The name it last had, beside its code and again in the last cell.
    named = func.coalesce(last_name(level.competency_code), NAME_NOT_RECORDED)
    shown, score, count = knowledge_now(now)
    score = func.round(cast(score, Numeric), 1).cast(String)
    practice = func.coalesce(literal(CONFIRMED_ON) + uk_day(confirmed), practice_now(now))
    line = (
        person.c.head
        + cell(level.competency_code)
        + ","
        + cell(named)
        + ","
        + cell(shown)
        + ","
        + func.coalesce(score, "")
        + ","
        + cast(count, String)
        + ","
        + func.coalesce(uk_day(level.last_evidence_at), "")
        + ","
        + cell(practice)
        + ","
        + python_cells("", "", "", NOT_COUNTED, "", RETIRED)  # no confirmation cells: see practice
        + cell(named)
        + "\r\n"
    )
    return (
        select(
            func.string_agg(
                line, aggregate_order_by(literal(""), level.competency_code.collate("C"))
            )
        )
        .where(
            level.user_id == person.c.id,
            level.competency_code.not_in(known),
            (level.evidence_count > 0)
            | (level.level != INSUFFICIENT_EVIDENCE)
            | confirmed.is_not(None),
        )
        .correlate(person)
        .lateral("retired")
    )
