"""An app whose sign-in counts are kept in a Redis that does not answer (a closed port,
with a password that must never be shown), for the tests of what pages and commands say
then. Its rows are removed afterwards, as the `app` fixture removes its own."""

from contextlib import contextmanager

from app import create_app
from app.rate_limits import limiter
from tests.mailbox import free_port

PASSWORD = "hunter2"


@contextmanager
def app_counting_in_unreachable_redis(database_url: str, smtp_server):
    """Yield the app and the Redis address it names (without the password)."""
    port = free_port()
    app = create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": database_url,
            "SMTP_URL": smtp_server.url,
            "RATELIMIT_STORAGE_URI": f"redis://:{PASSWORD}@127.0.0.1:{port}/0",
        }
    )
    try:
        yield app, f"redis://127.0.0.1:{port}/0"
    finally:
        from tests.conftest import empty_every_table

        engine = app.extensions["linkwise.engine"]
        empty_every_table(engine)
        engine.dispose()
        # Counting in it left the process's one limiter on its in-memory fallback.
        limiter._storage_dead = False
