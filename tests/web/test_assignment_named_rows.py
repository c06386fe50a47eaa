"""Assignments to learners by name, as the manager's list and the withdraw page show them:
each learner with their email address, so two of the same name are told apart."""

import html
from datetime import date

from sqlalchemy import select, update

from app import db
from app.domain import dates
from app.models import User
from app.models_assignments import Assignment
from app.models_teams import Leaver, Team
from tests.conftest import post_form, sign_in
from tests.web.test_assignments import due_fields, modules

URL = "/manage/assignments"


def assign_by_name(app, client, emails: str, due: date = date(2031, 1, 14)) -> list[int]:
    """Assign the first module to the learners named; return the assignments' ids."""
    form = {"modules": modules(app)[0].slug, "who": "learners", "emails": emails}
    assert post_form(client, URL, form | due_fields(due)).status_code == 302
    with app.app_context():
        return list(db.session().scalars(select(Assignment.id).order_by(Assignment.id)))


def test_two_learners_of_one_name_are_told_apart_by_their_email(app, client, pcn, make_user):
    make_user(email="tom.one@example.org", org="Riverside PCN", full_name="Tom Thomas")
    make_user(email="tom.two@example.org", org="Riverside PCN", full_name="Tom Thomas")
    sign_in(client, "lead@example.org")
    first, second = assign_by_name(app, client, "tom.one@example.org tom.two@example.org")
    page = client.get(URL).text
    for email in ("tom.one@example.org", "tom.two@example.org"):
        assert f'Tom Thomas<br><span class="nhsuk-body-s">{email}</span>' in page
        assert f"for Tom Thomas ({email})</span>" in html.unescape(page)  # the link's words
    for assignment, email in ((first, "tom.one"), (second, "tom.two")):
        withdraw = client.get(f"{URL}/{assignment}/withdraw").text
        assert f'Tom Thomas<br><span class="nhsuk-body-s">{email}@example.org</span>' in withdraw
        assert f"for Tom Thomas ({email}@example.org)?" in html.unescape(withdraw)
    done = post_form(client, f"{URL}/{first}/withdraw", {"confirmed": "yes"}, page=URL)
    assert done.status_code == 302
    told = html.unescape(client.get(URL).text)
    assert "for Tom Thomas (tom.one@example.org) has been withdrawn" in told


def test_a_teams_row_carries_no_email(app, client, pcn):
    sign_in(client, "lead@example.org")
    with app.app_context():
        elm = db.session().scalar(select(Team.id).where(Team.name == "Elm Practice"))
    form = {"modules": modules(app)[0].slug, "who": "team", "team": str(elm)}
    assert post_form(client, URL, form | due_fields(date(2031, 1, 14))).status_code == 302
    page = client.get(URL).text
    assert "Elm Practice</div>" in page and "@example.org" not in page.split("<h1>", 1)[1]


def test_a_named_learner_who_left_is_shown_as_left_on_the_row_and_the_withdraw_page(
    app, client, pcn
):
    sign_in(client, "lead@example.org")
    (assignment,) = assign_by_name(app, client, "asha@example.org")
    page = html.unescape(client.get(URL).text)
    assert "Left Riverside PCN" not in page
    removed = post_form(client, f"/manage/learners/{pcn['asha']}/remove", {})
    assert removed.status_code == 302
    with app.app_context():
        left_at = db.session().scalar(select(Leaver.left_at).where(Leaver.user_id == pcn["asha"]))
    on = dates.day(left_at)  # the UK day
    page = html.unescape(client.get(URL).text)
    assert f"Left Riverside PCN on {on}</strong>: it asks nothing of them now" in page
    assert "A learner named as having left Riverside PCN is no longer in it" in page
    withdraw = html.unescape(client.get(f"{URL}/{assignment}/withdraw").text)
    assert f"Asha Elm left your organisation on {on}: this assignment already asks" in withdraw
    assert "it leaves your list of assignments" in withdraw
    assert "the learners it covers no longer have this module" not in withdraw
    # Back in the organisation (as joining with its code leaves them), it binds them again.
    with app.app_context():
        session = db.session()
        organisation = session.scalar(select(Leaver.organisation_id))
        session.execute(
            update(User).where(User.id == pcn["asha"]).values(organisation_id=organisation)
        )
        session.commit()
    page = html.unescape(client.get(URL).text)
    assert "Left Riverside PCN" not in page and "asha@example.org" in page
