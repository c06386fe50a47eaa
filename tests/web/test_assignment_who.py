""" "Who must do it" names someone, or nothing is assigned: a choice left unmade, or made and
left empty, is an error in the NHS pattern, never everyone in the organisation."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import AuditEvent
from app.models_assignments import Assignment
from app.models_teams import Team
from tests.conftest import post_form, sign_in
from tests.web.error_summary import summary_of

URL = "/manage/assignments"
DUE = date.today() + timedelta(days=30)
DUE_FIELDS = {"due-day": str(DUE.day), "due-month": str(DUE.month), "due-year": str(DUE.year)}


def _slug(app) -> str:
    with app.app_context():
        return catalogue().modules[0].slug


def _team(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == name))


def _assigned(app) -> tuple[int, int]:
    """Return (assignments, assignment.added audit rows)."""
    with app.app_context():
        session = db.session()
        return (
            session.scalar(select(func.count(Assignment.id))),
            session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.kind == "assignment.added")
            ),
        )


def _inline(response, field: str) -> str:
    """Return the inline error message shown on a field (its id-error element)."""
    found = re.search(
        rf'id="{field}-error"[^>]*>\s*<span[^>]*>Error:\s*</span>\s*([^<]+)<', response.text
    )
    assert found, f"no inline error on {field}"
    return found.group(1).strip()


def _checked(response, field_id: str) -> bool:
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', response.text).group(0)
    return " checked" in tag


@pytest.mark.parametrize("emails", ["", "  ", " , ,\n"])
def test_named_learners_with_no_email_address_assign_nothing(app, client, pcn, emails):
    sign_in(client, "lead@example.org")
    slug = _slug(app)
    form = {"modules": slug, "who": "learners", "emails": emails, "renew": "12", **DUE_FIELDS}
    response = post_form(client, URL, form)
    assert response.status_code == 400
    assert summary_of(response).links == ["#emails"]
    assert _inline(response, "emails") == "Enter at least one email address"
    assert 'class="nhsuk-textarea nhsuk-textarea--error"' in response.text
    assert "assignment added" not in response.text
    assert _assigned(app) == (0, 0)
    # Everything else the manager entered is still there.
    assert _checked(response, "who-2") and not _checked(response, "who")
    assert _checked(response, "modules-m1")
    assert f'value="{DUE.year}"' in response.text
    assert re.search(r'<option value="12"\s+selected', response.text)


@pytest.mark.parametrize("who", [None, "", "everyone", "nobody"])
@pytest.mark.parametrize("manager", ["lead@example.org", "pm@example.org"])
def test_a_form_that_chose_nobody_assigns_nothing(app, client, pcn, who, manager):
    """No radio chosen (a raw POST without `who`, or one the form never offers)."""
    sign_in(client, manager)
    form = {"modules": _slug(app), "emails": "asha@example.org", **DUE_FIELDS}
    if who is not None:
        form["who"] = who
    response = post_form(client, URL, form)
    assert response.status_code == 400
    assert summary_of(response).links == ["#who"]
    assert _inline(response, "who") == "Select who must do it"
    errored = r'nhsuk-form-group--error"[^>]*>\s*<fieldset[^>]*aria-describedby="[^"]*who-error'
    assert re.search(errored, response.text)  # the question's group and fieldset say so
    assert not _checked(response, "who") and not _checked(response, "who-2")
    assert "asha@example.org" in response.text  # what was typed stays
    assert _assigned(app) == (0, 0)


def test_the_form_chooses_nobody_until_the_manager_does(app, client, pcn):
    sign_in(client, "lead@example.org")
    page = client.get(URL)
    assert not _checked(page, "who") and not _checked(page, "who-2")


def test_every_problem_is_named_in_the_order_of_the_form(app, client, pcn):
    sign_in(client, "lead@example.org")
    response = post_form(client, URL, {"who": "learners", "emails": ""})
    assert response.status_code == 400
    assert summary_of(response).links == ["#modules", "#emails", "#due"]
    response = post_form(client, URL, {})
    assert summary_of(response).links == ["#modules", "#who", "#due"]
    assert _assigned(app) == (0, 0)


def test_a_team_of_another_organisation_or_none_at_all_assigns_nothing(
    app, client, runner, pcn, make_user
):
    make_user(email="hill@example.org", role="manager", org="Hillside PCN")
    assert runner.invoke(args=["create-team", "Hillside PCN", "Hill Surgery"]).exit_code == 0
    theirs = _team(app, "Hill Surgery")
    slug = _slug(app)
    for manager in ("lead@example.org", "pm@example.org"):
        client.get("/sign-out")
        sign_in(client, manager)
        for team in (str(theirs), "999999"):
            form = {"modules": slug, "who": "team", "team": team, **DUE_FIELDS}
            response = post_form(client, URL, form)
            assert response.status_code == 400, (manager, team)
            assert summary_of(response).links == ["#team"]
            assert _inline(response, "team") == "Select one of your teams"
            assert _checked(response, "who")
        # A team the form never leaves out: a request without one is a bad request.
        missing = post_form(client, URL, {"modules": slug, "who": "team", **DUE_FIELDS})
        assert missing.status_code == 400, manager
        assert "There is a problem" not in missing.text
    # A manager confined to a team may not choose everyone (the blank the lead's list offers).
    blank = post_form(client, URL, {"modules": slug, "who": "team", "team": "", **DUE_FIELDS})
    assert blank.status_code == 400 and _inline(blank, "team") == "Select one of your teams"
    assert _assigned(app) == (0, 0)


def test_a_profession_the_list_never_offers_assigns_nothing(app, client, pcn):
    """Once it quietly meant every profession: the whole team, or everyone."""
    sign_in(client, "lead@example.org")
    form = {"modules": _slug(app), "who": "team", "team": "everyone", "profession": "surgeon"}
    response = post_form(client, URL, {**form, **DUE_FIELDS})
    assert response.status_code == 400
    assert summary_of(response).links == ["#profession"]
    assert _inline(response, "profession") == "Select a profession from the list"
    assert _assigned(app) == (0, 0)


def test_each_choice_assigns_whom_it_names(app, client, pcn):
    """Everyone, a team, a profession across it, and named learners: each is one target."""
    sign_in(client, "lead@example.org")
    slug, elm = _slug(app), _team(app, "Elm Practice")
    for form in (
        {"who": "team", "team": "everyone"},
        {"who": "team", "team": str(elm)},
        {"who": "team", "team": str(elm), "profession": "pharmacist"},
        {"who": "learners", "emails": "asha@example.org, ben@example.org"},
    ):
        sent = post_form(client, URL, {"modules": slug, **form, **DUE_FIELDS})
        assert sent.status_code == 302, form
    with app.app_context():
        targets = sorted(db.session().scalars(select(Assignment.target)).all())
    assert targets == sorted(
        [
            "org",
            f"team:{elm}",
            f"team:{elm}/profession:pharmacist",
            f"learner:{pcn['asha']}",
            f"learner:{pcn['ben']}",
        ]
    )
    assert _assigned(app) == (5, 4)


def _team_options(response) -> list[tuple[str, str, bool]]:
    """Return the team list's options: (value, text, selected)."""
    select_tag = re.search(r'<select[^>]*\bid="team".*?</select>', response.text, re.S).group(0)
    return [
        (value, text.strip(), " selected" in attributes)
        for value, attributes, text in re.findall(
            r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select_tag
        )
    ]


