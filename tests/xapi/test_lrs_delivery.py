"""Statements reach a real LRS (Ralph) exactly once: through a journey, twice, and an outage."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import UTC, timedelta

from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain import xapi as statements
from app.domain.quizzes import parse_quiz
from app.models import User, utcnow
from app.models_practice import ConfirmationRequest
from app.models_statements import StatementOutbox
from app.services import learning, statement_sender
from tests.conftest import confirm_professional, post_form, sign_in
from tests.service.proxy import Proxy
from tests.web.quiz_helpers import answer_fields, attempt_form
from tests.web.test_practice import decide

MODULE = "how-the-system-works"


def walk_module(app, client, *, passing: bool = True) -> None:
    """Work through every screen (answering its knowledge check) and the quiz, via the site."""
    module = catalogue_of(app).module(MODULE)
    for screen in module.screens:
        url = f"/modules/{module.slug}/{screen.slug}/"
        if screen.knowledge_check:
            question = screen.knowledge_check.questions[0]
            post_form(client, url + "check", answer_fields(question, right=True), page=url)
        response = post_form(client, url, {})
        assert response.status_code == 302, (screen.slug, response.status_code)
    started = post_form(
        client, f"/modules/{module.slug}/quiz/", {}, page=f"/modules/{module.slug}/quiz/"
    )
    attempt_url = started.location
    with app.app_context():
        from app.models import Attempt

        attempt = db.session().get(Attempt, int(attempt_url.rstrip("/").rsplit("/", 1)[1]))
        form = attempt_form(module.assessment, attempt.selection, right=passing)
    post_form(client, attempt_url, {**form, "action": "submit"})


def aware(moment):
    """Return a stored time as UTC: SQLite hands times back without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def catalogue_of(app):
    with app.app_context():
        return catalogue()


def outbox(app) -> list[StatementOutbox]:
    with app.app_context():
        return list(db.session().scalars(select(StatementOutbox).order_by(StatementOutbox.id)))


def send(app, **options) -> statement_sender.SendReport:
    with app.app_context():
        return statement_sender.send_due(**options)


def learner_client(app, make_user_for):
    client = app.test_client()
    confirm_professional(client)
    sign_in(client, make_user_for(app))
    return client


def test_a_learners_journey_reaches_the_lrs_once_per_event(lrs_app, lrs, make_user_for):
    client = learner_client(lrs_app, make_user_for)
    walk_module(lrs_app, client)
    rows = outbox(lrs_app)
    verbs = Counter(row.statement["verb"]["id"].rsplit("/", 1)[1] for row in rows)
    module = catalogue_of(lrs_app).module(MODULE)
    checks = sum(1 for s in module.screens if s.knowledge_check)
    # Each screen once, each check's answer, the attempt, its pass and the certificate.
    assert verbs == {
        "completed": len(module.screens) + 1,
        "answered": checks,
        "attempted": 1,
        "passed": 1,
    }
    before = {s["id"] for s in lrs.stored()}
    report = send(lrs_app)
    assert (report.sent, report.waiting, report.rejected, report.problem) == (len(rows), 0, 0, None)
    stored = [s for s in lrs.stored() if s["id"] not in before]
    assert sorted(s["id"] for s in stored) == sorted(row.statement_id for row in rows)
    assert not [i for i, n in Counter(s["id"] for s in lrs.stored()).items() if n > 1]
    graded = next(s for s in stored if s["verb"]["id"].endswith("/passed"))
    assert graded["result"]["success"] is True and graded["result"]["score"]["scaled"] >= 0.8
    assert graded["actor"]["account"]["homePage"] == "https://linkwise.test/"
    assert "mbox" not in graded["actor"] and "name" not in graded["actor"]
    # A second run finds nothing to send.
    assert send(lrs_app).sent == 0
    duplicates = sum(n - 1 for n in Counter(s["id"] for s in lrs.stored()).values())
    print(f"xAPI journey: sent {report.sent}, stored {len(stored)}, duplicates {duplicates}")


