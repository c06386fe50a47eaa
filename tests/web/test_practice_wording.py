"""The practice pages say no more than has happened: no request claimed before one is made."""

from tests.web.test_practice import (
    ask,
    decide,
    page_url,
    people,  # noqa: F401 (a fixture)
    the_request,
)


def test_an_empty_queue_does_not_say_learners_have_asked(people):  # noqa: F811
    _, sue, _ = people
    page = sue.get("/supervise/").text
    assert "No requests are waiting for you." in page
    assert "have asked you" not in page
    assert "Learners in your organisation can ask you to confirm" in page


def test_a_returned_request_says_to_work_on_the_plan_before_asking_again(app, people):  # noqa: F811
    learner, sue, _ = people
    assert ask(learner, app).status_code == 302
    asked = the_request(app)
    assert (
        decide(sue, asked, outcome="returned", action_plan="Shadow a first meeting.").status_code
        == 302
    )
    page = learner.get(page_url()).text
    assert "When you have worked on the action plan above, you can ask a supervisor again." in page
    # Asked again, and waiting: nothing more to work on is said.
    assert ask(learner, app).status_code == 302
    assert "When you have worked on the action plan" not in learner.get(page_url()).text
