"""The README's gunicorn command, and a `linkwise` command, given a setting that cannot work
in production, say in one sentence what to set and exit non-zero, with no traceback: a
DATABASE_URL that cannot be read or asks for a driver Linkwise does not install, as well as
a missing SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PRODUCTION, PROJECT_ROOT
from tests.mailbox import free_port
from tests.web.cli_helpers import run_linkwise

GUNICORN = Path(sys.executable).with_name("gunicorn")
NOT_A_URL = (
    "DATABASE_URL is not a database URL: use one like sqlite:///instance/linkwise.db or "
    "postgresql://user@host/linkwise"
)
NO_DRIVER = (
    "DATABASE_URL asks for the {} driver, which Linkwise does not install: leave the driver "
    "out (sqlite:///instance/linkwise.db, postgresql://user@host/linkwise)"
)
REFUSED = [
    ({"DATABASE_URL": "not a url"}, NOT_A_URL),
    ({"DATABASE_URL": "postgresql://linkwise@db:five/linkwise"}, NOT_A_URL),
    ({"DATABASE_URL": "postgresql+psycopg2://linkwise@db/linkwise"}, NO_DRIVER.format("psycopg2")),
    ({"DATABASE_URL": "postgresql+nodriver://linkwise@db/x"}, NO_DRIVER.format("nodriver")),
    (
        {"SECRET_KEY": ""},
        "SECRET_KEY is not set: set it to a long random string to run in production, or set "
        "LINKWISE_ENV=development to try Linkwise on your own machine",
    ),
]
SETTINGS = ("BASE_URL", "PRIVACY_CONTROLLER", "PRIVACY_CONTACT", "SMTP_URL", "ISSUER_KEY")
IDS = ["unreadable", "port", "driver-not-installed", "no-such-driver", "secret-key"]


def _production(tmp_path, setting: dict) -> dict:
    """Return the environment of a production deployment with everything it needs set, but
    for `setting`."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "LINKWISE_ENV": "production",
        "SECRET_KEY": PRODUCTION["SECRET_KEY"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'linkwise.db'}",
        **{f"LINKWISE_{name}": PRODUCTION[name] for name in SETTINGS},
        **setting,
    }
    environment.pop("LINKWISE_CONTENT_DIR", None)
    return environment


@pytest.mark.parametrize(("setting", "said"), REFUSED, ids=IDS)
def test_the_readmes_gunicorn_command_says_one_sentence_and_exits(setting, said, tmp_path):
    started = subprocess.run(
        [
            str(GUNICORN),
            *("--worker-class", "gthread", "--workers", "1", "--threads", "4", "--preload"),
            *("--bind", f"127.0.0.1:{free_port()}", "app:create_app()"),
        ],
        env=_production(tmp_path, setting),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "Traceback" not in started.stderr, started.stderr
    assert started.stderr.strip().splitlines() == [f"Error: {said}"]


@pytest.mark.parametrize(("setting", "said"), REFUSED, ids=IDS)
def test_a_linkwise_command_says_the_same_sentence(setting, said, tmp_path):
    result = run_linkwise("db", "upgrade", env=_production(tmp_path, setting))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines() == [f"Error: {said}"]
