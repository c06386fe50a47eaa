"""The dashboard's modules completed by month: every month from the first completion to this
one, a month with none at 0, each named as people read it ("October 2026")."""

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.content import quiz_key
from app.models import Completion, Organisation
from app.services import manage
from tests.web.test_manage import add_learners, manager  # noqa: F401 (fixture)

MONTHS = "January February March April May June July August September October November December"


def _months_since(first: date) -> list[str]:
    # Each month's name from `first` through this one.
    today, names, found = datetime.now(UTC).date(), MONTHS.split(), []
    year, month = first.year, first.month
    while (year, month) <= (today.year, today.month):
        found.append(f"{names[month - 1]} {year}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def test_a_month_with_no_completions_is_shown_with_0_through_this_month(app, manager):  # noqa: F811
    ours = add_learners(app, "Riverside PCN", 3)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        passed = quiz_key(module.assessment.id)
        session = db.session()
        for user_id, at in (
            (ours[0], datetime(2026, 9, 30, 23, 59)),
            (ours[1], datetime(2026, 11, 1, 0, 1)),  # none in October
            (ours[2], datetime(2026, 11, 15)),
        ):
            session.add(
                Completion(
                    user_id=user_id, module_slug=module.slug, item_key=passed, completed_at=at
                )
            )
        session.commit()
        riverside = session.scalar(
            select(Organisation.id).where(Organisation.name == "Riverside PCN")
        )
        counted = manage.summary(riverside, catalogue()).completions_by_month
    names = _months_since(date(2026, 9, 1))
    expected = [(name, {"September 2026": 1, "November 2026": 2}.get(name, 0)) for name in names]
    assert [(f"{MONTHS.split()[d.month - 1]} {d.year}", n) for d, n in counted] == expected
    page = manager.get("/manage/").text
    chart = page[page.index("Modules completed for the first time each month</figcaption>") :]
    chart = chart.split("</figure>")[0]
    labels = re.findall(r'<dt class="lw-bars__label">([^<]+)</dt>', chart)
    bars = re.findall(r'<span class="lw-bars__text">([^<]+)</span>', chart)
    assert list(zip(labels, bars, strict=True)) == [(name, str(n)) for name, n in expected]
    table = page[page.index('<th class="nhsuk-table__header" scope="col">Month</th>') :]
    table = table.split("</table>")[0]
    cells = re.findall(r'<td class="nhsuk-table__cell[^"]*">([^<]+)</td>', table)
    assert "October\u00a02026" in cells  # a month's name kept on one line
    cells = [cell.replace("\u00a0", " ") for cell in cells]
    assert list(zip(cells[::2], cells[1::2], strict=True)) == [(n, str(c)) for n, c in expected]
    assert ("October 2026", "0") in list(zip(cells[::2], cells[1::2], strict=True))
