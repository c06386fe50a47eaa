"""The audit log's pages: counted, paged newest first and filtered, in one statement."""

import re

from app import db
from app.services import audit
from tests.conftest import sign_in, without_tokens


def add_events(app, count: int, kind: str) -> None:
    with app.app_context():
        session = db.session()
        for number in range(count):
            audit.record(session, kind, email=f"person{number}@example.org", number=number)
        session.commit()


def shown(page: str) -> list[str]:
    return re.findall(r"number=(\d+)", page)


def test_the_audit_log_pages_newest_first_and_a_page_past_the_end_shows_the_last(
    app, client, make_user
):
    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    add_events(app, 120, "test.event")
    first = client.get("/admin/audit?kind=test.event").text
    assert "120 events, page 1 of 3." in first
    assert shown(first) == [str(n) for n in range(119, 69, -1)]
    last = client.get("/admin/audit?kind=test.event&page=3").text
    assert "page 3 of 3." in last and shown(last) == [str(n) for n in range(19, -1, -1)]
    beyond = client.get("/admin/audit?kind=test.event&page=9").text
    assert "page 3 of 3." in beyond and shown(beyond) == shown(last)
    none = client.get("/admin/audit?kind=no.such.event&page=2").text
    assert "0 events." in none and not shown(none)


