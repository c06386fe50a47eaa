"""A learner's rows from several tables in one statement, for the pages that show them.

Each branch here reads one kind of the learner's rows (see `tagged_rows`); a page picks
the branches it shows and reads them in one round trip, and each service turns the rows
of its kinds into what the page shows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import Float, and_, bindparam, cast, exists, or_, select

from app.models import (
    Answer,
    Attempt,
    AttemptGrant,
    Certificate,
    CompetencyLevel,
    Completion,
    Organisation,
    User,
)
from app.models import Evidence as EvidenceRow
from app.models_assignments import Assignment
from app.models_credentials import Credential
from app.models_practice import Supervisor
from app.models_teams import Team, TeamMember
from app.services import passes
from app.services.assignment_dues import Came, own_due_sql
from app.services.knowledge_now import knowledge_now
from app.services.rating_reads import COUNTED_EVIDENCE, with_answer_and_attempt
from app.services.sqlfunctions import uk_date
from app.services.tagged_rows import Row, branch

SELF = bindparam("user_id")
# A learner's team name, and whether they are named a supervisor in their organisation
# (as correlated subqueries of User): also read by profile.WHERE_THEY_ARE.
TEAM_NAME = (
    select(Team.name)
    .join(TeamMember, TeamMember.team_id == Team.id)
    .where(TeamMember.user_id == User.id)
    .scalar_subquery()
)
IS_SUPERVISOR = exists().where(
    Supervisor.user_id == User.id, Supervisor.organisation_id == User.organisation_id
)
_GRANTER = User.__table__.alias("granter")
_ORGANISATION = select(User.organisation_id).where(User.id == SELF).scalar_subquery()
_PROFESSION = select(User.profession).where(User.id == SELF).scalar_subquery()
_TEAMS = select(TeamMember.team_id).where(TeamMember.user_id == SELF)

# texts: full name, email, profession, registration number, team, organisation;
# numbers: id, organisation id; flag: a supervisor of their organisation.
PERSON = (
    branch(
        "person",
        text=(
            User.full_name,
            User.email,
            User.profession,
            User.registration_number,
            TEAM_NAME,
            Organisation.name,
        ),
        number=(User.id, User.organisation_id),
        flag=(IS_SUPERVISOR,),
    )
    .outerjoin(Organisation, Organisation.id == User.organisation_id)
    .where(User.id == SELF)
)

# texts: module, item key; times: first completed, last completed again. Those that stand:
# a quiz's only while a pass of it counts (passes.COMPLETION_STANDS), so every page that
# reads these shows a module completed by the same rule as compliance.
COMPLETIONS = branch(
    "done",
    text=(Completion.module_slug, Completion.item_key),
    at=(Completion.completed_at, Completion.last_completed_at),
).where(Completion.user_id == SELF, passes.COMPLETION_STANDS)

# texts: quiz, module, status, the quiz's kind when it started (None before it was kept),
# the module's title when it started (likewise); numbers: id, number, percent; flag:
# passed; time: submitted.
ATTEMPTS = branch(
    "attempt",
    text=(
        Attempt.quiz_id,
        Attempt.module_slug,
        Attempt.status,
        Attempt.quiz_settings["kind"].as_string(),
        Attempt.module_title,
    ),
    number=(Attempt.id, Attempt.number, Attempt.percent),
    # The pass mark the attempt is graded against and the attempts the quiz allowed: the
    # quiz's when it started.
    real=(
        Attempt.quiz_settings["pass_mark"].as_float(),
        Attempt.quiz_settings["max_attempts"].as_float(),
    ),
    flag=(Attempt.passed,),
    at=(Attempt.submitted_at,),
).where(Attempt.user_id == SELF)

# texts: quiz, kind, reason, who gave it; numbers: id, extra attempts; time: given.
GRANTS = (
    branch(
        "grant",
        text=(AttemptGrant.quiz_id, AttemptGrant.kind, AttemptGrant.reason, _GRANTER.c.full_name),
        number=(AttemptGrant.id, AttemptGrant.extra),
        at=(AttemptGrant.granted_at,),
    )
    .outerjoin(_GRANTER, _GRANTER.c.id == AttemptGrant.granted_by)
    .where(AttemptGrant.user_id == SELF)
)

# texts: module, code, title, clinical reviewer at issue; numbers: CPD minutes, id, the
# attempt it certifies; times: issued, its credential revoked, its credential valid until;
# document: the reflective account.
# Every certificate the learner holds: several for a module once they renew it (a page shows
# the latest: latest_by_module).
CERTIFICATES = (
    branch(
        "certificate",
        # With the title and CPD minutes it recorded when it was issued.
        text=(
            Certificate.module_slug,
            Certificate.code,
            Certificate.module_title,
            Certificate.clinical_reviewer,
        ),
        number=(Certificate.cpd_minutes, Certificate.id, Certificate.attempt_id),
        at=(Certificate.issued_at, Credential.revoked_at, Credential.valid_until),
        doc=(Certificate.reflective_account,),
    )
    .outerjoin(Credential, Credential.certificate_id == Certificate.id)
    .where(Certificate.user_id == SELF, Certificate.withdrawn_at.is_(None))
)

# text: module; number: renew months; day: due (the learner's own: an assignment fell due
# before they joined its team or organisation or took its profession, assignment_dues).
# Those whose target covers the learner: by name, or their team and profession within their
# organisation.
ASSIGNED_DUE = own_due_sql(
    Came(
        select(uk_date(TeamMember.joined_at)).where(TeamMember.user_id == SELF).scalar_subquery(),
        select(uk_date(User.organisation_joined_at)).where(User.id == SELF).scalar_subquery(),
        select(uk_date(User.profession_since)).where(User.id == SELF).scalar_subquery(),
    )
)
ASSIGNMENTS = branch(
    "assigned",
    text=(Assignment.module_slug,),
    number=(Assignment.renew_months,),
    day=(ASSIGNED_DUE,),
).where(
    Assignment.organisation_id == _ORGANISATION,
    or_(
        Assignment.user_id == SELF,
        and_(
            Assignment.user_id.is_(None),
            or_(Assignment.team_id.is_(None), Assignment.team_id.in_(_TEAMS)),
            or_(Assignment.profession.is_(None), Assignment.profession == _PROFESSION),
        ),
    ),
)

# texts: competency, level, practice; real: score; number: evidence count;
# flags: met, expired; times: met until, due from, practice until. Every competency's: the
# caller keeps those of the learner's framework. Knowledge as it stands at `now` (a parameter).
_KNOWLEDGE = knowledge_now()
LEVELS = branch(
    "level",
    text=(CompetencyLevel.competency_code, _KNOWLEDGE[0], CompetencyLevel.practice),
    real=(_KNOWLEDGE[1],),
    number=(_KNOWLEDGE[2],),
    flag=(CompetencyLevel.met, CompetencyLevel.expired),
    at=(CompetencyLevel.met_until, CompetencyLevel.due_from, CompetencyLevel.practice_until),
).where(CompetencyLevel.user_id == SELF)

# texts: competency, quiz, question version; reals: score, the attempt's percent; numbers:
# id, the attempt's id and number; flags: whether the attempt passed, whether a revocation
# withdrew it (its answers no longer count); times: recorded, the
# attempt submitted; document: the answer given. The attempt as graded: nothing recomputed.
EVIDENCE = with_answer_and_attempt(
    branch(
        "evidence",
        text=(EvidenceRow.competency_code, EvidenceRow.quiz_id, EvidenceRow.question_version),
        real=(EvidenceRow.score, cast(Attempt.percent, Float)),
        number=(EvidenceRow.id, Attempt.id, Attempt.number),
        flag=(Attempt.passed, ~COUNTED_EVIDENCE),
        at=(EvidenceRow.recorded_at, Attempt.submitted_at),
        doc=(Answer.response,),
    )
).where(EvidenceRow.user_id == SELF)


class Person(NamedTuple):
    """The learner, as a person branch reads them."""

    id: int
    full_name: str
    email: str
    profession: str | None
    registration_number: str | None
    team: str | None
    organisation: str | None
    organisation_id: int | None
    supervisor: bool


class AttemptSeen(NamedTuple):
    """One of the learner's attempts, as an attempt branch reads it."""

    id: int
    quiz_id: str
    module_slug: str
    status: str
    number: int
    percent: int | None
    passed: bool | None
    submitted_at: object
    kind: str | None = None  # "assessment" or "knowledge-check", as the attempt kept it
    pass_mark: float | None = None  # as the attempt kept it (None: from before it was kept)
    max_attempts: int | None = None  # likewise (None too for a quiz with no limit)
    module_title: str | None = None  # likewise: what names it once the module has gone


