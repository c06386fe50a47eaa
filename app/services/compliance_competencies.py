"""The compliance matrix's optional competency columns: each learner's standing for a framework.

Read from the stored `competency_level` rows, the standing worked out in SQL at the moment
asked with the grid's rule (`grid_filters.standing_condition`), so a region's learners cost one
query and no Python per rating, in the matrix's statement.
"""

from sqlalchemy import and_, case, func, literal, or_, true

from app.domain.competencies import AWAITING, CONFIRMED, DUE_SOON, EXPIRED, MET, NOT_MET
from app.domain.frameworks import Framework
from app.models import IN_SOME_STANDING, CompetencyLevel
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services.grid_filters import AWAITING_FILTER, standing_condition
from app.services.retired_confirmations import CONFIRMED as DECIDED_CONFIRMED
from app.services.tagged_rows import branch

NOT_APPLICABLE = "not-applicable"
# Not met though a supervisor's confirmation is in date: what is missing is the knowledge
# (the rating from quiz answers does not reach what the met rule asks).
KNOWLEDGE_SHORT = "knowledge-short"
# standing -> (words, icon, the status tag's colour): colour plus text and an icon.
LABELS = {
    MET: ("Met", "✓", "complete"),
    DUE_SOON: ("Due soon", "!", "due-soon"),
    EXPIRED: ("Expired", "↻", "expired"),
    AWAITING_FILTER: ("Awaiting confirmation", "…", "assigned"),
    KNOWLEDGE_SHORT: ("Not met: knowledge not yet enough", "–", "not-met-knowledge"),
    NOT_MET: ("Not met", "–", "not-assigned"),
    NOT_APPLICABLE: ("Not applicable", "", "not-assigned"),
}
COUNTED = (MET, DUE_SOON)  # met for now, renewal or not


def standings(organisation_id: int, codes: tuple[str, ...], now):
    """Return the tagged rows ("rating": code, standing; user id) of the organisation's
    ratings in the codes, for the caller to keep its learners'.

    Read by the organisation and codes alone (an index) and kept for the learners in Python:
    joined to the learners, PostgreSQL chose a loop over the ratings per learner whenever its
    statistics lagged a bulk load, a minute at 10,000 learners.
    """
    standing = case(
        (standing_condition(MET, now), MET),
        (standing_condition(DUE_SOON, now), DUE_SOON),
        (standing_condition(EXPIRED, now), EXPIRED),
        (CompetencyLevel.practice == AWAITING, AWAITING_FILTER),
        else_=NOT_MET,
    )
    # Only ratings in some standing besides "not met", which is what a learner with no
    # row shows too: a few beside the rest, read by their own partial index.
    return branch(
        "rating",
        text=(CompetencyLevel.competency_code, standing),
        number=(CompetencyLevel.user_id,),
    ).where(
        CompetencyLevel.organisation_id == organisation_id,
        CompetencyLevel.competency_code.in_(codes),
        IN_SOME_STANDING,
    )


def confirmed_not_met(learner_ids, codes: tuple[str, ...], now):
    """Return the tagged rows ("rating": code, KNOWLEDGE_SHORT; user id) of the learners'
    ratings not met though their practice is confirmed, in date, for `standings`' rows.

    Found from the learners' confirmations (by the index of requests by learner and code),
    few beside their ratings, rather than from every rating they have: a rating outside
    "some standing" is in no partial index.
    """
    level = CompetencyLevel
    return (
        branch(
            "rating",
            text=(level.competency_code, literal(KNOWLEDGE_SHORT)),
            number=(level.user_id,),
        )
        .select_from(ConfirmationRequest)
        .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
        .join(
            level,
            and_(
                level.user_id == ConfirmationRequest.user_id,
                level.competency_code == ConfirmationRequest.competency_code,
            ),
        )
        .where(
            ConfirmationRequest.user_id.in_(learner_ids),
            ConfirmationRequest.competency_code.in_(codes),
            ConfirmationDecision.outcome == DECIDED_CONFIRMED,
            level.practice == CONFIRMED,
            or_(level.practice_until.is_(None), level.practice_until > now),
            ~IN_SOME_STANDING,
        )
    )  # a learner confirmed twice in a code reads twice: the rows become one cell


def cells_for(
    framework: Framework, codes: tuple[str, ...], found: dict, user_id: int, profession: str
) -> tuple[str, ...]:
    """Return one learner's standing in each of the framework's codes, in its order."""
    if framework.applies_to and profession not in framework.applies_to:
        return (NOT_APPLICABLE,) * len(codes)
    return tuple(found.get((user_id, code), NOT_MET) for code in codes)


def competency_counts(organisation_id: int, chosen, framework: Framework, codes, now):
    """Return the tagged rows ("competency met": code; learners met) over the learners
    given (the matrix's: every learner in the team and profession asked).

    Met counts "met" and "due soon" (COUNTED) among the learners the framework applies to,
    read, like `standings`, from the few ratings in some standing.
    """
    met = or_(standing_condition(MET, now), standing_condition(DUE_SOON, now))
    applies = chosen.c.profession.in_(framework.applies_to) if framework.applies_to else true()
    return (
        branch(
            "competency met",
            text=(CompetencyLevel.competency_code,),
            number=(func.count(),),
        )
        .join(chosen, chosen.c.user_id == CompetencyLevel.user_id)
        .where(
            CompetencyLevel.organisation_id == organisation_id,
            CompetencyLevel.competency_code.in_(codes),
            IN_SOME_STANDING,
            met,
            applies,
        )
        .group_by(CompetencyLevel.competency_code)
    )
