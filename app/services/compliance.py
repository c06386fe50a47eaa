"""The compliance matrix: learners x assigned modules, with the share compliant per module and team.

Worked out on the day asked from assignments and completions (see domain/assignments.py).
The page, the CSV and the XLSX all come from one `matrix()` call with the same filters, so a
download holds exactly the rows and figures of the filtered page (every page of it). The
figures count every learner the team and profession filters keep; a status asked narrows the
rows listed only (see `_count`). The
call is one statement, read as tagged rows (see `tagged_rows`), and built into rows and
tables for downloads by compliance_rows.py.
"""

from collections import Counter
from datetime import date, datetime

from sqlalchemy import Integer, bindparam, case, func, select

from app.domain.accounts import PROFESSIONS
from app.domain.content import Catalogue
from app.models import utcnow
from app.services import compliance_cells as cells_sql
from app.services import compliance_learners as learners_sql
from app.services import (
    mail_preferences,
    module_titles,
    reminder_failures,
    retired_held,
    tagged_rows,
    team_pages,
)
from app.services.compliance_competencies import (
    competency_counts,
    confirmed_not_met,
    standings,
)
from app.services.compliance_learners import NO_TEAM, Filters  # noqa: F401 (views, tests)
from app.services.compliance_rows import Matrix, Share, matrix_rows
from app.services.retired_ratings import known_codes
from app.services.tagged_rows import branch
from app.services.teams import Scope

PER_PAGE = 50
_PAGE = bindparam("page", type_=Integer)


