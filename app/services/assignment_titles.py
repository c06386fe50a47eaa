"""The module's title on assignments from before assignments recorded it (migration 0041).

A new assignment records its module's title when it is made. An older one (withdrawn or
not) is given the title its module has in the course the command's app loaded, once, by
`linkwise db upgrade`; one of a module already gone keeps none, and is named as
services/module_titles.py says.
"""

from sqlalchemy import case, exists, or_, select, update

from app import db
from app.domain.content import Catalogue
from app.models_assignments import Assignment, AssignmentWithdrawal

_TABLES = (Assignment.__table__, AssignmentWithdrawal.__table__)


def any_untitled() -> bool:
    """Say whether any assignment, withdrawn or not, has no module title (one statement)."""
    found = select(or_(*(exists().where(t.c.module_title.is_(None)) for t in _TABLES)))
    return bool(db.session().scalar(found))


def fill_in(catalogue: Catalogue) -> int:
    """Record each module's title in the course on its assignments, withdrawn or not, that
    have none; return how many were given one. In the caller's transaction."""
    titles = {module.slug: module.title for module in catalogue.modules}
    if not titles:
        return 0
    connection = db.session().connection()
    return sum(
        connection.execute(
            update(table)
            .where(table.c.module_title.is_(None), table.c.module_slug.in_(sorted(titles)))
            .values(module_title=case(titles, value=table.c.module_slug))
        ).rowcount
        for table in _TABLES
    )
