"""What a manager sees of their organisation: summary, learner grid, export. Counts in SQL."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select

from app import db
from app.domain.competencies import INSUFFICIENT_EVIDENCE
from app.domain.content import Catalogue, quiz_key
from app.models import CompetencyLevel, Completion, Organisation, User
from app.services import audit
from app.services.sqlfunctions import iso_date, year_month
from app.services.teams import Scope, in_scope

PER_PAGE = 25
SORTS = ("name", "-name", "competent")


@dataclass(frozen=True)
class Summary:
    """Headline figures for one organisation."""

    organisation: Organisation
    learners: int
    completed: dict[str, int]  # module slug -> learners who passed its quiz
    levels: dict[str, dict[str, int]]  # competency code -> level -> learners
    completions_by_month: list[tuple[str, int]]


@dataclass(frozen=True)
class Grid:
    """One page of learners with their level in each competency shown."""

    learners: list
    levels: dict[int, dict[str, str]]  # user id -> code -> level
    codes: list[str]
    page: int
    pages: int
    total: int


def summary(scope: Scope | int, catalogue: Catalogue) -> Summary:
    """Count learners, module completions and levels per competency (four queries)."""
    session = db.session()
    scope = as_scope(scope)
    organisation_id = scope.organisation_id
    organisation = session.get(Organisation, organisation_id)
    learners = session.scalar(select(func.count(User.id)).where(in_scope(scope)))
    quiz_keys = {quiz_key(m.assessment.id): m.slug for m in catalogue.modules if m.assessment}
    completed = dict.fromkeys((m.slug for m in catalogue.modules), 0)
    by_month: dict[str, int] = defaultdict(int)
    month = year_month(Completion.completed_at)
    # Passing a module's quiz completes it: counted by module and by month in one query.
    for key, when, count in session.execute(
        select(Completion.item_key, month, func.count())
        .join(User, User.id == Completion.user_id)
        .where(in_scope(scope), Completion.item_key.in_(quiz_keys))
        .group_by(Completion.item_key, month)
    ):
        completed[quiz_keys[key]] += count
        by_month[when] += count
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    counted = select(CompetencyLevel.competency_code, CompetencyLevel.level, func.count()).where(
        CompetencyLevel.organisation_id == organisation_id
    )
    if not scope.whole_organisation:
        counted = counted.where(CompetencyLevel.user_id.in_(select(User.id).where(in_scope(scope))))
    for code, level, count in session.execute(
        counted.group_by(CompetencyLevel.competency_code, CompetencyLevel.level)
    ):
        levels[code][level] = count
    return Summary(organisation, learners, completed, dict(levels), sorted(by_month.items()))


def grid(
    scope: Scope | int,
    catalogue: Catalogue,
    *,
    page: int = 1,
    sort: str = "name",
    profession: str = "",
    module_slug: str = "",
) -> Grid:
    """Return a page of learners and their levels (three queries, whatever the page)."""
    session = db.session()
    scope = as_scope(scope)
    organisation_id = scope.organisation_id
    module = catalogue.module(module_slug) if module_slug else None
    codes = list(module.competency_codes) if module else [c.code for c in catalogue.competencies]
    where = [in_scope(scope)]
    if profession:
        where.append(User.profession == profession)
    total = session.scalar(select(func.count(User.id)).where(*where))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    query = select(User.id, User.full_name, User.email, User.profession).where(*where)
    if sort == "competent":
        top = catalogue.frameworks[0].scale[-1].name if catalogue.frameworks else ""
        competent = (
            select(CompetencyLevel.user_id, func.count().label("n"))
            .where(
                CompetencyLevel.organisation_id == organisation_id,
                CompetencyLevel.level == top,
                CompetencyLevel.competency_code.in_(codes),
            )
            .group_by(CompetencyLevel.user_id)
            .subquery()
        )
        query = query.outerjoin(competent, competent.c.user_id == User.id).order_by(
            func.coalesce(competent.c.n, 0).desc(), User.full_name
        )
    else:
        query = query.order_by(User.full_name.desc() if sort == "-name" else User.full_name)
    learners = session.execute(
        query.order_by(User.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    levels: dict[int, dict[str, str]] = defaultdict(dict)
    ids = [row.id for row in learners]
    if ids:
        for user_id, code, level in session.execute(
            select(
                CompetencyLevel.user_id, CompetencyLevel.competency_code, CompetencyLevel.level
            ).where(CompetencyLevel.user_id.in_(ids), CompetencyLevel.competency_code.in_(codes))
        ):
            levels[user_id][code] = level
    return Grid(learners, dict(levels), codes, page, pages, total)


def learner_in(scope: Scope | int, user_id: int, *, viewer_id: int) -> User | None:
    """Return the learner if they are within the manager's scope, else None; audit-logged."""
    session = db.session()
    user = session.scalar(select(User).where(User.id == user_id, in_scope(as_scope(scope))))
    if user is None:
        return None
    audit.record(session, "learner.viewed", actor_id=viewer_id, subject_id=user.id)
    session.commit()
    return user


def export_rows(scope: Scope | int, catalogue: Catalogue, actor_id: int) -> Iterator[list]:
    """Yield one row per learner and competency, streaming from the database; audit-logged."""
    session = db.session()
    scope = as_scope(scope)
    organisation = session.get(Organisation, scope.organisation_id)
    audit.record(session, "export.competencies", actor_id=actor_id, organisation=organisation.name)
    session.commit()
    codes = [c.code for c in catalogue.competencies]
    yield [
        "learner",
        "email",
        "profession",
        "competency",
        "level",
        "score",
        "evidence_count",
        "last_evidence",
    ]
    # Core rows (no ORM loading), the date formatted by the database: this loop runs once
    # per learner and competency, millions of times for a region.
    rows = session.connection().execute(
        select(
            User.id,
            User.full_name,
            User.email,
            User.profession,
            CompetencyLevel.competency_code,
            CompetencyLevel.level,
            CompetencyLevel.score,
            CompetencyLevel.evidence_count,
            iso_date(CompetencyLevel.last_evidence_at),
        )
        .outerjoin(CompetencyLevel, CompetencyLevel.user_id == User.id)
        .where(in_scope(scope))
        .order_by(User.full_name, User.id)
        .execution_options(yield_per=5000)
    )
    current, person, found = None, (), {}
    for user_id, name, email, profession, code, level, score, count, last in rows:
        if user_id != current:
            yield from _learner_rows(person, found, codes)
            current, person, found = user_id, (name, email, profession), {}
        if code is not None:
            found[code] = (level, "" if score is None else f"{score:.1f}", count, last)
    yield from _learner_rows(person, found, codes)


UNRATED = (INSUFFICIENT_EVIDENCE, "", 0, "")


def _learner_rows(person: tuple, found: dict, codes) -> Iterator[list]:
    if person:
        for code in codes:
            yield [*person, code, *found.get(code, UNRATED)]


def as_scope(scope: Scope | int) -> Scope:
    """Return a scope; an organisation id alone means the whole organisation."""
    return scope if isinstance(scope, Scope) else Scope(scope)