def test_the_team_list_asks_for_a_team_rather_than_opening_on_everyone(app, client, runner, pcn):
    sign_in(client, "lead@example.org")
    elm, oak = _team(app, "Elm Practice"), _team(app, "Oak Practice")
    assert _team_options(client.get(URL)) == [
        ("", "Choose a team", False),
        ("everyone", "Everyone in the organisation", False),
        (str(elm), "Elm Practice", False),
        (str(oak), "Oak Practice", False),
    ]  # nothing selected: the browser shows, and sends, the first, "Choose a team"
    client.get("/sign-out")
    sign_in(client, "pm@example.org")  # one team, and nobody else to choose
    assert _team_options(client.get(URL)) == [(str(elm), "Elm Practice", False)]
    both = ["set-manager-teams", "pm@example.org", "Riverside PCN", "Elm Practice", "Oak Practice"]
    assert runner.invoke(args=both).exit_code == 0
    assert [text for _, text, _ in _team_options(client.get(URL))] == [
        "Choose a team",
        "Elm Practice",
        "Oak Practice",
    ]


@pytest.mark.parametrize("profession", ["", "gp"])
def test_a_team_left_unchosen_assigns_nobody_and_asks_for_one(app, client, pcn, profession):
    """'A team' chosen, the team list left on 'Choose a team': once everyone was assigned."""
    sign_in(client, "lead@example.org")
    form = {"modules": _slug(app), "who": "team", "team": "", "profession": profession}
    response = post_form(client, URL, {**form, "renew": "12", **DUE_FIELDS})
    assert response.status_code == 400
    assert summary_of(response).links == ["#team"]
    assert _inline(response, "team") == "Select a team, or everyone in the organisation"
    assert 'class="nhsuk-select nhsuk-select--error"' in response.text
    assert _checked(response, "who") and not _checked(response, "who-2")
    options = _team_options(response)
    assert options[0] == ("", "Choose a team", False)
    assert not any(selected for _, _, selected in options)
    assert _checked(response, "modules-m1")  # everything else is as the manager left it
    assert f'value="{DUE.year}"' in response.text
    if profession:
        assert re.search(r'<option value="gp"\s+selected', response.text)
    assert _assigned(app) == (0, 0)
    # Everyone chosen from the list, the same form assigns to the whole organisation.
    sent = post_form(client, URL, {**form, "team": "everyone", "renew": "12", **DUE_FIELDS})
    assert sent.status_code == 302
    with app.app_context():
        target = f"profession:{profession}" if profession else "org"
        assert db.session().scalars(select(Assignment.target)).all() == [target]


