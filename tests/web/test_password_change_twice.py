"""Changing the password twice at once: the browser stays signed in, one change is recorded."""

from sqlalchemy import select

from app import db
from app.models import AuditEvent
from tests.conftest import DEMO_PASSWORD, csrf_token, sign_in
from tests.web.meetings import meeting_before_writing
from tests.web.test_quiz_concurrency import at_once, tab

NEW = "plum harbour violin 77"


def kinds(app) -> list[str]:
    with app.app_context():
        return db.session().scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()


def meeting_at_the_first_lock(app, parties: int):
    """Hold each request at its first lock until all `parties` have come to it.

    Each was then signed in with the cookie it was sent before any changed the password, as
    when both clicks of a double click are in flight: threads released together do not
    ensure that on a busy machine, where one can finish before another has begun. The first
    lock is the account's password checks' (services/sign_in_counting.py), which then run one
    after another: the learner's lock, which the change takes next, sees one at a time.
    """
    return meeting_before_writing(app, parties)


def send_at_once(app, client, new_passwords):
    """Send the change password form from tabs of one browser at once; return the tabs."""
    token = csrf_token(client, "/account/")
    tabs = [tab(app, client) for _ in new_passwords]
    sends = [
        lambda t=t, new=new: t.post(
            "/account/",
            data={"csrf_token": token, "current_password": DEMO_PASSWORD, "new_password": new},
        )
        for t, new in zip(tabs, new_passwords, strict=True)
    ]
    with meeting_at_the_first_lock(app, len(sends)):
        return tabs, at_once(sends)


def signed_in_with(app, cookie: str) -> bool:
    """Say whether a browser holding this session cookie is signed in."""
    browser = app.test_client()
    browser.set_cookie("linkwise_session", cookie)
    return browser.get("/account/").status_code == 200


def test_a_double_submitted_change_leaves_every_cookie_it_sent_signed_in(app, client, make_user):
    sign_in(client, make_user())
    tabs, responses = send_at_once(app, client, [NEW, NEW, NEW])
    assert [r.status_code for r in responses] == [302, 302, 302]
    # Whichever response the browser keeps last, it is signed in.
    cookies = [t.get_cookie("linkwise_session").value for t in tabs]
    assert all(signed_in_with(app, cookie) for cookie in cookies)
    assert kinds(app).count("password.changed") == 1
    assert "password.check_failed" not in kinds(app)
    fresh = app.test_client()
    assert sign_in(fresh, "learner@example.org", NEW).status_code == 302
    assert signed_in_with(app, fresh.get_cookie("linkwise_session").value)


def test_two_different_changes_at_once_make_one_and_refuse_the_other_plainly(
    app, client, make_user
):
    sign_in(client, make_user())
    other = "quince ladder orbit 31"
    tabs, responses = send_at_once(app, client, [NEW, other])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 400]
    made, refused = sorted(zip(responses, tabs, strict=True), key=lambda p: p[0].status_code)
    assert "Your password was changed a moment ago" in refused[0].text
    # The refusal leaves the browser's cookie alone: it keeps the one the change sent.
    assert "linkwise_session" not in refused[0].headers.get("Set-Cookie", "")
    assert signed_in_with(app, made[1].get_cookie("linkwise_session").value)
    assert kinds(app).count("password.changed") == 1
    assert "password.check_failed" not in kinds(app)