def test_an_lrs_outage_delays_statements_and_none_is_lost_or_doubled(lrs_app, lrs, make_user_for):
    before = Counter(s["id"] for s in lrs.stored())
    lrs.stop()
    try:
        walk_module(lrs_app, learner_client(lrs_app, make_user_for), passing=False)
        rows = outbox(lrs_app)
        down = send(lrs_app, batch_size=5)
        assert (
            down.sent == 0 and down.waiting == len(rows) and "cannot reach the LRS" in down.problem
        )
        # The first batch waits out its delay; sending stopped at the outage.
        postponed = [row for row in outbox(lrs_app) if row.attempts]
        assert len(postponed) == 5 and all(
            aware(row.next_attempt_at) > utcnow() for row in postponed
        )
        assert send(lrs_app, batch_size=5).sent == 0  # still down
    finally:
        lrs.start()
    later = utcnow() + timedelta(hours=2)
    report = send(lrs_app, batch_size=5, now=later)
    assert (report.sent, report.waiting, report.rejected, report.problem) == (len(rows), 0, 0, None)
    after = Counter(s["id"] for s in lrs.stored())
    new = after - before
    assert sorted(new) == sorted(row.statement_id for row in rows)
    assert max(after.values()) == 1
    assert any(s["verb"]["id"].endswith("/failed") for s in lrs.stored() if s["id"] in new)
    print(
        f"xAPI outage: {len(rows)} recorded while the LRS was down, sent {report.sent} after, "
        f"stored {sum(new.values())}, duplicates {sum(n - 1 for n in after.values())}"
    )


def test_a_batch_sent_again_after_a_lost_answer_is_stored_once(lrs_app, lrs, make_user_for):
    walk_module(lrs_app, learner_client(lrs_app, make_user_for))
    assert send(lrs_app).problem is None
    with lrs_app.app_context():
        # As if the LRS stored the batch but its answer never came back.
        for row in db.session().scalars(select(StatementOutbox)):
            row.sent_at = None
        db.session().commit()
    again = send(lrs_app)
    assert again.sent == len(outbox(lrs_app)) and again.problem is None
    assert max(Counter(s["id"] for s in lrs.stored()).values()) == 1
    print(f"xAPI resend: {again.sent} sent a second time, duplicates stored 0")


def test_a_supervisors_confirmation_reaches_the_lrs_once_as_practice_confirmed_not_mastery(
    lrs_app, lrs
):
    from app.services import account_admin, supervisors

    code, password = "SPLW-1.4", "correct horse battery staple 42"
    with lrs_app.app_context():
        account_admin.create_organisation("Riverside PCN")
        for email, name, profession in (
            ("lee@example.org", "Lee Learner", "link-worker"),
            ("sue@example.org", "Sue Supervisor", "practice-nurse"),
        ):
            account_admin.create_user(email=email, full_name=name, password=password,
                                 profession=profession, role="learner",
                                 organisation_name="Riverside PCN")  # fmt: skip
        ids = dict(db.session().execute(select(User.email, User.id)).all())
        supervisors.set_supervisor(None, ids["sue@example.org"], True, via="cli")
    learner, sue = lrs_app.test_client(), lrs_app.test_client()
    for client, email in ((learner, "lee@example.org"), (sue, "sue@example.org")):
        confirm_professional(client)
        sign_in(client, email)
    page = f"/my/competencies/{code}"

    def ask_and_decide(**decision) -> None:
        asked = post_form(
            learner, f"{page}/request", {"supervisor": str(ids["sue@example.org"])}, page=page
        )
        assert asked.status_code == 302
        with lrs_app.app_context():
            request_id = db.session().scalar(select(func.max(ConfirmationRequest.id)))
        assert decide(sue, request_id, **decision).status_code == 302

    verb = "https://linkwise.test/xapi/verbs/practice-confirmed"  # on the site's own address

    def confirmed() -> list[StatementOutbox]:
        return [r for r in outbox(lrs_app) if r.statement["verb"]["id"] == verb]

    ask_and_decide(outcome="returned", comments="Nearly.", action_plan="Shadow a first visit.")
    assert confirmed() == []  # a returned request confirms nothing
    ask_and_decide(outcome="confirmed", comments="Seen in clinic.")
    [row] = confirmed()
    statement = row.statement
    # A confirmation of practice, not mastery: being met asks for secure knowledge too.
    assert not any("mastered" in r.statement["verb"]["id"] for r in outbox(lrs_app))
    assert statement["verb"]["display"] == {"en-GB": "had practice confirmed in"}
    assert "result" not in statement
    assert statement["actor"]["account"]["name"] == str(ids["lee@example.org"])
    assert statement["context"]["instructor"]["account"]["name"] == str(ids["sue@example.org"])
    assert statement["object"]["id"].endswith(f"#{code}")
    before = {s["id"] for s in lrs.stored()}
    assert send(lrs_app).problem is None
    stored = [s for s in lrs.stored() if s["id"] not in before]
    assert [s["id"] for s in stored if s["verb"]["id"] == verb] == [row.statement_id]
    assert max(Counter(s["id"] for s in lrs.stored()).values()) == 1