@pytest.mark.parametrize("team", ["", "everyone"])
def test_a_manager_of_one_team_cannot_choose_everyone_or_nobody(app, client, pcn, team):
    sign_in(client, "pm@example.org")
    form = {"modules": _slug(app), "who": "team", "team": team, **DUE_FIELDS}
    response = post_form(client, URL, form)
    assert response.status_code == 400
    assert summary_of(response).links == ["#team"]
    assert _inline(response, "team") == "Select one of your teams"
    assert _assigned(app) == (0, 0)


@pytest.mark.parametrize(
    "emails",
    [
        "asha@example.org; ben@example.org",
        "asha@example.org;ben@example.org;",
        'Asha Elm <asha@example.org>; "Oak, Ben (OAK PRACTICE)" <BEN@example.org>',
        "Elm, Asha <asha@example.org>; Oak, Ben <ben@example.org>",
        '"Elm; Asha" <asha@example.org>, Ben Oak <ben@example.org>',
    ],
)
def test_a_list_pasted_from_outlook_or_nhsmail_names_its_learners(app, client, pcn, emails):
    """Semicolons between addresses, and each address in angle brackets after a name."""
    sign_in(client, "lead@example.org")
    form = {"modules": _slug(app), "who": "learners", "emails": emails, **DUE_FIELDS}
    sent = post_form(client, URL, form)
    assert sent.status_code == 302, sent.text
    with app.app_context():
        targets = sorted(db.session().scalars(select(Assignment.target)).all())
    assert targets == sorted([f"learner:{pcn['asha']}", f"learner:{pcn['ben']}"])


def test_an_address_no_learner_has_is_named_in_a_pasted_list_too(app, client, pcn):
    sign_in(client, "lead@example.org")
    emails = 'Asha Elm <asha@example.org>; "Nobody, Known" <No.Body@example.org>; typo'
    form = {"modules": _slug(app), "who": "learners", "emails": emails, **DUE_FIELDS}
    response = post_form(client, URL, form)
    assert response.status_code == 400
    assert summary_of(response).links == ["#emails"]
    assert _inline(response, "emails") == (
        "No learner in your organisation has these 2 email addresses: "
        "no.body@example.org, typo. Check them or remove them"
    )
    assert _assigned(app) == (0, 0)
