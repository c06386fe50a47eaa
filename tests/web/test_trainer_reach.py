"""A trainer of an organisation reaches its learners only; the course's own trainers, everyone."""

from lxml import html

from app.models import AttemptGrant
from tests.conftest import post_form, sign_in
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.test_quiz import finish_screens
from tests.web.test_quiz_next_attempt import count, learner_id, use_every_attempt, with_quiz

REASON = {"reason": "Agreed at supervision"}


def locked_out(app, module, make_user, email: str, org: str) -> str:
    """Make a learner of `org` who has used every attempt; return their learner page's URL."""
    make_user(email=email, org=org, full_name=email.split("@")[0])
    finish_screens(app, email, module)
    client = app.test_client()
    sign_in(client, email)
    use_every_attempt(app, client, module)
    return f"/author/learners/{learner_id(app, email)}"


def error_of(response) -> str:
    summary = html.fromstring(response.text).xpath("//*[contains(@class, 'error-summary')]//li")
    return " ".join(summary[0].text_content().split())


def test_a_trainer_of_an_organisation_finds_and_helps_its_own_learners_only(
    app, module, course, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    ours = locked_out(app, module, make_user, "learna1@example.org", "Org A")
    theirs = locked_out(app, module, make_user, "learnb1@example.org", "Org B")
    quiz = {"quiz_id": module.assessment.id, **REASON}
    trainer = app.test_client()
    sign_in(trainer, make_user(email="ta@example.org", role="trainer", org="Org A"))
    assert trainer.get("/author/learners?email=learna1@example.org").location == ours
    # Another organisation's learner is not found, in the same words as no account at all.
    elsewhere = trainer.get("/author/learners?email=learnb1@example.org")
    nowhere = trainer.get("/author/learners?email=nobody@example.org")
    assert elsewhere.status_code == nowhere.status_code == 404
    assert error_of(elsewhere) == error_of(nowhere)
    assert error_of(elsewhere) == "No account in your organisation has that email address"
    assert "learnb1@example.org" not in elsewhere.text.replace('value="learnb1@example.org"', "")
    assert trainer.get(theirs).status_code == 404
    refused = post_form(trainer, theirs + "/extra-attempt", quiz, page="/author/learners")
    assert refused.status_code == 404 and count(app, AttemptGrant) == 0
    page = trainer.get(ours)
    assert page.status_code == 200 and "learna1@example.org" in page.text
    assert post_form(trainer, ours + "/extra-attempt", quiz, page=ours).status_code == 302
    assert count(app, AttemptGrant) == 1
    # The course's own trainers (no organisation) reach every learner.
    staff = app.test_client()
    sign_in(staff, make_user(email="staff@example.org", role="trainer"))
    assert staff.get("/author/learners?email=learnb1@example.org").location == theirs
    assert staff.get(theirs).status_code == 200
    assert error_of(staff.get("/author/learners?email=nobody@example.org")) == (
        "No account has that email address"
    )
    assert post_form(staff, theirs + "/extra-attempt", quiz, page=theirs).status_code == 302
    assert count(app, AttemptGrant) == 2


def test_a_learner_is_not_sent_to_a_trainer_of_another_organisation(app, module, course, make_user):
    module = with_quiz(app, course, module, attempts=1)
    email = "learnb1@example.org"
    make_user(email=email, org="Org B")
    finish_screens(app, email, module)
    learner = app.test_client()
    sign_in(learner, email)
    last = use_every_attempt(app, learner, module)
    make_user(email="ta@example.org", role="trainer", org="Org A")
    page = learner.get(last).text
    assert "No one can give you another attempt at the moment." in page
    assert "A Linkwise trainer can give you another attempt" not in page
    make_user(email="tb@example.org", role="trainer", org="Org B")
    assert "A Linkwise trainer can give you another attempt" in learner.get(last).text
