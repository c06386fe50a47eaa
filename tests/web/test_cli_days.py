"""The commands that take --since and --until read them as the pages read their From and To
dates: the To day counts whole, and a To day before the From day is refused in the pages'
words, with a non-zero exit, rather than answered with nothing."""

from datetime import UTC, datetime

from sqlalchemy import update

from app import db
from app.models import AuditEvent
from app.services import audit
from tests.conftest import sign_in
from tests.web.item_data import QUIZ, add_attempts
from tests.web.test_item_stats import HAND, THREE

REVERSED = "Error: Invalid value for '--until': To date must be the same as or after the From date"
# Events at moments around the day 23 November 2026 (UTC), each its own kind.
MOMENTS = {
    "test.before": datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC),
    "test.morning": datetime(2026, 11, 23, 0, 0, tzinfo=UTC),
    "test.evening": datetime(2026, 11, 23, 23, 59, 59, tzinfo=UTC),
    "test.next_day": datetime(2026, 11, 24, 0, 0, tzinfo=UTC),
}


def add_events(app) -> None:
    with app.app_context():
        session = db.session()
        for kind in MOMENTS:
            audit.record(session, kind)
        session.flush()
        for kind, at in MOMENTS.items():
            session.execute(
                update(AuditEvent).where(AuditEvent.kind == kind).values(occurred_at=at)
            )
        session.commit()


def printed_kinds(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [line.split("\t")[1] for line in result.output.splitlines()]


def test_audit_until_takes_in_the_whole_day_as_the_audit_page_does(app, runner, client, make_user):
    add_events(app)
    result = runner.invoke(args=["audit", "--since", "2026-11-23", "--until", "2026-11-23"])
    assert printed_kinds(result) == ["test.morning", "test.evening"]
    assert printed_kinds(runner.invoke(args=["audit", "--until", "2026-11-22"])) == ["test.before"]
    assert printed_kinds(runner.invoke(args=["audit", "--since", "2026-11-24"])) == [
        "test.next_day"
    ]
    # The audit page's From and To dates find the same events.
    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    page = client.get("/admin/audit?since=2026-11-23&until=2026-11-23").text
    rows = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert [kind for kind in MOMENTS if kind in rows] == ["test.morning", "test.evening"]


def test_audit_refuses_a_since_after_its_until_in_one_sentence(app, runner):
    add_events(app)
    result = runner.invoke(args=["audit", "--since", "2026-11-24", "--until", "2026-11-23"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == REVERSED
    assert "test." not in result.output and "Traceback" not in result.output
    # Given the other way round on the command line, it says the same.
    other = runner.invoke(args=["audit", "--until", "2026-11-23", "--since", "2026-11-24"])
    assert other.exit_code == 2 and other.output.strip().splitlines()[-1] == REVERSED


def test_audit_explains_a_day_that_is_not_one_as_item_stats_does(runner):
    for day, said in (
        ("soon", "The date must be a real date, like 23/11/2026"),
        ("9999-12-31", "The date must be before the year 9999, like 23/11/2026"),
    ):
        result = runner.invoke(args=["audit", "--until", day])
        assert result.exit_code == 2, day
        assert result.output.strip().splitlines()[-1] == (
            f"Error: Invalid value for '--until': {said}"
        )


def test_item_stats_refuses_a_since_after_its_until_as_the_item_page_does(app, runner, client):
    with app.app_context():
        add_attempts(HAND, THREE)  # on 1 March 2026
    result = runner.invoke(
        args=["item-stats", QUIZ, "--since", "2026-03-02", "--until", "2026-03-01"]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == REVERSED
    assert "graded attempts" not in result.output
    with_csv = runner.invoke(
        args=["item-stats", QUIZ, "--csv", "--since", "2026-03-02", "--until", "2026-03-01"]
    )
    assert with_csv.exit_code == 2 and "question,version" not in with_csv.output
    # One day, as From and To, is that whole day.
    same_day = runner.invoke(
        args=["item-stats", QUIZ, "--since", "2026-03-01", "--until", "2026-03-01"]
    )
    assert same_day.exit_code == 0 and "4 graded attempts" in same_day.output
