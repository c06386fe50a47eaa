"""A credential file past the largest request (1 MiB), sent to the README's gunicorn command,
gets the check page saying the file is too large, not a reset connection: gunicorn reads the
rest of the body before it closes. (Werkzeug's development server reads on only while the
rest keeps arriving: README, `linkwise run`.)"""

import os
import socket
import subprocess
import sys
from pathlib import Path

from app.cli import upgrade_database
from tests.conftest import PROJECT_ROOT
from tests.mailbox import free_port
from tests.service.served import wait_for

GUNICORN = Path(sys.executable).with_name("gunicorn")
BOUNDARY = "linkwise-test-boundary"
TOO_LARGE = "The selected file must be 64 KB or smaller"


def _post_file(port: int, size: int) -> bytes:
    """Send a multipart form with a file of `size` bytes as a browser does, reading what comes
    back even once the server has stopped taking the body."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="credential_file"; '
        'filename="big.jwt"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    request = (
        f"POST /credentials/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(head) + size + len(tail)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(request + head)
            chunk = b"e" * 65536
            for start in range(0, size, len(chunk)):
                sock.sendall(chunk[: size - start])
            sock.sendall(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered early: what matters is that the answer arrives
        answer = b""
        while received := sock.recv(65536):
            answer += received
    return answer


def test_a_file_past_the_largest_request_gets_the_page_saying_so(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'linkwise.db'}"
    upgrade_database(database_url)
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "LINKWISE_ENV": "development",
        "DATABASE_URL": database_url,
    }
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [
            str(GUNICORN),
            *("--worker-class", "gthread", "--workers", "1", "--threads", "4", "--preload"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"),
        ],
        env=environment,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(port)
        for size in (2 * 1024 * 1024, 20 * 1024 * 1024):
            answer = _post_file(port, size)
            status, _, rest = answer.partition(b"\r\n")
            assert status == b"HTTP/1.1 413 REQUEST ENTITY TOO LARGE", (size, answer[:300])
            page = rest.decode()
            assert page.count(TOO_LARGE) == 2, size  # the summary and beside the file input
            assert 'href="#credential_file"' in page and 'type="file"' in page
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
