"""Your account: details, email address, organisation, and the checks of your password."""

from sqlalchemy import select, update

from app import db
from app.models import AuditEvent, CompetencyLevel, Organisation, User
from tests.conftest import DEMO_PASSWORD, post_form, sign_in, without_tokens
from tests.web.journeys import path_of, user_id
from tests.web.quiz_helpers import browser_form


def account_row(app, email):
    with app.app_context():
        return db.session().scalar(select(User).where(User.email == email))


def test_editing_name_profession_and_registration_number(app, signed_in):
    page = signed_in.get("/account/details")
    assert page.status_code == 200 and 'value="Sam Learner"' in page.text
    response = post_form(
        signed_in,
        "/account/details",
        {"full_name": "Sam O'Learner", "profession": "gp", "registration_number": "GMC 7654321"},
    )
    assert response.status_code == 302
    row = account_row(app, "learner@example.org")
    assert (row.full_name, row.profession, row.registration_number) == (
        "Sam O'Learner",
        "gp",
        "GMC 7654321",
    )
    assert row.professional_confirmed_as == "practice-nurse"  # the confirmation stays as given
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "account.details_changed")
        )
    assert event.detail == {"fields": ["full_name", "profession", "registration_number"]}
    assert "Sam O&#39;Learner" in signed_in.get("/account/").text


def test_a_registration_number_is_saved_trimmed_in_capitals_and_checked_by_profession(
    app, signed_in
):
    page = without_tokens(signed_in.get("/account/details").text)
    # The hint says the nurse's own format, not every profession's.
    assert "Your NMC PIN, like 12A3456E." in page and "GMC" not in page
    sent = {"full_name": "Sam Learner", "profession": "practice-nurse"}
    wrong = post_form(signed_in, "/account/details", {**sent, "registration_number": "7654321"})
    assert wrong.status_code == 400
    message = "Enter your NMC PIN in the correct format: 2 digits, a letter, 4 digits and a"
    assert wrong.text.count(message) == 2  # in the summary and at the field
    assert 'href="#registration_number"' in wrong.text
    right = post_form(signed_in, "/account/details", {**sent, "registration_number": " 12a3456e "})
    assert right.status_code == 302
    assert account_row(app, "learner@example.org").registration_number == "12A3456E"


def test_a_link_workers_details_say_the_number_is_optional_for_them(client, make_user):
    sign_in(client, make_user(profession="link-worker"))
    page = without_tokens(client.get("/account/details").text)
    assert "Optional for your role, which has no statutory register." in page
    assert "NMC" not in page and "GMC" not in page


def test_a_number_stored_as_typed_before_stays_until_the_learner_changes_it(app, signed_in):
    with app.app_context():
        db.session().execute(
            update(User)
            .values(registration_number=" 12a3456e ")
            .where(User.email == "learner@example.org")
        )
        db.session().commit()
    form = browser_form(signed_in.get("/account/details").text, "details-form")
    form["full_name"] = "Sam Other"
    assert signed_in.post("/account/details", data=form).status_code == 302
    row = account_row(app, "learner@example.org")
    assert (row.full_name, row.registration_number) == ("Sam Other", " 12a3456e ")
    form = browser_form(signed_in.get("/account/details").text, "details-form")
    form["registration_number"] = "98b7654e"  # a change is saved as stored numbers are
    assert signed_in.post("/account/details", data=form).status_code == 302
    assert account_row(app, "learner@example.org").registration_number == "98B7654E"


def test_details_errors_are_shown_at_the_field_and_in_the_summary(signed_in):
    response = post_form(
        signed_in, "/account/details", {"full_name": "", "profession": "astronaut"}
    )
    assert response.status_code == 400
    assert 'href="#full_name"' in response.text and "Enter your full name" in response.text


def test_a_profession_not_on_the_list_or_none_asks_to_select_one(signed_in):
    for sent in ({"profession": "astronaut"}, {"profession": ""}):
        response = post_form(signed_in, "/account/details", {"full_name": "Sam", **sent})
        assert response.status_code == 400
        assert "Not a valid choice" not in response.text
        assert response.text.count("Select your profession") == 2  # summary and inline
        assert 'href="#profession"' in response.text and 'id="profession"' in response.text


def test_a_registration_number_no_regulator_issues_is_refused_naming_the_field(app, signed_in):
    for number in ('=HYPERLINK("https://example.org","x")', "GMC 😀 1234567"):
        response = post_form(
            signed_in,
            "/account/details",
            {"full_name": "Sam Learner", "profession": "gp", "registration_number": number},
        )
        assert response.status_code == 400
        message = "Registration number must only include letters, numbers, spaces and hyphens"
        assert response.text.count(message) == 2  # in the summary and at the field
        assert 'href="#registration_number"' in response.text
    assert account_row(app, "learner@example.org").registration_number is None


def test_a_registration_number_saved_before_the_rule_does_not_block_other_changes(app, signed_in):
    with app.app_context():
        db.session().execute(
            update(User)
            .values(registration_number="=1+1")
            .where(User.email == "learner@example.org")
        )
        db.session().commit()
    form = browser_form(signed_in.get("/account/details").text, "details-form")
    form["full_name"] = "Sam Other"
    assert signed_in.post("/account/details", data=form).status_code == 302
    row = account_row(app, "learner@example.org")
    assert (row.full_name, row.registration_number) == ("Sam Other", "=1+1")
    form = browser_form(signed_in.get("/account/details").text, "details-form")
    form["registration_number"] = "=2+2"  # a change is checked
    assert signed_in.post("/account/details", data=form).status_code == 400


