"""Say in one sentence what a `linkwise` command needs, instead of printing a traceback."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import click
from flask.cli import FlaskGroup, NoAppException
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)

from app.config import PROJECT_ROOT
from app.config_checks import NOT_A_DATABASE_URL
from app.content import ContentHasErrors
from app.domain.filter_days import REVERSED, days_reversed, filter_day

NO_TABLES = "the database has no Linkwise tables yet: run `linkwise db upgrade` first"
MISSING_TABLE = ("no such table", "does not exist", "undefinedtable")
MISSING_COLUMN = ("no such column", "undefinedcolumn", "has no column named")
# What SQLite says when a change breaks a rule of the schema: "UNIQUE constraint failed:
# organisation.name", "NOT NULL constraint failed: team.name", "CHECK constraint failed: x".
SQLITE_RULE = re.compile(r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?:: (.*))?")
# PostgreSQL's SQLSTATE for the same, and for a value too long for its column.
POSTGRESQL_RULES = {
    "23505": "UNIQUE",
    "23502": "NOT NULL",
    "23514": "CHECK",
    "23503": "FOREIGN KEY",
}
TOO_LONG = "22001"


def day_option(context, parameter, value: str | None) -> date | None:
    """Read a day option (DD/MM/YYYY or YYYY-MM-DD) as the pages read their From and To days;
    refuse any other."""
    if value is None:
        return None
    try:
        return filter_day(value, "The")  # after "Invalid value for '--until':"
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def days_in_order(since: date | None, until: date | None) -> None:
    """Refuse a --until day before the --since day, as the pages refuse a To date before the
    From date, in the pages' words (a usage error: exit status 2, as for a day mistyped)."""
    if days_reversed(since, until):
        context = click.get_current_context(silent=True)
        raise click.BadParameter(REVERSED, ctx=context, param_hint="'--until'")


class SetupError(NoAppException):
    """The app cannot be built as configured; the message says what to set.

    Being Flask's NoAppException, `linkwise --help` still lists the commands after it.
    """


# Commands other packages add to every Flask app's command line that do not work here:
# Flask-Limiter's `limiter` needs an extra (rich) Linkwise does not install, and its counts
# are kept under keys only the app's own code should name.
NOT_OURS = frozenset({"limiter"})


class LinkwiseGroup(FlaskGroup):
    """Flask's command group, turning setup mistakes into one sentence and exit status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List Linkwise's commands and Flask's, without other packages' that do not work."""
        return [name for name in super().list_commands(ctx) if name not in NOT_OURS]

    def get_command(self, ctx: click.Context, name: str):
        """Find a command by name; another package's that does not work is not one."""
        return None if name in NOT_OURS else super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        """Run the command; explain configuration and database problems in a sentence."""
        try:
            return super().invoke(ctx)
        except SetupError as error:
            raise click.ClickException(error.message) from None
        except ContentHasErrors as error:
            raise click.ClickException(error.sentence()) from None
        except (IntegrityError, DataError) as error:
            raise click.ClickException(refused_change(error)) from None
        except DBAPIError as error:
            raise click.ClickException(database_problem(error)) from None


def explain_setup(error: Exception) -> SetupError:
    """Return the setup problem behind an error raised while building the app."""
    if isinstance(error, ArgumentError):
        return SetupError(NOT_A_DATABASE_URL)
    return SetupError(str(error))


def development_defaults_in_a_checkout() -> None:
    """Default commands run from a source checkout to development settings.

    A checkout is where trainers and developers work; a deployment installs the package
    and sets LINKWISE_ENV. A DATABASE_URL naming a database server gets no default, so a
    deployment that forgot LINKWISE_ENV is told to set it rather than run as development.
    """
    if os.environ.get("LINKWISE_ENV") or not (PROJECT_ROOT / "pyproject.toml").is_file():
        return
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        return
    os.environ["LINKWISE_ENV"] = "development"


