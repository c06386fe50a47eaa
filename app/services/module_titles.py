"""The title of a module that has left the course, as the record last kept it.

A certificate records its module's title when it is issued; the newest one issued for a
module is the last title Linkwise knew it by.
"""

from collections.abc import Collection

from sqlalchemy import case, select

from app import db
from app.models import Certificate


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


def title_of(slug: str, attempt_id: int | None = None) -> str:
    """Return the title a module gone from the course was last recorded with, else its slug."""
    return recorded_titles((slug,), attempt_id).get(slug, slug)
