"""Every linkwise command run by hand works, or says in one sentence what to set."""

import json
import re
import subprocess

import pytest

from app.cli import upgrade_database
from tests.conftest import PROJECT_ROOT

from .cli_helpers import run_linkwise

UNSET = ("LINKWISE_ENV", "SECRET_KEY", "DATABASE_URL", "LINKWISE_CONTENT_DIR")
NO_SERVER = "postgresql://postgres@127.0.0.1:1/linkwise"


def one_sentence(result) -> str:
    """Return the one error line a command printed, checking there is nothing else."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """Return the URL of a migrated, empty SQLite database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'linkwise.db'}"
    upgrade_database(url)
    return url


def test_commands_run_from_a_checkout_work_with_development_defaults(database):
    for command in (["create-org", "Northgate PCN"], ["seed-demo"]):
        result = run_linkwise(*command, env={"DATABASE_URL": database}, unset=("LINKWISE_ENV",))
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr


def test_a_deployment_without_a_secret_key_is_told_what_to_set():
    result = run_linkwise("create-org", "X", env={"DATABASE_URL": NO_SERVER}, unset=UNSET[:2])
    assert one_sentence(result) == (
        "Error: SECRET_KEY is not set: set it to a long random string to run in production, "
        "or set LINKWISE_ENV=development to try Linkwise on your own machine"
    )


def test_help_still_lists_the_commands_when_the_setup_is_wrong():
    result = run_linkwise("--help", env={"DATABASE_URL": NO_SERVER}, unset=UNSET[:2])
    assert result.returncode == 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "create-org" in result.stdout and "Traceback" not in result.stderr


def test_a_database_without_tables_is_told_to_upgrade(tmp_path):
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run_linkwise("create-org", "X", env={"DATABASE_URL": empty})
    assert one_sentence(result) == (
        "Error: the database has no Linkwise tables yet: run `linkwise db upgrade` first"
    )


def test_an_unreachable_database_is_named_without_its_password():
    url = "postgresql://postgres:secret@127.0.0.1:1/linkwise"
    result = run_linkwise("db", "upgrade", env={"DATABASE_URL": url})
    sentence = one_sentence(result)
    assert sentence.startswith("Error: cannot use the database at postgresql")
    assert "postgres:***@127.0.0.1:1/linkwise: check DATABASE_URL" in sentence
    assert "secret" not in sentence


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ({"DATABASE_URL": "nonsense"}, "Error: DATABASE_URL is not a database URL: use one like"),
        ({"PORT": "five thousand"}, "Error: PORT must be a whole number, not 'five thousand'"),
    ],
    ids=["database-url", "port"],
)
def test_a_wrong_setting_is_named(setting, expected):
    assert one_sentence(run_linkwise("create-org", "X", env=setting)).startswith(expected)


def test_seed_demo_loads_accounts_but_no_learners_while_the_content_is_broken(database):
    broken = {
        "DATABASE_URL": database,
        "LINKWISE_CONTENT_DIR": "tests/domain/fixtures/broken",
        "LINKWISE_COMPETENCIES_DIR": "tests/domain/fixtures/broken/competencies",
    }
    assert run_linkwise("seed-demo", env=broken).returncode == 0
    result = run_linkwise("seed-demo", "--learners", "5", env=broken)
    assert "the content has errors, so no learners can be drawn from it" in result.stderr
    assert result.returncode == 1


def test_make_runs_top_up_goes_on_without_learners_while_the_content_is_broken(database):
    broken = {
        "DATABASE_URL": database,
        "LINKWISE_CONTENT_DIR": "tests/domain/fixtures/broken",
        "LINKWISE_COMPETENCIES_DIR": "tests/domain/fixtures/broken/competencies",
    }
    flag = "--skip-if-content-has-errors"
    result = run_linkwise("seed-demo", "--learners", "5", "--top-up", flag, env=broken)
    assert result.returncode == 0
    assert "No demo learners were added: the content has errors" in result.stdout
    refused = run_linkwise("seed-demo", "--learners", "5", "--top-up", env=broken)
    assert one_sentence(refused) == (
        "Error: no demo learners were added: the content has errors; `linkwise validate` lists them"
    )


def test_make_run_installs_only_what_serving_needs():
    # `make -n -B` prints every command a first `make run` would run, without running them.
    planned = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    pip = [line for line in planned if "pip install" in line and "--upgrade pip" not in line]
    npm = [line for line in planned if line.startswith("npm ")]
    assert pip == [".venv/bin/python -m pip install -qq -e ."]
    assert len(npm) == 1 and "--omit=dev" in npm[0] and "--loglevel=error" in npm[0]


def test_the_readme_names_the_node_version_the_served_packages_need():
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text())
    served = {
        name: package.get("engines", {}).get("node")
        for name, package in lock["packages"].items()
        if name and not package.get("dev")
    }
    assert served == {"node_modules/nhsuk-frontend": "^20.9.0 || ^22.11.0 || >= 24.11.0"}
    lowest = re.match(r"\^(\d+\.\d+)", served["node_modules/nhsuk-frontend"]).group(1)
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert f"Node.js {lowest} or later" in readme


def test_other_packages_commands_that_cannot_work_are_not_offered():
    listed = run_linkwise("--help")
    names = re.findall(r"^  ([a-z][a-z-]+)\s", listed.stdout.split("Commands:")[1], re.M)
    assert "validate" in names and "db" in names and "routes" in names
    # Flask-Limiter's, which needs an extra (rich) that Linkwise does not install.
    assert "limiter" not in names
    result = run_linkwise("limiter", "config")
    assert result.returncode == 2 and "No such command 'limiter'" in result.stderr
