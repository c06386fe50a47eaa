"""send-reminders: due soon, overdue, once each however often it runs; one-click unsubscribe."""

import csv
import io
import socket
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from app import db, mail
from app.content import catalogue
from app.domain import dates
from app.models_assignments import ReminderFailure, ReminderSent
from app.models_teams import Team
from app.services import assignments, leavers, reminders, teams
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.web.journeys import pass_module, path_of, user_id
from tests.web.pcn import ORG
from tests.web.statements import statements
from tests.web.test_mail_down_forms import refused

DUE = date(2031, 3, 20)


def assign_elm(app, due: date = DUE) -> str:
    with app.app_context():
        session = db.session()
        elm = session.scalar(select(Team).where(Team.name == "Elm Practice"))
        module = catalogue().modules[0]
        asked = assignments.Request(modules=(module.slug,), due_on=due, team_id=elm.id)
        assignments.assign(teams.Scope(elm.organisation_id), None, asked, catalogue())
        return module.title


def remind(runner, day: date) -> str:
    result = runner.invoke(args=["send-reminders", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_learner_gets_one_email_however_often_it_runs(app, runner, mailbox, pcn):
    title = assign_elm(app)
    assert "sent 0 reminder emails" in remind(runner, DUE - timedelta(days=40))
    assert "sent 1 reminder email about 1 module" in remind(runner, DUE - timedelta(days=10))
    assert "sent 0 reminder emails" in remind(runner, DUE - timedelta(days=9))
    assert len(mailbox.messages("asha@example.org")) == 1
    assert mailbox.messages("ben@example.org") == []  # Oak Practice: nothing assigned
    body = mailbox.body("asha@example.org")
    assert title in body and "Due soon" in body and "due 20 March" in body
    # Overdue is news: one more email, once.
    remind(runner, DUE + timedelta(days=1))
    remind(runner, DUE + timedelta(days=2))
    assert len(mailbox.messages("asha@example.org")) == 2
    assert "Overdue" in mailbox.body("asha@example.org")
    with app.app_context():
        learners = select(func.count(ReminderSent.id)).where(ReminderSent.kind != "summary")
        assert db.session().scalar(learners) == 2


def test_a_reminder_for_learning_due_today_says_due_today(app, runner, mailbox, pcn):
    title = assign_elm(app)
    assert "sent 1 reminder email about 1 module" in remind(runner, DUE)
    body = mailbox.body("asha@example.org")
    assert f"- {title}: Due soon (due today)" in body and "20 March" not in body


def test_a_today_with_no_room_for_due_soon_is_refused_in_one_sentence(app, runner, pcn):
    assign_elm(app)
    last = date(date.today().year + 5, 12, 31)  # the last day send-reminders takes
    result = runner.invoke(args=["send-reminders", "--today", "9999-12-31"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1] == (
        f"Error: Invalid value for '--today': The date must be from 2000-01-01 to {last}"
    )
    # The command takes days near today; the reminders themselves run to the last day
    # with room for due soon.
    with app.app_context():
        run = reminders.send_reminders(catalogue(), date(9998, 12, 31))
    assert "sent 1 reminder email about 1 module" in run.describe()
    assert "sent 0 reminder emails" in remind(runner, last)  # sent already


def test_a_today_far_from_now_is_refused_and_says_the_days_taken(app, runner, mailbox, pcn):
    assign_elm(app)
    last = date(date.today().year + 5, 12, 31)
    for day in ("0001-01-01", "1999-12-31", (last + timedelta(days=1)).isoformat(), "9999-12-31"):
        result = runner.invoke(args=["send-reminders", "--today", day])
        assert result.exit_code == 2 and "Traceback" not in result.output, day
        assert result.output.strip().splitlines()[-1] == (
            f"Error: Invalid value for '--today': The date must be from 2000-01-01 to {last}"
        )
    result = runner.invoke(args=["send-reminders", "--today", "2026-02-30"])
    assert result.output.strip().splitlines()[-1] == (
        "Error: Invalid value for '--today': The date must be a real date, like 23/11/2026"
    )
    assert mailbox.messages("asha@example.org") == mailbox.messages("lead@example.org") == []
    assert "sent 0 reminder emails" in remind(runner, date(2000, 1, 1))


def test_the_email_links_work_and_unsubscribe_takes_one_click(app, runner, client, mailbox, pcn):
    assign_elm(app)
    remind(runner, DUE - timedelta(days=1))
    message = mailbox.last("asha@example.org")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = path_of(mailbox.link("asha@example.org", "/unsubscribe/"))
    header = message["List-Unsubscribe"].strip()
    assert header == f"<{mailbox.link('asha@example.org', '/unsubscribe/')}>"
    assert path_of(mailbox.link("asha@example.org", "/modules/")) == "/modules/"
    with statements(app) as run:
        page = client.get(unsubscribe)
    assert page.status_code == 200 and "Unsubscribe from reminders" in page.text
    assert len(run) <= 2, run  # a read page's target (test_statement_counts): the link is signed
    # What a mail program sends for one click: a POST with no CSRF token, no cookies.
    done = app.test_client().post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You have unsubscribed" in done.text
    assert app.test_client().post(unsubscribe).status_code == 200  # twice changes nothing
    remind(runner, DUE + timedelta(days=1))
    assert len(mailbox.messages("asha@example.org")) == 1
    assert client.get(unsubscribe[:-3] + "xyz").status_code == 404
    assert app.test_client().post(unsubscribe[:-3] + "xyz").status_code == 404


def test_a_leaver_and_a_learner_who_finished_hear_nothing(
    app, runner, client, make_user, mailbox, pcn
):
    make_user(email="cara@example.org", org=ORG, full_name="Cara Leaving")
    runner.invoke(args=["place-in-team", "cara@example.org", ORG, "Elm Practice"])
    assign_elm(app, date.today() + timedelta(days=3))
    sign_in(client, "asha@example.org")
    with app.app_context():
        module = catalogue().modules[0]
    pass_module(app, client, "asha@example.org", module)
    with app.app_context():
        leavers.remove_from_organisation(
            teams.Scope(_org()), user_id(app, "cara@example.org"), actor_id=None
        )
    assert "sent 0 reminder emails" in remind(runner, date.today())
    assert mailbox.messages("asha@example.org") == mailbox.messages("cara@example.org") == []


def _org() -> int:
    from app.models import Organisation

    return db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))


def test_reminders_are_in_the_data_export_and_go_with_erasure(app, runner, mailbox, pcn):
    from app.models import User
    from app.services import data_rights, erasure

    assign_elm(app)
    remind(runner, DUE - timedelta(days=3))
    with app.app_context():
        asha = db.session().get(User, pcn["asha"])
        [sent] = data_rights.export_data(asha, catalogue())["reminders_sent"]
        assert sent["kind"] == "due-soon" and sent["due_on"] == DUE.isoformat()
        erasure.erase(asha.id)
        mine = select(func.count(ReminderSent.id)).where(ReminderSent.user_id == asha.id)
        assert db.session().scalar(mine) == 0
    # An erased account is never reminded again.
    remind(runner, DUE + timedelta(days=1))
    assert len(mailbox.messages("asha@example.org")) == 1


def test_each_manager_gets_one_summary_a_week_of_their_teams(app, runner, mailbox, pcn):
    title = assign_elm(app)
    monday = date(2031, 3, 10)
    assert "2 weekly manager summaries" in remind(runner, monday)
    assert "0 weekly manager summaries" in remind(runner, monday + timedelta(days=3))
    [summary] = mailbox.messages("pm@example.org")
    body = summary.get_content()
    assert f"{title}: 0% compliant (0 of 1); 0 overdue, 0 expired, 1 due soon" in body
    assert "/manage/compliance" in body and "/unsubscribe/" in body
    assert summary["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(mailbox.messages("lead@example.org")) == 1
    remind(runner, monday + timedelta(days=14))  # two weeks on: overdue now
    assert "1 overdue" in mailbox.body("pm@example.org")
    assert len(mailbox.messages("pm@example.org")) == 2


def assign_both_teams(app) -> None:
    assign_elm(app)
    with app.app_context():
        session = db.session()
        oak = session.scalar(select(Team).where(Team.name == "Oak Practice"))
        asked = assignments.Request(
            modules=(catalogue().modules[0].slug,), due_on=DUE, team_id=oak.id
        )
        assignments.assign(teams.Scope(oak.organisation_id), None, asked, catalogue())


@pytest.fixture
def hung():
    """Yield a mail server that accepts connections and never says a word, and a function
    that counts the connections made to it so far."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes the handshakes; nothing ever answers
        listener.setblocking(False)
        made = []

        def connections() -> int:
            while True:
                try:
                    made.append(listener.accept()[0])
                except BlockingIOError:
                    return len(made)

        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}?tls=none", connections
        for connection in made:
            connection.close()


@pytest.mark.parametrize("server", ["refused", "hung"])
def test_a_mail_server_found_down_stops_the_run_and_says_what_is_left(
    app, runner, pcn, hung, server
):
    assign_both_teams(app)
    url, connections = hung
    app.config["SMTP_URL"] = refused() if server == "refused" else url
    app.config["SMTP_TIMEOUT"] = 1
    mail.init_app(app)
    result = runner.invoke(
        args=["send-reminders", "--today", (DUE - timedelta(days=10)).isoformat()]
    )
    # One wait for the server, not one an email: a hung server was connected to once.
    assert connections() == (1 if server == "hung" else 0)
    assert result.exit_code == 1, result.output
    assert "1 email could not be sent and will be tried again by the next run" in result.output
    # Ben's reminder and both managers' weekly summaries were not tried.
    assert (
        "error: the mail server could not be reached, so 3 more emails were not tried: "
        "the next run sends them"
    ) in result.output
    with app.app_context():
        assert db.session().scalar(select(func.count(ReminderSent.id))) == 0
        # A server down says nothing about an address: no manager is told of one.
        assert db.session().scalar(select(func.count(ReminderFailure.id))) == 0


def refused_run(runner, day: date):
    """Run send-reminders while the mail server refuses some address: it exits 0, every
    email refused being recorded and shown (to administrators, and managers or the person)."""
    result = runner.invoke(args=["send-reminders", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_refused_learners_and_summaries_leave_the_run_a_success_shown_to_administrators(
    app, runner, make_user, mailbox, pcn
):
    assign_elm(app)
    mailbox.refuse("asha@example.org")
    monday = DUE - timedelta(days=10)
    result = runner.invoke(args=["send-reminders", "--today", monday.isoformat()])
    # Her managers see it on their pages: a cron job need not report failure every day.
    assert result.exit_code == 0, result.output
    assert (
        "1 email could not be sent and will be tried again by the next run; the mail server "
        "refused 1 address (recorded: managers and administrators see whose reminder emails "
        "are failing)"
    ) in result.output
    assert "error:" not in result.stderr
    # A manager's own summary refused: no other manager sees it, administrators do.
    mailbox.refuse("pm@example.org")
    result = runner.invoke(args=["send-reminders", "--today", (monday + timedelta(7)).isoformat()])
    assert result.exit_code == 0, result.output
    assert (
        "the mail server refused 1 address (recorded: managers and administrators see whose "
        "reminder emails are failing); the mail server refused 1 manager's weekly summary "
        "(recorded: administrators see it, as the manager does on their account page)"
    ) in result.output
    assert "error:" not in result.stderr
    admin = app.test_client()
    sign_in(admin, make_user("admin@example.org", role="admin"))
    page = admin.get("/admin/emails-refused/").text
    assert "2 people" in page and "Pat Practice" in page and "Weekly summary" in page


def spells(app, email: str) -> list[tuple]:
    """Return the learner's spells of refused reminders: (failures, reply, resolved how)."""
    from app.models import User

    with app.app_context():
        return (
            db.session()
            .execute(
                select(
                    ReminderFailure.failures, ReminderFailure.reply, ReminderFailure.resolved_how
                )
                .join(User, User.id == ReminderFailure.user_id)
                .where(User.email == email)
                .order_by(ReminderFailure.id)
            )
            .all()
        )


def test_an_address_the_server_refuses_is_shown_to_the_learners_managers_until_mail_goes(
    app, runner, client, mailbox, pcn
):
    assign_both_teams(app)
    mailbox.refuse("asha@example.org")
    mailbox.refuse("ben@example.org")
    monday = DUE - timedelta(days=10)
    output = refused_run(runner, monday)
    assert "the mail server refused 2 addresses" in output
    refused_run(runner, monday + timedelta(days=1))  # tried again: still refused
    [(failures, reply, resolved)] = spells(app, "asha@example.org")
    assert failures == 2 and resolved is None
    assert reply == "550 5.1.1 <asha@example.org>: Recipient address rejected: User unknown"
    today = dates.day(dates.uk_today())  # when the server refused, not --today
    # Pat manages Elm Practice only: Asha's failure, not Ben's, in the page and the summary.
    assert "Reminder emails to 1 of your learners could not be delivered" in mailbox.body(
        "pm@example.org"
    )
    assert "Reminder emails to 2 of your learners" in mailbox.body("lead@example.org")
    sign_in(client, "pm@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}")
    assert (
        f"Reminder emails to Asha Elm could not be delivered since {today}: the mail server "
        "refused the address. Check their email address."
    ) in page.text
    assert client.get(f"/manage/learners/{pcn['ben']}").status_code == 404
    compliance = client.get("/manage/compliance").text
    assert "Reminder emails to 1 learner could not be delivered" in compliance
    assert f'href="/manage/learners/{pcn["asha"]}#reminders-failing">Asha Elm</a>' in compliance
    assert "Ben Oak" not in compliance and "Reminder emails failing" in compliance
    sign_in(client, "lead@example.org")
    assert "Reminder emails to 2 learners" in client.get("/manage/compliance").text
    # Asha's mailbox takes mail again: her overdue reminder goes, and the warning with it.
    mailbox.clear()
    mailbox.refuse("ben@example.org")
    refused_run(runner, DUE + timedelta(days=1))
    assert "Overdue" in mailbox.body("asha@example.org")
    assert [s[2] for s in spells(app, "asha@example.org")] == ["delivered"]  # kept as history
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    assert "Reminder emails" not in page and "reminders-failing" not in page
    assert "Reminder emails to 1 learner could not" in client.get("/manage/compliance").text
    # Ben changes his address: managers stop being told, before any email goes to it.
    sign_in(client, "ben@example.org")
    post_form(
        client,
        "/account/email",
        {"email": "ben.oak@example.org", "current_password": DEMO_PASSWORD},
    )
    confirm = path_of(mailbox.link("ben.oak@example.org", "/account/email/confirm/"))
    assert post_form(client, confirm, {}).status_code == 302
    assert [s[2] for s in spells(app, "ben.oak@example.org")] == ["email-changed"]
    sign_in(client, "lead@example.org")
    assert "Reminder emails" not in client.get("/manage/compliance").text


def test_the_compliance_downloads_say_whose_reminder_emails_are_not_delivered(
    app, runner, client, mailbox, pcn
):
    assign_both_teams(app)
    sign_in(client, "lead@example.org")

    def downloads() -> tuple[list[list[str]], list[list], int]:
        with statements(app) as run:
            text = client.get("/manage/compliance.csv").text
        book = openpyxl.load_workbook(io.BytesIO(client.get("/manage/compliance.xlsx").data))
        sheet = [[c.value for c in r] for r in book["Compliance"].iter_rows()]
        return list(csv.reader(io.StringIO(text))), sheet, len(run)

    _, _, before = downloads()
    mailbox.refuse("asha@example.org")
    refused_run(runner, DUE - timedelta(days=10))
    rows, sheet, after = downloads()
    assert after == before  # read in the statements the download already ran
    column = rows[0].index("Reminder emails")
    assert sheet[0][column] == "Reminder emails"
    today = dates.day(dates.uk_today())  # when the server refused, not --today
    cells = {row[0]: row[column] for row in rows[1:]}
    fine = "Last sent on " + today  # the mail server took his
    assert cells == {"Asha Elm": f"Not delivered since {today}", "Ben Oak": fine}
    assert {row[0]: row[column] for row in sheet[1:]} == {
        "Asha Elm": f"Not delivered since {today}",
        "Ben Oak": fine,
    }


def test_a_refused_reminder_is_in_the_data_export_and_goes_with_erasure(app, runner, mailbox, pcn):
    from app.models import User
    from app.services import data_rights, erasure

    assign_elm(app)
    mailbox.refuse("asha@example.org")
    refused_run(runner, DUE - timedelta(days=3))
    with app.app_context():
        asha = db.session().get(User, pcn["asha"])
        [spell] = data_rights.export_data(asha, catalogue())["reminders_not_delivered"]
        assert spell["refused"] == "address" and spell["times"] == 1
        assert spell["mail_server_said"].startswith("550 5.1.1") and spell["resolved_at"] is None
        erasure.erase(asha.id)
        mine = select(func.count(ReminderFailure.id)).where(ReminderFailure.user_id == asha.id)
        assert db.session().scalar(mine) == 0


def test_a_learner_whose_address_is_refused_is_told_on_their_account_and_my_learning(
    app, runner, client, mailbox, pcn
):
    from app.models_assignments import Assignment

    assign_elm(app)
    mailbox.refuse("asha@example.org")
    mailbox.refuse("pm@example.org")  # Pat's weekly summary is refused too
    refused_run(runner, DUE - timedelta(days=10))  # a Monday: the summaries go
    today = dates.day(dates.uk_today())
    told = (
        f"We have not been able to deliver emails to <strong>asha@example.org</strong> since "
        f"{today}. The mail server for that address refused it: the address may be mistyped"
    )
    sign_in(client, "asha@example.org")
    for path in ("/account/", "/modules/"):
        with statements(app) as run:
            page = client.get(path).text
        assert len(run) <= 2, (path, run)  # read with the page, as before
        assert told in page, path
        assert "not getting reminders about learning assigned to you" in page
        assert 'href="/account/email">change your email address</a>' in page
        assert "550" not in page and "User unknown" not in page  # the server's words: not shown
    # Pat is told what she is missing: her summary.
    sign_in(client, "pm@example.org")
    assert "not getting your weekly summary" in client.get("/account/").text
    # With nothing assigned to her, My learning says nothing; her account page still does.
    sign_in(client, "lead@example.org")
    with app.app_context():
        assignment = db.session().scalar(select(Assignment.id))
    withdraw = f"/manage/assignments/{assignment}/withdraw"
    post_form(client, withdraw, {"confirmed": "yes"}, page="/manage/assignments")
    sign_in(client, "asha@example.org")
    assert "We cannot email you" not in client.get("/modules/").text
    assert told in client.get("/account/").text
    # She changes her address: the warning stays until she confirms the new one, then goes.
    post_form(
        client,
        "/account/email",
        {"email": "asha.elm@example.org", "current_password": DEMO_PASSWORD},
    )
    assert told in client.get("/account/").text
    confirm = path_of(mailbox.link("asha.elm@example.org", "/account/email/confirm/"))
    assert post_form(client, confirm, {}).status_code == 302
    assert "We cannot email you" not in client.get("/account/").text
