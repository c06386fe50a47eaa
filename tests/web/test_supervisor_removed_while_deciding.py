"""A supervisor's decision and their removal (no longer named one, taken out of the
organisation, or moved to another by an administrator) at the same moment: the decision is
written before the removal and stands, or is refused plainly; the request ends decided or
closed, never both, and no decision is written by someone who was no longer its
supervisor."""

import threading
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from app import db
from app.models import AuditEvent
from app.models_practice import ConfirmationClosure, ConfirmationDecision, ConfirmationRequest
from tests.conftest import csrf_token, sign_in
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    ask,
    people,
    the_request,
    user_id,
)
from tests.web.test_practice_record import csrf_on, seen_on

REMOVALS = ["no longer named", "removed from the organisation", "moved by an administrator"]
REFUSED = "You are no longer a supervisor at Riverside PCN"


@dataclass(frozen=True)
class Moved:
    """What `set-role --org` did, read as a form's response: 302 when it moved her."""

    status_code: int


def removal(app, make_user, how):
    """Return a call that sends a manager's removal of Sue, or an administrator's move of her
    to Hillside PCN (set-role --org), as `how` says."""
    if how == "moved by an administrator":
        command = ["set-role", "sue@example.org", "learner", "--org", "Hillside PCN"]

        def move():
            done = app.test_cli_runner().invoke(args=command)
            return Moved(302 if "sue@example.org is now a learner" in done.output else 500)

        return move
    make_user(email="mo@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "mo@example.org")
    sue = user_id(app, "sue@example.org")
    if how == "no longer named":
        url = f"/manage/learners/{sue}/supervisor"
        page, form = f"{url}?named=no", {"confirmed": "yes"}  # the question's form
    else:
        url = page = f"/manage/learners/{sue}/remove"
        form = {}
    token = csrf_token(manager, page)
    return lambda: manager.post(url, data={"csrf_token": token, **form})


def decision(app, people):  # noqa: F811
    """Ask Sue to confirm Lee's practice; return the request and a call sending her decision
    from the request's page, opened now."""
    learner, sue, _ = people
    ask(learner, app)
    waiting = the_request(app)
    url = f"/supervise/requests/{waiting}"
    page = sue.get(url).text
    form = {"csrf_token": csrf_on(page), "seen": seen_on(page), "outcome": "confirmed"}
    return waiting, lambda: sue.post(url, data=form)


def outcome(app) -> tuple[list[int], list[int]]:
    """Return the requests decided, and those closed."""
    with app.app_context():
        session = db.session()
        decided = session.scalars(select(ConfirmationDecision.request_id)).all()
        closed = session.scalars(select(ConfirmationClosure.request_id)).all()
    return decided, closed


def kinds(app) -> list[str]:
    with app.app_context():
        found = db.session().scalars(select(AuditEvent.kind).order_by(AuditEvent.id))
        return [kind for kind in found if kind in ("practice.confirmed", "supervisor.removed")]


@pytest.mark.parametrize("how", REMOVALS)
def test_a_decision_sent_after_the_removal_is_refused_plainly(app, people, make_user, how):  # noqa: F811
    waiting, decide = decision(app, people)
    assert removal(app, make_user, how)().status_code == 302
    refused = decide()
    assert refused.status_code == 409
    assert REFUSED in refused.text and "Your decision was not recorded" in refused.text
    assert outcome(app) == ([], [waiting])
    assert kinds(app) == ["supervisor.removed"]


@pytest.mark.parametrize("how", REMOVALS)
def test_a_decision_made_before_the_removal_stands(app, people, make_user, how):  # noqa: F811
    waiting, decide = decision(app, people)
    assert decide().status_code == 302
    assert removal(app, make_user, how)().status_code == 302
    assert outcome(app) == ([waiting], [])
    assert kinds(app) == ["practice.confirmed", "supervisor.removed"]


def _waiting(connection) -> int:
    """Count this database's sessions waiting for a lock."""
    found = connection.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
    )
    connection.rollback()
    return found


def _until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the requests never reached the point awaited"
        time.sleep(0.01)


def one_then_other(app, first, second, held: str) -> tuple:
    """Send `first`, and once it waits at a write to the `held` table (locked here from
    another connection), send `second`; let both go once `second` is done or waits too.

    The held table is one only `first` writes, just before its commit: so `second` runs
    while `first` is under way, as when the two arrive together, every time."""
    engine = app.extensions["linkwise.engine"]
    results = {}

    def send(name, call):
        thread = threading.Thread(target=lambda: results.__setitem__(name, call()))
        thread.start()
        return thread

    with engine.connect() as holder, engine.connect() as watcher:
        holder.execute(text(f"LOCK TABLE {held} IN SHARE MODE"))
        one = send("first", first)
        _until(lambda: _waiting(watcher) >= 1 or not one.is_alive())
        other = send("second", second)
        _until(lambda: _waiting(watcher) >= 2 or not other.is_alive())
        holder.rollback()
        one.join()
        other.join()
    return results["first"], results["second"]


