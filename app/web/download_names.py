"""The file names of managers' downloads: the organisation, the teams and filters, the day.

Two downloads on one day, of two organisations, two teams or two filters, keep apart by
name (domain/file_names.py makes each part a safe ASCII slug).
"""

from datetime import date

from app.domain.accounts import PROFESSIONS
from app.domain.file_names import download_name
from app.services import teams
from app.services.compliance_learners import Filters as ComplianceFilters
from app.services.grid_filters import Filters as GridFilters


def competencies_name(scope: teams.Scope, chosen: GridFilters | None, day: date) -> str:
    """Name the competency CSV: the organisation, a confined manager's teams, each filter."""
    parts = [scope.organisation_name, *_confined_to(scope)]
    if chosen is not None:
        parts += [
            f"search {chosen.search}" if chosen.search else "",
            PROFESSIONS.get(chosen.profession, ""),
            chosen.framework_id,
            chosen.module_slug,
            chosen.status,
        ]
    return download_name("competencies", parts, day, "csv")


def compliance_name(
    scope: teams.Scope,
    filters: ComplianceFilters,
    seen: list[teams.TeamRow],
    day: date,
    kind: str,
) -> str:
    """Name a compliance download: the organisation, the team asked (else a confined
    manager's teams), the profession, status and framework asked."""
    team = next((t.name for t in seen if t.id == filters.team_id), None)
    parts = [scope.organisation_name, *([team] if team else _confined_to(scope, seen))]
    parts += [PROFESSIONS.get(filters.profession, ""), filters.status, filters.framework_id]
    return download_name("compliance", parts, day, kind)


def _confined_to(scope: teams.Scope, seen: list[teams.TeamRow] | None = None) -> list[str]:
    # The teams of a manager confined to some: their file holds those teams' learners only.
    if scope.whole_organisation:
        return []
    return [team.name for team in (seen if seen is not None else teams.teams_in(scope))]
