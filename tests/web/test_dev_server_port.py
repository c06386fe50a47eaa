"""`linkwise run --port N`: the links the development server prints name port N."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from app import content_cache
from app.config import PROJECT_ROOT
from tests.web.cli_helpers import run_linkwise


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def ask_for_a_reset(base: str, email: str) -> None:
    """Ask for a password reset as a visitor does: the form, then its post."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/forgot-password", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email}).encode()
    assert opener.open(f"{base}/forgot-password", data, timeout=30).status == 200


def test_the_links_the_dev_server_prints_name_the_port_it_serves(tmp_path):
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/dev.db",
        "LINKWISE_MAIL_DIR": str(tmp_path / "mail"),
        content_cache.SETTING: str(tmp_path / "content-cache"),
        "PORT": "5000",  # a PORT left over in the environment: the port served wins
    }
    for command in (("db", "upgrade"), ("seed-demo",)):
        done = run_linkwise(*command, env=env, cwd=PROJECT_ROOT)
        assert done.returncode == 0, done.stderr
    linkwise = os.path.join(os.path.dirname(sys.executable), "linkwise")
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [linkwise, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "LINKWISE_ENV": "development", **env},
            cwd=PROJECT_ROOT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/healthz", server)
            ask_for_a_reset(base, "learner@example.org")
        finally:
            server.terminate()
            server.wait(timeout=30)
    printed = log.read_text()
    assert f"Running on http://127.0.0.1:{port}" in printed
    assert f"link: http://127.0.0.1:{port}/reset-password/" in printed, printed
    (mail,) = (tmp_path / "mail").glob("*.eml")
    assert f"http://127.0.0.1:{port}/reset-password/" in mail.read_text()