def database_problem(error: DBAPIError) -> str:
    """Return what to do about a database error a command met."""
    said = " ".join(str(error.orig).split())
    url = _database_url()
    # The server refused the connection itself: no such database or user, a wrong password.
    if refused := re.search(r"FATAL:\s*(.*)", said):
        return (
            f"the database server at {url} refused the connection: {refused.group(1)[:160]}; "
            "check the user, password and database name in DATABASE_URL"
        )
    text = said.lower()
    if any(words in text for words in MISSING_TABLE + MISSING_COLUMN):
        behind = _schema_mismatch()
        if behind:
            return behind
    if any(words in text for words in MISSING_TABLE):
        return NO_TABLES
    if connection_problem(error):
        return (
            f"cannot use the database at {url}: check DATABASE_URL and that the database "
            f"server is running ({said[:160]})"
        )
    return f"the database at {url} refused a statement: {said[:160]}"


# What drivers say when the database cannot be reached or the connection was lost.
UNREACHABLE = (
    "connect",
    "unable to open database file",
    "server closed",
    "timeout",
    "timed out",
    "terminat",
    "could not translate host",
    "name or service not known",
    "network",
    "ssl",
)


def connection_problem(error: DBAPIError) -> bool:
    """Tell whether a database error means the database was not reached (or was lost),
    rather than that it refused what it was asked."""
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True
    said = str(error.orig).lower()
    return isinstance(error, OperationalError) and any(word in said for word in UNREACHABLE)


def refused_change(error: IntegrityError | DataError) -> str:
    """Return, in one sentence, which rule of the database a command's change broke.

    The database was reached and answered: the command asked for something the schema
    refuses (a name already taken, a value too long), so DATABASE_URL is not the problem.
    """
    said = " ".join(str(error.orig).split())
    return f"the change was not made: {_broken_rule(error.orig, said)}"


@contextmanager
def alone(command: str) -> Iterator[None]:
    """Say that another run of the command was doing the same when a row it adds (a demo
    account, a credential) was added meanwhile by another: its UNIQUE rule refused the second."""
    try:
        yield
    except IntegrityError as error:
        said = " ".join(str(error.orig).split())
        state = getattr(error.orig, "sqlstate", None)
        if state != "23505" and not said.startswith("UNIQUE constraint failed"):
            raise
        raise click.ClickException(
            f"another `linkwise {command}` was doing the same at the same time "
            f"({_broken_rule(error.orig, said)}): run this one again once it has finished"
        ) from None


def _broken_rule(orig, said: str) -> str:
    diag = getattr(orig, "diag", None)  # PostgreSQL's (psycopg's) details
    state = getattr(orig, "sqlstate", None)
    if state == TOO_LONG:
        most = re.search(r"\((\d+)\)", said)
        room = f"the {most.group(1)} characters" if most else "what"
        return f"a value is longer than {room} the database holds for it"
    if diag is not None and state in POSTGRESQL_RULES:
        rule, table = POSTGRESQL_RULES[state], diag.table_name or ""
        keys = re.search(r"Key \((.*?)\)=", diag.message_detail or "")
        columns = keys.group(1).split(", ") if keys else [diag.column_name or ""]
        constraint = diag.constraint_name
    elif found := SQLITE_RULE.search(said):
        rule, constraint = found.group(1), found.group(2)
        named = [c.partition(".") for c in (constraint or "").split(", ")]
        table, columns = named[0][0], [column for _, _, column in named]
    else:
        return f"the database refused a value ({said[:160]})"
    row = (table or "row").replace("user_account", "account").replace("_", " ")
    what = " and ".join(column.replace("_", " ") for column in columns if column)
    if rule == "UNIQUE" and what:
        return f"another {row} already has this {what}"
    if rule == "NOT NULL" and what:
        return f"the {what} of the {row} must be given"
    if rule == "CHECK":
        return f"a value breaks the database's rule {constraint or 'for it'}"
    if rule == "FOREIGN KEY":
        return "it names something that does not exist, or removes something still named"
    return f"the database refused a value ({said[:160]})"


def _schema_mismatch() -> str | None:
    """Return what to do when the database is not at this Linkwise's newest revision."""
    from flask import current_app

    from app.cli_db import revision_of, schema_mismatch

    try:
        return schema_mismatch(revision_of(current_app.config["DATABASE_URL"]))
    except (RuntimeError, DBAPIError):  # no app, or the revision unreadable: say the rest
        return None


def _database_url() -> str:
    from flask import current_app

    try:
        url = current_app.config["DATABASE_URL"]
    except RuntimeError:
        url = os.environ.get("DATABASE_URL", "sqlite:///instance/linkwise.db")
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
