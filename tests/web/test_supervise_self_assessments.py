"""A supervisor decides on everything the learner said: self-assessments given after the
request are shown first, marked so, and a decision on a page opened before one was given
(or before the learner's profession changed) is refused, saying what changed."""

import html

from sqlalchemy import select, update

from app import db
from app.models import CompetencyLevel, User
from app.models_practice import ConfirmationDecision
from app.services.confirmation_decisions import what_changed
from app.services.confirmations import SEEN_PARTS
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    decide,
    people,
    self_assess,
    the_request,
)
from tests.web.test_practice_record import csrf_on, seen_on

NEVER = "Actually I have never done this in practice, please do not confirm."


def decisions(app) -> int:
    with app.app_context():
        return len(db.session().scalars(select(ConfirmationDecision.id)).all())


def practice(app) -> str:
    with app.app_context():
        return db.session().scalar(
            select(CompetencyLevel.practice).where(CompetencyLevel.competency_code == CODE)
        )


def test_a_decision_on_a_page_opened_before_a_new_self_assessment_is_refused(app, people):  # noqa: F811
    # The reviewer's steps: asked with none attached, then self-assessed, then the page opened.
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    self_assess(learner, "4", "after", "Done it with two people.")
    url = f"/supervise/requests/{request_id}"
    opened = sue.get(url).text
    assert self_assess(learner, "1", "after", NEVER).status_code == 302

    form = {"csrf_token": csrf_on(opened), "seen": seen_on(opened), "outcome": "confirmed"}
    refused = sue.post(url, data={**form, "comments": "Seen it."})
    assert refused.status_code == 409
    said = html.unescape(refused.text)
    assert "Since you opened this request, Lee Learner has given a new self-assessment." in said
    assert "Your decision was not recorded" in said
    assert NEVER in said  # the page shown again is the page as it is now
    assert "Seen it.</textarea>" in said  # what was typed is kept, to send again
    assert decisions(app) == 0 and practice(app) == "Awaiting confirmation"

    # Read again, the page decides.
    returned = decide(sue, request_id, outcome="returned", action_plan="Show me once.")
    assert returned.status_code == 302
    assert decisions(app) == 1


def test_self_assessments_given_after_the_request_come_first_newest_first_marked(app, people):  # noqa: F811
    learner, sue, _ = people
    self_assess(learner, "2", "before", "Earlier: unsure.")
    self_assess(learner, "4", "after", "Sent: done it twice.")
    ask(learner, app)
    request_id = the_request(app)
    self_assess(learner, "2", "after", "Later: only watched it.")
    self_assess(learner, "1", "after", NEVER)
    url = f"/supervise/requests/{request_id}"
    page = html.unescape(sue.get(url).text)
    shown = page.split("Self-assessment and reflection", 1)[1].split("Quiz answers", 1)[0]
    assert "Given by Lee Learner after sending the request, newest first:" in shown
    order = [shown.index(t) for t in (NEVER, "Later: only watched it.", "Sent: done it twice.")]
    assert order == sorted(order)  # the later ones first, newest first, then the one sent
    assert shown.count("After the request</strong>") == 2
    assert "<strong>1 of 5, not confident</strong> (after the module)" in shown
    assert "Sent with the request: <strong>4 of 5, confident</strong>" in shown
    # The earlier table holds only the one before the request: none is shown twice.
    table = shown.split("Earlier self-assessments, oldest first", 1)[1]
    assert "Earlier: unsure." in table and "Sent: done it twice." not in table
    assert all(shown.count(t) == 1 for t in (NEVER, "Sent: done it twice.", "Earlier: unsure."))

    # Once decided, the page shows what the decision was made on: one given since is not.
    returned = decide(sue, request_id, outcome="returned", action_plan="Practise it.")
    assert returned.status_code == 302
    self_assess(learner, "5", "after", "Given after the decision.")
    decided = html.unescape(sue.get(url).text)
    assert "Given after the decision." not in decided
    assert NEVER in decided and decided.count("After the request</strong>") == 2
    assert "Self-assessments given since this was decided are not part of the decision." in decided
    assert "Given by Lee Learner after sending the request, before it was decided, newest" in (
        decided
    )


def test_a_single_later_self_assessment_is_shown_when_none_was_sent(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    self_assess(learner, "1", "after", NEVER)
    page = html.unescape(sue.get(f"/supervise/requests/{request_id}").text)
    assert "Given by Lee Learner after sending the request:</p>" in page
    assert page.index(NEVER) < page.index("No self-assessment was sent with this request.")
    assert "Earlier self-assessments" not in page


def test_a_decision_on_a_page_opened_before_the_learners_profession_changed_is_refused(
    app,
    people,  # noqa: F811
):
    learner, sue, _ = people
    ask(learner, app)
    url = f"/supervise/requests/{the_request(app)}"
    opened = sue.get(url).text
    # A profession of the same framework: the request stays open, the page has changed.
    # (One whose framework does not hold the competency closes it:
    # test_profession_closes_requests.py.)
    with app.app_context():
        db.session().execute(
            update(User)
            .where(User.email == "learner@example.org")
            .values(profession="care-coordinator")
        )
        db.session().commit()
    form = {"csrf_token": csrf_on(opened), "seen": seen_on(opened), "outcome": "confirmed"}
    refused = sue.post(url, data=form)
    assert refused.status_code == 409
    assert "Since you opened this request, Lee Learner's profession has changed." in (
        html.unescape(refused.text)
    )
    assert decisions(app) == 0


def test_a_form_with_no_page_summary_is_refused_as_changed(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    url = f"/supervise/requests/{the_request(app)}"
    opened = sue.get(url).text
    old_style = "0" * 32  # a page drawn before the summary named its parts
    for seen in ("", old_style):
        form = {"csrf_token": csrf_on(opened), "seen": seen, "outcome": "confirmed"}
        refused = sue.post(url, data=form)
        assert refused.status_code == 409
        # Which part changed cannot be told: said as that, not as every change there could be.
        assert "Since you opened this request, the page has changed. Your decision" in (
            refused.text
        )
    assert decisions(app) == 0


def test_what_changed_names_each_change_in_one_sentence():
    assert what_changed("Lee", ("assessments",)).startswith(
        "Since you opened this request, Lee has given a new self-assessment. "
    )
    everything = what_changed("Lee", SEEN_PARTS)
    assert everything.startswith(
        "Since you opened this request, Lee has new quiz answers, Lee has given a new "
        "self-assessment, the knowledge rating has changed, Lee's profession has changed, "
        "the competency's wording has changed and how long a confirmation counts has changed. "
    )