@pytest.fixture(params=REMOVALS)
def racing(request, app, people, make_user):  # noqa: F811
    """On PostgreSQL, return Sue's request, her decision and a manager's removal of her
    (each way in turn), to send at once."""
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the two never overlap there")
    waiting, decide = decision(app, people)
    return waiting, decide, removal(app, make_user, request.param)


def test_a_removal_while_the_decision_is_written_waits_for_it(app, racing):
    waiting, decide, remove = racing
    decided, removed = one_then_other(app, decide, remove, held="confirmation_decision")
    assert (decided.status_code, removed.status_code) == (302, 302)
    assert outcome(app) == ([waiting], [])  # the decision stands; nothing left to close
    assert kinds(app) == ["practice.confirmed", "supervisor.removed"]


def test_a_decision_while_the_removal_is_written_is_refused_plainly(app, racing):
    waiting, decide, remove = racing
    removed, refused = one_then_other(app, remove, decide, held="confirmation_closure")
    assert removed.status_code == 302
    assert refused.status_code == 409 and REFUSED in refused.text
    assert outcome(app) == ([], [waiting])
    assert kinds(app) == ["supervisor.removed"]


@pytest.fixture
def asking(app, people, make_user):  # noqa: F811
    """On PostgreSQL, return Lee's request to Sue and a manager's un-naming of Sue, to send
    at once."""
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the two never overlap there")
    learner, _, _ = people
    return lambda: ask(learner, app), removal(app, make_user, "no longer named")


def waiting_requests(app) -> int:
    """Count the requests neither decided nor closed."""
    decided, closed = outcome(app)
    with app.app_context():
        asked = db.session().scalars(select(ConfirmationRequest.id)).all()
    return len(set(asked) - set(decided) - set(closed))


def test_a_request_while_its_supervisor_is_un_named_is_refused_plainly(app, asking):
    send, remove = asking
    removed, refused = one_then_other(app, remove, send, held="supervisor")
    assert removed.status_code == 302
    assert refused.status_code == 400
    assert "Sue Supervisor is no longer a supervisor here" in refused.text
    assert waiting_requests(app) == 0


def test_a_request_written_before_the_un_naming_is_closed_by_it(app, asking):
    send, remove = asking
    asked, removed = one_then_other(app, send, remove, held="confirmation_request")
    assert (asked.status_code, removed.status_code) == (302, 302)
    assert outcome(app)[1] == [the_request(app)]  # closed by the un-naming, not left waiting
    assert waiting_requests(app) == 0


ALREADY = "You had already decided this request on "


@pytest.mark.parametrize("how", REMOVALS)
def test_a_second_click_arriving_after_the_removal_is_refused_plainly(app, people, make_user, how):  # noqa: F811
    # The first click's decision was written; the second, sent with it, arrives after the
    # removal: it is told why nothing more was recorded, not sent on to a page Sue may no
    # longer open (which would answer "Page not found").
    waiting, decide = decision(app, people)
    assert decide().status_code == 302
    assert removal(app, make_user, how)().status_code == 302
    again = decide()
    assert again.status_code == 409
    assert REFUSED in again.text and "Your decision was not recorded" in again.text
    assert ALREADY in again.text and "you confirmed the learner" in again.text
    assert "That decision stands." in again.text
    assert outcome(app) == ([waiting], [])
    assert kinds(app) == ["practice.confirmed", "supervisor.removed"]


def test_a_second_click_while_the_removal_is_written_is_refused_plainly(app, racing):
    # As the reviewer saw it on PostgreSQL: decisions sent together with the removal. The
    # first is written; a second waits for the removal's lock on Sue, then finds her no
    # longer a supervisor: 409, said plainly, never a redirect to a page that is not found.
    waiting, decide, remove = racing
    assert decide().status_code == 302
    removed, again = one_then_other(app, remove, decide, held="audit_event")
    assert removed.status_code == 302
    assert again.status_code == 409 and REFUSED in again.text and ALREADY in again.text
    assert outcome(app) == ([waiting], [])
    assert kinds(app) == ["practice.confirmed", "supervisor.removed"]
