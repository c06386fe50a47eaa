"""Benchmarks, reported as ratios measured in one run: `make bench`.

Starts gunicorn on a throwaway SQLite database (and a throwaway PostgreSQL database on the
server named by BENCH_DATABASE_URL or TEST_DATABASE_URL, when set), signs a learner in,
then measures requests per second for a bare endpoint and for a screen page with the same
client, and prints the ratio.
"""

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DURATION = float(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PASSWORD = "linkwise-demo-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "LINKWISE_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "PYTHONPATH": str(ROOT),
    }
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([BIN / "linkwise", *command], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def sign_in(port: int) -> str:
    """Sign the demo learner in and return the Cookie header to send."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = dict(c.split(";")[0].split("=", 1) for c in response.headers.get_all("Set-Cookie"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "email": "learner@example.org", "password": PASSWORD}
    )
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


CLIENT = "wrk" if shutil.which("wrk") else "a Python client (apt-get install wrk: less noise)"


def throughput(port: int, path: str, cookie: str) -> float:
    """Return requests per second for a path, measured by wrk when installed."""
    if shutil.which("wrk"):
        return wrk_throughput(port, path, cookie)
    return python_throughput(port, path, cookie)


def wrk_throughput(port: int, path: str, cookie: str) -> float:
    """Return requests per second as wrk (C, no GIL) measures them."""
    run = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONCURRENCY}",
            f"-d{DURATION:.0f}s",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in run.stdout:
        raise RuntimeError(f"{path} answered errors under load:\n{run.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))


def python_throughput(port: int, path: str, cookie: str) -> float:
    """Return requests per second for a path, with CONCURRENCY Python clients."""
    counts = [0] * CONCURRENCY
    deadline = time.perf_counter() + DURATION

    def client(index: int):
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def course():
    """Return the catalogue the server will load (the shipped content unless overridden)."""
    from app.content import load

    return load(
        Path(os.environ.get("LINKWISE_CONTENT_DIR") or ROOT / "content"),
        Path(os.environ.get("LINKWISE_COMPETENCIES_DIR") or ROOT / "competencies"),
    ).catalogue


def screen_path() -> str:
    module = course().modules[0]
    return f"/modules/{module.slug}/{module.screens[0].slug}/"


def bench(label: str, database_url: str) -> tuple:
    port = free_port()
    server = start_server(database_url, port)
    try:
        cookie = sign_in(port)
        path = screen_path()
        throughput(port, "/bench/bare", cookie)  # warm every worker
        # Alternate the two and keep the medians, so a passing hiccup hits neither alone.
        bares, screens = [], []
        for _ in range(ROUNDS):
            bares.append(throughput(port, "/bench/bare", cookie))
            screens.append(throughput(port, path, cookie))
        bare, screen = statistics.median(bares), statistics.median(screens)
    finally:
        server.terminate()
        server.wait()
    return label, bare, screen, path


def throwaway_postgres(server_url: str):
    """Create an empty PostgreSQL database on the server; return its URL and a dropper."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from app.config import normalise_database_url

    server = make_url(normalise_database_url(server_url))
    name = f"linkwise_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(bench("SQLite", f"sqlite:///{folder}/bench.db"))
    server_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if server_url:
        url, drop = throwaway_postgres(server_url)
        try:
            rows.append(bench("PostgreSQL", url))
        finally:
            drop()
    print(
        f"\nScreen page vs bare endpoint: gunicorn, {WORKERS} workers, {CONCURRENCY} "
        f"connections from {CLIENT},\n"
        f"median of {ROUNDS} alternating {DURATION:.0f} s rounds, one run"
    )
    print(f"{'database':<12} {'bare req/s':>11} {'screen req/s':>13} {'ratio':>7}  target")
    for label, bare, screen, path in rows:
        print(f"{label:<12} {bare:>11.0f} {screen:>13.0f} {screen / bare:>7.2f}  >= 0.50  ({path})")


if __name__ == "__main__":
    main()