def matrix(
    scope: Scope,
    catalogue: Catalogue,
    filters: Filters,
    day: date,
    page: int | None = 1,
    now: datetime | None = None,
    *,
    with_teams: bool = False,
) -> Matrix:
    """Return the matrix for the filters on a day; page=None keeps every row (exports).

    One statement (`_branches`): the figures, counted in SQL over every learner the team
    and profession filters keep (whatever the status), the rows shown (or exported) with
    their cells and competency ratings, and `with_teams`, the teams the manager sees, for
    the page's filter (a team asked for that is not among them is not applied).
    """
    framework = catalogue.framework(filters.framework_id) if filters.framework_id else None
    codes = tuple(c.code for c in framework.competencies) if framework else ()
    params = {} if page is None else {"page": max(page, 1)}
    if filters.team_id is not None:
        params["team_id"] = filters.team_id
    found = tagged_rows.read(
        _branches(scope, catalogue, filters, day, page, framework, now or utcnow(), with_teams),
        **params,
    )
    cells = [(*row.text[:2], *row.number[:2]) for row in found.get("cells counted", ())]
    learners = [(*row.text[:2], row.number[0]) for row in found.get("learners counted", ())]
    present = {slug for _, slug, _, _ in cells}
    offered = tuple((m.slug, m.title) for m in catalogue.modules if m.slug in present)
    modules = offered + _gone(present - {slug for slug, _ in offered}, offered)
    in_scope_count = sum(n for _, _, n in learners)
    listed = found.get("learners listed")
    total = listed[0].number[0] if listed else in_scope_count
    pages = max(1, -(-total // PER_PAGE))
    page = None if page is None else min(max(page, 1), pages)
    retired = retired_held.held_from(found, now or utcnow()) if framework else None
    rows = matrix_rows(found, catalogue, framework, modules, day, codes, retired)
    by_module = {slug: [0, 0] for slug, _ in offered}
    by_team = {team: [0, 0] for team, _, _ in learners}
    for team, slug, n, done in cells:
        if slug not in by_module:
            continue  # no longer offered: counted in no figure
        for sums in (by_module[slug], by_team[team]):
            sums[0] += n
            sums[1] += done
    by_profession = Counter()
    for _, profession, n in learners:
        by_profession[profession] += n
    met = {row.text[0]: row.number[0] for row in found.get("competency met", ())}
    applicable = (
        sum(by_profession[p] for p in framework.applies_to)
        if framework and framework.applies_to
        else in_scope_count
    )
    return Matrix(
        modules,
        rows,
        tuple(Share(title, *by_module[slug]) for slug, title in offered),
        tuple(Share(team, *by_team[team]) for team in sorted(by_team)),
        day,
        page or 1,
        pages,
        rows,
        tuple((c.code, c.name) for c in framework.competencies) if framework else (),
        tuple(Share(code, applicable, met.get(code, 0)) for code in codes),
        total,
        tuple(team_pages.team_rows(found)) if with_teams else (),
        tuple(title for _, title in modules[len(offered) :]),
        retired.columns if retired else (),
        reminder_failures.count_of(found),
        reminder_failures.named_of(found),
    )


def _gone(slugs: set[str], offered: tuple) -> tuple[tuple[str, str], ...]:
    """Return (slug, title) of the modules assigned that have left the course, by slug: each
    named as last recorded (one statement, none when there are none), and by its slug as
    well when another column has that title (a module moved to a new slug keeps its title)."""
    titles, taken, named = module_titles.last_recorded(slugs), {t for _, t in offered}, []
    for slug in sorted(slugs):
        named.append((slug, f"{titles[slug]} ({slug})" if titles[slug] in taken else titles[slug]))
        taken.add(titles[slug])
    return tuple(named)


def counted(filters: Filters, shown: tuple) -> str:
    """Return who the figures count, in words: the team and profession asked, never the status."""
    team = next((t.name for t in shown if t.id == filters.team_id), None)
    words = f"every learner in {team}" if team else "every learner you manage"
    if filters.profession:
        label = PROFESSIONS[filters.profession]
        words += f" whose profession is {label if label.isupper() else label.lower()}"
    return words


def _branches(scope, catalogue, filters, day, page, framework, now, with_teams) -> list:
    """Return the tagged branches of the one statement `matrix` runs.

    `_count`'s rows are the figures; "person" rows the learners listed (each with their place
    by name); "cell" rows their cells; "rating" rows the organisation's competency ratings
    in some standing (kept for the rows' learners in Python) and the rows' learners' ratings
    not met though their practice is confirmed (`confirmed_not_met`), and what the rows' learners
    hold in competencies no framework has now (retired_held), a page's columns of those
    the ones every learner kept holds something in; "team" rows the teams.
    """
    organisation_id = scope.organisation_id
    codes = tuple(c.code for c in framework.competencies) if framework else ()
    kept = learners_sql.learners(scope, filters, seen_only=with_teams).cte("learners")
    every = cells_sql.cells(kept, organisation_id, catalogue, day)
    chosen = learners_sql.chosen_by_status(kept, every, filters.status)
    filtered = chosen is not kept
    chosen_only = chosen if filtered else None
    listing = learners_sql.listing(scope, filters, chosen_only, seen_only=with_teams)
    listed = listing.subquery("listed")
    people = select(listed)
    if page is not None:
        # The page asked for, or the last one past the end, as `matrix` works it out.
        count = select(func.count()).select_from(chosen)
        pages = case(
            (count.scalar_subquery() == 0, 1),
            else_=(count.scalar_subquery() + PER_PAGE - 1) // PER_PAGE,
        )
        shown_page = case((pages < _PAGE, pages), else_=_PAGE)
        # The limit changes no row; it tells the planner how few there are, so their
        # cells are read by index, as for the ids named in a query.
        people = people.where(
            listed.c.place > (shown_page - 1) * PER_PAGE, listed.c.place <= shown_page * PER_PAGE
        ).limit(PER_PAGE)
    people = people.cte("people")
    if page is None:
        cells = every  # an export's learners are every learner the filters keep
    else:
        few = learners_sql.learners(scope, filters, select(people.c.user_id), seen_only=with_teams)
        few = few.cte("few")
        cells = cells_sql.cells(few, organisation_id, catalogue, day, name="page_cells")
    branches = [
        *_count(scope, kept, every, chosen, framework, codes, now),
        branch(
            "person",
            text=(people.c.full_name, people.c.email, people.c.profession, people.c.team),
            number=(people.c.user_id, people.c.place),
            at=(
                reminder_failures.failing_since(people.c.user_id),
                reminder_failures.last_reminder_sent(people.c.user_id),
            ),
            flag=(mail_preferences.turned_off(people.c.user_id),),
        ),
        branch(
            "cell",
            text=(cells.c.module_slug,),
            number=(cells.c.user_id, cells.c.renew_months),
            day=(cells.c.due_on,),
            at=(cells.c.at,),
        ).where(cells.c.user_id.in_(select(people.c.user_id))),
    ]
    if page is not None:
        branches.append(reminder_failures.named(kept))  # the page names the first few
    if codes:
        branches.append(standings(organisation_id, codes, now))
        branches.append(confirmed_not_met(select(people.c.user_id), codes, now))
        known = known_codes(catalogue)
        branches += retired_held.branches(people, people.c.user_id, known, now)
        if page is not None:
            # Every learner kept, not the page's alone: each page has the same columns.
            columns = learners_sql.retired_columns(
                scope, filters, chosen_only, known, seen_only=with_teams
            )
            branches.append(columns)
    if with_teams:
        branches.append(team_pages.teams_branch(scope))
    return branches


def _count(scope, learners, cells, chosen, framework, codes, now) -> list:
    """Return the branches of every figure the page shows.

    The figures count every learner the team and profession filters keep, whatever the
    status asked: a status narrows the learners listed, never the share compliant (counted
    over the learners it picks, every module would read fully compliant once "complete" was
    asked). "cells counted" rows (team, module; cells, compliant) count cells by team and
    module, "learners counted" rows (team, profession; learners) learners by team and
    profession, "learners listed" (learners) how many a status keeps, "competency met" rows
    (`competency_counts`) count learners who meet a competency, "reminders failing counted"
    (learners) those whose reminder emails the mail server refuses (reminder_failures.py).
    """
    parts = [
        branch(
            "cells counted",
            text=(cells.c.team, cells.c.module_slug),
            number=(func.count(), func.sum(cells.c.compliant)),
        ).group_by(cells.c.team, cells.c.module_slug),
        branch(
            "learners counted",
            text=(learners.c.team, learners.c.profession),
            number=(func.count(),),
        ).group_by(learners.c.team, learners.c.profession),
    ]
    if chosen is not learners:
        parts.append(branch("learners listed", number=(func.count(),)).select_from(chosen))
    # Learners whose reminder emails the mail server refuses: the page's warning, the summary.
    parts.append(reminder_failures.counted(learners))
    if codes:
        parts.append(competency_counts(scope.organisation_id, learners, framework, codes, now))
    return parts
