"""Load generators: wrk at saturation, and a Python client for fixed rates and prepared requests.

wrk (C, keep-alive) finds how many requests a second a server answers flat out. Latency
is measured at a fixed, moderate rate by an open-loop client: each request is due at its
own moment, whatever happened to the ones before, and its latency counts from that moment,
so a server that stalls is charged for the requests that queued behind the stall (wrk's
closed loop would quietly send fewer instead).
"""

import asyncio
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

HAS_WRK = bool(shutil.which("wrk"))


@dataclass(frozen=True)
class Saturation:
    """What one flat-out run measured."""

    requests: int
    seconds: float
    errors: int
    received: float = 0.0  # bytes read, headers included (wrk only)

    @property
    def rate(self) -> float:
        """Return requests answered per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def get_request(path: str, headers: dict[str, str] | None = None) -> bytes:
    """Return the bytes of a keep-alive GET."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *_header_lines(headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def post_request(path: str, body: str, headers: dict[str, str]) -> bytes:
    """Return the bytes of a keep-alive form POST."""
    data = body.encode()
    headers = {
        **headers,
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(data)),
    }
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *_header_lines(headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def _header_lines(headers: dict[str, str] | None) -> list[str]:
    return [f"{name}: {value}" for name, value in (headers or {}).items()]


def wrk(port: int, path: str, headers: dict[str, str], seconds: float, connections: int):
    """Run wrk against a path flat out; return what it measured."""
    run = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            *[arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")],
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = run.stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    seconds_taken = float(done[2]) / (1000 if done[3] == "ms" else 1)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    read = re.search(r"([\d.]+)([KMG]?B) read", out)
    received = float(read[1]) * {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}[read[2]]
    return Saturation(int(done[1]), seconds_taken, errors, received)


def closed_loop(
    port: int, requests: Sequence[bytes], seconds: float, connections: int, ok: Sequence[int]
) -> Saturation:
    """Send prepared requests flat out over keep-alive connections, each request once.

    Stops when they run out or time is up; the time counted ends with the last answer.
    """
    return asyncio.run(_closed_loop(port, list(requests), seconds, connections, tuple(ok)))


async def _closed_loop(port, requests, seconds, connections, ok) -> Saturation:
    queue = list(reversed(requests))
    errors = done = 0
    started = time.perf_counter()
    deadline = started + seconds
    finished = started

    async def client():
        nonlocal errors, done, finished
        connection = None
        while queue and time.perf_counter() < deadline:
            request = queue.pop()
            connection, status, keep = await _send(port, connection, request)
            done += 1
            errors += status not in ok
            finished = time.perf_counter()
            if not keep:
                connection[1].close()
                connection = None
        if connection:
            connection[1].close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return Saturation(done, finished - started, errors)


def open_loop(
    port: int, requests: Sequence[bytes], rate: float, seconds: float, ok: Sequence[int]
) -> tuple[list[float], int]:
    """Send requests at a fixed rate for some seconds; return latencies (s) and errors.

    Requests are taken in turn (round and round for a list shorter than needed); each is due
    at start + i / rate and its latency counts from then.
    """
    return asyncio.run(_open_loop(port, list(requests), rate, seconds, tuple(ok)))


async def _open_loop(port, requests, rate, seconds, ok) -> tuple[list[float], int]:
    idle: list = []
    latencies: list[float] = []
    errors = 0

    async def one(request: bytes, due: float):
        nonlocal errors
        try:
            connection, status, keep = await _send(port, idle.pop() if idle else None, request)
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
            return
        latencies.append(time.perf_counter() - due)
        errors += status not in ok
        if keep:
            idle.append(connection)
        else:
            connection[1].close()

    started = time.perf_counter()
    tasks = []
    for index in range(int(rate * seconds)):
        due = started + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(requests[index % len(requests)], due)))
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()
    return latencies, errors


async def _send(port: int, connection, request: bytes):
    """Send a request on a kept-alive connection, or a new one; return it, status, keep-alive.

    gunicorn closes a connection left idle for two seconds: a request that finds its
    connection closed was never read, so it goes again on a new one.
    """
    if connection is not None:
        try:
            return (connection, *await _exchange(*connection, request))
        except (ConnectionError, asyncio.IncompleteReadError) as closed:
            connection[1].close()
            if getattr(closed, "partial", b""):
                raise  # the server had started to answer
    connection = await asyncio.open_connection("127.0.0.1", port)
    return (connection, *await _exchange(*connection, request))


async def _exchange(reader, writer, request: bytes) -> tuple[int, bool]:
    """Send one request and read its whole answer; return its status and whether to keep alive."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection") != "close"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which this fraction of the values lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
