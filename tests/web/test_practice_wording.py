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


def meaning(page: str) -> str:
    """Return what the page says under the practice status, in plain words."""
    said = page.split('id="practice-meaning">', 1)[1].split("</p>", 1)[0]
    return " ".join(said.split())


def test_what_practice_means_fits_where_it_stands(app, people):  # noqa: F811
    from datetime import timedelta

    from app.models import utcnow
    from tests.web.test_practice_renewal_opens import confirmation_ends

    learner, sue, _ = people
    waiting = "Your practice counts once a supervisor who has seen your work confirms it"
    assert meaning(learner.get(page_url()).text).startswith(waiting)  # not started
    assert ask(learner, app).status_code == 302
    assert meaning(learner.get(page_url()).text).startswith(
        "You have asked a supervisor to confirm your practice: it counts once they do"
    )
    request_id = the_request(app)
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    confirmed = meaning(learner.get(page_url()).text)
    assert confirmed.startswith("A supervisor who has seen your work has confirmed your practice")
    assert waiting not in confirmed
    ended = utcnow() - timedelta(days=1)
    confirmation_ends(app, request_id, ended)
    assert meaning(learner.get(page_url()).text).startswith(
        "A supervisor confirmed your practice, but that confirmation has ended: it counts again "
        "once a supervisor confirms it again"
    )
