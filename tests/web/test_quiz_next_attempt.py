"""An incomplete submit asks first; after the last attempt there is always a way on."""

import html
from datetime import timedelta

from markupsafe import escape
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain import dates
from app.models import Attempt, AttemptGrant, AuditEvent, Completion, Evidence, User
from tests.conftest import csrf_token, post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.error_summary import summary_of
from tests.web.quiz_helpers import answer_fields, attempt_questions
from tests.web.test_quiz import attempt_row, finish_screens, quiz_url, start, submit


def count(app, model, *where):
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where))


def test_an_incomplete_submit_asks_first_and_lists_what_is_unanswered(app, learner, module):
    url = start(learner, module)
    first = attempt_questions(module.assessment, attempt_row(app, url).selection)[0]
    response = submit(learner, url, answer_fields(first, right=True))
    assert response.location == url + "submit"
    assert attempt_row(app, url).status == "in-progress" and count(app, Evidence) == 0
    page = learner.get(response.location).text
    assert "You have not answered 4 of 5 questions" in page
    for number, qid in enumerate(["t-multiple", "t-ordering", "t-matching", "t-number"], 2):
        assert f'<a href="{url}#question-{qid}">Question {number}</a>' in page
    assert "Submit anyway" in page and f'href="{url}">Go back to my answers</a>' in page
    confirmed = post_form(
        learner, url, {"action": "submit", "confirmed": "yes", "revision": "1"}, page=url + "submit"
    )
    assert confirmed.location == url
    graded = attempt_row(app, url)
    assert graded.status == "graded" and graded.percent == 20
    assert learner.get(url + "submit").status_code == 302  # graded: the result instead


def test_a_complete_submit_is_graded_at_once(app, learner, module):
    url = start(learner, module)
    data = {}
    for question in attempt_questions(module.assessment, attempt_row(app, url).selection):
        data.update(answer_fields(question, right=True))
    assert submit(learner, url, data).location == url
    assert attempt_row(app, url).percent == 100


def test_someone_elses_confirmation_page_is_not_found(app, learner, module, make_user):
    url = start(learner, module)
    other = app.test_client()
    sign_in(other, make_user(email="other@example.org"))
    assert other.get(url + "submit").status_code == 404


def use_every_attempt(app, client, module):
    """Fail the quiz until no attempt is left; return the last attempt's URL."""
    url = None
    for _ in range(module.assessment.max_attempts):
        url = start(client, module)
        submit(client, url, {"confirmed": "yes"})
    return url


def with_quiz(app, course, module, **settings):
    course_files.write_quiz(course, module, **settings)
    course_files.reload(app)
    with app.app_context():
        return catalogue().module(module.slug)


def test_the_retake_rule_reopens_the_quiz_after_the_wait_and_the_revisit(
    app, learner, module, course
):
    module = with_quiz(
        app, course, module, attempts=1, extra="retake:\n  wait_days: 7\n  revisit_screens: true\n"
    )
    last = use_every_attempt(app, learner, module)
    overview = learner.get(quiz_url(module)).text
    assert "A new set of attempts opens <strong>at" in overview
    assert "once you have gone back over the module's screens" in overview
    for screen in module.screens:
        assert (
            f'href="/modules/{module.slug}/{screen.slug}/">{escape(screen.title)}</a>' in overview
        )
    assert "Talk to your trainer or manager" not in overview
    assert post_form(learner, quiz_url(module), {}).location == quiz_url(module)
    with app.app_context():  # a week goes by
        for attempt in db.session().scalars(select(Attempt)):
            attempt.submitted_at -= timedelta(days=8)
        for done in db.session().scalars(select(Completion)):
            done.completed_at -= timedelta(days=9)
        db.session().commit()
    waited = learner.get(quiz_url(module)).text
    # The wait is over, so no date (it would be in the past): only the revisit is left.
    assert "A new set of attempts opens once you have gone back over the module's screens." in (
        waited
    )
    assert post_form(learner, quiz_url(module), {}).location == quiz_url(module)  # no revisit
    for screen in module.screens:
        post_form(learner, f"/modules/{module.slug}/{screen.slug}/", {})
    # The new set is ready: the summary counts it, as the text below it does.
    ready = learner.get(quiz_url(module)).text
    assert "1 used, 1 left" in ready and "0 left" not in ready
    again = start(learner, module)
    assert again != last and attempt_row(app, again).number == 2
    with app.app_context():
        grant = db.session().scalars(select(AttemptGrant)).one()
    assert (grant.kind, grant.extra, grant.granted_by) == ("retake-rule", 1, None)


def _move_attempts_back(app, by: timedelta):
    with app.app_context():
        for attempt in db.session().scalars(select(Attempt)):
            attempt.submitted_at -= by
        db.session().commit()


