"""The title of a module (or quiz) that has left the course, as the record last kept it.

An attempt records its module's title when it starts (migration 0038), and a certificate
when it is issued. An attempt names its module by the title it recorded; one from before
titles were kept (NULL) by the title the module's newest certificate recorded; failing
both, by its slug, as nothing left says more. An attempt records its quiz's title too, with
the quiz's settings (migration 0007).

A page that names a module rather than one attempt (a learner's attempts together, an
assignment of it) takes the title the latest of those attempts recorded, if any did, else
`last_recorded`'s: the title the newest attempt at the module recorded, anyone's, else the one
its newest certificate recorded, else the one its newest assignment recorded (migration 0041;
a withdrawn one's too), else its slug: a module assigned, then removed before anyone started
it, is named by the title it had when it was assigned.
"""

from collections.abc import Collection, Container, Iterable

from sqlalchemy import case, func, literal, select, union_all

from app import db
from app.domain.content import Catalogue
from app.models import Attempt, Certificate
from app.models_assignments import Assignment, AssignmentWithdrawal


def recorded_titles(slugs: Collection[str], attempt_id: int | None = None) -> dict[str, str]:
    """Return the title each module's certificates last recorded (one statement; none for no
    slugs). The certificate of `attempt_id`, when there is one, gives its module's title."""
    if not slugs:
        return {}
    own = case((Certificate.attempt_id == attempt_id, 1), else_=0)
    rows = db.session().execute(
        select(Certificate.module_slug, Certificate.module_title)
        .where(Certificate.module_slug.in_(sorted(slugs)))
        .order_by(own, Certificate.issued_at, Certificate.id)
    )
    # Ordered so that the one to keep comes last for each module.
    return {slug: title for slug, title in rows}


def title_of(slug: str, attempt_id: int | None = None, recorded: str | None = None) -> str:
    """Return the title of a module gone from the course: the one its attempt `recorded`,
    else the one its certificates last recorded, else its slug."""
    if recorded:
        return recorded
    return recorded_titles((slug,), attempt_id).get(slug, slug)


def gone_titles(
    attempts: Iterable, offered: Container[str], assigned: Iterable[str] = ()
) -> dict[str, str]:
    """Return a title for each module of the `attempts` (learner_rows.AttemptSeen), and each
    module `assigned`, that is not `offered`: the latest one those attempts recorded, else
    as `last_recorded` (one statement at most, and none when every such module has a title
    recorded by these attempts)."""
    latest: dict[str, str | None] = {}
    for attempt in sorted(attempts, key=lambda a: a.id):
        if attempt.module_slug not in offered:
            slug = attempt.module_slug
            latest[slug] = attempt.module_title or latest.get(slug)
    for slug in assigned:
        if slug not in offered:
            latest.setdefault(slug, None)
    found = last_recorded([slug for slug, title in latest.items() if not title])
    return {slug: title or found[slug] for slug, title in latest.items()}


def titles_of(slugs: Iterable[str], catalogue: Catalogue) -> dict[str, str]:
    """Return a title for each module: the course's, or for one gone from the course as
    `last_recorded` (one statement, and none while every module is in the course)."""
    wanted = set(slugs)
    titles = {m.slug: m.title for m in map(catalogue.module, wanted) if m is not None}
    return titles | last_recorded(wanted - titles.keys())


def last_recorded(slugs: Collection[str]) -> dict[str, str]:
    """Return the title each module gone from the course was last recorded by: the newest
    attempt at it that recorded one, anyone's, else its newest certificate, else its newest
    assignment that recorded one (withdrawn or not); failing all, its slug (one statement;
    none for no slugs)."""
    if not slugs:
        return {}
    each = [
        select(
            literal(slug).label("slug"),
            func.coalesce(
                _by_attempt(slug),
                _by_certificate(slug),
                _by_assignment(Assignment, Assignment.id, slug),
                _by_assignment(AssignmentWithdrawal, AssignmentWithdrawal.assignment_id, slug),
            ),
        )
        for slug in sorted(slugs)
    ]
    rows = db.session().execute(each[0] if len(each) == 1 else union_all(*each))
    return {slug: title or slug for slug, title in rows}


def _by_attempt(slug: str):
    # The newest first: read backwards by key, it is soon found for a module recently used.
    return (
        select(Attempt.module_title)
        .where(Attempt.module_slug == slug, Attempt.module_title.is_not(None))
        .order_by(Attempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _by_certificate(slug: str):
    return (
        select(Certificate.module_title)
        .where(Certificate.module_slug == slug)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _by_assignment(table, key, slug: str):
    # Read only when no attempt or certificate names the module: one assigned, never started.
    return (
        select(table.module_title)
        .where(table.module_slug == slug, table.module_title.is_not(None))
        .order_by(key.desc())
        .limit(1)
        .scalar_subquery()
    )


def recorded_quiz_titles(quiz_ids: Collection[str]) -> dict[str, str]:
    """Return the title the newest attempt at each quiz recorded when it started, where it
    recorded one (one statement; none for no quizzes)."""
    if not quiz_ids:
        return {}
    newest = (
        select(func.max(Attempt.id))
        .where(Attempt.quiz_id.in_(sorted(quiz_ids)))
        .group_by(Attempt.quiz_id)
    )
    title = Attempt.quiz_settings["title"].as_string()
    rows = db.session().execute(select(Attempt.quiz_id, title).where(Attempt.id.in_(newest)))
    return {quiz_id: found for quiz_id, found in rows if found}
