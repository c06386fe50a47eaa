"""A password reset from the emailed link lifts the account's sign-in lock (which the 429
page suggests): the new password signs in at once where the old failures stopped it, and
the reset's audit row says what it lifted. In a server's own memory and in Redis."""

from sqlalchemy import select

from app import db
from app.models import AuditEvent
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.test_sign_in_at_once import counted_in_redis  # noqa: F401 (Redis, a learner)

EMAIL = "learner@example.org"
NEW = "lantern meadow copper 88"
HERE = "10.0.0.9"


def from_here(client, path, data, page=None):
    return post_form(client, path, data, page=page, environ_base={"REMOTE_ADDR": HERE})


def lock_then_reset(app, mailbox) -> None:
    """Fail five times from HERE (the sixth is refused), then reset the password from HERE."""
    browser = app.test_client()
    for _ in range(5):
        assert (
            from_here(browser, "/sign-in", {"email": EMAIL, "password": "wrong"}).status_code == 401
        )
    assert (
        from_here(browser, "/sign-in", {"email": EMAIL, "password": DEMO_PASSWORD}).status_code
        == 429
    )
    from_here(browser, "/forgot-password", {"email": EMAIL})
    link = path_of(mailbox.link(EMAIL, "/reset-password/"))
    assert from_here(browser, link, {"new_password": NEW}).status_code == 302


def reset_detail(app) -> dict:
    with app.app_context():
        return db.session().scalar(
            select(AuditEvent.detail).where(AuditEvent.kind == "password.reset")
        )


def test_a_reset_lifts_the_lock_kept_in_the_servers_memory(app, make_user, mailbox):
    make_user(email=EMAIL)
    # Five wrong current passwords, too: they stop the pages that ask for it.
    signed_in = app.test_client()
    sign_in(signed_in, EMAIL)
    for _ in range(5):
        wrong = {"email": "sam.new@example.org", "current_password": "wrong"}
        assert post_form(signed_in, "/account/email", wrong).status_code == 400
    lock_then_reset(app, mailbox)
    browser = app.test_client()
    assert from_here(browser, "/sign-in", {"email": EMAIL, "password": NEW}).status_code == 302
    right = {"email": "sam.new@example.org", "current_password": NEW}
    assert from_here(browser, "/account/email", right).status_code == 200
    assert sorted(reset_detail(app)["lifted"]) == [
        "5 of 5 failed current passwords",
        f"5 of 5 failed sign-ins from {HERE}",
        "5 of 50 failed sign-ins from any address",
    ]


def test_a_reset_lifts_the_lock_kept_in_redis(counted_in_redis, mailbox):  # noqa: F811
    app = counted_in_redis
    lock_then_reset(app, mailbox)
    browser = app.test_client()
    assert from_here(browser, "/sign-in", {"email": EMAIL, "password": NEW}).status_code == 302
    assert reset_detail(app)["lifted"] == [
        f"5 of 5 failed sign-ins from {HERE}",
        "5 of 50 failed sign-ins from any address",
    ]
    lifted = app.test_cli_runner().invoke(args=["unlock-sign-in", EMAIL]).output
    assert lifted.startswith(f"there is no sign-in lock on {EMAIL}")
