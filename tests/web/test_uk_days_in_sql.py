"""A stored time's day and month in SQL are its UK ones, as Python reads them
(app/domain/dates.uk_day), on SQLite (which knows no zones: the UK's rule is spelled out) and
PostgreSQL alike, so a renewal counted in the database falls on the day the page shows, and
a chart's month and a download's day are those the pages name."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, literal, select

from app import db
from app.domain.dates import uk_day
from app.services.sqlfunctions import day_of_month, iso_date, month_number, year_month

# Either side of each change of the clocks, and late evenings in summer and winter.
MOMENTS = [
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # 12:59am GMT, the day BST starts
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 2am BST
    datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # still GMT: 28 March
    datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 12:30am BST on 1 July: a new month
    datetime(2026, 7, 14, 22, 59, tzinfo=UTC),  # 11:59pm BST on 14 July
    datetime(2026, 7, 14, 23, 0, tzinfo=UTC),  # midnight BST: 15 July
    datetime(2026, 10, 24, 23, 30, tzinfo=UTC),  # 12:30am BST on 25 October
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC),  # 1:59am BST
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # 1am GMT: the clocks went back
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # winter: the UTC day
    datetime(2027, 3, 27, 23, 30, tzinfo=UTC),  # the next year's rule: 28 March is a Sunday
    datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
    datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    datetime(2027, 10, 31, 0, 30, tzinfo=UTC),  # 31 October 2027, the last Sunday
    datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
]


def test_a_stored_times_month_and_day_in_sql_are_its_uk_ones(app):
    with app.app_context():
        session = db.session()
        for moment in MOMENTS:
            stored = literal(moment, DateTime(timezone=True))
            found = session.execute(
                select(
                    month_number(stored), day_of_month(stored), year_month(stored), iso_date(stored)
                )
            ).one()
            day = uk_day(moment)
            expected = (day.year * 12 + day.month, day.day, f"{day:%Y-%m}", day.isoformat())
            assert tuple(found) == expected, moment


def test_every_hour_of_a_summer_and_a_winter_fortnight_agrees_with_python(app):
    with app.app_context():
        session = db.session()
        for first in (datetime(2026, 3, 22, tzinfo=UTC), datetime(2026, 10, 20, tzinfo=UTC)):
            hours = [first + timedelta(hours=n, minutes=30) for n in range(14 * 24)]
            stored = [literal(h, DateTime(timezone=True)) for h in hours]
            found = session.execute(select(*(day_of_month(s) for s in stored))).one()
            assert list(found) == [uk_day(h).day for h in hours]
