"""The title of a module (or quiz) that has left the course, as the record last kept it.

An attempt records its module's title when it starts (migration 0038), and a certificate
when it is issued. An attempt names its module by the title it recorded; one from before
titles were kept (NULL) by the title the module's newest certificate recorded; failing
both, by its slug, as nothing left says more. An attempt records its quiz's title too, with
the quiz's settings (migration 0007).
"""

from collections.abc import Collection, Container, Iterable

from sqlalchemy import case, func, select

from app import db
from app.models import Attempt, Certificate


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


def gone_titles(attempts: Iterable, offered: Container[str]) -> dict[str, str]:
    """Return a title for each module of the `attempts` (learner_rows.AttemptSeen) that is
    not `offered`: the latest one its attempts recorded, else as `title_of` (one statement
    at most, and none when every such module has a recorded title)."""
    latest: dict[str, str | None] = {}
    for attempt in sorted(attempts, key=lambda a: a.id):
        if attempt.module_slug not in offered:
            slug = attempt.module_slug
            latest[slug] = attempt.module_title or latest.get(slug)
    certified = recorded_titles([slug for slug, title in latest.items() if not title])
    return {slug: title or certified.get(slug, slug) for slug, title in latest.items()}


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
