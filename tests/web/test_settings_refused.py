"""A mail or rate-limit setting that could not work stops every command, and the web app,
with one sentence naming the setting and what it must be, before anything runs."""

import pytest
from click.testing import CliRunner

from app import create_app
from app.cli_commands import APP_COMMANDS, _create_app_or_explain
from app.cli_content import validate
from app.cli_errors import LinkwiseGroup
from app.config import ConfigError
from tests.conftest import PRODUCTION

SMTP_URL = "like smtp://user:password@host:587"
REFUSED = [
    ({"LINKWISE_SMTP_URL": "http://x"}, f"LINKWISE_SMTP_URL must look {SMTP_URL}"),
    (
        {"LINKWISE_SMTP_URL": "smtp://h:abc"},
        f"LINKWISE_SMTP_URL must give its port as a number from 1 to 65535, {SMTP_URL}",
    ),
    (
        {"LINKWISE_SMTP_HOST": "h", "LINKWISE_SMTP_PORT": "abc"},
        "LINKWISE_SMTP_PORT must be a port number from 1 to 65535, not 'abc'",
    ),
    (
        {"LINKWISE_SMTP_HOST": "h", "LINKWISE_SMTP_TLS": "bogus"},
        "LINKWISE_SMTP_TLS must be one of starttls, ssl, none, not 'bogus'",
    ),
    (
        {"LINKWISE_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:abc"},
        "LINKWISE_RATELIMIT_STORAGE_URI must give each port as a number from 1 to 65535, "
        "like redis://host:6379, not 'abc'",
    ),
    (
        {"LINKWISE_RATELIMIT_STORAGE_URI": "redis+sentinel://a:26379,b:x/mymaster"},
        "LINKWISE_RATELIMIT_STORAGE_URI must give each port as a number from 1 to 65535, "
        "like redis://host:6379, not 'x'",
    ),
    (
        {"LINKWISE_RATELIMIT_TIMEOUT": "-1"},
        "LINKWISE_RATELIMIT_TIMEOUT must be a number of seconds above 0, not -1",
    ),
]
IDS = ["smtp-url", "smtp-url-port", "smtp-port", "smtp-tls", "redis-port", "sentinel", "timeout"]


def linkwise_in_process(args, env):
    """Run a command as `linkwise` would, building the app from the environment."""
    group = LinkwiseGroup(create_app=_create_app_or_explain, load_dotenv=False)
    for command in APP_COMMANDS:
        group.add_command(command)
    return CliRunner().invoke(group, args, env=env)


@pytest.mark.parametrize(("setting", "said"), REFUSED, ids=IDS)
def test_a_mail_or_rate_limit_setting_that_could_not_work_is_one_sentence(
    setting, said, tmp_path, monkeypatch
):
    env = {"LINKWISE_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = linkwise_in_process(["audit"], {**env, **setting})
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [f"Error: {said}"]
    for name, value in {**env, **setting}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        create_app()  # as gunicorn builds it
    assert str(refused.value) == said


def test_addresses_that_could_work_are_taken(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    for uri in ("redis+sentinel://a:26379,b:26380/m", "redis://[::1]:6379", "redis://u:p:w@h"):
        app = create_app(
            {"LINKWISE_ENV": "test", "RATELIMIT_STORAGE_URI": uri, "SMTP_URL": "smtp://h:25"}
        )
        assert app.config["RATELIMIT_STORAGE_URI"] == uri


OUT_OF_RANGE = [
    (
        {"BASE_URL": "learn.example.nhs.uk"},
        "LINKWISE_BASE_URL must be the address people use, starting https:// (or http://), "
        "like https://learn.example.nhs.uk, not 'learn.example.nhs.uk'",
    ),
    (
        {"PROXY_HOPS": "-1"},
        "LINKWISE_PROXY_HOPS must be a whole number from 0 (the proxies in front of Linkwise), "
        "not -1",
    ),
    (
        {"REVALIDATION_YEARS": "-3"},
        "LINKWISE_REVALIDATION_YEARS must be a whole number from 1, not -3",
    ),
    ({"SMTP_TIMEOUT": "-5"}, "LINKWISE_SMTP_TIMEOUT must be a number of seconds above 0, not -5"),
    (
        {"DB_POOL_TIMEOUT": "-2"},
        "LINKWISE_DB_POOL_TIMEOUT must be a number of seconds, 0 for none, not -2",
    ),
]


@pytest.mark.parametrize(("setting", "said"), OUT_OF_RANGE, ids=lambda x: str(x)[:20])
def test_production_refuses_settings_out_of_range(setting, said, database_url):
    with pytest.raises(ConfigError) as refused:
        create_app({**PRODUCTION, "DATABASE_URL": database_url, **setting})
    assert str(refused.value) == said


def test_a_command_refuses_them_in_one_sentence(tmp_path):
    env = {"LINKWISE_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = linkwise_in_process(["audit"], {**env, "LINKWISE_PROXY_HOPS": "-1"})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {OUT_OF_RANGE[1][1]}"]


FOLDERS = {
    "LINKWISE_CONTENT_DIR": "the content folder {0} does not exist: set LINKWISE_CONTENT_DIR "
    "to the folder holding the course's modules and quizzes",
    "LINKWISE_COMPETENCIES_DIR": "the competencies folder {0} does not exist: set "
    "LINKWISE_COMPETENCIES_DIR to the folder holding the competency frameworks",
}


@pytest.mark.parametrize("setting", FOLDERS)
def test_a_content_folder_that_is_not_there_is_said_by_every_command(setting, tmp_path):
    missing = tmp_path / "nonexistent"
    env = {
        "LINKWISE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        setting: str(missing),
    }
    said = [f"Error: {FOLDERS[setting].format(missing)}"]
    for args in (["recompute-levels"], ["item-stats", "referral-routes-assessment"]):
        result = linkwise_in_process(args, env)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines() == said
    checked = CliRunner().invoke(validate, [], env=env)
    assert checked.exit_code == 1
    assert checked.output.strip().splitlines() == said
