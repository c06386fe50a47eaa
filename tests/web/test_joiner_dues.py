"""A learner placed in a team after its assignment fell due is given its time from joining.

Elm Practice's assignment was set 52 days ago, due 7 days ago: 45 days given. Ben moves in
from Oak Practice today: he is due 45 days from today, not overdue from the minute he joined,
on every page and download; Asha, in Elm all along, stays overdue.
"""

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.dates import day, uk_day_starts, uk_today
from app.models_assignments import Assignment
from app.models_teams import Team, TeamMember
from app.services import reminders
from tests.conftest import post_form, sign_in
from tests.web.pcn import ORG
from tests.web.test_assignments import due_fields

WINDOW = 45


def _team(name: str) -> int:
    return db.session().scalar(select(Team.id).where(Team.name == name))


@pytest.fixture
def past_due(app, pcn):
    """Elm Practice's first module: set 52 days ago, due a week ago."""
    with app.app_context():
        module = catalogue().modules[0]
        elm = _team("Elm Practice")
        org = db.session().scalar(select(Team.organisation_id).where(Team.id == elm))
        today = uk_today()
        db.session().add(
            Assignment(
                organisation_id=org,
                module_slug=module.slug,
                target=f"team:{elm}",
                team_id=elm,
                due_on=today - timedelta(days=7),
                # Midday in the UK, so the day it was set is the same whatever the hour now.
                assigned_at=uk_day_starts(today - timedelta(days=WINDOW + 7)) + timedelta(hours=12),
            )
        )
        # Asha has been in Elm, and Ben in Oak, since before it was set: moving joins afresh.
        for name in ("asha", "ben"):
            member = db.session().get(TeamMember, pcn[name])
            member.joined_at = datetime.now(UTC) - timedelta(days=90)
        db.session().commit()
        return {"title": module.title, "elm": elm, "today": today, **pcn}


def _words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def _place(client, team_id: int, email: str):
    page = f"/manage/teams/{team_id}"
    placed = post_form(client, f"{page}/place", {"email": email}, page=page)
    assert placed.status_code == 302
    return _words(client.get(page))


def test_the_confirmation_says_what_they_now_have_to_do_by_when_and_the_team_left(client, past_due):
    sign_in(client, "lead@example.org")
    words = _place(client, past_due["elm"], "ben@example.org")
    due = day(past_due["today"] + timedelta(days=WINDOW))
    assert (
        f"Ben Oak is now in this team and has left Oak Practice. "
        f"Assigned here: {past_due['title']}, due by {due}." in words
    )


def test_a_learner_from_no_team_is_told_what_is_assigned_and_nothing_of_leaving(
    app, client, make_user, past_due
):
    make_user(email="cara@example.org", org=ORG, full_name="Cara New")
    sign_in(client, "lead@example.org")
    words = _place(client, past_due["elm"], "cara@example.org")
    due = day(past_due["today"] + timedelta(days=WINDOW))
    assert f"Cara New is now in this team. Assigned here: {past_due['title']}, due by {due}." in (
        words
    )
    oak = _place(client, _oak(app), "asha@example.org")
    assert "Asha Elm is now in this team and has left Elm Practice. Nothing is assigned" in oak


def _oak(app) -> int:
    with app.app_context():
        return _team("Oak Practice")


def test_the_joiner_is_not_overdue_on_the_manager_s_pages_their_own_or_the_download(
    app, client, past_due
):
    today, title = past_due["today"], past_due["title"]
    own = today + timedelta(days=WINDOW)
    sign_in(client, "lead@example.org")
    _place(client, past_due["elm"], "ben@example.org")
    ben = _words(client.get(f"/manage/learners/{past_due['ben']}"))
    assert f"{title} To do {day(own)}" in ben.replace("• ", "")
    asha = _words(client.get(f"/manage/learners/{past_due['asha']}"))
    assert "Overdue" in asha and day(today - timedelta(days=7)) in asha
    rows = list(csv.reader(io.StringIO(client.get("/manage/compliance.csv").text)))
    header = rows[0]
    status = next(i for i, name in enumerate(header) if name.startswith(title) and "status" in name)
    due = next(i for i, name in enumerate(header) if name.startswith(title) and "due" in name)
    by_email = {
        row[header.index(next(h for h in header if "mail" in h.lower()))]: row for row in rows[1:]
    }
    assert (by_email["ben@example.org"][status], by_email["ben@example.org"][due]) == (
        "To do",
        own.isoformat(),
    )
    assert by_email["asha@example.org"][status] == "Overdue"
    client.get("/sign-out")
    sign_in(client, "ben@example.org")
    mine = _words(client.get("/modules/"))
    assert "overdue" not in mine.lower()
    with app.app_context():
        run = reminders.send_reminders(catalogue(), today)
    assert run.emails == 1  # Asha's overdue reminder; none for Ben


def test_a_later_date_for_the_joiner_by_name_says_the_earlier_one_applies_on_the_list(
    app, client, past_due
):
    sign_in(client, "lead@example.org")
    _place(client, past_due["elm"], "ben@example.org")
    own = past_due["today"] + timedelta(days=WINDOW)
    with app.app_context():
        slug = catalogue().modules[0].slug
    form = {"modules": [slug], "who": "learners", "emails": "ben@example.org"}
    assigned = post_form(client, "/manage/assignments", {**form, **due_fields(own + timedelta(1))})
    assert assigned.status_code == 302
    page = _words(client.get("/manage/assignments"))
    assert f"due {day(own)}" in page  # the banner names the date that applies: his own
    assert (
        "This date does not count for them: an earlier date from another assignment applies."
        in (page)
    )
    assert "1 learner came under it after it was due and has a later date of their own." in (page)
    with app.app_context():
        named = db.session().scalar(select(Assignment.id).where(Assignment.user_id.is_not(None)))
    withdraw = _words(client.get(f"/manage/assignments/{named}/withdraw"))
    assert "This date does not count for them" in withdraw
    assert "for the learner held to an earlier date by another assignment, that date still" in (
        withdraw
    )


def test_a_team_s_assignment_says_for_how_many_an_earlier_date_counts_instead(
    app, client, past_due
):
    sign_in(client, "lead@example.org")
    _place(client, past_due["elm"], "ben@example.org")
    with app.app_context():
        slug = catalogue().modules[0].slug
    sooner = past_due["today"] + timedelta(days=10)  # before his own date, 45 days on
    form = {"modules": [slug], "who": "learners", "emails": "ben@example.org"}
    assert (
        post_form(client, "/manage/assignments", {**form, **due_fields(sooner)}).status_code == 302
    )
    page = _words(client.get("/manage/assignments"))
    assert (
        "This date does not count for 1 learner: an earlier date from another assignment applies."
        in page
    )
    assert "came under it after it was due" not in page  # his date is the named one's now
    withdraw = _words(client.get(f"/manage/assignments/{_team_assignment(app)}/withdraw"))
    assert "for the 1 learner held to an earlier date by another assignment, that date" in withdraw


def _team_assignment(app) -> int:
    with app.app_context():
        return db.session().scalar(select(Assignment.id).where(Assignment.team_id.is_not(None)))