def test_the_wait_names_the_time_it_ends_and_try_again_shows_from_then(
    app, learner, module, course
):
    module = with_quiz(
        app, course, module, attempts=1, extra="retake:\n  wait_days: 7\n  revisit_screens: false\n"
    )
    last = use_every_attempt(app, learner, module)
    submitted = attempt_row(app, last).submitted_at
    opens = submitted + timedelta(days=7)
    page = html.unescape(learner.get(quiz_url(module)).text)
    # The wait ends at the attempt's time a week on, not at the start of that day; said as
    # the next whole minute, never a time before it opens.
    shown = whole_minute_on(opens)
    said = f"at {dates.time_of_day(shown)} on {dates.day(shown)}"
    assert f"A new set of attempts opens <strong>{said}</strong>." in page
    assert ">Try again</button>" not in page
    _move_attempts_back(app, timedelta(days=7) - timedelta(minutes=1))  # a minute before
    page = learner.get(quiz_url(module)).text
    assert "How to try again" in page and ">Try again</button>" not in page
    _move_attempts_back(app, timedelta(minutes=1))  # the time it said
    page = learner.get(quiz_url(module)).text
    assert "How to try again" not in page and ">Try again</button>" in page


def test_a_learner_with_no_organisation_is_not_sent_to_a_person_who_does_not_exist(
    app, learner, module, course, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    last = use_every_attempt(app, learner, module)
    nobody = learner.get(last).text
    assert "No one can give you another attempt at the moment." in nobody
    assert "manager" not in nobody.split("Question by question")[0]
    make_user(email="trainer@example.org", role="trainer", full_name="Tess Trainer")
    assert "A Linkwise trainer can give you another attempt" in learner.get(last).text


def test_a_learner_is_told_which_manager_can_give_another_attempt(
    app, client, module, course, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    email = make_user(org="Riverside PCN")
    make_user(email="m@example.org", role="manager", org="Riverside PCN", full_name="Mo Manager")
    finish_screens(app, email, module)
    sign_in(client, email)
    last = use_every_attempt(app, client, module)
    assert "Mo Manager, a manager of Riverside PCN on Linkwise" in client.get(last).text


def learner_id(app, email="learner@example.org"):
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.email == email))


def test_a_manager_gives_one_more_attempt_with_a_reason_audit_logged(
    app, client, module, course, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    email = make_user(org="Riverside PCN")
    make_user(email="m@example.org", role="manager", org="Riverside PCN", full_name="Mo Manager")
    finish_screens(app, email, module)
    sign_in(client, email)
    use_every_attempt(app, client, module)
    manager = app.test_client()
    sign_in(manager, "m@example.org")
    page_url = f"/manage/learners/{learner_id(app)}"
    page = manager.get(page_url).text
    assert "No attempts left (1 used)" in page and "Give one more attempt" in page
    grant_url = page_url + "/extra-attempt"
    quiz_id = module.assessment.id
    empty = post_form(manager, grant_url, {"quiz_id": quiz_id, "reason": "  "}, page=page_url)
    assert empty.status_code == 400
    assert "Enter the reason for the extra attempt" in empty.text
    assert f'href="#reason-{quiz_id}"' in empty.text
    summary_of(empty)  # the link reaches the box, and the title starts "Error: "
    assert "Up to 500 characters." in page and 'maxlength="500"' in page
    reason = "Was unwell on the day of the quiz"
    given = post_form(manager, grant_url, {"quiz_id": quiz_id, "reason": reason}, page=page_url)
    assert given.status_code == 302
    # The same form again (a second tab, Back): a notice that nothing changed, not an error
    # whose link leads to a box the page no longer has.
    twice = post_form(manager, grant_url, {"quiz_id": quiz_id, "reason": reason}, page=page_url)
    assert twice.status_code == 302 and twice.location.endswith(page_url + "#quiz-attempts")
    told = html.unescape(manager.get(page_url).text)
    assert (
        "Nothing was changed: Sam Learner still has an attempt to use at this quiz, "
        "the extra attempt given on "
    ) in told
    assert "There is a problem" not in told and f"#reason-{quiz_id}" not in told
    assert count(app, AttemptGrant) == 1
    with app.app_context():
        event = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.kind == "quiz.extra-attempt"))
            .one()
        )
    assert event.detail == {"learner_id": learner_id(app), "quiz_id": quiz_id, "reason": reason}
    assert "Mo Manager" in manager.get(page_url).text  # the grant's history names who gave it
    assert attempt_row(app, start(client, module)).number == 2


def test_the_manager_is_told_when_the_retake_rule_opens_a_new_set(
    app, client, module, course, make_user
):
    module = with_quiz(
        app, course, module, attempts=1, extra="retake:\n  wait_days: 7\n  revisit_screens: true\n"
    )
    email = make_user(org="Riverside PCN")
    make_user(email="m@example.org", role="manager", org="Riverside PCN")
    finish_screens(app, email, module)
    sign_in(client, email)
    use_every_attempt(app, client, module)
    with app.app_context():
        failed = db.session().scalars(select(Attempt.submitted_at)).one()
    manager = app.test_client()
    sign_in(manager, "m@example.org")
    page = html.unescape(manager.get(f"/manage/learners/{learner_id(app)}").text)
    opens = dates.opens(failed + timedelta(days=7))
    screens = len(module.screens)
    assert (
        f"No attempts left (1 used): the quiz's retake rule opens a new set {opens}, once they "
        f"have gone back over {screens} of the module's screens."
    ) in " ".join(page.split())


