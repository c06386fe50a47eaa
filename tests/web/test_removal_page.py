"""The page that asks a manager to confirm a removal, met again once the person has gone (the
back button, a reload): it says they were removed, when and by whom, to whoever could see
them, and is not found for anyone else."""

import html

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, User
from tests.conftest import post_form, sign_in
from tests.web.statements import statements


def _viewed(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.kind == "learner.viewed")
        )


def test_the_page_of_a_removal_already_made_says_who_removed_them_and_when(
    app, client, make_user, pcn
):
    make_user(email="other@example.org", role="manager", org="Hillside PCN")
    sign_in(client, "lead@example.org")
    url = f"/manage/learners/{pcn['asha']}/remove"
    assert post_form(client, url, {}).status_code == 302
    with statements(app) as run:
        again = client.get(url)  # back, or a reload
    assert again.status_code == 200
    assert len(run) == 2, run  # the user, then the page's read (which records the visit)
    assert "Asha Elm was removed from your organisation" in again.text
    assert "by Sam Learner" in again.text  # the lead's name, as make_user gives it
    assert 'href="/manage/"' in again.text  # back to the people list
    assert "Remove from organisation</button>" not in again.text
    # A manager of another organisation never saw her: not found, and nothing recorded.
    elsewhere = app.test_client()
    sign_in(elsewhere, "other@example.org")
    before = _viewed(app)
    assert elsewhere.get(url).status_code == 404
    assert _viewed(app) == before


def test_the_page_of_someone_who_left_on_their_own_says_so(app, client, pcn):
    asha = app.test_client()
    sign_in(asha, "asha@example.org")
    with app.app_context():
        org = db.session().scalar(select(User.organisation_id).where(User.id == pcn["asha"]))
    left = post_form(asha, "/account/organisation/leave", {"organisation": str(org)})
    assert left.status_code == 302
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}/remove")
    assert page.status_code == 200
    assert "Asha Elm left your organisation on their own" in page.text


def test_a_confined_manager_finds_only_the_leavers_of_their_teams(app, client, pcn):
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    for person in ("asha", "ben"):
        url = f"/manage/learners/{pcn[person]}/remove"
        assert post_form(lead, url, {}).status_code == 302
    sign_in(client, "pm@example.org")  # manages Elm Practice, Asha's team
    assert client.get(f"/manage/learners/{pcn['asha']}/remove").status_code == 200
    assert client.get(f"/manage/learners/{pcn['ben']}/remove").status_code == 404


def test_the_page_names_the_organisation_left_and_that_a_move_within_it_is_no_removal(
    app, client, pcn
):
    sign_in(client, "pm@example.org")  # manages Elm Practice only
    page = html.unescape(client.get(f"/manage/learners/{pcn['asha']}/remove").text)
    assert "<h1>Remove Asha Elm from Riverside PCN?</h1>" in page
    assert "has left Riverside PCN altogether" in page
    assert "out of the whole organisation, not only Elm Practice" in page
    assert "Moving to another practice or team of Riverside PCN is not a removal" in page
    assert "ask a manager of the whole organisation, or the manager of their new team" in page
    assert "Riverside PCN's figures, compliance and exports stop counting them" in page
    assert 'href="/manage/teams"' not in page.split("<h1>", 1)[1]  # no team of theirs to offer
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    page = html.unescape(lead.get(f"/manage/learners/{pcn['asha']}/remove").text)
    assert "Moving to another team of Riverside PCN is not a removal" in page
    assert 'Place them in their new team from its page, under <a href="/manage/teams">' in page
