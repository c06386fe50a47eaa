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
from tests.web.test_dashboard_counts import differences, module_completions
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
            (ours[0], datetime(2026, 9, 30, 22, 59)),  # 11:59pm BST, the UK's September
            (ours[1], datetime(2026, 11, 1, 0, 1)),  # none in October (12:01am GMT)
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


def test_a_pass_at_half_past_midnight_bst_counts_in_that_uk_month_kept_and_counted_afresh(
    app,
    manager,  # noqa: F811
):
    # 23:30 UTC on 31 July is 00:30 BST on 1 August: the learner's day, and month, is August.
    ours = add_learners(app, "Riverside PCN", 1)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        session = db.session()
        session.add(
            Completion(
                user_id=ours[0],
                module_slug=module.slug,
                item_key=quiz_key(module.assessment.id),
                completed_at=datetime(2026, 7, 31, 23, 30, tzinfo=UTC),
            )
        )
        session.commit()
        riverside = session.scalar(
            select(Organisation.id).where(Organisation.name == "Riverside PCN")
        )
        grid = manage.grid(riverside, catalogue())
        kept = manage.summary(riverside, catalogue(), grid.framework, grid)
        afresh = manage.summary(riverside, catalogue())
    for counted in (kept, afresh):
        assert {f"{d:%Y-%m}": n for d, n in counted.completions_by_month if n} == {"2026-08": 1}
    assert differences(app) == 0
    for url in ("/manage/", "/manage/?q=learner"):  # the kept counts, and a count afresh
        _, months = module_completions(manager.get(url).text, module)
        cells = re.findall(r'<td class="nhsuk-table__cell[^"]*">([^<]+)</td>', months)
        assert cells[:2] == ["August\u00a02026", "1"], url  # from its first month
