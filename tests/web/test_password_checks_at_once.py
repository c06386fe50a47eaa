"""Pages that ask for the current password, sent many times at once with the right one.

Only wrong current passwords count towards the limit (README). Checks of one account used
to take their places in that count together, before any had checked anything: ten
deletions sent at once with the right password took the five places between them and
the other five were refused with 429 "Too many attempts" (audited as throttled). A
check that found the account erased meanwhile also counted as a wrong password. Now an
account's checks run one after another; the one that erases wins and the others are told
the account is deleted.
"""

import threading

from sqlalchemy import event, func, select

from app import db
from app.models import AuditEvent, User
from tests.conftest import DEMO_PASSWORD, csrf_token, sign_in
from tests.web.test_quiz_concurrency import at_once, tab

SESSIONS = 10
# How long the held request waits for the others to come to their checks before going on:
# none comes while it holds the account's checks, so this is the time the test spends
# proving it.
PATIENCE = 2.0
DELETE = "/account/delete"


def audited(app, kind: str) -> int:
    with app.app_context():
        found = select(func.count(AuditEvent.id)).where(AuditEvent.kind == kind)
        return db.session().scalar(found)


def sessions(app, email: str, times: int) -> list:
    """Sign in `times` times, each session with the deletion page open: (client, token)."""
    opened = []
    for _ in range(times):
        client = app.test_client()
        sign_in(client, email)
        opened.append((client, csrf_token(client, DELETE)))
    return opened


def delete(client, token: str, password: str = DEMO_PASSWORD):
    return client.post(DELETE, data={"csrf_token": token, "current_password": password})


def told_deleted(client, response) -> bool:
    """Say whether the reply sends the browser home, signed out, saying the account is gone."""
    if (response.status_code, response.location) != (302, "/"):
        return False
    home = client.get("/").text
    return "Your account has been deleted" in home and "Sign in" in home


def erased(app, email: str) -> bool:
    with app.app_context():
        return db.session().scalar(select(User).where(User.email == email)) is None


def test_ten_deletions_at_once_with_the_right_password_erase_once_and_refuse_none(app, make_user):
    email = make_user()
    opened = sessions(app, email, SESSIONS)
    replies = at_once([lambda c=c, t=t: delete(c, t) for c, t in opened])
    assert [r.status_code for r in replies] == [302] * SESSIONS, [r.status_code for r in replies]
    assert all(told_deleted(c, r) for (c, _), r in zip(opened, replies, strict=True))
    assert erased(app, email)
    assert audited(app, "account.erased") == 1
    assert audited(app, "request.throttled") == 0
    assert audited(app, "password.check_failed") == 0


def test_deletions_sent_while_one_is_being_written_wait_for_it_and_are_not_refused(app, make_user):
    """Hold the first deletion between its password check and its commit, and send five
    more: the five used to take the limit's places beside it (the last refused at once)."""
    email = make_user()
    opened = sessions(app, email, 6)
    engine = app.extensions["linkwise.engine"]
    first_writing, first_may_go, another_done = (threading.Event() for _ in range(3))
    first_thread: list[int] = []

    def before(_conn, _cursor, statement, *_args):
        if threading.get_ident() in first_thread and statement.lower().lstrip().startswith(
            "update certificate"
        ):
            first_writing.set()
            first_may_go.wait(PATIENCE * 5)

    replies = {}

    def send(index):
        client, token = opened[index]
        if index == 0:
            first_thread.append(threading.get_ident())
        replies[index] = delete(client, token)
        if index:
            another_done.set()

    event.listen(engine, "before_cursor_execute", before)
    try:
        first = threading.Thread(target=send, args=(0,))
        first.start()
        assert first_writing.wait(10)
        others = [threading.Thread(target=send, args=(i,)) for i in range(1, 6)]
        for thread in others:
            thread.start()
        another_done.wait(PATIENCE)  # a refusal comes at once; a check waits for the first
        first_may_go.set()
        for thread in (first, *others):
            thread.join()
    finally:
        first_may_go.set()
        event.remove(engine, "before_cursor_execute", before)
    codes = [replies[i].status_code for i in range(6)]
    assert codes == [302] * 6, codes
    assert all(told_deleted(opened[i][0], replies[i]) for i in range(6))
    assert audited(app, "account.erased") == 1
    assert audited(app, "request.throttled") == 0
    assert audited(app, "password.check_failed") == 0


