"""The outbox reaches the LRS oldest first, after an outage too; a refused one steps aside."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from app.models import utcnow
from app.models_statements import StatementOutbox
from tests.xapi.test_lrs_delivery import learner_client, outbox, send, walk_module


def test_after_an_outage_the_queue_reaches_the_lrs_oldest_first(lrs_app, lrs, make_user_for):
    before = {s["id"] for s in lrs.stored()}
    lrs.stop()
    try:
        walk_module(lrs_app, learner_client(lrs_app, make_user_for))
        rows = outbox(lrs_app)
        start = utcnow()
        # Runs as cron makes them while the LRS is down: the oldest three back off three
        # times (30 s, 1 min, 2 min); a run between their retries must not try later ones.
        for seconds in (0, 10, 31, 92):
            report = send(lrs_app, batch_size=3, now=start + timedelta(seconds=seconds))
            assert report.sent == 0 and report.waiting == len(rows)
    finally:
        lrs.start()
    waiting = [row.attempts for row in outbox(lrs_app)]
    assert waiting[:3] == [3, 3, 3] and set(waiting[3:]) == {0}
    # The LRS is back, but the oldest statements still wait: nothing overtakes them.
    early = send(lrs_app, batch_size=3, now=start + timedelta(seconds=100))
    assert (early.sent, early.waiting, early.problem) == (0, len(rows), None)
    report = send(lrs_app, batch_size=3, now=start + timedelta(seconds=220))
    assert (report.sent, report.waiting, report.problem) == (len(rows), 0, None)
    arrived = [s for s in lrs.stored() if s["id"] not in before]
    assert [s["id"] for s in arrived] == [row.statement_id for row in rows]
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in arrived]
    assert verbs[0] in {"completed", "answered"} and verbs.index("passed") > verbs.index(
        "completed"
    )


def test_a_statement_the_lrs_refused_does_not_hold_back_later_ones(lrs_app, lrs, make_user_for):
    walk_module(lrs_app, learner_client(lrs_app, make_user_for))
    assert send(lrs_app).problem is None
    with lrs_app.app_context():
        # The same id with different content: the LRS refuses it (it keeps the first).
        first = db.session().scalars(select(StatementOutbox).order_by(StatementOutbox.id)).first()
        first.statement = {**first.statement, "context": {"language": "fr"}}
        first.sent_at = None
        db.session().commit()
        refused_id = first.id
    refused = send(lrs_app)
    assert (refused.sent, refused.rejected, refused.waiting) == (0, 1, 1)
    # Later statements go while the refused one waits for its day.
    known = len(outbox(lrs_app))
    walk_module(lrs_app, learner_client(lrs_app, make_user_for))
    later = send(lrs_app)
    assert (later.sent, later.waiting, later.problem) == (len(outbox(lrs_app)) - known, 1, None)
    row = next(r for r in outbox(lrs_app) if r.id == refused_id)
    assert row.sent_at is None and row.last_error.startswith("refused: the LRS answered 409")


def test_a_run_never_overtakes_another_holding_the_oldest_statements(
    lrs_app, lrs, make_user_for, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time: no two runs hold rows side by side")
    before = {s["id"] for s in lrs.stored()}
    walk_module(lrs_app, learner_client(lrs_app, make_user_for))
    rows = outbox(lrs_app)
    engine = lrs_app.extensions["linkwise.engine"]
    with engine.connect() as other:  # another run, in the middle of sending the oldest three
        oldest = [row.id for row in rows[:3]]
        other.execute(
            select(StatementOutbox.id).where(StatementOutbox.id.in_(oldest)).with_for_update()
        )
        held = send(lrs_app, batch_size=5)
        assert (held.sent, held.waiting, held.problem) == (0, len(rows), None)
        other.rollback()
    report = send(lrs_app, batch_size=5)
    assert report.sent == len(rows)
    arrived = [s["id"] for s in lrs.stored() if s["id"] not in before]
    assert arrived == [row.statement_id for row in rows]
