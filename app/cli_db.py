"""`linkwise db`: the database schema's migrations (Alembic), and where a database is.

Alembic is imported by the commands that use it: loading it costs every start-up otherwise.
"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine

db_cli = AppGroup("db", help="Manage the database schema (Alembic migrations).")

VERSIONS = Path(__file__).parent / "migrations" / "versions"

# What `db upgrade` and `db downgrade` are told of a revision no migration has.
UNKNOWN_REVISION = "no migration has the revision {revision!r}: `linkwise db history` lists them"


def alembic_config(database_url: str):
    """Return an Alembic config aimed at our migrations and the given database."""
    from alembic.config import Config as AlembicConfig

    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the database's schema up to the given revision."""
    from alembic import command as alembic_command

    alembic_command.upgrade(alembic_config(database_url), revision)


def _migrate(step: str, revision: str) -> None:
    """Run Alembic's upgrade or downgrade to `revision`; say in a sentence why it cannot."""
    from alembic import command as alembic_command
    from alembic.util import CommandError
    from sqlalchemy.exc import DBAPIError

    from app.cli_errors import connection_problem

    url = current_app.config["DATABASE_URL"]
    try:
        getattr(alembic_command, step)(alembic_config(url), revision)
    except DBAPIError as error:
        if connection_problem(error):
            raise  # the command group says what to check
        # Each migration is one transaction: the one that failed left nothing behind.
        at = revision_of(url)
        said = " ".join(str(error.orig).split())[:160]
        raise click.ClickException(
            f"cannot {step} the database to {revision}: the migration after {at} failed, "
            f"and the database stays at {at} ({said})"
        ) from None
    except CommandError as error:
        if "Can't locate revision" in str(error):
            raise click.ClickException(UNKNOWN_REVISION.format(revision=revision)) from None
        said = " ".join(str(error).split())
        raise click.ClickException(f"cannot {step} the database to {revision}: {said}") from None


def known_revisions() -> list[str]:
    """Return this Linkwise's migrations' revisions, oldest first, from their file names
    (NNNN_what_it_changes.py), without loading Alembic."""
    return sorted(p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def schema_mismatch(revision: str | None) -> str | None:
    """Return what to do about a database at another revision than this Linkwise's newest;
    None when it is at the newest, or has none (the command then says it has no tables)."""
    known = known_revisions()
    latest = known[-1]
    if revision is None or revision == latest:
        return None
    if revision in known:
        return (
            f"the database is at {revision}; this Linkwise needs {latest}: "
            "run `linkwise db upgrade`"
        )
    return newer_database(revision, latest)


def newer_database(revision: str, latest: str) -> str:
    """Return what to do about a database a newer Linkwise migrated."""
    return (
        f"the database is at {revision}, newer than this Linkwise (latest {latest}): "
        "run the Linkwise that upgraded it"
    )


def _refuse_newer(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise click.ClickException(newer_database(revision, known_revisions()[-1]))


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Apply migrations up to REVISION (default: the newest)."""
    url = current_app.config["DATABASE_URL"]
    before = revision_of(url)
    _refuse_newer(before)
    _migrate("upgrade", revision)
    after = revision_of(url)
    if before is None:
        click.echo(f"created the database's tables: it is at {after}")
    elif before == after:
        click.echo(f"database is already at {after}: nothing to upgrade")
    else:
        click.echo(f"upgraded the database from {before} to {after}")
    if after == known_revisions()[-1]:
        _fill_attempt_titles(required=False)
        _fill_assignment_titles()


@db_cli.command("fill-attempt-titles")
def db_fill_attempt_titles():
    """Record its module's title on each attempt from before attempts kept it (0038)."""
    revision = revision_of(current_app.config["DATABASE_URL"])
    if revision != known_revisions()[-1]:
        behind = schema_mismatch(revision) or "the database has no tables yet"
        raise click.ClickException(f"{behind}; the upgrade fills them in")
    _fill_attempt_titles(required=True)


def _fill_attempt_titles(*, required: bool) -> None:
    """Give attempts without a module title their module's title in the course, and say how
    many; `db upgrade` (not `required`) only notes a course with errors, and keeps going."""
    from app import db
    from app.content import ContentHasErrors, catalogue
    from app.services import attempt_titles

    if not attempt_titles.any_untitled():
        if required:
            click.echo("every attempt has its module's title: nothing to fill in")
        return
    try:
        course = catalogue()
    except ContentHasErrors as error:
        said = error.sentence("no attempt was given its module's title")
        if required:
            raise click.ClickException(said) from None
        click.echo(said)
        return
    filled = attempt_titles.fill_in(course)
    db.session().commit()
    if filled or required:
        attempts = f"{filled:,} attempt{'s' if filled != 1 else ''}"
        click.echo(f"recorded their module's title on {attempts}")


def _fill_assignment_titles() -> None:
    """Give assignments without a module title their module's title in the course (0041),
    and say how many when any were; a course with errors is noted, and the upgrade stands."""
    from app import db
    from app.content import ContentHasErrors, catalogue
    from app.services import assignment_titles

    if not assignment_titles.any_untitled():
        return
    try:
        course = catalogue()
    except ContentHasErrors as error:
        click.echo(error.sentence("no assignment was given its module's title"))
        return
    filled = assignment_titles.fill_in(course)
    db.session().commit()
    if filled:
        click.echo(
            f"recorded their module's title on {filled:,} assignment{'s' if filled != 1 else ''}"
        )


def revision_of(database_url: str) -> str | None:
    """Return the database's revision; None when it has none, or is not there yet."""
    from alembic.migration import MigrationContext

    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        if path.name != ":memory:" and not path.exists():
            return None  # connecting would create the file; the upgrade does that
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    """Revert migrations down to REVISION."""
    _refuse_newer(revision_of(current_app.config["DATABASE_URL"]))
    _migrate("downgrade", revision)


@db_cli.command("history")
def db_history():
    """List the migrations' revisions, oldest first, each with what it changes."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(current_app.config["DATABASE_URL"]))
    for migration in reversed(list(script.walk_revisions())):
        click.echo(f"{migration.revision}\t{' '.join((migration.doc or '').split())}")


@db_cli.command("current")
def db_current():
    """Show the database's current revision."""
    revision = revision_of(current_app.config["DATABASE_URL"])
    if revision is None:
        click.echo("the database has no migrations applied yet: run `linkwise db upgrade`")
    else:
        click.echo(schema_mismatch(revision) or f"database is at {revision}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Draft a new migration from the difference between models and database."""
    from alembic import command as alembic_command

    alembic_command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )
