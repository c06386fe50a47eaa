"""Numbers sent in forms, query strings and cookies are read from ASCII digits only: '²'
(a digit to isdigit(), a ValueError to int()) and its kind answer 400, an error message or
nothing, never a 500; a value a list never offers never stands for another choice."""

from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.login import _load_user
from app.models import User
from app.models_teams import TeamManager
from tests.conftest import post_form, sign_in
from tests.web.test_assignments import URL, count_assignments, due_fields, modules, team_id

ODD = ["²", "1²", "①", "٣", "１", "1" * 5000]


@pytest.mark.parametrize("value", ODD)
def test_an_assignments_renewal_or_team_the_lists_never_offer_is_a_bad_request(
    app, client, pcn, value
):
    sign_in(client, "lead@example.org")
    form = {"modules": modules(app)[0].slug, "who": "team", **due_fields(date(2031, 1, 14))}
    elm = str(team_id(app, "Elm Practice"))
    assert post_form(client, URL, {**form, "team": elm, "renew": value}).status_code == 400
    assert post_form(client, URL, {**form, "team": value, "renew": "12"}).status_code == 400
    assert count_assignments(app) == 0


def test_a_team_that_is_not_a_number_no_longer_means_everyone(app, client, pcn):
    sign_in(client, "lead@example.org")
    form = {"modules": modules(app)[0].slug, "who": "team", **due_fields(date(2031, 1, 14))}
    assert post_form(client, URL, {**form, "team": "abc", "renew": "0"}).status_code == 400
    assert count_assignments(app) == 0
    assert post_form(client, URL, {**form, "team": "everyone", "renew": "0"}).status_code == 302
    assert count_assignments(app) == 1  # the list's answer for everyone in the organisation


def test_a_due_date_in_other_digits_is_an_error_in_the_nhs_pattern(app, client, pcn):
    sign_in(client, "lead@example.org")
    form = {"modules": modules(app)[0].slug, "who": "team", "team": "everyone", "renew": "0"}
    sent = post_form(client, URL, {**form, "due-day": "١٤", "due-month": "1", "due-year": "2031"})
    assert sent.status_code == 400
    assert "There is a problem" in sent.text and 'href="#due"' in sent.text
    spaced = {"due-day": " 14 ", "due-month": "1", "due-year": "2031"}
    assert post_form(client, URL, {**form, **spaced}).status_code == 302


@pytest.mark.parametrize("value", ODD)
def test_a_managers_teams_the_list_never_offers_are_a_bad_request(app, client, pcn, value):
    sign_in(client, "lead@example.org")
    with app.app_context():
        pm = db.session().scalar(select(User.id).where(User.email == "pm@example.org"))
    url = f"/manage/managers/{pm}/teams"
    oak = str(team_id(app, "Oak Practice"))
    sent = post_form(client, url, {"teams": [oak, value]}, page="/manage/managers")
    assert sent.status_code == 400
    with app.app_context():
        kept = select(TeamManager.team_id).where(TeamManager.user_id == pm)
        assert list(db.session().scalars(kept)) == [team_id(app, "Elm Practice")]


@pytest.mark.parametrize("value", ODD)
def test_a_compliance_team_filter_in_other_digits_is_a_bad_request(app, client, pcn, value):
    # Chosen from a list, as the managers' teams above: never a crash, never every team.
    sign_in(client, "lead@example.org")
    for path in ("/manage/compliance", "/manage/compliance.csv"):
        assert client.get(path, query_string={"team": value}).status_code == 400, path


@pytest.mark.parametrize("value", ODD)
def test_a_leave_form_naming_no_organisation_in_digits_asks_the_question(app, client, pcn, value):
    sign_in(client, "asha@example.org")
    page = "/account/organisation"
    sent = post_form(client, "/account/organisation/leave", {"organisation": value}, page=page)
    assert sent.status_code == 302 and sent.location.endswith("/account/organisation/leave")
    with app.app_context():
        asha = db.session().scalar(select(User).where(User.email == "asha@example.org"))
        assert asha.organisation_id is not None


@pytest.mark.parametrize("value", ODD)
def test_a_session_naming_no_user_in_digits_is_signed_out(app, value):
    with app.test_request_context("/"):
        assert _load_user(f"{value}:token") is None
