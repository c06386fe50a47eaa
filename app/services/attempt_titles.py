"""The module's title on attempts from before attempts recorded it (migration 0038).

A new attempt records its module's title when it starts. An older one is given the title its
module has in the course the command's app loaded, once, by `linkwise db upgrade` (or `linkwise
db fill-attempt-titles`); an attempt at a module already gone keeps none, and is named as
services/module_titles.py says.
"""

from sqlalchemy import case, exists, select, update

from app import db
from app.domain.content import Catalogue
from app.models import Attempt

_ATTEMPT = Attempt.__table__


def any_untitled() -> bool:
    """Say whether any attempt has no module title recorded (one short statement)."""
    found = select(exists().where(_ATTEMPT.c.module_title.is_(None)))
    return bool(db.session().scalar(found))


def fill_in(catalogue: Catalogue) -> int:
    """Record each module's title in the course on its attempts that have none; return how
    many attempts were given one. One statement, in the caller's transaction."""
    titles = {module.slug: module.title for module in catalogue.modules}
    if not titles:
        return 0
    statement = (
        update(_ATTEMPT)
        .where(_ATTEMPT.c.module_title.is_(None), _ATTEMPT.c.module_slug.in_(sorted(titles)))
        .values(module_title=case(titles, value=_ATTEMPT.c.module_slug))
    )
    return db.session().connection().execute(statement).rowcount
