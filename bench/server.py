"""Shared by the benchmarks: throwaway databases, gunicorn serving the app, a signed-in client."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
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


def start_server(env: dict, workers: int, threads: int = 1) -> tuple[subprocess.Popen, int]:
    """Migrate, load the demo accounts and start gunicorn; return it and its port.

    With threads, gunicorn runs threaded workers, as the README's production command does.
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
            "bench.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


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
    for header in response.headers.get_all("Set-Cookie"):
        name, value = header.split(";")[0].split("=", 1)
        cookies[name] = value
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def databases(folder: str):
    """Yield (label, URL) for SQLite, then for a throwaway PostgreSQL database when one is named.

    The PostgreSQL server is the one BENCH_DATABASE_URL or TEST_DATABASE_URL names; its
    throwaway database is dropped when the caller moves on.
    """
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
