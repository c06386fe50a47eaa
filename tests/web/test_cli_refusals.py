"""Commands refuse what the web forms refuse, and say in one sentence what is wrong: bad
email addresses and names, changes the database refuses, unknown migrations, ports that
are not ports, and folders with nothing in them to check."""

import sqlite3

import click
import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import db
from app.cli import alembic_config
from app.cli_errors import LinkwiseGroup
from app.cli_serve import run_command
from app.models import Organisation, User
from app.services import credentials, demo

from .cli_helpers import run_linkwise
from .test_commands_explain import one_sentence

PASSWORD = "lighthouse tides 2026"
BAD_FORMAT = "Enter an email address in the correct format, like name@example.org"


def create_user(runner, email="sam@example.org", name="Sam Learner"):
    return runner.invoke(
        args=["create-user", "--email", email, "--name", name, "--password", PASSWORD]
    )


def count(app, column) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(column)))


def test_create_user_refuses_the_email_addresses_and_names_the_web_forms_refuse(app, runner):
    for email, name, said in (
        ("notanemail", "Sam Learner", BAD_FORMAT),
        ("sp ace@example.org", "Sam Learner", BAD_FORMAT),
        ("sam@", "Sam Learner", BAD_FORMAT),
        ("", "Sam Learner", "Enter an email address"),
        (
            "s" * 250 + "@example.org",
            "Sam Learner",
            "Email address must be 254 characters or fewer",
        ),
        ("sam@example.org", "   ", "Enter the full name (--name)"),
        ("sam@example.org", "S" * 201, "Full name must be 200 characters or fewer"),
    ):
        result = create_user(runner, email, name)
        assert result.exit_code == 1, (email, name)
        assert result.output.strip().splitlines() == [f"Error: {said}"], (email, name)
    assert count(app, User.id) == 0
    assert create_user(runner, "Sam@Example.org", "  " + "S" * 200 + " ").exit_code == 0
    with app.app_context():
        assert db.session().scalar(select(User.full_name)) == "S" * 200


def test_create_org_refuses_a_blank_or_overlong_name(app, runner):
    for name, said in (
        ("", "Enter the organisation's name"),
        ("   ", "Enter the organisation's name"),
        ("N" * 201, "Organisation name must be 200 characters or fewer"),
    ):
        result = runner.invoke(args=["create-org", name])
        assert result.exit_code == 1, name
        assert result.output.strip().splitlines() == [f"Error: {said}"], name
    assert count(app, Organisation.id) == 0
    assert runner.invoke(args=["create-org", "  Northgate PCN "]).exit_code == 0
    with app.app_context():
        assert db.session().scalar(select(Organisation.name)) == "Northgate PCN"


def test_create_org_refuses_a_name_another_has_whatever_its_case_and_spacing(app, runner):
    assert runner.invoke(args=["create-org", "Northgate PCN"]).exit_code == 0
    result = runner.invoke(args=["create-org", "northgate   pcn"])
    assert result.exit_code == 1
    said = "There is already an organisation called Northgate PCN. Enter a different name"
    assert result.output.strip().splitlines() == [f"Error: {said}"]
    assert count(app, Organisation.id) == 1


@click.command("break-a-rule")
@click.argument("rule")
@with_appcontext
def break_a_rule(rule):
    """Write what the schema refuses, past the commands' own checks."""
    session = db.session()
    if rule == "unique":
        session.add(Organisation(name="Twice", join_code="ONE11111"))
        session.flush()
        session.add(Organisation(name="Twice", join_code="TWO22222"))
    elif rule == "missing":
        session.add(Organisation(join_code="THREE333"))
    else:
        session.add(Organisation(name="N" * 230, join_code="FOUR4444"))
    session.commit()


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("unique", "another organisation already has this name"),
        ("missing", "the name of the organisation must be given"),
        ("too long", "a value is longer than the 200 characters the database holds for it"),
    ],
)
def test_a_change_the_database_refuses_is_named_in_one_sentence(app, rule, said):
    if rule == "too long" and app.extensions["linkwise.engine"].dialect.name == "sqlite":
        pytest.skip("SQLite keeps a text of any length")
    group = LinkwiseGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    group.add_command(break_a_rule)
    result = CliRunner().invoke(group, ["break-a-rule", rule])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: the change was not made: {said}"]
    assert count(app, Organisation.id) == 0


def test_db_upgrade_to_an_unknown_revision_says_how_to_list_them(database_url):
    env = {"DATABASE_URL": database_url}
    for step in ("upgrade", "downgrade"):
        result = run_linkwise("db", step, "nosuchrev", env=env)
        assert one_sentence(result) == (
            "Error: no migration has the revision 'nosuchrev': `linkwise db history` lists them"
        )
    listed = run_linkwise("db", "history", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert lines[0].startswith("0001\t") and lines[-1].startswith(f"{head}\t")
    assert all(len(line.split("\t")) == 2 for line in lines)


def test_run_refuses_a_port_that_is_no_tcp_port():
    for port in ("0", "65536", "99999", "-1"):
        with pytest.raises(click.BadParameter) as refused:
            run_command.make_context("run", ["--port", port])
        assert refused.value.format_message() == (
            f"Invalid value for '--port' / '-p': {port} is not in the range 1<=x<=65535."
        )
    for port in (1, 5064, 65535):
        assert run_command.make_context("run", ["--port", str(port)]).params["port"] == port


NOTHING = (
    "error: nothing to check: this folder has no module (a folder with module.md), quiz "
    "(a .md file in a quizzes folder) or competency framework (a .yaml file in a "
    "competencies folder)"
)


def test_validate_says_a_folder_with_nothing_to_check_has_nothing(tmp_path):
    (tmp_path / "notes" / "drafts").mkdir(parents=True)
    (tmp_path / "notes" / "todo.txt").write_text("write the quiz\n", "utf-8")
    (tmp_path / "notes" / "drafts" / "draft-check.md").write_text("# a quiz\n", "utf-8")
    result = run_linkwise("validate", str(tmp_path / "notes"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path / 'notes'}: {NOTHING}"]
    assert result.stderr.strip() == "1 error, 0 warnings"
    # In a quizzes folder it is a quiz, checked as before.
    (tmp_path / "notes" / "drafts").rename(tmp_path / "notes" / "quizzes")
    result = run_linkwise("validate", str(tmp_path / "notes"))
    assert result.returncode == 1
    assert "nothing to check" not in result.stdout
    assert "quizzes/draft-check.md" in result.stdout


def test_seed_demo_refuses_an_organisation_with_nothing_to_put_in_it(app, runner):
    result = runner.invoke(args=["seed-demo", "--org", "Northgate PCN"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Error: --org names the organisation of the generated learners or practices: "
        "give --learners or --practices with it"
    )
    assert count(app, Organisation.id) == 0


def _added_meanwhile(*_args, **_kwargs):
    # What the database says when another run added the same row first.
    raise IntegrityError(
        "INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed: user_account.email")
    )


@pytest.mark.parametrize(
    ("command", "service", "name"),
    [
        ("seed-demo", demo, "seed_accounts"),
        ("issue-credentials", credentials, "issue_missing"),
    ],
)
def test_a_second_run_at_the_same_time_says_another_was_doing_the_same(
    app, runner, monkeypatch, command, service, name
):
    monkeypatch.setattr(service, name, _added_meanwhile)
    result = runner.invoke(args=[command])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: another `linkwise {command}` was doing the same at the same time (another "
        "account already has this email): run this one again once it has finished"
    ]
