"""Shared by the benchmarks: throwaway databases, gunicorn serving the app, a signed-in client."""

import http.client
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "linkwise-demo-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, **extra: str) -> dict:
    """Return the environment the CLI and gunicorn run with."""
    return {
        **os.environ,
        "LINKWISE_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def linkwise(env: dict, *arguments: str) -> str:
    """Run a `linkwise` command and return what it printed."""
    run = subprocess.run([BIN / "linkwise", *arguments], env=env, capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"linkwise {' '.join(arguments)} failed:\n{run.stdout}{run.stderr}")
    return run.stdout


def readme_gunicorn(app_spec: str, port: int, root: Path = ROOT) -> list[str]:
    """Return the README's production gunicorn command, serving `app_spec` on 127.0.0.1:port.

    The bench runs exactly what the README tells operators to run; only the address (and
    the app, for the bare yardstick) is swapped in.
    """
    readme = (root / "README.md").read_text("utf-8")
    line = next(ln for ln in readme.splitlines() if ln.startswith("gunicorn "))
    words = shlex.split(line.split("#")[0])
    words[words.index("--bind") + 1] = f"127.0.0.1:{port}"
    words[-1] = app_spec
    return [str(BIN / "gunicorn"), *words[1:-1], "--log-level", "warning", app_spec]


def start_gunicorn(
    env: dict, app_spec: str = "app:create_app()", root: Path = ROOT
) -> tuple[subprocess.Popen, int]:
    """Start a checkout's README gunicorn command; return it once it accepts connections."""
    port = free_port()
    server = subprocess.Popen(readme_gunicorn(app_spec, port, root), env=env, cwd=root)
    wait_for(server, port)
    return server, port


def start_server(
    env: dict, workers: int, threads: int = 1, root: Path = ROOT
) -> tuple[subprocess.Popen, int]:
    """Migrate, load the demo accounts and start gunicorn; return it and its port.

    With threads, gunicorn runs threaded workers, as the README's production command does.
    `root` is the checkout served (its own code through env's PYTHONPATH).
    """
    linkwise(env, "db", "upgrade")
    linkwise(env, "seed-demo")
    port = free_port()
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
            "app:create_app()",
        ],
        env=env,
        cwd=root,
    )
    wait_for(server, port)
    return server, port


def wait_for(server: subprocess.Popen, port: int) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    """Stop a server the bench started, and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def course():
    """Return the catalogue the server will load (the shipped content unless overridden)."""
    from app.content import load

    return load(
        Path(os.environ.get("LINKWISE_CONTENT_DIR") or ROOT / "content"),
        Path(os.environ.get("LINKWISE_COMPETENCIES_DIR") or ROOT / "competencies"),
    ).catalogue


def screen_path() -> str:
    """Return the URL of the first screen of the first module."""
    module = course().modules[0]
    return f"/modules/{module.slug}/{module.screens[0].slug}/"


def sign_in(port: int, email: str = "learner@example.org") -> str:
    """Sign a demo account in and return the Cookie header to send."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = dict(c.split(";")[0].split("=", 1) for c in response.headers.get_all("Set-Cookie"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    connection.request(
        "POST",
        "/sign-in",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    _keep_cookies(response, cookies)
    # Follow the redirect as a browser does and keep what the first signed-in page sets (the
    # session's CSRF secret): a browser sends that cookie from then on, so a bench that kept
    # the sign-in response's cookie would pay for a new session cookie on every request.
    connection.request(
        "GET",
        urllib.parse.urlsplit(response.headers["Location"]).path,
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )
    response = connection.getresponse()
    response.read()
    assert response.status < 400, response.status
    _keep_cookies(response, cookies)
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _keep_cookies(response, cookies: dict) -> None:
    for header in response.headers.get_all("Set-Cookie") or ():
        name, value = header.split(";")[0].split("=", 1)
        cookies[name] = value


def databases(folder: str):
    """Yield (label, URL) for SQLite, then for a throwaway PostgreSQL database when one is named.

    The PostgreSQL server is the one BENCH_DATABASE_URL or TEST_DATABASE_URL names; its
    throwaway database is dropped when the caller moves on. BENCH_POSTGRES_ONLY skips SQLite.
    """
    if not os.environ.get("BENCH_POSTGRES_ONLY"):
        yield "SQLite", f"sqlite:///{folder}/bench.db"
    server_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if server_url:
        url, drop = throwaway_postgres(server_url)
        try:
            yield "PostgreSQL", url
        finally:
            drop()


def throwaway_postgres(server_url: str):
    """Create an empty PostgreSQL database on the server; return its URL and a dropper."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from app.config import normalise_database_url

    server = make_url(normalise_database_url(server_url))
    name = f"linkwise_bench_{os.getpid()}_{time.monotonic_ns()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def settle(database_url: str) -> None:
    """VACUUM ANALYZE a freshly seeded PostgreSQL database, as autovacuum soon would.

    Seeding inserts hundreds of thousands of rows: left to autovacuum, their vacuum and
    statistics would run during the first rounds, beside whichever target was loading then,
    on a machine of two cores (its own CPU is never counted: the bench counts the app's
    named connections).
    """
    if not database_url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def database_backends(database_url: str):
    """Return a callable listing the PostgreSQL backends serving this database (none for SQLite).

    Their CPU is the database's share of a request; the machine's other databases are not
    counted.
    """
    if not database_url.startswith("postgresql"):
        return list
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres", query={}), poolclass=NullPool)
    # The bench names each app's connections when two apps share the database.
    named = url.query.get("application_name")

    def pids() -> list[int]:
        with admin.connect() as connection:
            return list(
                connection.scalars(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = :name"
                        " AND (CAST(:app AS text) IS NULL OR application_name = :app)"
                    ),
                    {"name": url.database, "app": named},
                )
            )

    return pids


@contextmanager
def another_database(database_url: str):
    """Yield an empty database of the same kind beside database_url's, for BENCH_BEFORE.

    Each checkout migrates, seeds and serves its own database, so a change to the schema
    (its migrations, triggers and indexes) shows in the before and after as the app's does.
    """
    if database_url.startswith("sqlite"):
        yield database_url.replace("bench.db", "before.db")
        return
    url, drop = throwaway_postgres(database_url)
    try:
        yield url
    finally:
        drop()
