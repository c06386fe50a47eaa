"""The practice forms list every problem at once (the NHS error pattern), keeping the rest.

Each problem appears in the summary, linked to its field, and again beside the field; what
the person did fill in is shown as they sent it.
"""

import re

from sqlalchemy import func, select

from app import db
from app.models_practice import ConfirmationDecision
from tests.conftest import post_form
from tests.web.test_practice import (
    ask,
    decide,
    page_url,
    people,  # noqa: F401 (a fixture)
    self_assess,
    the_request,
)

CONFIDENCE = "Select how confident you are"
STAGE = "Select whether this is before or after studying the module"


def summary(page: str) -> list[tuple[str, str]]:
    """Return the error summary's links, (href, text), in order."""
    box = re.search(r'class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert box, "no error summary"
    return re.findall(r'<a href="([^"]+)"\s*>\s*([^<]+?)\s*</a>', box.group(1))


def inline(page: str, field: str) -> str:
    """Return the inline error message shown beside a field."""
    found = re.search(
        rf'<span class="nhsuk-error-message" id="{field}-error"\s*>\s*'
        r'<span class="nhsuk-u-visually-hidden">Error: </span>([^<]+?)\s*</span>',
        page,
    )
    assert found, f"no inline error for {field}"
    return found.group(1)


def test_an_empty_self_assessment_lists_every_problem_at_once(people):  # noqa: F811
    learner, _, _ = people
    response = self_assess(learner, "", "", "What I did with Mrs B.")
    assert response.status_code == 400
    page = response.text
    assert summary(page) == [("#confidence", CONFIDENCE), ("#stage", STAGE)]
    assert inline(page, "confidence") == CONFIDENCE
    assert inline(page, "stage") == STAGE
    assert ">What I did with Mrs B.</textarea>" in page  # what they wrote is kept


def test_a_long_reflection_is_reported_with_the_missing_answers(people):  # noqa: F811
    learner, _, _ = people
    page = self_assess(learner, "", "after", "x" * 2001).text
    assert summary(page) == [
        ("#confidence", CONFIDENCE),
        ("#reflection", "Reflection must be 2000 characters or fewer"),
    ]
    assert inline(page, "reflection") == "Reflection must be 2000 characters or fewer"
    assert re.search(r'value="after"\s+checked', page)  # the stage they chose stays chosen


def test_the_request_form_names_its_one_field(people):  # noqa: F811
    learner, _, _ = people
    response = post_form(learner, f"{page_url()}/request", {"supervisor": ""}, page=page_url())
    assert response.status_code == 400
    assert summary(response.text) == [("#supervisor", "Select the supervisor to ask")]
    assert inline(response.text, "supervisor") == "Select the supervisor to ask"


def test_a_supervisors_decision_lists_every_problem_at_once(app, people):  # noqa: F811
    learner, sue, _ = people
    self_assess(learner, "3", "after", "Asked what matters first.")
    assert ask(learner, app).status_code == 302
    request_id = the_request(app)
    page = decide(sue, request_id, outcome="", comments="c" * 2001, action_plan="Kept.").text
    assert summary(page) == [
        ("#outcome", "Select whether you confirm the practice or return it"),
        ("#comments", "Comments must be 2000 characters or fewer"),
    ]
    assert inline(page, "outcome") == "Select whether you confirm the practice or return it"
    assert inline(page, "comments") == "Comments must be 2000 characters or fewer"
    assert ">Kept.</textarea>" in page


def test_an_action_plan_sent_with_a_confirmation_is_kept_to_correct_not_dropped(app, people):  # noqa: F811
    learner, sue, _ = people
    assert ask(learner, app).status_code == 302
    request_id = the_request(app)
    plan = "Observe one first meeting."
    response = decide(sue, request_id, outcome="confirmed", action_plan=plan)
    assert response.status_code == 400
    message = "An action plan goes with a returned request: remove it, or move it to your comments"
    assert summary(response.text) == [("#action_plan", message)]
    assert inline(response.text, "action_plan") == message
    assert f">{plan}</textarea>" in response.text
    with app.app_context():
        assert db.session().scalar(select(func.count(ConfirmationDecision.id))) == 0