def person_of(found: dict[str, list[Row]]) -> Person | None:
    """Return the person the rows are about, if the person branch found them."""
    for row in found.get("person", ()):
        full_name, email, profession, registration_number, team, organisation = row.text
        return Person(
            row.number[0],
            full_name,
            email,
            profession,
            registration_number,
            team,
            organisation,
            row.number[1],
            bool(row.flag[0]),
        )
    return None


def attempts_of(found: dict[str, list[Row]]) -> list[AttemptSeen]:
    """Return the learner's attempts, by quiz and number."""
    seen = [
        AttemptSeen(
            id=row.number[0],
            quiz_id=row.text[0],
            module_slug=row.text[1],
            status=row.text[2],
            number=row.number[1],
            percent=row.number[2],
            passed=row.flag[0],
            submitted_at=row.at[0],
            kind=row.text[3],
            pass_mark=row.real[0],
            max_attempts=None if row.real[1] is None else int(row.real[1]),
            module_title=row.text[4],
        )
        for row in found.get("attempt", ())
    ]
    return sorted(seen, key=lambda a: (a.quiz_id, a.number))


def latest_by_module(found: dict[str, list[Row]]) -> dict[str, Row]:
    """Return the learner's latest certificate row for each module (latest issued, then id)."""
    latest: dict[str, Row] = {}
    for row in sorted(found.get("certificate", ()), key=lambda r: (_utc(r.at[0]), r.number[1])):
        latest[row.text[0]] = row
    return latest


def standing_by_module(found: dict[str, list[Row]]) -> dict[str, Row]:
    """Return the learner's latest certificate row for each module whose credential was not
    revoked: its pass counts (services/passes.py), so while it stands the module is completed."""
    rows = {"certificate": [row for row in found.get("certificate", ()) if row.at[1] is None]}
    return latest_by_module(rows)


def _utc(moment: datetime) -> datetime:
    # SQLite hands stored times back without their zone: every one is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