def options(page: str) -> list[tuple[str, str]]:
    """Return the event filter's choices after "Any event": (code, the name people read)."""
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<(]+?)(?: \(|</option>)', page)


def test_the_kinds_to_filter_by_are_every_kind_there_is_by_the_name_people_read(
    app, client, make_user
):
    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    add_events(app, 1, "zebra.crossed")
    add_events(app, 1, "aardvark.seen")
    # By code the sign-up comes before the password; by the names people read, after it.
    add_events(app, 1, "account.registered")  # "Sign-up confirmed"
    add_events(app, 1, "password.changed")  # "Password changed"
    add_events(app, 1, "account.erased")  # "Account erased"
    page = client.get("/admin/audit?kind=zebra.crossed").text
    # The filtered page, and one whose dates are wrong (its kinds read on their own).
    wrong_dates = client.get("/admin/audit?since=2026-02-30").text
    for listed in (options(page), options(wrong_dates)):
        names = [name for _, name in listed]
        assert names == sorted(names, key=str.casefold), names
        added = ["aardvark.seen", "account.erased", "password.changed", "account.registered"]
        assert [code for code, _ in listed if code in {*added, "zebra.crossed"}] == [
            *added,
            "zebra.crossed",
        ]
    assert shown(page) == ["0"] and "1 event." in page


def test_a_detail_that_is_a_list_reads_as_its_items(app, client, make_user):
    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    with app.app_context():
        session = db.session()
        audit.record(session, "account.details_changed", fields=["full_name", "profession"])
        audit.record(session, "account.details_changed", fields=[])
        session.commit()
    page = client.get("/admin/audit?kind=account.details_changed").text
    assert "fields=full_name, profession" in page and "fields=none" in page
    assert "[" not in page.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def test_a_to_date_before_the_from_date_is_explained_as_on_the_item_analysis_page(
    app, client, make_user
):
    from tests.web.item_data import QUIZ

    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    add_events(app, 1, "test.event")
    message = "To date must be the same as or after the From date"
    for url in ("/admin/audit", f"/author/quizzes/{QUIZ}/items"):
        page = client.get(f"{url}?since=2027-01-01&until=2026-01-01")
        assert page.status_code == 400, url
        assert "There is a problem" in page.text and 'href="#until"' in page.text, url
        assert page.text.count(message) == 2, url  # in the summary and at the field
        assert 'href="#since"' not in page.text, url
    # Nothing is listed or counted: the form comes back with the error and what was typed.
    page = client.get("/admin/audit?kind=test.event&since=2000-01-01&until=1999-01-01").text
    assert "event." not in page and "events." not in page and "<tbody" not in page
    assert 'value="2000-01-01"' in page and 'value="1999-01-01"' in page
    same_day = client.get("/admin/audit?since=2026-01-01&until=2026-01-01")
    assert same_day.status_code == 200 and message not in same_day.text


def test_the_audit_command_keeps_each_event_on_one_line_whatever_its_reason(app, runner):
    """A revocation's reason is typed in a box of several lines, and may be pasted in."""
    reason = "Earned by a colleague.\r\nSee ticket 42.\nChecked\u2028twice\tby HR."
    with app.app_context():
        session = db.session()
        audit.record(session, "credential.revoked", code="LW-AAAA", reason=reason)
        audit.record(session, "test.event", number=1)
        session.commit()
    lines = runner.invoke(args=["audit"]).output.splitlines()
    assert [line.split("\t")[1] for line in lines] == ["credential.revoked", "test.event"]
    assert all(len(line.split("\t")) == 6 for line in lines)
    assert lines[0].endswith("reason=Earned by a colleague. See ticket 42. Checked twice by HR.")


def test_each_event_reads_its_day_in_words_and_its_time_to_the_second(app, client, make_user):
    """Dates read alike across the product: "5 March 2026", then 9:07:03am GMT, under "When
    (UK time)", not 2026-03-05 09:07:03; seconds tell apart events of the same minute."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from app.models import AuditEvent

    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    add_events(app, 1, "test.dated")
    with app.app_context():
        session = db.session()
        at = datetime(2026, 3, 5, 9, 7, 3, tzinfo=UTC)
        session.execute(
            update(AuditEvent).where(AuditEvent.kind == "test.dated").values(occurred_at=at)
        )
        session.commit()
    page = client.get("/admin/audit?kind=test.dated").text
    assert '<th scope="col">When (UK time)</th>' in page
    body = page.split("<tbody", 1)[1]
    assert when_shown(body) == ["5 March 2026", "9:07:03am GMT"]
    assert "2026-03-05" not in body


def when_shown(body: str) -> list[str]:
    """Return the first row's When cell, its day and its time, spaces as the page reads them."""
    when = re.search(r"<td>(.*?)</td>", body).group(1).replace("\u00a0", " ")
    return [part.strip() for part in when.split("<br>")]


def date_event(app, kind: str, at) -> None:
    add_events(app, 1, kind)
    from sqlalchemy import update

    from app.models import AuditEvent

    with app.app_context():
        session = db.session()
        session.execute(update(AuditEvent).where(AuditEvent.kind == kind).values(occurred_at=at))
        session.commit()


def test_an_event_late_on_a_summer_evening_reads_its_uk_day_and_time(app, client, make_user):
    """23:30 UTC on 14 July is half past midnight BST on 15 July: the log says 15 July."""
    from datetime import UTC, datetime

    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    date_event(app, "test.dated", datetime(2026, 7, 14, 23, 30, 9, tzinfo=UTC))
    page = client.get("/admin/audit?kind=test.dated").text
    read = without_tokens(page)
    assert "Times are UK time" in read and "UTC" not in read
    assert when_shown(page.split("<tbody", 1)[1]) == ["15 July 2026", "12:30:09am BST"]


def test_from_and_to_days_are_uk_days(app, client, make_user):
    """From 1 July takes in 00:30 BST on 1 July (23:30 UTC on 30 June); To 30 June leaves it
    out; a To day in summer ends at midnight BST."""
    from datetime import UTC, datetime

    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    date_event(app, "test.early", datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    date_event(app, "test.late", datetime(2026, 7, 31, 23, 30, tzinfo=UTC))  # 1 August BST
    july = client.get("/admin/audit?kind=test.early&since=2026-07-01&until=2026-07-01").text
    assert "1 event." in july
    assert when_shown(july.split("<tbody", 1)[1]) == ["1 July 2026", "12:30:00am BST"]
    june = client.get("/admin/audit?kind=test.early&until=2026-06-30").text
    assert "0 events." in june
    assert "0 events." in client.get("/admin/audit?kind=test.late&until=2026-07-31").text
    assert "1 event." in client.get("/admin/audit?kind=test.late&since=2026-08-01").text


def test_uk_days_typed_day_first_filter_as_iso_days_do(app, client, make_user):
    """7/12/2026 and 07/12/2026 are 7 December, as a person in the UK types them; a day
    that is not one is explained with a UK example, and what was typed stays in the field."""
    from datetime import UTC, datetime

    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    date_event(app, "test.december", datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    for since, until in (("7/12/2026", "07/12/2026"), ("2026-12-07", "7/12/2026")):
        page = client.get(f"/admin/audit?kind=test.december&since={since}&until={until}")
        assert page.status_code == 200 and "1 event." in page.text, since
    assert "0 events." in client.get("/admin/audit?kind=test.december&since=8/12/2026").text
    page = client.get("/admin/audit?kind=test.december&since=7/13/2026").text
    assert page.count("From date must be a real date, like 23/11/2026") == 2  # summary, field
    assert 'value="7/13/2026"' in page
    assert page.count("For example, 23/11/2026") == 2  # each field's hint
    assert "YYYY-MM-DD" not in page


def test_an_assignment_event_names_whom_it_was_for_and_its_renewal(app, client, runner, make_user):
    """Teams by name, learners by email address (as the page names people), in the page's
    one statement; an event written before names and renewals were recorded reads as well
    as it can: its team named as it is now, its renewal "not recorded"."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.content import catalogue
    from app.models_teams import Team
    from app.services import assignments, teams
    from tests.web.pcn import make_pcn
    from tests.web.statements import statements
    from tests.web.test_statement_counts import TARGET

    people = make_pcn(app, runner, make_user)
    make_user(email="admin@example.org", role="admin")
    with app.app_context():
        session = db.session()
        elm = session.scalar(select(Team).where(Team.name == "Elm Practice"))
        scope, slugs = teams.Scope(elm.organisation_id), [m.slug for m in catalogue().modules]
        due = assignments.today() + timedelta(days=30)
        for asked in (
            assignments.Request((slugs[0],), due, 36, team_id=elm.id, profession="gp"),
            assignments.Request((slugs[1],), due, emails=("asha@example.org", "ben@example.org")),
        ):
            assignments.assign(scope, None, asked, catalogue(), via="cli")
        audit.record(  # as events were written before
            session,
            "assignment.added",
            modules=slugs[2],
            targets=f"team:{elm.id}, learner:{people['asha']}",
            due_on=due.isoformat(),
            added=2,
        )
        session.commit()
    sign_in(client, "admin@example.org")
    with statements(app) as run:
        page = client.get("/admin/audit?kind=assignment.added")
    assert page.status_code == 200
    assert len(run) <= TARGET, list(run)
    rows = re.findall(r"<tr>(.*?)</tr>", page.text.split("<tbody", 1)[1], re.S)
    old, learners, team = (" ".join(row.split()) for row in rows)
    assert "for=Elm Practice (GPs)" in team and "renewal=Every 3 years" in team
    assert "for=asha@example.org, ben@example.org" in learners
    assert "renewal=Does not renew" in learners
    assert "for=Elm Practice, asha@example.org" in old and "renewal=not recorded" in old
    # No visitor can assign learning: an event that recorded no actor came from a script.
    assert "a script or seed (not recorded which)" in old and "visitor" not in old
    assert "command line (" in team and "visitor" not in team
    assert "team:" not in page.text and "learner:" not in page.text


def test_a_date_that_is_wrong_lists_nothing_and_keeps_what_was_typed(app, client, make_user):
    """Not the whole log under the error, as if filtered, nor a count of none."""
    from tests.web.statements import statements
    from tests.web.test_statement_counts import TARGET

    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    add_events(app, 3, "test.event")
    for query, field in (
        ("kind=test.event&email=person1&since=2026-13-01", "since"),
        ("kind=test.event&email=person1&until=yesterday", "until"),
        ("kind=test.event&email=person1&since=2026-02-01&until=2026-01-01", "until"),
    ):
        with statements(app) as run:
            page = client.get(f"/admin/audit?{query}")
        assert page.status_code == 400, query
        assert len(run) <= TARGET, list(run)
        assert f'href="#{field}"' in page.text and f'id="{field}-error"' in page.text, query
        assert "events." not in page.text and "<tbody" not in page.text, query
        assert not shown(page.text), query
        assert 'value="person1"' in page.text, query
        assert '<option value="test.event" selected>' in page.text, query
        typed = dict(part.split("=") for part in query.split("&"))
        assert all(
            f'value="{typed[name]}"' in page.text for name in ("since", "until") if name in typed
        )


def test_the_email_filter_finds_part_of_an_address_in_any_case(app, client, make_user):
    """An administrator types part of an address ("practice", a domain) and finds everyone
    it fits, whether they acted, were acted on or typed it; in the page's one statement."""
    from tests.web.statements import statements
    from tests.web.test_statement_counts import TARGET

    make_user(email="admin@example.org", role="admin")
    make_user(email="practice.manager@example.org", role="manager", org="Riverside PCN")
    make_user(email="sam@elsewhere.net", org="Riverside PCN")
    with app.app_context():
        session = db.session()
        from sqlalchemy import select

        from app.models import User

        ids = dict(session.execute(select(User.email, User.id)).all())
        audit.record(session, "test.event", actor_id=ids["practice.manager@example.org"], number=1)
        audit.record(session, "test.event", subject_id=ids["sam@elsewhere.net"], number=2)
        audit.record(session, "test.event", email="Visitor.Practice@Other.org", number=3)
        audit.record(session, "test.event", email="who%else@x.org", number=4)
        session.commit()
    sign_in(client, "admin@example.org")
    for typed, found in (
        ("practice", ["3", "1"]),
        ("PRACTICE.MANAGER@example.org", ["1"]),
        ("elsewhere", ["2"]),
        ("  other.ORG ", ["3"]),
        ("%", ["4"]),  # a character LIKE reads as any is read as itself
        ("nobody", []),
    ):
        with statements(app) as run:
            page = client.get("/admin/audit", query_string={"kind": "test.event", "email": typed})
        assert page.status_code == 200
        assert len(run) <= TARGET, list(run)
        assert shown(page.text) == found, typed
    assert "All or part of it" in page.text
