"""A real learning record store for the xAPI tests: Ralph, in a subprocess, on a free port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import bcrypt
import pytest

from app import create_app
from app.rate_limits import limiter
from tests.conftest import empty_every_table

USERNAME, PASSWORD = "linkwise", "lrs-test-secret"


class Lrs:
    """Ralph's LRS, which the test may stop and start again to make an outage."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "data").mkdir()
        (folder / "app").mkdir()
        hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
        (folder / "auth.json").write_text(
            json.dumps(
                [
                    {
                        "agent": {"mbox": "mailto:linkwise@example.org"},
                        "scopes": ["all"],
                        "hash": hashed,
                        "username": USERNAME,
                    }
                ]
            )
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the LRS and wait until it answers."""
        environment = {
            **os.environ,
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
            "RALPH_APP_DIR": str(self.folder / "app"),
        }
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("ralph_lrs.py")), str(self.port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "lrs.log").open("a"),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=1
                ):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError("Ralph did not start:\n" + (self.folder / "lrs.log").read_text())

    def stop(self) -> None:
        """Stop the LRS (an outage) and wait for it to go."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def stored(self) -> list[dict]:
        """Return every statement the LRS has written to its store, in order."""
        store = self.folder / "data" / "fs_lrs.jsonl"
        if not store.exists():
            return []
        return [json.loads(line) for line in store.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    """Start Ralph once for a test module."""
    server = Lrs(tmp_path_factory.mktemp("lrs"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lrs_app(database_url, lrs):
    """Return an app that records statements for the LRS; rows are removed after the test."""
    app = create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "LRS_URL": lrs.url,
            "LRS_USERNAME": USERNAME,
            "LRS_PASSWORD": PASSWORD,
            "BASE_URL": "https://linkwise.test",
        }
    )
    yield app
    engine = app.extensions["linkwise.engine"]
    empty_every_table(engine)
    engine.dispose()
    limiter.reset()


@pytest.fixture
def make_user_for():
    """Return a function that makes a new confirmed learner on an app and gives the email."""
    counter = iter(range(1, 10_000))

    def make(app):
        from app.services import account_admin

        email = f"learner{next(counter)}-{uuid.uuid4().hex[:6]}@example.org"
        with app.app_context():
            account_admin.create_user(
                email=email,
                full_name="Sam Learner",
                password="correct horse battery staple 42",
                profession="practice-nurse",
                role="learner",
                organisation_name=None,
            )
        return email

    return make
