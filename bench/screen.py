"""A screen page's throughput as a ratio of a bare endpoint's, from one run against gunicorn.

The same gunicorn server and signed-in learner serve both; rounds alternate between the
two and the medians are kept, so a passing hiccup on the machine hits neither alone.
"""

import http.client
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.server import ROOT, app_env, databases, sign_in, start_server

DURATION = float(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
TARGET = 0.5

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


def measure(database_url: str) -> tuple[float, float, str]:
    """Return the bare and screen throughputs (medians) and the screen's path."""
    server, port = start_server(app_env(database_url), WORKERS)
    try:
        cookie = sign_in(port)
        path = screen_path()
        throughput(port, "/bench/bare", cookie)  # warm every worker
        bares, screens = [], []
        for _ in range(ROUNDS):
            bares.append(throughput(port, "/bench/bare", cookie))
            screens.append(throughput(port, path, cookie))
    finally:
        server.terminate()
        server.wait()
    return statistics.median(bares), statistics.median(screens), path


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, url in databases(folder):
            rows.append((label, *measure(url)))
    print(
        f"\nScreen page vs bare endpoint: gunicorn, {WORKERS} workers, {CONCURRENCY} "
        f"connections from {CLIENT},\n"
        f"median of {ROUNDS} alternating {DURATION:.0f} s rounds, one run"
    )
    print(f"{'database':<12} {'bare req/s':>11} {'screen req/s':>13} {'ratio':>7}  target")
    for label, bare, screen, path in rows:
        print(
            f"{label:<12} {bare:>11.0f} {screen:>13.0f} {screen / bare:>7.2f}  "
            f">= {TARGET:.2f}  ({path})"
        )
