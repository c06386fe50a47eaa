"""Every error summary link goes to an element the page has, and every page that shows an
error summary has a title starting "Error: " (the NHS error pattern).

NHS.UK radios give the first radio the question's own id ("profession"), the others
"profession-2", "profession-3" and so on: a link to "#profession-1" goes nowhere.
"""

import pytest

from tests.conftest import confirm_professional, post_form
from tests.web.error_summary import summary_of
from tests.web.test_practice import ask, decide, page_url, people, self_assess, the_request

__all__ = ["people"]  # the fixture, used by the tests below


def test_a_missing_profession_on_registering_links_to_the_first_radio(client):
    confirm_professional(client)
    response = post_form(
        client, "/register", {"full_name": "Ann Lee", "email": "ann@example.org", "password": ""}
    )
    assert response.status_code == 400
    assert "#profession" in summary_of(response).links


def test_a_missing_profession_in_account_details_links_to_the_first_radio(signed_in):
    response = post_form(signed_in, "/account/details", {"full_name": "Sam", "profession": ""})
    assert response.status_code == 400
    assert summary_of(response).links == ["#profession"]


@pytest.mark.parametrize(
    ("confidence", "stage", "reflection", "target"),
    [
        ("", "after", "", "#confidence"),
        ("9", "after", "", "#confidence"),
        ("3", "", "", "#stage"),
        ("3", "after", "x" * 2001, "#reflection"),
    ],
)
def test_each_self_assessment_error_links_to_its_question(
    people, confidence, stage, reflection, target
):
    learner, _, _ = people
    response = self_assess(learner, confidence, stage, reflection)
    assert response.status_code == 400
    assert summary_of(response).links == [target]


def test_asking_no_supervisor_links_to_the_first_supervisor(people):
    learner, _, _ = people
    response = post_form(learner, f"{page_url()}/request", {}, page=page_url())
    assert response.status_code == 400
    assert summary_of(response).links == ["#supervisor"]


def test_each_decision_error_links_to_its_question(app, people):
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    response = decide(sue, request_id)
    assert response.status_code == 400
    assert summary_of(response).links == ["#outcome"]
    response = decide(sue, request_id, outcome="returned")
    assert response.status_code == 400
    assert summary_of(response).links == ["#action_plan"]
