"""`linkwise unlock-sign-in` says in one sentence what it cannot reach: counts kept in a
server's own memory, or a Redis that does not answer (never printing its password), and an
email no account has. Lifting a lock in Redis: tests/service/test_unlock_sign_in.py."""

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent
from tests.conftest import DEMO_PASSWORD, post_form
from tests.unreachable_redis import app_counting_in_unreachable_redis

EMAIL = "asha@example.org"


def _unlocked_events(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.kind == "sign_in.unlocked")
        )


def test_counts_in_a_servers_own_memory_cannot_be_reached_and_it_says_so(
    app, client, runner, make_user
):
    make_user(email=EMAIL)
    client.set_cookie("linkwise_professional", "yes")
    for _ in range(6):
        post_form(client, "/sign-in", {"email": EMAIL, "password": "not the password"})
    result = runner.invoke(args=["unlock-sign-in", EMAIL])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output  # one sentence
    assert "counted in each server process's own memory" in result.output
    assert "LINKWISE_RATELIMIT_STORAGE_URI is memory://" in result.output
    assert "restart the server" in result.output
    assert _unlocked_events(app) == 0


def test_an_email_no_account_has_is_named(app, runner):
    result = runner.invoke(args=["unlock-sign-in", "nobody@example.org"])
    assert result.exit_code == 1
    assert "no account for nobody@example.org" in result.output


def test_a_redis_that_does_not_answer_is_named_without_its_password(database_url, smtp_server):
    from app.services import account_admin

    with app_counting_in_unreachable_redis(database_url, smtp_server) as (app, where):
        with app.app_context():
            account_admin.create_user(
                email=EMAIL,
                full_name="Asha",
                password=DEMO_PASSWORD,
                profession="gp",
                role="learner",
            )
        result = app.test_cli_runner().invoke(args=["unlock-sign-in", EMAIL])
        assert result.exit_code == 1
        assert f"cannot reach the rate-limit store at {where}" in result.output
        assert "hunter2" not in result.output
        assert _unlocked_events(app) == 0
