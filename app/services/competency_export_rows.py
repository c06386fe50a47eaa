"""A learner's rows of the competency export as Python assembles them (`export_rows`, the
SQLite path): their framework's competencies in its order, each unrated one filled in, then
their ratings in retired competencies. competency_export_lines.py is PostgreSQL's version.
"""

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from app.domain.accounts import PROFESSIONS
from app.domain.competencies import (
    INSUFFICIENT_EVIDENCE,
    NOT_MET,
    NOT_STARTED,
    PRACTICE_NOT_NEEDED,
    STANDING_NAMES,
)
from app.services import export_confirmations
from app.services.grid_filters import FILTERS

CURRENT = ("", "")  # a competency of the framework's: not retired


def one_decimal(score: float) -> str:
    """Return a knowledge rating score to one decimal place."""
    # Half up from the figure stored (to 6 places), as PostgreSQL's round() on a decimal.
    return str(Decimal(repr(score)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def retired_rows(person: tuple, retired: dict, codes_for) -> Iterator:
    """Yield the learner's rows in retired competencies, by code: after their framework's
    rows, when they have a framework's (`framework_rows` read its codes)."""
    if not person or person[2] not in codes_for or not codes_for[person[2]]:
        return
    named = (*person[:2], PROFESSIONS.get(person[2], person[2]), person[3])
    for code in sorted(retired):
        yield [*named, code, *retired[code]]


UNRATED = (
    INSUFFICIENT_EVIDENCE,
    "",
    0,
    "",
    NOT_STARTED,
    *export_confirmations.EMPTY,
    STANDING_NAMES[NOT_MET],
    "",
    *CURRENT,
)
UNRATED_NEEDING_NO_PRACTICE = (*UNRATED[:4], PRACTICE_NOT_NEEDED, *UNRATED[5:])


def framework_rows(
    person: tuple, found: dict, codes_for, catalogue, standing_filter, not_needed, names
) -> Iterator:
    """Yield the learner's rows in their framework's competencies, in its order: those not
    rated as unrated (only those `found` in a standing asked for)."""
    if not person:
        return
    profession = person[2]
    if profession not in codes_for:
        framework = catalogue.framework_for(profession)
        codes_for[profession] = [c.code for c in framework.competencies] if framework else []
    named = (*person[:2], PROFESSIONS.get(profession, profession), person[3])
    for code in codes_for[profession]:
        if standing_filter in FILTERS and code not in found:
            continue
        unrated = UNRATED_NEEDING_NO_PRACTICE if code in not_needed else UNRATED
        yield [*named, code, *found.get(code, (names.get(code, ""), *unrated))]
