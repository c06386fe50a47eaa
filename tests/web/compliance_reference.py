"""The compliance matrix as it was worked out before it moved to SQL: a loop per learner.

Kept only as the reference the SQL path is compared with (test_compliance_sql.py).
"""

from datetime import date, datetime

from sqlalchemy import select

from app import db
from app.domain import assignments as rules
from app.domain.accounts import PROFESSIONS
from app.domain.content import Catalogue
from app.models import User, utcnow
from app.models_teams import Team, TeamMember
from app.services.assignment_standings import LEARNER, completion_dates, learner_rules
from app.services.compliance import NO_TEAM, Filters
from app.services.compliance_competencies import COUNTED, NOT_APPLICABLE, cells_for, standings
from app.services.compliance_rows import Matrix, Row, Share
from app.services.tagged_rows import read
from app.services.teams import Scope, in_scope


def matrix(
    scope: Scope, catalogue: Catalogue, filters: Filters, day: date, now: datetime | None = None
) -> Matrix:
    """Return every row of the matrix, worked out learner by learner in Python."""
    session = db.session()
    where = [in_scope(scope)]
    if filters.team_id is not None:
        where.append(TeamMember.team_id == filters.team_id)
    if filters.profession:
        where.append(User.profession == filters.profession)
    learners = session.execute(
        select(*LEARNER, User.full_name, User.email, Team.name)
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .where(*where)
        .order_by(User.full_name, User.id)
    ).all()
    bound = learner_rules(scope.organisation_id, [tuple(r)[: len(LEARNER)] for r in learners])
    assigned = {rule.module_slug for found in bound.values() for rule in found}
    offered = tuple((m.slug, m.title) for m in catalogue.modules if m.slug in assigned)
    gone = sorted(assigned - {slug for slug, _ in offered})
    modules = offered + tuple((slug, slug) for slug in gone)
    chosen = select(User.id).outerjoin(TeamMember, TeamMember.user_id == User.id).where(*where)
    done = completion_dates(User.id.in_(chosen), catalogue) if learners else {}
    framework = catalogue.framework(filters.framework_id) if filters.framework_id else None
    codes = tuple(c.code for c in framework.competencies) if framework else ()
    ids = {r.id for r in learners}
    ratings = read([standings(scope.organisation_id, codes, now or utcnow())]) if codes else {}
    found = {
        (row.number[0], row.text[0]): row.text[1]
        for row in ratings.get("rating", ())
        if row.number[0] in ids
    }
    rows, every = [], []  # the rows the status keeps; every row, which the figures count
    for learner in learners:
        mine = {rule.module_slug: rule for rule in bound[learner.id]}
        cells = tuple(
            rules.standing(
                mine[slug],
                done.get((learner.id, slug)),
                day,
                offered=catalogue.module(slug) is not None,
            )
            if slug in mine
            else None
            for slug, _ in modules
        )
        every.append(
            Row(
                learner.id,
                learner.full_name,
                learner.email,
                PROFESSIONS.get(learner.profession, learner.profession),
                learner.name or NO_TEAM,
                cells,
                cells_for(framework, codes, found, learner.id, learner.profession)
                if framework
                else (),
            )
        )
    for row in every:
        statuses = {rules.NOT_ASSIGNED if c is None else c.status for c in row.cells}
        if not filters.status or filters.status in statuses:
            rows.append(row)
    by_module = []
    for index, (_, title) in enumerate(offered):
        cells = [row.cells[index] for row in every if row.cells[index] is not None]
        by_module.append(Share(title, len(cells), sum(c.compliant for c in cells)))
    by_team = []
    for team in sorted({r.team for r in every}):
        cells = [c for row in every if row.team == team for c in row.cells if c and c.counted]
        by_team.append(Share(team, len(cells), sum(c.compliant for c in cells)))
    by_competency = []
    for index, code in enumerate(codes):
        cells = [row.competencies[index] for row in every]
        cells = [cell for cell in cells if cell != NOT_APPLICABLE]
        by_competency.append(Share(code, len(cells), sum(cell in COUNTED for cell in cells)))
    return Matrix(
        modules,
        tuple(rows),
        tuple(by_module),
        tuple(by_team),
        day,
        competencies=tuple((c.code, c.name) for c in framework.competencies) if framework else (),
        by_competency=tuple(by_competency),
        count=len(rows),
        no_longer_offered=tuple(gone),
    )
