"""Commands check their arguments before asking for a password, and say something whenever
they find nothing: an organisation with no teams, an audit kind with no events yet, and
a database `db upgrade` has just created or had nothing to do for."""

import re
from pathlib import Path

from alembic.script import ScriptDirectory

from app.cli import alembic_config
from app.services import audit, recovery

from .cli_helpers import run_linkwise

PASSWORD = "lighthouse tides 2026"
ROOT = Path(__file__).resolve().parents[2]


def create_user(runner, *extra):
    """Run create-user without --password, typing the password twice if asked for it."""
    return runner.invoke(
        args=["create-user", "--email", "sam@example.org", "--name", "Sam Learner", *extra],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )


def test_create_user_names_a_bad_email_or_organisation_before_asking_for_the_password(runner):
    for args, said in (
        (
            ["--email", "bad"],
            "Error: Enter an email address in the correct format, like name@example.org",
        ),
        (["--org", "Nope"], "Error: no organisation called 'Nope' (create it with create-org)"),
    ):
        result = runner.invoke(
            args=["create-user", "--email", "sam@example.org", "--name", "Sam Learner", *args],
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines() == [said]  # no "Password:" prompt before it


def test_create_user_asks_for_the_password_twice_when_the_rest_is_right(runner):
    result = create_user(runner)
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert result.output.strip().endswith("created learner sam@example.org")


def test_list_teams_says_an_organisation_has_none(runner):
    runner.invoke(args=["create-org", "Riverside PCN"])
    result = runner.invoke(args=["list-teams", "Riverside PCN"])
    assert result.exit_code == 0
    assert result.output == "Riverside PCN has no teams (create one with create-team)\n"


def test_audit_refuses_a_kind_that_can_never_exist_and_suggests_close_ones(runner):
    runner.invoke(args=["create-org", "Riverside PCN"])
    result = runner.invoke(args=["audit", "--kind", "role.change"])
    assert result.exit_code == 2  # a usage error, as a day mistyped
    assert result.output.endswith(
        "Error: Invalid value for '--kind': Linkwise records no event of the kind "
        "'role.change'; did you mean role.changed or email.changed?\n"
    )
    nothing_close = runner.invoke(args=["audit", "--kind", "nosuchkind"])
    assert nothing_close.exit_code == 2
    assert "the kinds: account.created, account.details_changed," in nothing_close.output
    known = runner.invoke(args=["audit", "--kind", "organisation.created"])
    assert known.exit_code == 0 and "\torganisation.created\t" in known.output


def test_audit_of_a_kind_with_no_events_yet_prints_nothing(runner):
    """The --help example, before any role has changed."""
    runner.invoke(args=["create-org", "Riverside PCN"])
    result = runner.invoke(args=["audit", "--kind", "role.changed"])
    assert (result.exit_code, result.output) == (0, "")


def test_every_kind_the_code_records_is_known_to_the_audit_command():
    written = set()
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text("utf-8")
        written |= set(
            re.findall(r"audit\.(?:record|recorded_where)\(\s*(?:\w+,\s*)?\"([^\"]+)\"", text)
        )
        for pair in re.findall(r"kind = \"([a-z_-]+\.[a-z_-]+)\" if .* else \"([a-z_.-]+)\"", text):
            written |= set(pair)
    written |= {f"practice.{outcome}" for outcome in ("confirmed", "returned")}  # f"practice.{o}"
    written.add(recovery.NOT_SENT)
    assert len(written) > 40
    assert written <= audit.WRITTEN_KINDS, written - audit.WRITTEN_KINDS


def test_db_upgrade_says_it_created_a_new_database_then_that_it_had_nothing_to_do(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    created = run_linkwise("db", "upgrade", env={"DATABASE_URL": url})
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"created the database's tables: it is at {head}\n"
    again = run_linkwise("db", "upgrade", env={"DATABASE_URL": url})
    assert again.stdout == f"database is already at {head}: nothing to upgrade\n"
