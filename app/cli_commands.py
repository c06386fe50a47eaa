"""The `linkwise` commands: the app's Flask CLI with Linkwise's own (entry point: app/cli.py)."""

import os
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app import cli_accounts, cli_admin, cli_credentials, cli_mail, cli_teams, content
from app.cli_content import import_gift_command, import_text2qti_command, validate
from app.cli_db import alembic_config as alembic_config  # app.cli's too, as before
from app.cli_db import db_cli
from app.cli_db import upgrade_database as upgrade_database
from app.cli_errors import (
    NO_TABLES,
    LinkwiseGroup,
    SetupError,
    alone,
    connection_problem,
    development_defaults_in_a_checkout,
    explain_setup,
)
from app.cli_exchange import EXCHANGE_COMMANDS
from app.cli_frameworks import FRAMEWORK_COMMANDS
from app.cli_items import item_stats_command
from app.cli_serve import run_command
from app.services import demo


def main() -> None:
    """Run the linkwise command line."""
    # Commands (migrations, seeding) may run statements longer than a web request may.
    os.environ.setdefault("LINKWISE_DB_STATEMENT_TIMEOUT", "0")
    development_defaults_in_a_checkout()
    group = LinkwiseGroup(create_app=_create_app_or_explain, help="Linkwise command line.")
    # Registered on the group, the commands are found before the app is built, so a setup
    # problem is reported as such, not as an unknown command. The content commands need
    # no app at all: they work when the content is broken and the app will not start.
    for command in (
        validate,
        import_text2qti_command,
        import_gift_command,
        *FRAMEWORK_COMMANDS,
        *APP_COMMANDS,
        run_command,  # in place of Flask's own: see app/cli_serve.py
    ):
        group.add_command(command)
    group(prog_name="linkwise")


def _create_app_or_explain() -> Flask:
    from sqlalchemy.exc import ArgumentError

    from app import create_app
    from app.config import ConfigError
    from app.content import ContentError

    context = click.get_current_context(silent=True)
    serving = context is not None and context.info_name == "run"
    try:
        # The server may watch the content (only in development): it then picks up edits,
        # and broken content does not stop it. Other commands run whatever the content, and
        # those that need the course refuse while it has errors (app/content.py).
        app = create_app({"WATCH_CONTENT": True, "CONTENT_FOR_COMMAND": not serving})
    except ContentError as error:
        raise SetupError(f"{error}\nLinkwise will not start until the content is fixed.") from None
    except (ConfigError, ArgumentError) as error:
        raise explain_setup(error) from None
    _check_schema(app, context)
    return app


# Commands that touch no table: the course's and frameworks' files only.
FILES_ONLY = frozenset(
    {
        "validate",
        "export-scorm",
        "export-framework",
        "import-case",
        "import-gift",
        "import-text2qti",
    }
)
# Commands that run on a database at any revision: the migrations themselves, the server,
# Flask's own (a web request is not checked: a page that meets a missing column says so)
# and those above.
SCHEMA_UNCHECKED = frozenset({"db", "run", "shell", "routes"}) | FILES_ONLY
# Commands that only read, which run on a database a newer Linkwise migrated.
READS_ONLY = frozenset({"audit", "item-stats", "list-teams"})


def _check_schema(app: Flask, context: click.Context | None) -> None:
    """Refuse a command on a database at another revision than this Linkwise's newest.

    Once per command, before it reads or writes anything: a partly migrated database
    would fail part way (or, newer than the code, take writes the code does not know).
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from app.cli_db import known_revisions, schema_mismatch

    words = context.command_path.split()[1:] if context is not None else []
    serving = words[:1] == ["run"]
    if not words or (words[0] in SCHEMA_UNCHECKED and not serving):
        return
    try:
        with app.extensions["linkwise.engine"].connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as error:
        if serving and not connection_problem(error):  # no table: every page would fail
            raise SetupError(NO_TABLES) from None
        return  # another command says the database has none yet, or cannot be reached
    if serving:
        if revision is None:
            raise SetupError(NO_TABLES)
        return  # a page that meets a missing column says so
    problem = schema_mismatch(revision)
    if problem and not (words[0] in READS_ONLY and revision not in known_revisions()):
        raise SetupError(problem)


def init_app(app: Flask) -> None:
    """Register Linkwise's commands on the app."""
    for cmd in APP_COMMANDS:
        app.cli.add_command(cmd)


