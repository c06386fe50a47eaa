"""A reader's own slot sizes (`tagged_rows.Layout`): more columns of a kind, none of the rest."""

import pytest
from sqlalchemy import literal

from app.services import tagged_rows


def test_a_layout_reads_its_own_columns_per_slot_and_leaves_the_rest_empty(app):
    layout = tagged_rows.Layout(text=2, number=1, real=5)
    reals = [literal(n / 4) for n in range(5)]
    with app.app_context():
        found = layout.read(
            (
                layout.branch("full", text=[literal("a"), literal("b")], number=[7], real=reals),
                layout.branch("sparse", real=reals[:1]),
            )
        )
    (full,), (sparse,) = found["full"], found["sparse"]
    assert full.text == ("a", "b") and full.number == (7,)
    assert full.real == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert sparse.text == (None, None) and sparse.real == (0.0, None, None, None, None)
    assert full.flag == full.at == full.day == full.doc == ()


def test_a_layout_refuses_a_slot_it_does_not_have_or_too_many_columns():
    with pytest.raises(TypeError):
        tagged_rows.Layout(texts=2)
    layout = tagged_rows.Layout(real=1)
    with pytest.raises(TypeError):
        layout.branch("kind", texts=[literal("a")])
    with pytest.raises(ValueError):  # a slot it leaves out has room for none
        layout.branch("kind", text=[literal("a")])
    with pytest.raises(ValueError):
        layout.branch("kind", real=[literal(1.0), literal(2.0)])
