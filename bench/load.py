"""Load generators: wrk at saturation, and a Python client for fixed rates.

wrk (C, keep-alive) finds how many requests a second a server answers flat out, for a path
or for prepared requests each sent once (quiz submits, through bench/prepared.lua). Latency
is measured at a fixed, moderate rate by an open-loop client: each request is due at its
own moment, whatever happened to the ones before, and its latency counts from that moment,
so a server that stalls is charged for the requests that queued behind the stall (wrk's
closed loop would quietly send fewer instead).
"""

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HAS_WRK = bool(shutil.which("wrk"))
WRK_THREADS = 2
PREPARED_SCRIPT = Path(__file__).with_name("prepared.lua")
PREPARED_THREAD = re.compile(
    r"prepared thread (\d+) sent (\d+) answered (\d+) ok (\d+) ran-out (\d+)"
)


@dataclass(frozen=True)
class Saturation:
    """What one flat-out run measured."""

    requests: int
    seconds: float
    errors: int
    received: float = 0.0  # bytes read, headers included
    socket_errors: int = 0  # of the errors, those of connecting, reading, writing or timing out

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
    options = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    return _wrk_saturation(_run_wrk(port, path, seconds, connections, options))


@dataclass(frozen=True)
class PreparedRun:
    """What wrk did with prepared requests: which it sent, how they were answered."""

    saturation: Saturation  # its requests: those answered with an expected status
    sent: list[int]  # the indexes of the requests sent, in increasing order
    answered: int
    ran_out: bool  # a thread sent all its requests before time was up
    median_latency: float  # seconds


def wrk_prepared(
    port: int, requests: Sequence[bytes], seconds: float, connections: int, ok: Sequence[int]
) -> PreparedRun:
    """Send prepared requests flat out with wrk (bench/prepared.lua), each at most once.

    Each of wrk's threads takes every WRK_THREADS-th request, written to a file it reads
    before the run starts, so the threads go through the list side by side, as in its order.
    """
    shares = [range(thread, len(requests), WRK_THREADS) for thread in range(WRK_THREADS)]
    if not all(shares):
        raise ValueError(f"wrk needs at least {WRK_THREADS} prepared requests")
    with tempfile.TemporaryDirectory() as folder:
        prefix = f"{folder}/requests-"
        for thread, share in enumerate(shares):
            with open(f"{prefix}{thread}", "wb") as file:
                for index in share:
                    file.write(b"%d\n%s" % (len(requests[index]), requests[index]))
        script = ["-s", str(PREPARED_SCRIPT)]
        arguments = [prefix, ",".join(map(str, ok))]
        out = _run_wrk(port, "/", seconds, connections, script, arguments)
    threads = [tuple(map(int, t)) for t in re.findall(PREPARED_THREAD, out)]
    if len(threads) != WRK_THREADS:
        raise RuntimeError(f"wrk did not report its prepared requests:\n{out}")
    measured = _wrk_saturation(out)
    sent = sorted(index for thread, count, *_ in threads for index in shares[thread][:count])
    answered = sum(t[2] for t in threads)
    well = sum(t[3] for t in threads)
    errors = answered - well + measured.socket_errors
    return PreparedRun(
        Saturation(well, measured.seconds, errors, measured.received, measured.socket_errors),
        sent,
        answered,
        any(t[4] for t in threads),
        float(re.search(r"prepared median latency ([\d.]+) us", out)[1]) / 1e6,
    )


def _run_wrk(
    port: int, path: str, seconds: float, connections: int, options: list, arguments=()
) -> str:
    """Run wrk and return what it printed; `arguments` go to its script."""
    run = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            *options,
            f"http://127.0.0.1:{port}{path}",
            *(["--", *arguments] if arguments else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


def _wrk_saturation(out: str) -> Saturation:
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    seconds_taken = float(done[2]) / (1000 if done[3] == "ms" else 1)
    status = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    sockets = sum(map(int, failed.groups())) if failed else 0
    read = re.search(r"([\d.]+)([KMG]?B) read", out)
    received = float(read[1]) * {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}[read[2]]
    return Saturation(int(done[1]), seconds_taken, status + sockets, received, sockets)


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
