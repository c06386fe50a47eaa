"""Fixtures: an app on a fresh database per test, on SQLite and (when set) PostgreSQL."""

import gc
import os
import re
from functools import cache, lru_cache
from pathlib import Path
from types import CodeType

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from jinja2 import BytecodeCache
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapper
from sqlalchemy.util import memoized_property
from werkzeug.routing import Rule
from werkzeug.security import generate_password_hash

from app import create_app
from app.db import engines
from app.domain.accounts import password_problem
from app.models import Base
from app.rate_limits import limiter
from app.services import account_admin, accounts
from app.web import forms
from tests.databases import database_at
from tests.issuer_key import TEST_ISSUER_PEM
from tests.mailbox import Mailbox, start_smtp_server
from tests.shared_rules import sharing_rule_parses
from tests.warm_connections import WARM_DATABASES, close_every_kept, keep_connections

# Property tests check what is true, never how fast: a machine busy with other work must not
# fail them on hypothesis's per-example deadline or its "data too slow to make" check.
settings.register_profile("linkwise", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("linkwise")

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
DEMO_PASSWORD = "correct horse battery staple 42"
# What production refuses to start without, filled in for tests that build a production app.
PRODUCTION = {
    "LINKWISE_ENV": "production",
    "SECRET_KEY": "s",
    "BASE_URL": "https://learn.example.org",
    "PRIVACY_CONTROLLER": "Example Primary Care Network",
    "PRIVACY_CONTACT": "privacy@example.org",
    "SMTP_URL": "smtp://127.0.0.1:1",
    "ISSUER_KEY": TEST_ISSUER_PEM,
}
# Scrypt's cost in tests: near the least OpenSSL accepts (production's, werkzeug's default, is
# 32768:8:1, about 2,000 times the work); a test's hash only has to be scrypt, and match.
# A hash names its own cost, so checking one made here is as cheap as making it. At
# 1024:8:1 hashing was 4% of a web test's time (2.5 ms a hash; now 0.07).
TEST_SCRYPT = "scrypt:128:1:1"
# The cyclic garbage collector's thresholds in the test process (Python's are 700, 10, 10).
# A test process outlives thousands of apps, and what they share (compiled templates and
# SQL, URL builders) makes a heap of about a million objects, which every full collection
# scanned again: at Python's thresholds the collector was 14% of a web test file's CPU
# (28 files, 20 full collections), at these 5% (4). Later, rarer collections find the same
# garbage: app/collector.py still pauses and freezes start-up, and tests/web/test_startup.py
# (which collects explicitly) still checks that a dropped app is collected.
TEST_COLLECTOR_THRESHOLDS = (10_000, 20, 100)


class TemplateCode(BytecodeCache):
    """Keep compiled templates in memory, for every app the test process builds.

    Each test builds its own app, and each app's Jinja environment compiled every template
    it rendered again: most of a short test's time. The code is kept under the template's
    name and a hash of its source (Jinja's bucket key names the template only, and its
    checksum is checked only when loading marshalled bytes), so an edited template is
    compiled afresh. The code objects themselves are kept (they are immutable), not their
    marshalled bytes: reading those back was most of what loading a template still cost.
    """

    def __init__(self):
        self.code: dict[tuple[str, str], CodeType] = {}

    def load_bytecode(self, bucket) -> None:
        bucket.code = self.code.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key, bucket.checksum] = bucket.code


class SharedStatements(dict):
    """Compiled SQL shared by every engine the test process makes.

    SQLAlchemy keeps each engine's compiled statements in that engine, keyed by its dialect
    object. Each test builds an app with new engines, so every test compiled every statement
    it ran again: a tenth of a web test's time, where a server's engine compiles each once.
    Here the key names the dialect by its class and settings instead, so engines on the same
    kind of database, set up alike, share what they compiled.
    """

    LIMIT = 50_000  # far more than the app's statements; past it, start again

    def get(self, key, default=None):
        return super().get(self._shared(key), default)

    def __setitem__(self, key, compiled):
        if len(self) >= self.LIMIT:
            self.clear()
        super().__setitem__(self._shared(key), compiled)

    @staticmethod
    def _shared(key):
        dialect, *rest = key
        worked_out = _memoized_names(type(dialect))
        # A copy: another thread (tests that send requests at once) may memoize a name on
        # the dialect while this one reads it, and a dict changing under a loop raises.
        settings = sorted(
            (name, value)
            for name, value in vars(dialect).copy().items()
            if name not in worked_out and isinstance(value, str | int | float | bool | tuple | None)
        )
        return (type(dialect), tuple(settings), *rest)