def test_changing_email_waits_for_the_link_sent_to_the_new_address(app, signed_in, mailbox):
    response = post_form(
        signed_in,
        "/account/email",
        {"email": "sam.new@example.org", "current_password": DEMO_PASSWORD},
    )
    assert response.status_code == 200 and "Check your email" in response.text
    assert account_row(app, "learner@example.org") is not None  # nothing changed yet
    assert mailbox.last("learner@example.org")["Subject"] == (
        "A change of email address was asked for"
    )
    link = path_of(mailbox.link("sam.new@example.org", "/account/email/confirm/"))
    assert "sam.new@example.org" in signed_in.get(link).text
    assert account_row(app, "learner@example.org") is not None  # following it changes nothing
    assert post_form(signed_in, link, {}).status_code == 302
    assert account_row(app, "sam.new@example.org") is not None
    assert sign_in(app.test_client(), "sam.new@example.org").status_code == 302
    assert post_form(signed_in, link, {}, page="/account/").status_code == 404  # used once


def test_an_email_change_link_is_only_for_the_account_that_asked(
    app, signed_in, make_user, mailbox
):
    post_form(
        signed_in,
        "/account/email",
        {"email": "sam.new@example.org", "current_password": DEMO_PASSWORD},
    )
    link = path_of(mailbox.link("sam.new@example.org", "/account/email/confirm/"))
    make_user(email="other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    assert other.get(link).status_code == 404


def test_changing_email_to_a_taken_address_tells_that_address_not_the_requester(
    app, signed_in, make_user, mailbox
):
    make_user(email="taken@example.org")
    response = post_form(
        signed_in,
        "/account/email",
        {"email": "taken@example.org", "current_password": DEMO_PASSWORD},
    )
    assert response.status_code == 200 and "Check your email" in response.text
    assert "already has a Linkwise account" in mailbox.body("taken@example.org")


def test_a_wrong_current_password_is_refused_audited_and_throttled(app, signed_in):
    for _ in range(5):
        response = post_form(
            signed_in,
            "/account/email",
            {"email": "sam.new@example.org", "current_password": "not my password at all"},
        )
        assert response.status_code == 400
        assert "Your current password is not correct" in response.text
    # The limit is shared by every page that checks the current password.
    response = post_form(
        signed_in, "/account/", {"current_password": DEMO_PASSWORD, "new_password": "x" * 20}
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    with app.app_context():
        kinds = db.session().scalars(select(AuditEvent.kind)).all()
    assert kinds.count("password.check_failed") == 5


def test_a_failed_password_change_is_audited(app, signed_in):
    post_form(
        signed_in,
        "/account/",
        {"current_password": "wrong wrong wrong", "new_password": "plum harbour violin 77"},
    )
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "password.check_failed")
        )
    assert event.actor_id == user_id(app, "learner@example.org")


def test_joining_and_leaving_an_organisation_moves_the_learners_levels(app, signed_in, runner):
    runner.invoke(args=["create-org", "Riverside PCN", "--join-code", "RIVER123"])
    learner = user_id(app, "learner@example.org")
    with app.app_context():
        from datetime import UTC, datetime

        db.session().add(
            CompetencyLevel(
                user_id=learner,
                organisation_id=None,
                competency_code="SPLW-1.1",
                level="Secure",
                score=90.0,
                evidence_count=3,
                last_evidence_at=datetime.now(UTC),
            )
        )
        db.session().commit()
    refused = post_form(signed_in, "/account/organisation", {"join_code": "NOPE9999"})
    assert refused.status_code == 400 and "We do not recognise that join code" in refused.text
    asked = post_form(signed_in, "/account/organisation", {"join_code": "river-123"})
    assert asked.status_code == 200 and 'name="join_code" value="RIVER123"' in asked.text
    confirm = {"join_code": "RIVER123", "leaving": "none"}  # the check page's button
    assert post_form(signed_in, "/account/organisation/move", confirm).status_code == 302
    with app.app_context():
        org = db.session().scalar(select(Organisation.id))
        assert db.session().get(User, learner).organisation_id == org
        assert db.session().scalar(select(CompetencyLevel.organisation_id)) == org
    page = signed_in.get("/account/organisation").text
    assert "You are a member of <strong>Riverside PCN</strong>" in page
    leave = {"organisation": str(org)}
    assert (
        post_form(signed_in, "/account/organisation/leave", leave, page="/account/organisation")
    ).status_code == 302
    with app.app_context():
        assert db.session().get(User, learner).organisation_id is None
        assert db.session().scalar(select(CompetencyLevel.organisation_id)) is None
        kinds = db.session().scalars(select(AuditEvent.kind)).all()
    assert {"organisation.joined", "organisation.left"} <= set(kinds)


def test_a_manager_cannot_leave_their_organisation_from_the_account_page(app, client, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    org = account_row(app, "manager@example.org").organisation_id
    post_form(client, "/account/organisation/leave", {"organisation": str(org)}, page="/account/")
    assert account_row(app, "manager@example.org").organisation_id == org


def test_account_pages_need_sign_in(client):
    client.set_cookie("linkwise_professional", "yes")
    for url in (
        "/account/details",
        "/account/email",
        "/account/organisation",
        "/account/data",
        "/account/delete",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/sign-in"), url
