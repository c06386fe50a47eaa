"""An erased learner's requests leave their supervisor's queue; the decisions made stand.

Erasure closes the requests the learner had sent and no one had decided (audited), in its
own transaction: the supervisor's queue and count drop them, a decision sent from a page
opened before is refused with a plain message, and decisions already made stay on the
record with the learner shown as erased.
"""

import re
import threading
import time

import pytest
from sqlalchemy import func, select, text

from app import db
from app.models import AuditEvent
from app.models_practice import ConfirmationClosure, ConfirmationDecision
from tests.conftest import DEMO_PASSWORD, post_form
from tests.web.test_html_valid import nu_errors
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    decide,
    people,
    renewal_due,
    self_assess,
    the_request,
    user_id,
)
from tests.web.test_practice_record import csrf_on, pdf_text, seen_on

OTHER = "SPLW-1.5"  # a second competency, asked of the same supervisor


def ask_for(client, app, code, supervisor="sue@example.org"):
    url = f"/my/competencies/{code}"
    response = post_form(
        client, f"{url}/request", {"supervisor": str(user_id(app, supervisor))}, page=url
    )
    assert response.status_code == 302
    return the_request(app)


def erase_learner(app, runner, learner, how: str) -> None:
    if how == "cli":
        result = runner.invoke(args=["erase-user", "learner@example.org", "--yes"])
        assert result.exit_code == 0, result.output
    else:
        page = "/account/delete"
        deleted = post_form(learner, page, {"current_password": DEMO_PASSWORD}, page=page)
        assert deleted.status_code == 302


def waiting_count(page: str) -> str:
    return re.search(r"Requests to confirm practice</a>: (\d+|none) waiting", page).group(1)


@pytest.mark.parametrize("how", ["cli", "web"])
def test_an_erased_learners_requests_leave_the_queue_and_old_pages_cannot_decide_them(
    app,
    people,  # noqa: F811
    runner,
    how,
    database_url,
    tmp_path,
):
    learner, sue, _ = people
    self_assess(learner, "3", "after", "Reflection to erase")
    ask(learner, app)
    confirmed = the_request(app)
    assert decide(sue, confirmed, outcome="confirmed", comments="Seen it").status_code == 302
    renewal_due(app)
    ask(learner, app)
    waiting = the_request(app)
    other = ask_for(learner, app, OTHER)
    queue = sue.get("/supervise/").text.split("Decided", 1)[0]
    assert "Lee Learner" in queue and waiting_count(sue.get("/my/competencies").text) == "2"
    old_page = sue.get(f"/supervise/requests/{waiting}").text
    assert 'name="outcome"' in old_page

    erase_learner(app, runner, learner, how)

    queue = sue.get("/supervise/").text
    assert "No requests are waiting for you." in queue
    assert waiting_count(sue.get("/my/competencies").text) == "none"
    # The decision made stands, the learner shown as erased, its record still signed off.
    decided = queue.split("Decided", 1)[1]
    assert "Erased account, SPLW-1.4 Working from strengths</a>: confirmed" in decided
    assert "Lee Learner" not in queue
    record = pdf_text(sue, confirmed)
    assert "Erased account" in record and "Lee Learner" not in record
    assert "Seen it" not in record  # what the supervisor wrote about them went with them
    assert "Erased account" in sue.get(f"/supervise/requests/{confirmed}").text

    # A decision from the page opened before: refused, plainly, and nothing recorded.
    url = f"/supervise/requests/{waiting}"
    for form in ({"outcome": "confirmed"}, {"outcome": ""}):
        sent = sue.post(
            url, data={"csrf_token": csrf_on(old_page), "seen": seen_on(old_page), **form}
        )
        assert sent.status_code == 302 and sent.location.endswith(url)
        page = sue.get(url).text
        assert "This request was closed before you decided; nothing was changed." in page
        assert "when the learner's account was erased" in page
        assert 'name="outcome"' not in page
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count(ConfirmationDecision.id))) == 1
        closed = set(session.scalars(select(ConfirmationClosure.request_id)))
        assert closed == {waiting, other}
        audited = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.kind == "practice.closed")
        ).all()
        assert sorted(event["request"] for event in audited) == sorted([waiting, other])
        assert {event["competency"] for event in audited} == {CODE, OTHER}
    other_page = sue.get(f"/supervise/requests/{other}").text
    assert "when the learner's account was erased" in other_page
    # The decided request's page lists the later one, closed, and says why.
    decided_page = sue.get(f"/supervise/requests/{confirmed}").text
    history = decided_page.split("Earlier requests", 1)[1]
    assert "undecided: the learner's account was erased." in history
    if database_url.startswith("sqlite"):  # the markup is the same on both
        pages = {"closed": other_page, "decided": decided_page, "queue": queue}
        assert nu_errors(pages, tmp_path) == []


def waits_on(engine, pid: int, sender: threading.Thread, within: float = 10) -> bool:
    """Return whether the sender's request comes to wait on a lock the backend `pid` holds,
    asked of PostgreSQL until it does, the sender has finished, or `within` seconds pass."""
    deadline = time.monotonic() + within
    with engine.connect() as watching:
        while sender.is_alive() and time.monotonic() < deadline:
            blocked = watching.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"
                ),
                {"pid": pid},
            ).scalar_one()
            if blocked:
                return sender.is_alive()
            time.sleep(0.01)
    return False


def test_a_decision_waiting_on_an_erasure_in_progress_finds_the_request_closed(
    app,
    people,  # noqa: F811
    database_url,
):
    # The erasure holds the learner's lock with its closures written, not yet committed: a
    # decision sent meanwhile waits for it, then is refused instead of standing beside them.
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time")
    learner, sue, _ = people
    ask(learner, app)
    waiting = the_request(app)
    page = sue.get(f"/supervise/requests/{waiting}").text
    lee = user_id(app, "learner@example.org")
    engine = app.extensions["linkwise.engine"]
    erasing = engine.connect()
    transaction = erasing.begin()
    answers = []

    def send():
        form = {"csrf_token": csrf_on(page), "seen": seen_on(page), "outcome": "confirmed"}
        answers.append(sue.post(f"/supervise/requests/{waiting}", data=form))

    try:
        erasing.execute(
            text("SELECT id FROM user_account WHERE id = :id FOR NO KEY UPDATE"), {"id": lee}
        )
        erasing.execute(
            text("INSERT INTO confirmation_closure (request_id, closed_at) VALUES (:r, now())"),
            {"r": waiting},
        )
        erasing_pid = erasing.execute(text("SELECT pg_backend_pid()")).scalar_one()
        sender = threading.Thread(target=send)
        sender.start()
        still_waiting = waits_on(engine, erasing_pid, sender)
        transaction.commit()
    finally:
        if transaction.is_active:
            transaction.rollback()
        erasing.close()
    sender.join(30)
    assert still_waiting  # the decision waited for the erasure
    assert answers and answers[0].status_code == 302
    with app.app_context():
        assert db.session().scalar(select(func.count(ConfirmationDecision.id))) == 0
    assert "closed before you decided" in sue.get(answers[0].location).text