@cache
def _memoized_names(dialect_class) -> frozenset[str]:
    """Return the names of a dialect's values worked out from its settings on first use.

    They are not settings, and one appears in the dialect only once something reads it,
    which compiling a statement may do: kept in the key, a statement compiled so was
    stored under another key than the one it was looked up by, and every new engine
    compiled it again.
    """
    return frozenset(
        name
        for cls in dialect_class.__mro__
        for name, attribute in vars(cls).items()
        if isinstance(attribute, memoized_property)
    )


def sharing_compiled_statements(create_engine, shared: SharedStatements):
    """Wrap create_engine so the engine compiles into the process's SharedStatements, and
    takes and keeps connections to the run's database (tests/warm_connections.py)."""

    def create(*args, **kwargs):
        engine = create_engine(*args, **kwargs)
        engine.update_execution_options(compiled_cache=shared)
        keep_connections(engine)
        return engine

    return create


def sharing_url_builders(compile_builder):
    """Wrap Rule._compile_builder so each URL builder is written once in the test process.

    A rule writes its url_for code as Python and compiles it (app/flask_app.py: on first
    use), and each test's app has rules of its own: ~1% of a web test's time. The code
    depends only on the rule's parts (its text, the converters and defaults it has), which
    are the key here; the function takes the rule it builds for as an argument.
    """
    builders = {}

    def compile_shared(rule, append_unknown=True):
        key = (
            rule.rule,
            tuple(rule._trace),
            tuple((name, type(converter)) for name, converter in rule._converters.items()),
            repr(sorted((rule.defaults or {}).items())),
            append_unknown,
        )
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = compile_builder(rule, append_unknown)
        return builder

    return compile_shared