def test_a_manager_cannot_reach_a_learner_outside_their_organisation(
    app, client, module, course, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    email = make_user(org="Riverside PCN")
    make_user(email="m@example.org", role="manager", org="Hillside PCN")
    finish_screens(app, email, module)
    sign_in(client, email)
    use_every_attempt(app, client, module)
    manager = app.test_client()
    sign_in(manager, "m@example.org")
    url = f"/manage/learners/{learner_id(app)}"
    assert manager.get(url).status_code == 404
    token = csrf_token(manager, "/account/")
    data = {"csrf_token": token, "quiz_id": module.assessment.id, "reason": "Please"}
    assert manager.post(url + "/extra-attempt", data=data).status_code == 404
    no_token = {"quiz_id": module.assessment.id, "reason": "Please"}
    assert manager.post(url + "/extra-attempt", data=no_token).status_code == 400
    assert count(app, AttemptGrant) == 0


def test_a_trainer_finds_a_learner_and_gives_one_more_attempt(
    app, learner, module, course, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    use_every_attempt(app, learner, module)
    trainer = app.test_client()
    sign_in(trainer, make_user(email="t@example.org", role="trainer", full_name="Tess Trainer"))
    assert trainer.get("/author/learners?email=nobody@example.org").status_code == 404
    found = trainer.get("/author/learners?email=Learner@Example.org")
    page_url = f"/author/learners/{learner_id(app)}"
    assert found.location == page_url
    data = {"quiz_id": module.assessment.id, "reason": "Agreed at supervision"}
    assert post_form(trainer, page_url + "/extra-attempt", data, page=page_url).status_code == 302
    assert (
        "1 more attempt, given by Tess Trainer. Agreed at supervision" in trainer.get(page_url).text
    )
    again = post_form(trainer, page_url + "/extra-attempt", data, page=page_url)
    assert again.status_code == 302
    told = html.unescape(trainer.get(page_url).text)
    assert "Nothing was changed: Sam Learner still has an attempt to use at this quiz" in told
    assert count(app, AttemptGrant, AttemptGrant.kind == "person") == 1
    with app.app_context():
        trainer_id = db.session().scalar(select(User.id).where(User.email == "t@example.org"))
        event = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.kind == "quiz.extra-attempt"))
            .one()
        )
    assert event.actor_id == trainer_id
    assert event.detail == {
        "learner_id": learner_id(app),
        "quiz_id": module.assessment.id,
        "reason": "Agreed at supervision",
    }
    assert attempt_row(app, start(learner, module)).number == 2
    assert learner.get("/author/learners").status_code == 404


def test_an_administrator_gives_one_more_attempt_from_the_command_line(
    app, learner, module, course, runner, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    email, reason = "learner@example.org", "Agreed with the PCN lead"

    def grant(*args):
        return runner.invoke(args=["grant-attempt", *args])

    early = grant(email, module.slug, "--reason", reason)
    assert early.exit_code == 1 and "still has an attempt to use at this quiz" in early.output
    use_every_attempt(app, learner, module)
    nobody = grant("nobody@example.org", module.slug, "--reason", reason)
    assert nobody.exit_code == 1 and "no account for nobody@example.org" in nobody.output
    unknown = grant(email, "no-such-module", "--reason", reason)
    assert unknown.exit_code == 1
    assert f"no module no-such-module with a quiz (those with one: {module.slug}" in unknown.output
    blank = grant(email, module.slug, "--reason", "  ")
    # An empty reason is a usage error, as for revoke-credential: exit 2.
    assert blank.exit_code == 2 and "Enter the reason for the extra attempt" in blank.output
    assert count(app, AttemptGrant) == 0

    given = grant(email, module.slug, "--reason", reason)
    assert given.exit_code == 0, given.output
    assert f"gave {email} one more attempt at the quiz of {module.title}" in given.output
    again = grant(email, module.slug, "--reason", reason)  # run twice: one attempt, not two
    assert again.exit_code == 1 and "still has an attempt to use" in again.output
    with app.app_context():
        grant_row = db.session().scalars(select(AttemptGrant)).one()
        event = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.kind == "quiz.extra-attempt"))
            .one()
        )
    assert (grant_row.kind, grant_row.extra, grant_row.granted_by) == ("person", 1, None)
    assert grant_row.reason == reason
    assert (event.via, event.actor_id) == ("cli", None)
    assert event.detail["reason"] == reason and event.detail["os_user"]
    # The grant's history says where it came from, as it names a trainer or manager.
    trainer = app.test_client()
    sign_in(trainer, make_user(email="t@example.org", role="trainer"))
    page = trainer.get(f"/author/learners/{learner_id(app)}").text
    assert f"1 more attempt, given from the command line. {reason}" in page
    assert attempt_row(app, start(learner, module)).number == 2


def whole_minute_on(moment):
    """Return the first whole minute at or after `moment`: the time `opens` says."""
    minute = moment.replace(second=0, microsecond=0)
    return minute if minute == moment else minute + timedelta(minutes=1)
