"""Names are one line of visible text wherever they are given: registering, account details,
the create-user and create-org commands, and team names (the web form and create-team). A
name stored before the rule still shows, escaped, and cannot break an email's subject."""

import html

from sqlalchemy import select, update

from app import db
from app.models import Organisation, User
from app.models_teams import Team
from tests.conftest import DEMO_PASSWORD, confirm_professional, post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.test_practice import ask, page_url, people

__all__ = ["people"]  # the fixture, used by the tests below

ONE_LINE = "Full name must be on one line, with no tabs or other hidden control characters"
DIRECTION = "Full name must not include hidden characters that change the direction of text"
SYMBOLS = "Full name must not include emoji or other symbols"


def details(client, full_name: str):
    return post_form(
        client, "/account/details", {"full_name": full_name, "profession": "practice-nurse"}
    )


def test_register_refuses_a_name_that_is_not_one_line_of_visible_text(client):
    confirm_professional(client)
    for name, message in [
        ("\u200b", "Enter your full name"),
        ("Ann\nBcc: someone@example.org", ONE_LINE),
        ("Ann \u202eeeL", DIRECTION),
        # A certificate's fonts have no emoji: it would print "Zoë ? O'Brien".
        ("Zoë 🌈 O'Brien", SYMBOLS),
    ]:
        response = post_form(
            client,
            "/register",
            {"full_name": name, "email": "ann@example.org", "profession": "gp"}
            | {"password": "a lantern beside the quiet harbour"},
        )
        assert response.status_code == 400, name
        assert message in response.text
        assert summary_of(response).links == ["#full_name"]


def test_account_details_refuse_the_same_and_keep_names_people_have(app, signed_in):
    for name, message in [
        ("\u200b\u2060", "Enter your full name"),
        ("Ann\r\nLee", ONE_LINE),
        ("Ann\tLee", ONE_LINE),
        ("Ann \u2067Lee", DIRECTION),
    ]:
        response = details(signed_in, name)
        assert response.status_code == 400, name
        assert message in response.text
    for name in ("Dr Zoë Smith", "עדי כהן", "Anne-Marie O’Neil"):
        assert details(signed_in, name).status_code == 302
        with app.app_context():
            assert db.session().scalar(select(User.full_name)) == name


def test_a_name_stored_before_the_rule_shows_escaped_and_does_not_stop_other_changes(
    app, signed_in
):
    with app.app_context():
        db.session().execute(update(User).values(full_name="Ann \u202e<b>eeL</b>"))
        db.session().commit()
    page = signed_in.get("/account/details").text
    assert "Ann \u202e&lt;b&gt;eeL&lt;/b&gt;" in page
    # The form sends the name back as it showed it, with another profession.
    response = post_form(
        signed_in,
        "/account/details",
        {"full_name": "Ann \u202e<b>eeL</b>", "profession": "gp"}
        | {"shown_full_name": "Ann \u202e<b>eeL</b>", "shown_profession": "practice-nurse"}
        | {"registration_number": "", "shown_registration_number": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session().scalar(select(User.profession)) == "gp"


def test_a_stored_name_with_a_line_break_keeps_the_email_subject_whole(app, people, mailbox):
    learner, _, _ = people
    with app.app_context():
        db.session().execute(
            update(User)
            .where(User.email == "learner@example.org")
            .values(full_name="Lee\r\nBcc: someone@example.org")
        )
        db.session().commit()
    assert learner.get(page_url()).status_code == 200
    assert ask(learner, app).status_code == 302
    message = mailbox.last("sue@example.org")
    assert message["Subject"] == ("Lee Bcc: someone@example.org asks you to confirm their practice")
    assert message["Bcc"] is None
    assert mailbox.body("sue@example.org").startswith("Hello Sue Supervisor,")


def test_team_names_refuse_direction_controls_and_invisible_names(app, runner, make_user):
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    client = app.test_client()
    sign_in(client, "lead@example.org")
    for name, message in [
        ("Elm \u202eecitcarP", "must not include hidden characters that change the direction"),
        ("\u200b\u200b", "Enter the team's name"),
    ]:
        response = post_form(client, "/manage/teams", {"name": name})
        assert response.status_code == 400, name
        assert message in html.unescape(response.text)
        summary_of(response)
        result = runner.invoke(args=["create-team", "Riverside PCN", name])
        assert result.exit_code != 0 and message in result.output
    assert post_form(client, "/manage/teams", {"name": "Elm Practice"}).status_code == 302
    with app.app_context():
        assert db.session().scalars(select(Team.name)).all() == ["Elm Practice"]


def test_the_commands_refuse_names_that_are_not_one_line_of_visible_text(app, runner):
    for name in ("North\ngate PCN", "\u200b", "North \u202eCNP"):
        result = runner.invoke(args=["create-org", name])
        assert result.exit_code != 0, name
    assert runner.invoke(args=["create-org", "Northgate PCN"]).exit_code == 0
    for name in ("Ann\nLee", "\u2060", "Ann \u202dLee"):
        result = runner.invoke(
            args=["create-user", "--email", "ann@example.org", "--name", name]
            + ["--password", DEMO_PASSWORD]
        )
        assert result.exit_code != 0, name
        assert "Full name" in result.output or "full name" in result.output
    with app.app_context():
        assert db.session().scalars(select(Organisation.name)).all() == ["Northgate PCN"]
        assert db.session().scalar(select(User.id)) is None


def test_symbols_in_a_full_name_are_refused_wherever_it_is_given(app, client, runner, signed_in):
    """A name is printed on certificates and read into spreadsheets: "=1+2" is no name."""
    for name in ("=1+2", "@SUM(1,2)", "Ann <b>Bold</b> & O'Brien"):
        response = details(signed_in, name)
        assert response.status_code == 400, name
        assert SYMBOLS in response.text
        assert summary_of(response).links == ["#full_name"]
        result = runner.invoke(
            args=["create-user", "--email", "ann@example.org", "--name", name]
            + ["--password", DEMO_PASSWORD]
        )
        assert result.exit_code != 0 and SYMBOLS in result.output, name
    visitor = app.test_client()
    confirm_professional(visitor)
    response = post_form(
        visitor,
        "/register",
        {"full_name": "=1+2", "email": "ann@example.org", "profession": "gp"}
        | {"password": "a lantern beside the quiet harbour"},
    )
    assert response.status_code == 400 and SYMBOLS in response.text
    with app.app_context():
        assert db.session().scalars(select(User.full_name)).all() == ["Sam Learner"]
    for name in ("Zoë Ní Bhriain", "O'Brien", "Smith-Jones", "Dr. J. Smith", "Sam O’Learner"):
        assert details(signed_in, name).status_code == 302, name