def test_a_deletion_that_finds_the_account_erased_meanwhile_is_no_wrong_password(app, make_user):
    """The second request is signed in, then the first erases the account before the second
    checks the password: the second used to check against the erased account and fail."""
    email = make_user()
    (first, first_token), (second, second_token) = sessions(app, email, 2)
    engine = app.extensions["linkwise.engine"]
    signed_in, first_committed = threading.Event(), threading.Event()
    second_thread: list[int] = []

    def before(_conn, _cursor, statement, *_args):
        if threading.get_ident() not in second_thread:
            return
        if "is_supervisor" in statement:  # the signed-in user's read
            signed_in.set()
        elif signed_in.is_set():
            first_committed.wait(PATIENCE * 5)

    replies = {}

    def send_second():
        second_thread.append(threading.get_ident())
        replies["second"] = delete(second, second_token)

    event.listen(engine, "before_cursor_execute", before)
    try:
        thread = threading.Thread(target=send_second)
        thread.start()
        assert signed_in.wait(10)
        replies["first"] = delete(first, first_token)
        first_committed.set()
        thread.join()
    finally:
        first_committed.set()
        event.remove(engine, "before_cursor_execute", before)
    assert told_deleted(first, replies["first"])
    assert told_deleted(second, replies["second"]), replies["second"].status_code
    assert audited(app, "password.check_failed") == 0
    assert audited(app, "account.erased") == 1


def test_a_deletion_sent_after_the_account_was_erased_says_it_is_deleted(app, make_user):
    email = make_user()
    (first, first_token), (second, second_token) = sessions(app, email, 2)
    assert told_deleted(first, delete(first, first_token))
    # The second session ended with the erasure: it is told what happened, not to sign in.
    assert told_deleted(second, delete(second, second_token))
    assert audited(app, "account.erased") == 1
    # A session ended otherwise (the password changed in another) is asked to sign in.
    (changing, _), (ended, token) = sessions(app, make_user(email="other@example.org"), 2)
    form = {"current_password": DEMO_PASSWORD, "new_password": "plum harbour violin 77"}
    form["csrf_token"] = csrf_token(changing, "/account/")
    assert changing.post("/account/", data=form).status_code == 302
    refused = delete(ended, token)
    assert refused.status_code == 302 and "/sign-in" in refused.location


def test_wrong_passwords_sent_at_once_are_still_held_to_the_limit(app, make_user):
    email = make_user()
    opened = sessions(app, email, SESSIONS)
    replies = at_once([lambda c=c, t=t: delete(c, t, "not my password at all") for c, t in opened])
    codes = sorted(r.status_code for r in replies)
    assert codes == [400] * 5 + [429] * 5, codes
    assert audited(app, "password.check_failed") == 5
    assert not erased(app, email)
    # The right password is refused too until the count lapses: that is the limit.
    client, token = opened[0]
    assert delete(client, token).status_code == 429


def test_password_changes_at_once_with_the_right_password_are_not_refused(app, make_user):
    email = make_user()
    client = app.test_client()
    sign_in(client, email)
    token = csrf_token(client, "/account/")
    form = {"csrf_token": token, "current_password": DEMO_PASSWORD}
    form["new_password"] = "plum harbour violin 77"
    tabs = [tab(app, client) for _ in range(SESSIONS)]
    replies = at_once([lambda t=t: t.post("/account/", data=form) for t in tabs])
    assert [r.status_code for r in replies] == [302] * SESSIONS, [r.status_code for r in replies]
    assert audited(app, "password.changed") == 1
    assert audited(app, "request.throttled") == 0
    assert audited(app, "password.check_failed") == 0
