"""`linkwise run` on a database with no tables says to upgrade it, and serves nothing."""

import werkzeug
from click.testing import CliRunner

from app.cli_commands import _create_app_or_explain
from app.cli_errors import LinkwiseGroup
from app.cli_serve import run_command


def _run(url: str, monkeypatch):
    served = []
    monkeypatch.setattr(werkzeug, "run_simple", lambda *args, **kwargs: served.append(args))
    monkeypatch.setattr("flask.cli.run_simple", lambda *args, **kwargs: served.append(args))
    group = LinkwiseGroup(create_app=_create_app_or_explain, load_dotenv=False)
    group.add_command(run_command)
    env = {"LINKWISE_ENV": "test", "DATABASE_URL": url}
    return CliRunner().invoke(group, ["run", "--no-reload", "--port", "5127"], env=env), served


def test_run_on_a_database_with_no_tables_says_to_upgrade_it(tmp_path, monkeypatch):
    result, served = _run(f"sqlite:///{tmp_path}/empty.db", monkeypatch)
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1] == (
        "Error: the database has no Linkwise tables yet: run `linkwise db upgrade` first"
    )
    assert served == []


def test_run_on_an_upgraded_database_serves(database_url, monkeypatch):
    result, served = _run(database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    assert len(served) == 1
