"""A page of the manager's grid, as a WITH query: its learners numbered in order, with the count.

A WITH query, as the grid reads the page's learners in more than one branch (their ratings,
and what they hold in competencies taken out of every framework: manage_grid.py).

`manage_grid` plans a grid with one of these and turns the rows read into what it shows.
"""

from sqlalchemy import case, func, literal, select, union_all

from app.models import User

PER_PAGE = 25


def paged(query, order, where: list, page: int):
    """Return the page of learners in `order`, numbered, with the count of all `where` selects."""
    # The page of learners, numbered, with the count of all the filters select. The count
    # is a subquery of its own (read from an index), not a window over the learners: that
    # window read every learner before the first row, where in name order the index hands
    # the page over at once.
    total = select(func.count(User.id)).where(*where).correlate(None).scalar_subquery()
    return (
        query.add_columns(
            total.label("total"),
            func.row_number().over(order_by=order).label("position"),
        )
        .order_by(*order)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .cte("grid_page")
    )


def by_competence(where: list, met, page: int):
    """Return the page of learners, most competencies `met` first, numbered, with the count."""
    # Most competencies met first, then by name: learners with some met (from the partial
    # index of ratings in a standing) sorted among themselves, then those with none in
    # name order straight from the name index, each part cut to the page before the two
    # are put together. Sorting every learner by a count took most of a second at 100,000.
    start = (page - 1) * PER_PAGE
    person = (User.id, User.full_name)  # the rest once the page is known: the name index
    some = (  # has only these (and the profession), so it is read without the table
        select(*person, met.c.n, literal(0).label("part"))
        .join(met, met.c.user_id == User.id)
        .where(*where)
        .order_by(met.c.n.desc(), User.full_name, User.id)
        .limit(PER_PAGE)
        .offset(start)
        .subquery()
    )
    with_some = (
        select(func.count()).select_from(met).join(User, User.id == met.c.user_id).where(*where)
    ).scalar_subquery()
    skipped = start - with_some
    none = (
        select(*person, literal(0).label("n"), literal(1).label("part"))
        .where(*where, User.id.not_in(select(met.c.user_id)))
        .order_by(User.full_name, User.id)
        .limit(PER_PAGE)
        .offset(case((skipped > 0, skipped), else_=0))
        .subquery()
    )
    both = union_all(select(some), select(none)).subquery()
    order = (both.c.part, both.c.n.desc(), both.c.full_name, both.c.id)
    total = select(func.count(User.id)).where(*where).correlate(None).scalar_subquery()
    return (
        select(
            both.c.id,
            both.c.full_name,
            User.email,
            User.profession,
            total.label("total"),
            func.row_number().over(order_by=order).label("position"),
        )
        .join(User, User.id == both.c.id)
        .order_by(*order)
        .limit(PER_PAGE)
        .cte("grid_page")
    )
