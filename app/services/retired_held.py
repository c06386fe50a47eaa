"""What learners hold in competencies taken out of every framework, for a manager's views.

A trainer may take a competency out of `competencies/*.yaml`. A learner's rating and a
supervisor's confirmation in it stay on their own record (retired_ratings.py,
retired_confirmations.py); the manager's grid, the compliance matrix's competency columns
and their downloads show them as well, apart from the framework's: labelled as no longer in
any framework, by code and the name it last had, counted in no figure and never shown as a
gap to close. Two branches read them for a page's learners, in the statement that reads the
page, so a page costs no statement more. A paged view's columns are those of every learner its
filters select, read in that statement by a third branch, so each of its pages has the same.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from app.domain.competencies import INSUFFICIENT_EVIDENCE, practice_shown
from app.domain.dates import uk_day
from app.models import CompetencyLevel, User
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services.competency_names import last_name
from app.services.knowledge_now import knowledge_now
from app.services.rating_reads import aware
from app.services.retired_confirmations import CONFIRMED
from app.services.tagged_rows import branch

RATING, CONFIRMATION = "retired rating", "retired confirmation"
COLUMN = "retired column"
NOT_RECORDED = "(name not recorded)"


class Held(NamedTuple):
    """A learner's rating and latest confirmation in a competency no framework has now."""

    level: str | None = None  # knowledge as it stands now; None: no rating stored
    practice: str | None = None  # as stored, "Confirmation expired" once lapsed
    confirmed_at: datetime | None = None  # a supervisor's latest confirmation; None: none


class Retired(NamedTuple):
    """The competencies no framework has now that the learners read hold something in."""

    columns: tuple[tuple[str, str | None], ...] = ()  # (code, name it last had), by code
    held: dict = {}  # user id -> code -> Held

    def names(self) -> dict[str, str]:
        """Return each code's name in words ("(name not recorded)" where none was)."""
        return {code: name or NOT_RECORDED for code, name in self.columns}


def branches(learners, user_id, known: list[str], now: datetime) -> tuple:
    """Return the branches that read what the `learners` (a WITH query, its `user_id`
    column) hold in codes no framework has now (`known`: the codes some framework has).

    A rating ("retired rating": code, knowledge now, practice, last name; user; practice
    until) counts when it had answers or a level, as on the learner's page (a request alone
    does not); every confirmation ("retired confirmation": code, last name, else the name
    its decision recorded; user; decided at) does.
    """
    level = CompetencyLevel
    ratings = (
        branch(
            RATING,
            text=(
                level.competency_code,
                knowledge_now(now)[0],
                level.practice,
                last_name(level.competency_code),
            ),
            number=(user_id,),
            at=(level.practice_until,),
        )
        .select_from(learners)
        .join(level, level.user_id == user_id)
        .where(
            level.competency_code.not_in(known),
            or_(level.evidence_count > 0, level.level != INSUFFICIENT_EVIDENCE),
        )
    )
    request, decision = ConfirmationRequest, ConfirmationDecision
    confirmations = (
        branch(
            CONFIRMATION,
            text=(
                request.competency_code,
                func.coalesce(last_name(request.competency_code), decision.competency_name),
            ),
            number=(user_id,),
            at=(decision.decided_at,),
        )
        .select_from(learners)
        .join(request, request.user_id == user_id)
        .join(decision, decision.request_id == request.id)
        .where(request.competency_code.not_in(known), decision.outcome == CONFIRMED)
    )
    return ratings, confirmations


def column_branch(organisation_id: int, where, known: list[str], rated, counted: bool):
    """Return the branch "retired column" (texts: code, last name) of the codes no framework
    has now (`known`: those some framework has) that any learner `where` selects holds
    something in, as `branches` counts it: the columns of every page of a paged view.

    `rated` (dashboard_counts.rated_codes) names the codes some of the learners have a
    rating in, and whether one is at a level, from the kept counts: a few rows. When those
    count just the learners selected (`counted`: no search, standing or matrix status
    asked), a code rated at a level is held, read from them alone. Any other is looked for,
    one code at a time, through the index of ratings by code, each rating's learner checked
    by id, up to the first held by a learner selected: never every learner's ratings
    (PostgreSQL may start from the learners instead where it expects few: a matrix status's
    learners, say). A confirmation counts through its
    learner's rating, which every practice step writes (ratings.refresh_levels).
    """
    codes = rated.where(rated.selected_columns[0].not_in(known)).subquery("retired")
    code = codes.c[0]
    level, request, decision = aliased(CompetencyLevel), ConfirmationRequest, ConfirmationDecision
    confirmed = (
        exists()
        .where(request.user_id == level.user_id, request.competency_code == code)
        .where(decision.request_id == request.id, decision.outcome == CONFIRMED)
        .correlate_except(request, decision)
    )
    # Its first holder, a value rather than EXISTS: as EXISTS, PostgreSQL joined once for
    # every code, hashing every learner selected.
    holder = (
        select(level.user_id)
        .where(level.organisation_id == organisation_id, level.competency_code == code)
        .where(or_(level.evidence_count > 0, level.level != INSUFFICIENT_EVIDENCE, confirmed))
        .where(exists().where(User.id == level.user_id, *where))
        .limit(1)
        .scalar_subquery()
    )
    held = holder.is_not(None)
    found = or_(codes.c.leveled, held) if counted else held
    return branch(COLUMN, text=(code, last_name(code))).select_from(codes).where(found)


def held_from(found: dict, now: datetime) -> Retired:
    """Return what the rows of `branches` read, by learner and code, the columns by code
    (with `column_branch`'s too, where it was read)."""
    names: dict[str, str | None] = {}
    for row in found.get(COLUMN, ()):
        code, name = row.text[:2]
        names[code] = names.get(code) or name
    held: dict[int, dict[str, Held]] = defaultdict(dict)
    for row in found.get(RATING, ()):
        code, level, practice, name = row.text[:4]
        names[code] = names.get(code) or name
        shown = practice_shown(practice, aware(row.at[0]), now)
        mine = held[row.number[0]].get(code, Held())
        held[row.number[0]][code] = mine._replace(level=level, practice=shown)
    for row in found.get(CONFIRMATION, ()):
        code, name = row.text[:2]
        names[code] = names.get(code) or name
        mine = held[row.number[0]].get(code, Held())
        decided = aware(row.at[0])
        if mine.confirmed_at is None or decided > mine.confirmed_at:
            held[row.number[0]][code] = mine._replace(confirmed_at=decided)
    return Retired(tuple(sorted(names.items())), dict(held))


def in_words(held: Held | None) -> str:
    """Return what a learner holds in a retired competency, in words (a download's cell)."""
    if held is None:
        return "Nothing recorded"
    said = []
    if held.level is not None:
        said.append(f"Knowledge {held.level}; practice {held.practice}")
    if held.confirmed_at is not None:
        said.append(f"Confirmed by a supervisor on {uk_day(held.confirmed_at).isoformat()}")
    return "; ".join(said)
