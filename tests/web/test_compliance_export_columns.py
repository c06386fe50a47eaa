"""The compliance downloads say what each date is, as the page does: a module's due date and
its renew-by date in columns of their own, and every learner's reminder emails in words."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl

from app import db
from app.domain.assignments import add_months
from app.domain.dates import uk_day
from app.models_assignments import MailPreference, ReminderSent
from tests.conftest import sign_in
from tests.web.journeys import user_id
from tests.web.test_compliance import TODAY, practices  # noqa: F401 (fixture)


def _by_learner(rows: list[list], title: str) -> dict[str, dict[str, object]]:
    # Each learner's status, due, renew-by and completed cells of one module.
    header = rows[0]
    names = ("status", "due", "renew by", "completed")
    at = {name: header.index(f"{title}: {name}") for name in names}
    return {
        str(row[0]).removeprefix("'"): {name: row[i] for name, i in at.items()} for row in rows[1:]
    }


def test_the_downloads_keep_due_and_renew_by_dates_apart(client, practices):  # noqa: F811
    sign_in(client, "lead@example.org")
    rows = list(csv.reader(io.StringIO(client.get("/manage/compliance.csv").text)))
    first, second = practices["first"], practices["second"]
    assert f"{first}: due" in rows[0] and f"{first}: renew by" in rows[0]
    due = (TODAY + timedelta(days=60)).isoformat()
    # The UK day of each pass (made days ago, at this time of day), as the downloads count it.
    passed = {
        who: uk_day(datetime.now(UTC) - timedelta(days=days_ago))
        for who, days_ago in (("Asha Elm", 10), ("Cara Elm", 400), ("=Dev Oak", 350))
    }
    renews = {who: add_months(day, 12).isoformat() for who, day in passed.items()}
    completed = {who: day.isoformat() for who, day in passed.items()}
    # Ben has not done A: it is due. The others did: it renews (Cara's renewal has come).
    assert _by_learner(rows, first) == {
        "Asha Elm": {"status": "Complete", "due": "", "renew by": renews["Asha Elm"]}
        | {"completed": completed["Asha Elm"]},
        "Ben Oak": {"status": "To do", "due": due, "renew by": "", "completed": ""},
        "Cara Elm": {"status": "Expired", "due": "", "renew by": renews["Cara Elm"]}
        | {"completed": completed["Cara Elm"]},
        "=Dev Oak": {"status": "Due soon", "due": "", "renew by": renews["=Dev Oak"]}
        | {"completed": completed["=Dev Oak"]},
    }
    overdue = (TODAY - timedelta(days=1)).isoformat()
    assert _by_learner(rows, second)["Ben Oak"] == {
        "status": "Overdue",
        "due": overdue,
        "renew by": "",
        "completed": "",
    }
    book = openpyxl.load_workbook(io.BytesIO(client.get("/manage/compliance.xlsx").data))
    sheet = [[cell.value for cell in row] for row in book["Compliance"].iter_rows()]
    assert sheet[0] == rows[0]
    asha = _by_learner(sheet, first)["Asha Elm"]
    assert asha["due"] is None and asha["renew by"].date().isoformat() == renews["Asha Elm"]


def test_the_reminder_emails_column_says_none_sent_when_none_was(client, practices):  # noqa: F811
    sign_in(client, "lead@example.org")
    rows = list(csv.reader(io.StringIO(client.get("/manage/compliance.csv").text)))
    column = rows[0].index("Reminder emails")
    assert {row[column] for row in rows[1:]} == {"None sent"}


def test_the_reminder_emails_column_says_when_the_last_was_sent_or_that_they_are_off(
    app,
    client,
    practices,  # noqa: F811
):
    """Sent is what Linkwise knows (the mail server took it), never that it was read; a
    learner who turned reminders off is told apart from one never sent any."""
    when = datetime(2026, 7, 31, 23, 30, tzinfo=UTC)  # 1 August in the UK (BST)
    with app.app_context():
        session = db.session()
        for email, kind in (("ben", "overdue"), ("cara", "expired"), ("cara", "due-soon")):
            session.add(
                ReminderSent(
                    user_id=user_id(app, f"{email}@example.org"),
                    module_slug=f"module-{kind}",
                    kind=kind,
                    due_on=date(2026, 7, 1),
                    sent_at=when - timedelta(days=3 if kind == "due-soon" else 0),
                )
            )
        # A manager's weekly summary is no reminder to a learner.
        session.add(
            ReminderSent(user_id=user_id(app, "dev@example.org"), module_slug="summary",
                         kind="summary", due_on=date(2026, 7, 27), sent_at=when)
        )  # fmt: skip
        for email in ("asha", "cara"):
            session.add(MailPreference(user_id=user_id(app, f"{email}@example.org")))
        session.commit()
    sign_in(client, "lead@example.org")
    rows = list(csv.reader(io.StringIO(client.get("/manage/compliance.csv").text)))
    column = rows[0].index("Reminder emails")
    assert {str(row[0]).removeprefix("'"): row[column] for row in rows[1:]} == {
        "Asha Elm": "None sent: turned off by the learner",
        "Ben Oak": "Last sent on 1 August 2026",
        "Cara Elm": "Turned off by the learner; last sent on 1 August 2026",
        "=Dev Oak": "None sent",
    }


def test_each_download_is_named_for_the_organisation_its_filters_and_the_day(
    app,
    client,
    practices,  # noqa: F811
):
    """Not linkwise-compliance-YYYY-MM-DD for every one: a manager keeps the downloads of two
    teams or filters apart. Names are ASCII slugs, so the header needs no quoting rules."""
    from sqlalchemy import select

    from app.domain.dates import uk_today
    from app.models_teams import Team

    day = uk_today().isoformat()
    with app.app_context():
        oak = db.session().scalar(select(Team.id).where(Team.name == "Oak Practice"))

    def named(client, url: str) -> str:
        disposition = client.get(url).headers["Content-Disposition"]
        assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.(csv|xlsx)"', disposition)
        return disposition.split('"')[1]

    sign_in(client, "lead@example.org")
    assert named(client, "/manage/compliance.csv") == (
        f"linkwise-compliance-riverside-pcn-{day}.csv"
    )
    assert named(client, f"/manage/compliance.xlsx?team={oak}&profession=gp&status=overdue") == (
        f"linkwise-compliance-riverside-pcn-oak-practice-gp-overdue-{day}.xlsx"
    )
    assert named(client, "/manage/compliance.csv?framework=referrer") == (
        f"linkwise-compliance-riverside-pcn-referrer-{day}.csv"
    )
    assert named(client, "/manage/export.csv") == f"linkwise-competencies-riverside-pcn-{day}.csv"
    assert named(client, "/manage/export.csv?profession=link-worker&status=met&q=Elm") == (
        f"linkwise-competencies-riverside-pcn-search-elm-social-prescribing-link-worker-met-{day}.csv"
    )
    # A manager of Elm Practice alone: their files hold its learners, and say so.
    practice = app.test_client()
    sign_in(practice, "pm@example.org")
    assert named(practice, "/manage/compliance.csv") == (
        f"linkwise-compliance-riverside-pcn-elm-practice-{day}.csv"
    )
    assert named(practice, "/manage/export.csv?module=referral-routes") == (
        f"linkwise-competencies-riverside-pcn-elm-practice-referral-routes-{day}.csv"
    )