def test_the_same_event_twice_is_one_statement_and_a_rolled_back_event_none(lrs_app, make_user_for):
    email = make_user_for(lrs_app)
    module = catalogue_of(lrs_app).module(MODULE)
    with lrs_app.app_context():
        user_id = db.session().scalar(select(User.id).where(User.email == email))
        first = module.screens[0].key
        learning.record(user_id, MODULE, first)
        learning.record(user_id, MODULE, first)
        db.session().commit()
        learning.record(user_id, MODULE, module.screens[1].key)
        db.session().rollback()  # the request failed: its completion and statement both go
        count = db.session().scalar(select(func.count()).select_from(StatementOutbox))
    assert count == 1


def test_statement_ids_name_the_site_learner_event_and_time():
    site = statements.Site("https://linkwise.test")
    ref = statements.ModuleRef(MODULE, "How the system works")
    at = utcnow()
    one = statements.screen_completed(site, 7, ref, "training", "Training", at)
    same = statements.screen_completed(site, 7, ref, "training", "Training", at)
    other = statements.screen_completed(site, 8, ref, "training", "Training", at)
    later = statements.screen_completed(site, 7, ref, "training", "Training", at + timedelta(1))
    assert one == same
    assert len({one["id"], other["id"], later["id"]}) == 3
    assert uuid.UUID(one["id"]).version == 5
    elsewhere = statements.Site("https://other.test")
    assert statements.screen_completed(elsewhere, 7, ref, "training", "T", at)["id"] != one["id"]


CHECK_WITH_MARKDOWN = """---
id: how-the-system-works-check-9
module: how-the-system-works
title: A check written in Markdown
kind: knowledge-check
pass_mark: 0
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-each-submission
---
ID: hsw-md-1
1.  Which is **not** a *community* asset? See [the NHS page](https://www.nhs.uk/).
a)  A walking group for ages 2\\*3\\*4 &amp; up
*b) A course of `antibiotics`
"""


def test_a_knowledge_check_reaches_the_lrs_as_the_words_its_page_shows_not_markdown():
    """A learning record store shows a statement's texts as they are: Markdown is noise."""
    path = "how-the-system-works-check-9.md"
    quiz = parse_quiz(CHECK_WITH_MARKDOWN, path, competencies_required=False).quiz
    question = quiz.questions[0]
    ref = statements.ModuleRef(MODULE, "How the system works")
    item = statements.Interaction.of(question, ref, (question.choices[1].id,), 1.0)
    site = statements.Site("https://linkwise.test")
    sent = statements.check_answered(site, 7, ref, quiz.id, 1, item, utcnow())
    definition = sent["object"]["definition"]
    assert definition["name"] == {"en-GB": "Knowledge check: How the system works"}
    assert definition["description"] == {
        "en-GB": "Which is not a community asset? See the NHS page."
    }
    assert [c["description"]["en-GB"] for c in definition["choices"]] == [
        "A walking group for ages 2*3*4 & up",
        "A course of antibiotics",
    ]