def cheap_password_hash(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
    """Hash with scrypt as the app does, at the tests' cost."""
    method = TEST_SCRYPT if method == "scrypt" else method
    return generate_password_hash(password, method, salt_length)


@pytest.fixture(scope="session", autouse=True)
def cheaper_test_process():
    """Share compiled templates and SQL between apps, hash passwords at a test's cost and
    collect garbage less often (TEST_COLLECTOR_THRESHOLDS).

    Production hashing is untouched (tests/web/test_sign_in.py checks its cost); the
    apps that service tests run in other processes hash at production's cost. Why a new
    password is refused is worked out once per password, email and name in the test
    process: the answer depends on nothing else, and tests make the same accounts with the
    same password over and over (zxcvbn's estimate was a third of making one). Production
    keeps no password.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(*TEST_COLLECTOR_THRESHOLDS)
    with pytest.MonkeyPatch.context() as patch:
        options = {**Flask.jinja_options, "bytecode_cache": TemplateCode()}
        patch.setattr(Flask, "jinja_options", options)
        patch.setattr(accounts, "generate_password_hash", cheap_password_hash)
        remembered = lru_cache(maxsize=None)(password_problem)
        patch.setattr(accounts, "password_problem", remembered)
        patch.setattr(account_admin, "password_problem", remembered)
        patch.setattr(forms, "password_problem", remembered)
        statements = SharedStatements()
        create_engine = sharing_compiled_statements(engines.create_engine, statements)
        patch.setattr(engines, "create_engine", create_engine)
        # The ORM's flushes compile into their mapper's own cache, not the engine's.
        patch.setattr(Mapper, "_compiled_cache", property(lambda _mapper: statements))
        patch.setattr(Rule, "_compile_builder", sharing_url_builders(Rule._compile_builder))
        patch.setattr(Rule, "compile", sharing_rule_parses(Rule.compile))
        yield
    gc.set_threshold(*thresholds)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """Yield a migrated throwaway database for the whole run, dropped at the end."""
    folder = tmp_path_factory.mktemp("db")
    with database_at(request.param, folder, "head", "linkwise_test", in_memory=True) as url:
        WARM_DATABASES.add(make_url(url).database)
        try:
            yield url
        finally:
            close_every_kept()


@pytest.fixture(scope="session")
def smtp_server():
    """Run a real SMTP server (aiosmtpd) in this process for the whole run."""
    server = start_smtp_server()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    """Return the messages the app sent during this test, read from the SMTP server."""
    return smtp_server.mailbox


def build_app(database_url: str, smtp_server, **config) -> Flask:
    """Return a test app on the database, mailing the test SMTP server (its mailbox emptied)."""
    smtp_server.mailbox.clear()
    # The limiter is one object for every app of the process. A test whose app counted in a
    # Redis that could not be reached left it marked dead, on its in-memory fallback, which
    # a new app's init_app does not undo (Flask-Limiter keeps the mark until the old store
    # answers): this app's counts would then go to that fallback, not to its own store.
    limiter._storage_dead = False
    return create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "SMTP_URL": smtp_server.url,
            **config,
        }
    )


@pytest.fixture
def app(database_url, smtp_server):
    """Return an app on an empty database; every row is removed after the test."""
    app = build_app(database_url, smtp_server)
    yield app
    engine = app.extensions["linkwise.engine"]
    empty_every_table(engine)
    engine.dispose()
    limiter.reset()


def empty_every_table(engine) -> None:
    """Delete every row, children first, in one transaction."""
    tables = _children_first()
    if engine.dialect.name == "postgresql":
        # One round trip for them all (DELETE: TRUNCATE costs more on tables this small).
        with engine.begin() as connection:
            connection.exec_driver_sql("; ".join(f'DELETE FROM "{name}"' for name in tables))
        return
    # SQLite: only the tables that have rows, through the driver, and with foreign keys
    # unchecked (every row goes, so no row is left to point nowhere). Preparing a checked
    # DELETE for each of ~30 tables, with their foreign keys and triggers, cost ~7 ms a
    # test, and a test writes to a few. Deleting can add rows (a trigger records the
    # dashboard's counts changing), so the tables are looked at again until none has any.
    connection = engine.raw_connection()
    cursor = connection.cursor()
    (checked,) = cursor.execute("PRAGMA foreign_keys").fetchone()
    try:
        cursor.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, where it applies
        for _round in range(len(tables)):
            full = sorted(order for (order,) in cursor.execute(_tables_with_rows()))
            if not full:
                break
            for order in full:
                cursor.execute(f'DELETE FROM "{tables[order]}"')
        else:
            raise AssertionError("deleting rows kept adding rows")
        connection.commit()
    finally:
        connection.rollback()  # after a failure: the setting cannot change in a transaction
        cursor.execute(f"PRAGMA foreign_keys={'ON' if checked else 'OFF'}")
        connection.close()


@cache
def _children_first() -> tuple[str, ...]:
    return tuple(table.name for table in reversed(Base.metadata.sorted_tables))


@cache
def _tables_with_rows() -> str:
    """Return a query for the place in _children_first() of every table that has rows."""
    return " UNION ALL ".join(
        f'SELECT {order} WHERE EXISTS (SELECT 1 FROM "{name}")'
        for order, name in enumerate(_children_first())
    )


@pytest.fixture
def client(app):
    """Return a test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a runner for the linkwise commands."""
    return app.test_cli_runner()


def csrf_token(client, url: str) -> str:
    """Open a page and return the CSRF token from its form."""
    response = client.get(url)
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', response.text
    ) or re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def without_tokens(page: str) -> str:
    """Return a page without its forms' random tokens, which can hold any short run of letters
    (a test that says "NMC" or "UTC" is not on a page means in what a person reads)."""
    return re.sub(r'name="csrf_token"( type="hidden")? value="[^"]*"', "", page)


def post_form(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """POST a form the way a browser would: with the token from the page it sits on."""
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data}, **kwargs)


def confirm_professional(client) -> None:
    """Confirm, as a visitor, that we are a healthcare professional."""
    post_form(client, "/confirm-professional", {"answer": "yes", "next": "/"})


@pytest.fixture
def make_user(app):
    """Create an account and return its email; the password is DEMO_PASSWORD."""

    def make(email="learner@example.org", role="learner", org=None, **fields):
        with app.app_context():
            if org and not _org_exists(org):
                account_admin.create_organisation(org)
            account_admin.create_user(
                email=email,
                full_name=fields.get("full_name", "Sam Learner"),
                password=fields.get("password", DEMO_PASSWORD),
                profession=fields.get("profession", "practice-nurse"),
                role=role,
                organisation_name=org,
            )
        return email

    return make


def _org_exists(name: str) -> bool:
    from sqlalchemy import select

    from app import db
    from app.models import Organisation

    return db.session().scalar(select(Organisation.id).where(Organisation.name == name)) is not None


def sign_in(client, email: str, password: str = DEMO_PASSWORD):
    """Sign in through the form and return the response."""
    return post_form(client, "/sign-in", {"email": email, "password": password})


@pytest.fixture
def signed_in(client, make_user):
    """Return a client signed in as a learner."""
    sign_in(client, make_user())
    return client


PROJECT_ROOT = Path(__file__).resolve().parent.parent
