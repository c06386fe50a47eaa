"""`linkwise prune-audit` blanks the typed email and network address of audit rows about no
account (sign-in failures at unknown addresses, password resets asked for one) older than the
retention period (90 days, or --days), keeps the rows, never touches a row about an account,
and records that it ran."""

from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.models import AuditEvent, utcnow
from app.services import accounts, recovery
from tests.conftest import DEMO_PASSWORD


def _rows(app) -> list[tuple]:
    with app.app_context():
        events = db.session().scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.kind, e.subject_id is not None, e.email, e.address) for e in events]


def _age_everything(app, days: int) -> None:
    with app.app_context():
        session = db.session()
        session.execute(update(AuditEvent).values(occurred_at=utcnow() - timedelta(days=days)))
        session.commit()


def test_old_rows_about_no_account_lose_their_addresses_and_nothing_else_changes(
    app, runner, make_user
):
    make_user()
    with app.test_request_context():
        accounts.authenticate("nobody@example.org", "guess", address="192.0.2.1")
        accounts.authenticate("learner@example.org", "wrong one", address="192.0.2.2")
        accounts.authenticate("learner@example.org", DEMO_PASSWORD, address="192.0.2.3")
        recovery.request_reset("stranger@example.org", address="192.0.2.4")
        recovery.request_reset("learner@example.org", address="192.0.2.5")
    _age_everything(app, 91)
    with app.test_request_context():  # a recent one is kept whole
        accounts.authenticate("recent@example.org", "guess", address="192.0.2.6")
    before = _rows(app)
    assert len(before) == 7

    result = runner.invoke(args=["prune-audit"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "cleared the email and network addresses of 2 audit events older than 90 days "
        "about addresses with no account\n"
    )
    after = _rows(app)
    assert after[:7] == [
        ("account.created", True, "learner@example.org", None),
        ("sign_in.failure", False, None, None),
        ("sign_in.failure", True, "learner@example.org", "192.0.2.2"),
        ("sign_in.success", False, "learner@example.org", "192.0.2.3"),
        ("password.reset_requested", False, None, None),
        ("password.reset_requested", True, "learner@example.org", "192.0.2.5"),
        ("sign_in.failure", False, "recent@example.org", "192.0.2.6"),
    ]
    with app.app_context():
        pruned = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "audit.pruned"))
        assert (pruned.via, pruned.detail["days"], pruned.detail["cleared"]) == ("cli", 90, 2)
        assert pruned.detail["os_user"]

    with app.app_context():
        session = db.session()
        two_days_ago = utcnow() - timedelta(days=2)
        recent = update(AuditEvent).where(AuditEvent.email == "recent@example.org")
        session.execute(recent.values(occurred_at=two_days_ago))
        session.commit()
    again = runner.invoke(args=["prune-audit", "--days", "1"])
    assert "of 1 audit event older than 1 day about" in again.output
    assert _rows(app)[6] == ("sign_in.failure", False, None, None)
    assert _rows(app)[:6] == after[:6]
    assert runner.invoke(args=["prune-audit", "--days", "0"]).exit_code == 2
