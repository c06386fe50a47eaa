"""The administrators' Emails refused page: everyone whose emails the mail server refuses
now (open spells of reminder_failure), across organisations, newest first, 25 a page."""

import re
from datetime import timedelta

from sqlalchemy import update

from app import db, mail
from app.domain.dates import day
from app.models import utcnow
from app.models_assignments import ReminderFailure
from app.services import reminder_failures
from tests.conftest import sign_in
from tests.web.journeys import user_id
from tests.web.statements import statements
from tests.web.test_statement_counts import TARGET

PAGE = "/admin/emails-refused/"
REPLY = "550 5.1.1 <{}>: Recipient address rejected: User unknown"


def refuse(app, email: str, kind: str = "reminder", *, days_ago: int = 0, address=True) -> None:
    """Record a refusal of the person's email as send-reminders does, begun days ago."""
    with app.app_context():
        session = db.session()
        person = user_id(app, email)
        error = mail.MailRefused("refused", reply=REPLY.format(email), address=address)
        reminder_failures.record(session, person, kind, error)
        began = utcnow() - timedelta(days=days_ago)
        session.execute(
            update(ReminderFailure)
            .where(ReminderFailure.user_id == person, reminder_failures.OPEN)
            .values(first_failed_at=began)
        )
        session.commit()


def _admin(app, make_user):
    admin = app.test_client()
    sign_in(admin, make_user("admin@example.org", role="admin", full_name="Ada Admin"))
    return admin


def rows_of(page: str) -> list[str]:
    """Return each row of the table as its words."""
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">\s*<td.*?</tr>", page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row.replace("<wbr>", "")).split()) for row in rows]


def test_every_open_spell_is_listed_newest_first_with_the_servers_answer(app, make_user):
    make_user("asha@example.org", org="Riverside PCN", full_name="Asha Elm")
    make_user("pat@example.org", role="manager", org="Hillside PCN", full_name="Pat Practice")
    make_user("kim@example.org", org="Riverside PCN", full_name="Kim Put Right")
    refuse(app, "asha@example.org", days_ago=3)
    refuse(app, "asha@example.org", days_ago=3)  # a second run: one spell, two in a row
    refuse(app, "pat@example.org", "summary", days_ago=1, address=False)
    refuse(app, "kim@example.org", days_ago=2)
    with app.app_context():
        reminder_failures.resolve(db.session(), user_id(app, "kim@example.org"), "delivered")
        db.session().commit()
    admin = _admin(app, make_user)
    with statements(app) as run:
        page = admin.get(PAGE)
    assert page.status_code == 200
    assert len(run) <= TARGET, list(run)
    began = day(utcnow() - timedelta(days=3))
    assert "2 people, the newest first" in page.text
    pat, asha = rows_of(page.text)  # Pat's began later: first
    assert pat.startswith("Pat Practice pat@example.org Manager Hillside PCN Weekly summary")
    assert "The email refused" in pat
    assert asha == (
        f"Asha Elm asha@example.org Learner Riverside PCN Reminder The address refused {began} 2 "
        "550 5.1.1 &lt;asha@example.org&gt;: Recipient address rejected: User unknown"
    )
    assert "Kim Put Right" not in page.text  # put right: gone from the list
    assert f'href="{PAGE}"' in admin.get("/admin/audit").text  # in the navigation


def test_nobody_refused_says_so_and_other_roles_find_nothing(app, make_user):
    admin = _admin(app, make_user)
    page = admin.get(PAGE).text
    assert "No one’s emails are being refused now." in page and "<table" not in page
    for role in ("learner", "manager", "trainer"):
        other = app.test_client()
        sign_in(other, make_user(f"{role}@example.org", role=role, org="Riverside PCN"))
        assert other.get(PAGE).status_code == 404, role


def test_the_list_pages_past_twenty_five(app, make_user):
    for n in range(27):
        make_user(f"p{n:02d}@example.org", org="Riverside PCN", full_name=f"Person {n:02d}")
        refuse(app, f"p{n:02d}@example.org", days_ago=n)
    admin = _admin(app, make_user)
    first, last = admin.get(PAGE).text, admin.get(PAGE + "?page=9").text
    assert len(rows_of(first)) == 25 and "page 1 of 2" in first
    assert "Person 00" in first and "Person 26" not in first
    assert [row.split()[:2] for row in rows_of(last)] == [["Person", "25"], ["Person", "26"]]
    assert "page 2 of 2" in last
