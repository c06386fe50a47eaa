"""Start-up as the README's gunicorn command does it: once, before the workers fork."""

import gc
import os
import signal
import subprocess
import sys
import weakref

import pytest

from app import content_cache, create_app
from app.config import PROJECT_ROOT, ConfigError


def test_building_the_app_opens_no_database_connection_for_workers_to_share(database_url):
    # With --preload, gunicorn builds the app once and forks its workers: a connection
    # opened by then would be one socket shared by every worker.
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": database_url, "SECRET_KEY": "t"})
    pool = app.extensions["linkwise.engine"].pool
    assert (pool.checkedin(), pool.checkedout()) == (0, 0)


def test_a_forked_worker_serves_requests_beside_its_parent(database_url):
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": database_url, "SECRET_KEY": "t"})
    child = os.fork()
    if child == 0:  # the worker: answer, then leave without running the parent's clean-up
        signal.alarm(30)  # a lock inherited in a held state would hang it: die instead
        statuses = [app.test_client().get(url).status_code for url in ("/healthz", "/")]
        os._exit(0 if statuses == [200, 200] else 1)
    assert app.test_client().get("/healthz").status_code == 200
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    app.extensions["linkwise.engine"].dispose()


def test_the_garbage_collector_runs_again_once_the_app_is_built(database_url):
    # Start-up pauses it (app/collector.py); a build that fails must not leave it paused.
    settings = {"LINKWISE_ENV": "test", "DATABASE_URL": database_url, "SECRET_KEY": "t"}
    app = create_app(settings)
    assert gc.isenabled()
    with pytest.raises(ConfigError):
        create_app({**settings, "LINKWISE_ENV": "production", "SECRET_KEY": None})
    assert gc.isenabled()
    app.extensions["linkwise.engine"].dispose()


def test_what_a_build_throws_away_is_collected_not_kept(database_url):
    settings = {"LINKWISE_ENV": "test", "DATABASE_URL": database_url, "SECRET_KEY": "t"}
    create_app(settings).extensions["linkwise.engine"].dispose()
    gc.collect()
    thrown_away = weakref.ref(create_app(settings))
    gc.collect()
    assert thrown_away() is None


def test_an_app_that_has_served_pages_is_collected_once_dropped(database_url):
    # Caches filled while serving (rendered components, URLs) belong to their app: one
    # shared by every app kept each app a test built alive, and the suite slowed as it went.
    settings = {"LINKWISE_ENV": "test", "DATABASE_URL": database_url, "SECRET_KEY": "t"}
    create_app(settings).extensions["linkwise.engine"].dispose()  # the one start-up freezes

    def served() -> weakref.ref:
        app = create_app(settings)
        for path in ("/", "/sign-in", "/register", "/no-such-page"):
            app.test_client().get(path).close()
        app.extensions["linkwise.engine"].dispose()
        return weakref.ref(app)

    dropped = [served(), served()]
    gc.collect()
    assert [app() for app in dropped] == [None, None]


def test_a_restart_on_sqlite_loads_no_seeder_psycopg_or_yaml(tmp_path):
    # Only `linkwise seed-demo` needs the seeder, whose COPY support loads psycopg; content
    # unchanged since the last start is read from the content cache, with no YAML parsed.
    # A fresh process is the only place to see what start-up itself imports.
    first, restart = (_modules_loaded_by_create_app(tmp_path) for _ in range(2))
    assert "yaml" in first  # the first start parsed the content
    assert restart == []


def _modules_loaded_by_create_app(tmp_path) -> list[str]:
    settings = {"LINKWISE_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/app.db"}
    code = (
        "import sys\n"
        "from app import create_app\n"
        f"create_app({{**{settings!r}, 'SECRET_KEY': 't'}})\n"
        "print(*(m for m in ('app.services.seeding', 'psycopg', 'yaml') if m in sys.modules))\n"
    )
    env = {**os.environ, content_cache.SETTING: str(tmp_path / "content-cache")}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.split()
