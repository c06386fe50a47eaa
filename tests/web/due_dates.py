"""A learner's own due dates worked out three ways: Python, the compliance matrix's SQL and
My learning's SQL (tests/web/test_joiner_dues_sql.py, test_org_joiner_dues_sql.py)."""

from datetime import date

from app.content import catalogue
from app.services import assignment_standings, compliance, my_learning, teams


def dues(standings) -> dict[str, date]:
    """Return each standing's due day by module."""
    return {s.module_slug: s.due_on for s in standings}


def three_ways(organisation_id: int, learners: list[int], slugs, on: date) -> dict[int, tuple]:
    """Return, for each learner, their due days in `slugs` as (Python, matrix, My learning);
    call inside an app context."""
    every = catalogue()
    matrix = compliance.matrix(
        teams.Scope(organisation_id), every, compliance.Filters(), on, page=None
    )
    columns = [slug for slug, _ in matrix.modules]
    by_learner = {row.user_id: row for row in matrix.rows}
    found = {}
    for learner in learners:
        python = dues(assignment_standings.for_learner(learner, every, on))
        cells = by_learner[learner].cells
        in_sql = {slug: cells[columns.index(slug)].due_on for slug in slugs}
        mine = dues(s for _, s in my_learning.overview(learner, every, on).assigned)
        found[learner] = (python, in_sql, mine)
    return found
