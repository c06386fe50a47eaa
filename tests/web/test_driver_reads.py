"""The signed-in user's read on the driver connection gives what SQLAlchemy's execution gives."""

import pytest
from sqlalchemy import JSON, bindparam, event, exc, literal, select

from app import db
from app.content import catalogue
from app.models import User
from app.models_practice import Supervisor
from app.services import learning, signed_in_user
from tests.web.journeys import user_id


@pytest.fixture
def learner(app, make_user):
    """A learner who supervises in their organisation and has done two screens of a module."""
    learner_id = user_id(app, make_user(email="supervisor@example.org", org="Riverside PCN"))
    with app.app_context():
        module = catalogue().modules[0]
        for key in module.screen_item_keys[:2]:
            learning.record(learner_id, module.slug, key)
        session = db.session()
        organisation_id = session.get(User, learner_id).organisation_id
        session.add(Supervisor(user_id=learner_id, organisation_id=organisation_id))
        session.commit()
    return learner_id, module.slug


def test_the_signed_in_reads_give_what_sqlalchemy_gives(app, learner):
    learner_id, slug = learner
    with app.test_request_context():
        dialect = db.reader().dialect.name
        reads = [
            (signed_in_user._SIGNED_IN_USER, {"user_id": learner_id}),
            (
                signed_in_user._SIGNED_IN_USER_AND_COMPLETIONS[dialect],
                {"user_id": learner_id, "module_slug": slug},
            ),
            (signed_in_user._SIGNED_IN_USER, {"user_id": learner_id + 1000}),  # no such account
        ]
        for statement, parameters in reads:
            expected = db.reader().execute(statement, parameters).one_or_none()
            found = db.fetch_one(statement, parameters)
            if expected is None:
                assert found is None
                continue
            assert found._fields == tuple(expected._fields)
            for name in expected._fields:
                if name == "is_supervisor":  # SQLite's driver says 1 where SQLAlchemy says True
                    assert bool(found.is_supervisor) is expected.is_supervisor is True
                else:
                    assert getattr(found, name) == getattr(expected, name), name


def test_the_read_goes_through_the_engines_cursor_events(app, learner):
    learner_id, slug = learner
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.test_request_context():
        event.listen(db.engine(), "before_cursor_execute", count)
        try:
            row = signed_in_user.load_signed_in_user(
                learner_id, "not the token", completions_in=slug
            )
        finally:
            event.remove(db.engine(), "before_cursor_execute", count)
    assert row is None
    assert len(seen) == 1


def test_a_driver_error_comes_as_sqlalchemys_own(app, learner):
    with app.test_request_context(), pytest.raises(exc.DBAPIError):
        db.fetch_one(signed_in_user._SIGNED_IN_USER, {"user_id": object()})  # no driver binds it


def test_a_value_written_in_the_statement_goes_with_the_parameters(app, learner):
    learner_id, _ = learner
    by_role = select(User.id).where(User.id == bindparam("user_id"), User.role == "learner")
    with app.test_request_context():
        assert db.fetch_one(by_role, {"user_id": learner_id}).id == learner_id
        admins = select(User.id).where(User.id == bindparam("user_id"), User.role == "admin")
        assert db.fetch_one(admins, {"user_id": learner_id}) is None


def test_a_value_written_in_the_statement_that_needs_processing_goes_processed(app, learner):
    # JSON is encoded by SQLAlchemy, not by the driver: sent as written it would be wrong, so
    # it is processed once, as SQLAlchemy processes it on every run. A JSON key is one (the
    # quiz's kind, which passes.COMPLETION_STANDS reads in the signed-in user's statement).
    learner_id, _ = learner
    document = literal({"kind": "assessment", "a": 1}, JSON)
    for holding_json in (
        select(User.id).where(User.id == bindparam("user_id"), document.is_not(None)),
        select(User.id).where(
            User.id == bindparam("user_id"), document["kind"].as_string() == "assessment"
        ),
        select(User.id).where(User.id == bindparam("user_id"), document["a"].as_integer() == 1),
    ):
        with app.test_request_context():
            assert db.reader().execute(holding_json, {"user_id": learner_id}).one().id == learner_id
            assert db.fetch_one(holding_json, {"user_id": learner_id}).id == learner_id


def test_a_read_and_the_reader_after_it_share_one_pooled_connection(app, learner):
    learner_id, _ = learner
    with app.test_request_context():
        pool = db.engine().pool
        before = pool.checkedout()
        assert db.fetch_one(signed_in_user._SIGNED_IN_USER, {"user_id": learner_id}) is not None
        assert db.reader().execute(select(User.email).where(User.id == learner_id)).scalar()
        assert pool.checkedout() == before + 1
        db.session()  # a request that goes on to write starts on one connection too
        assert pool.checkedout() == before


def test_a_read_after_a_failed_one_still_answers(app, learner):
    learner_id, _ = learner
    with app.test_request_context():
        with pytest.raises(exc.DBAPIError):
            db.fetch_one(signed_in_user._SIGNED_IN_USER, {"user_id": object()})
        assert (
            db.fetch_one(signed_in_user._SIGNED_IN_USER, {"user_id": learner_id}).id == learner_id
        )
    with app.test_request_context():  # the next request, on the same pooled connection
        assert (
            db.fetch_one(signed_in_user._SIGNED_IN_USER, {"user_id": learner_id}).id == learner_id
        )
