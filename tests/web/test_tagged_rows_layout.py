"""A statement of other sizes (`tagged_rows.Layout`) reads and writes its rows as the usual one."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import DateTime, literal

from app import db
from app.models import User
from app.services import audit, tagged_rows
from app.services.tagged_rows import Layout
from tests.web.journeys import user_id

WIDE = Layout(text=8, number=2, real=1, at=1, doc=1)
TEXTS = tuple(f"text {place}" for place in range(8))
MOMENT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def branches():
    return (
        WIDE.branch(
            "wide",
            text=tuple(literal(text) for text in TEXTS),
            number=(literal(1), literal(2)),
            real=(literal(2 / 3),),
            at=(literal(MOMENT, DateTime(timezone=True)),),
        ),
        WIDE.branch("narrow", text=(literal("only"),)),
    )


def test_a_layout_of_eight_texts_reads_them_and_leaves_out_the_slots_it_has_none_of(app):
    with app.app_context():
        found = WIDE.read(branches())
    (wide,), (narrow,) = found["wide"], found["narrow"]
    assert wide.text == TEXTS and wide.number == (1, 2) and wide.real == (2 / 3,)
    assert wide.at[0].replace(tzinfo=wide.at[0].tzinfo or UTC) == MOMENT
    assert wide.flag == wide.day == () and wide.doc == (None,)
    assert narrow.text == ("only", *(None,) * 7) and narrow.number == (None, None)


def test_a_layout_reads_what_it_writes_as_a_plain_read_finds_it(app, make_user):
    lead = user_id(app, make_user(email="lead@example.org", role="manager", org="Riverside PCN"))
    with app.app_context():
        viewed = audit.recorded_where("learner.viewed", User.id, User.id == lead, actor_id=lead)
        written = WIDE.read_writing(branches(), viewed)
        read = WIDE.read(branches())
        db.session().rollback()
    assert written == read


def test_the_usual_statements_keep_their_sizes():
    selected = tagged_rows.branch("usual").selected_columns
    assert len(selected) == 1 + sum(size for _, _, size in tagged_rows.SLOTS)


def test_a_layout_refuses_a_slot_it_does_not_have_or_too_many_columns():
    with pytest.raises(TypeError, match="colour"):
        Layout(colour=1)
    with pytest.raises(ValueError, match="1 flag columns, 0 at most"):
        WIDE.branch("wide", flag=(literal(True),))
    with pytest.raises(ValueError, match="3 number columns, 2 at most"):
        WIDE.branch("wide", number=(literal(1), literal(2), literal(3)))