def test_send_statements_command_reports_counts_and_is_safe_to_repeat(lrs_app, make_user_for):
    walk_module(lrs_app, learner_client(lrs_app, make_user_for))
    waiting = len(outbox(lrs_app))
    runner = lrs_app.test_cli_runner()
    first = runner.invoke(args=["send-statements", "--batch-size", "4"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == f"sent {waiting} statements; 0 waiting"
    again = runner.invoke(args=["send-statements"])
    assert (again.exit_code, again.output.strip()) == (0, "sent 0 statements; 0 waiting")


def test_send_statements_when_the_lrs_is_down_exits_1_saying_so(lrs_app, lrs, make_user_for):
    walk_module(lrs_app, learner_client(lrs_app, make_user_for))
    lrs.stop()
    try:
        result = lrs_app.test_cli_runner().invoke(args=["send-statements"])
    finally:
        lrs.start()
    assert result.exit_code == 1
    assert "sent 0 statements" in result.output and "cannot reach the LRS" in result.output
    retried = lrs_app.test_cli_runner().invoke(args=["send-statements", "--all"])
    assert retried.exit_code == 0 and "0 waiting" in retried.output


def test_send_statements_waiting_out_a_delay_exits_1_saying_when_it_tries_again(
    lrs_app, lrs, make_user_for
):
    from app import create_app

    proxy = Proxy("127.0.0.1", lrs.port)  # the LRS as the app reaches it, cut by the test
    app = create_app({**lrs_app.config, "LRS_URL": f"http://127.0.0.1:{proxy.port}/xAPI/"})
    try:
        walk_module(app, learner_client(app, make_user_for))
        proxy.cut()
        runner = app.test_cli_runner()
        failed = runner.invoke(args=["send-statements"])
        assert failed.exit_code == 1 and "cannot reach the LRS" in failed.output
        waiting = runner.invoke(args=["send-statements"])  # within the delay: nothing tried
        assert waiting.exit_code == 1, waiting.output
        assert "sent 0 statements" in waiting.output
        assert "the LRS could not be reached at " in waiting.output
        assert "the next try is at " in waiting.output
        proxy.restore()
        assert runner.invoke(args=["send-statements", "--all"]).exit_code == 0
    finally:
        proxy.stop()
        app.extensions["linkwise.engine"].dispose()


def test_the_development_server_sends_statements_in_the_background(
    lrs_app, lrs, make_user_for, monkeypatch
):
    from app import create_app, statement_thread

    monkeypatch.setattr(statement_thread, "INTERVAL_SECONDS", 0.2)
    dev = create_app({**lrs_app.config, "LINKWISE_ENV": "development", "WATCH_CONTENT": True})
    client = learner_client(dev, make_user_for)
    walk_module(dev, client)
    ids = {row.statement_id for row in outbox(dev)}
    deadline = time.monotonic() + 20

    def delivered() -> bool:
        # The LRS stores a batch a moment before the thread records it as sent.
        return ids <= {s["id"] for s in lrs.stored()} and all(r.sent_at for r in outbox(dev))

    while time.monotonic() < deadline and not delivered():
        time.sleep(0.2)
    dev.extensions["linkwise.statement_thread"].set()
    assert ids <= {s["id"] for s in lrs.stored()}
    assert all(row.sent_at for row in outbox(dev))
    dev.extensions["linkwise.engine"].dispose()


def test_without_an_lrs_nothing_is_recorded(app, make_user_for):
    walk_module(app, learner_client(app, make_user_for))
    assert outbox(app) == []
    result = app.test_cli_runner().invoke(args=["send-statements"])
    assert result.exit_code == 1
    assert "LINKWISE_LRS_URL is not set, so nothing is sent" in result.output


def test_retry_delays_double_from_30_seconds_to_at_most_an_hour():
    delays = [statement_sender.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)]
    assert delays == [30, 60, 120, 3600, 3600]


REORDERED = """---
id: how-the-system-works-check-8
module: how-the-system-works
title: A check whose choices are reordered
kind: knowledge-check
pass_mark: 0
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-each-submission
---
ID: hsw-order-1
1.  Which is a community asset?
*a) A walking group
b)  A course of antibiotics
c)  A hospital bed
"""


def test_a_choice_keeps_its_id_in_statements_when_the_choices_are_reordered():
    """Authors reorder choices; a response already in the LRS must keep its meaning."""
    ref = statements.ModuleRef(MODULE, "How the system works")
    site = statements.Site("https://linkwise.test")
    moved = REORDERED.replace(
        "*a) A walking group\nb)  A course of antibiotics\nc)  A hospital bed",
        "a)  A hospital bed\nb)  A course of antibiotics\n*c) A walking group",
    )
    sent = []
    for text in (REORDERED, moved):
        quiz = parse_quiz(text, "how-the-system-works-check-8.md", competencies_required=False)
        question = quiz.quiz.questions[0]
        walking = next(c for c in question.choices if c.text == "A walking group")
        item = statements.Interaction.of(question, ref, (walking.id,), 1.0)
        sent.append(statements.check_answered(site, 7, ref, quiz.quiz.id, 1, item, utcnow()))
    ids = [
        {c["description"]["en-GB"]: c["id"] for c in s["object"]["definition"]["choices"]}
        for s in sent
    ]
    assert ids[0] == ids[1]
    walking_id = ids[0]["A walking group"]
    for statement in sent:
        assert statement["result"]["response"] == walking_id
        assert statement["object"]["definition"]["correctResponsesPattern"] == [walking_id]


def test_a_quiz_scores_scaled_is_raw_over_max_not_the_floored_percent():
    ref = statements.ModuleRef(MODULE, "How the system works")
    site = statements.Site("https://linkwise.test")
    result = statements.QuizResult("q", "Quiz", 1, 2, 3, 66, False, 80)
    score = statements.quiz_graded(site, 7, ref, result, utcnow())["result"]["score"]
    assert score == {"raw": 2, "min": 0, "max": 3, "scaled": 0.6667}
