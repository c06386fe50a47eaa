"""A text limit counts what the person typed: a browser sends each line break as CR LF and
counts it as one character (as its maxlength does), and so does the app, for every form.
Each box with a limit says so in its hint and carries a matching maxlength."""

from sqlalchemy import select

from app import db
from app.models_credentials import Credential
from app.models_practice import ConfirmationDecision, SelfAssessment
from tests.web import revoking
from tests.web.test_credential_admin_page import admin_client
from tests.web.test_credentials import earned, module  # noqa: F401 (fixtures)
from tests.web.test_practice import ask, decide, page_url, people, self_assess, the_request

__all__ = ["people"]  # the fixture, used by the tests below


def typed(length: int, line_breaks: int) -> str:
    """Return text of `length` characters as typed: `line_breaks` of them line breaks."""
    line = "x" * ((length - line_breaks) // line_breaks - 1)
    text = "".join(line + "\n" for _ in range(line_breaks))
    text += "y" * (length - len(text))
    assert len(text) == length and text.count("\n") == line_breaks
    return text


def as_sent(text: str) -> str:
    """Return text as a browser sends a textarea's value: each line break a CR LF."""
    return text.replace("\n", "\r\n")


def test_a_reflection_of_2000_characters_with_50_line_breaks_is_saved(app, people):
    learner, _, _ = people
    page = learner.get(page_url()).text
    assert "Up to 2000 characters." in page and 'maxlength="2000"' in page
    text = typed(2000, 50)
    assert self_assess(learner, "3", "after", as_sent(text)).status_code == 302
    with app.app_context():
        saved = db.session().scalar(select(SelfAssessment.reflection))
    assert saved == text.strip() and "\r" not in saved
    too_long = self_assess(learner, "3", "after", as_sent("z" + text))
    assert too_long.status_code == 400
    assert "Reflection must be 2000 characters or fewer" in too_long.text


def test_a_supervisor_s_comments_and_plan_of_2000_characters_with_line_breaks_are_saved(
    app, people
):
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    page = sue.get(f"/supervise/requests/{request_id}").text
    assert page.count("Up to 2000 characters.") == 2 and page.count('maxlength="2000"') == 2
    comments, plan = typed(2000, 50), typed(2000, 50).replace("x", "p")
    response = decide(
        sue, request_id, outcome="returned", comments=as_sent(comments), action_plan=as_sent(plan)
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        decision = db.session().scalars(select(ConfirmationDecision)).one()
    assert (decision.comments, decision.action_plan) == (comments.strip(), plan.strip())


def test_a_supervisor_s_comments_or_plan_over_the_limit_are_refused_by_name(app, people):
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    for field, label in (("comments", "Comments"), ("action_plan", "Action plan")):
        form = {"outcome": "returned", "action_plan": "Observe one meeting.", field: "x" * 2001}
        refused = decide(sue, request_id, **form)
        assert refused.status_code == 400
        assert f"{label} must be 2000 characters or fewer" in refused.text
        assert f'href="#{field}"' in refused.text


def test_a_revoking_reason_of_500_characters_with_line_breaks_is_kept(
    app,
    earned,  # noqa: F811
    make_user,
):
    _, code, _ = earned
    admin = admin_client(app, make_user)
    page = f"/admin/credentials/?code={code}"
    shown = admin.get(page).text
    assert "Up to 500 characters." in shown and 'maxlength="500"' in shown
    reason = typed(500, 20)
    shown = revoking.confirmation(admin, code, as_sent(reason), page=page)
    # The reason travels on from the confirmation page as it was typed, line breaks and all.
    response = revoking.confirmed(admin, shown)
    assert response.status_code == 302, response.text
    with app.app_context():
        assert db.session().scalar(select(Credential.revoked_reason)) == reason.strip()