@click.command("seed-demo")
@with_appcontext
@click.option(
    "--learners",
    "learner_count",
    type=click.IntRange(min=1),
    help="Also generate this many learners with progress, attempts and competency levels.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Same seed, same generated learners."
)
@click.option(
    "--org",
    "organisation",
    help="Put the generated learners in this organisation (created if missing).",
)
@click.option(
    "--top-up",
    is_flag=True,
    help="Add only as many learners as this seed lacks to reach --learners (safe to repeat).",
)
@click.option(
    "--without-answers",
    is_flag=True,
    help="Leave out the answer rows of the attempts (faster; item analysis then has none).",
)
@click.option(
    "--practices",
    is_flag=True,
    help="Also add practices (teams), a practice manager, and assignments with due dates.",
)
@click.option(
    "--skip-if-content-has-errors",
    "skip",
    is_flag=True,
    help="With --top-up: while the content has errors, say so and add no learners, without "
    "failing (`make run`).",
)
def seed_demo(learner_count, seed, organisation, top_up, without_answers, practices, skip):
    """Load the demo organisation and accounts, and optionally many learners (development only)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo data is never loaded in production (LINKWISE_ENV)")
    if organisation and not (learner_count or practices):
        raise click.UsageError(
            "--org names the organisation of the generated learners or practices: "
            "give --learners or --practices with it"
        )
    # Imported here: the seeder brings psycopg's COPY support, which cost every start-up
    # (9% of create_app()'s instructions on SQLite, where nothing else needs psycopg).
    from app.services import seeding

    # Refused before any account is loaded: practices and learners are drawn from the course.
    if practices:
        content.catalogue()
    if learner_count and not top_up and content.errors():
        raise click.ClickException(
            "the content has errors, so no learners can be drawn from it: "
            "run `linkwise validate` and fix them first"
        )
    password = current_app.config["DEMO_PASSWORD"]
    with alone("seed-demo"):
        summary = demo.seed_accounts(password)
    click.echo(summary.describe())
    if learner_count and top_up:
        learner_count = max(0, learner_count - seeding.seeded_count(seed))
        if learner_count and content.errors():
            said = (
                "no demo learners were added: the content has errors; "
                "`linkwise validate` lists them"
            )
            if not skip:
                raise click.ClickException(said)
            click.echo(f"{said[0].upper()}{said[1:]}.")  # `make run` goes on to serve
            return
    if learner_count:
        with alone("seed-demo"):
            report = seeding.seed_learners(
                learner_count,
                seed,
                password,
                organisation or summary.organisation,
                with_answers=not without_answers,
            )
        click.echo(report.describe())
    if practices:
        from app.content import catalogue
        from app.services.demo_practices import seed_practices

        name = organisation or summary.organisation
        click.echo("\n".join(seed_practices(name, password, catalogue())))


@click.command("recompute-levels")
@with_appcontext
@click.option(
    "--skip-if-content-has-errors",
    "skip",
    is_flag=True,
    help="While the content has errors, say so and rate nobody, without failing (`make run`).",
)
def recompute_levels(skip):
    """Re-rate every learner's competency levels from their evidence."""
    from app.content import ContentHasErrors, catalogue
    from app.services.rating_recompute import recompute_levels as recompute

    try:
        course = catalogue()
    except ContentHasErrors as error:
        if skip:
            # `make run` goes on to serve, so a trainer can preview and fix a broken file.
            click.echo(
                f"Competency levels not recomputed: the course content has {_errors(error)}, "
                "and no one is rated from broken content; once `linkwise validate` is clean, "
                "run `linkwise recompute-levels`."
            )
            return
        raise click.ClickException(error.sentence("no rating was changed")) from None
    rated = recompute(course)
    click.echo(f"re-rated {rated:,} learner{'s' if rated != 1 else ''} from their evidence")


def _errors(error) -> str:
    return f"{error.count} error{'s' if error.count != 1 else ''}"


@click.command("compact-dashboard-counts")
@with_appcontext
def compact_dashboard_counts():
    """Fold the dashboard's kept counts into one row per key (run nightly)."""
    from app import db
    from app.services import dashboard_counts

    with db.engine().begin() as connection:
        left = dashboard_counts.compact(connection)
    click.echo(f"dashboard counts compacted to {left} rows")


APP_COMMANDS = (
    db_cli,
    *cli_accounts.COMMANDS,
    seed_demo,
    recompute_levels,
    compact_dashboard_counts,
    item_stats_command,
    *cli_admin.COMMANDS,
    *cli_credentials.COMMANDS,
    *cli_mail.COMMANDS,
    *cli_teams.COMMANDS,
    *EXCHANGE_COMMANDS,
)

if __name__ == "__main__":
    sys.exit(main())
