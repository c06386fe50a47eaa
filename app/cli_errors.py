"""Say in one sentence what a `linkwise` command needs, instead of printing a traceback."""

from __future__ import annotations

import os
from datetime import date

import click
from flask.cli import FlaskGroup, NoAppException
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from app.config import PROJECT_ROOT
from app.domain.filter_days import filter_day

MISSING_TABLE = ("no such table", "does not exist", "undefinedtable")


def day_option(context, parameter, value: str | None) -> date | None:
    """Read a YYYY-MM-DD option as the pages read their From and To days; refuse any other."""
    if value is None:
        return None
    try:
        return filter_day(value, "The")  # after "Invalid value for '--until':"
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


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
        except DBAPIError as error:
            raise click.ClickException(database_problem(error)) from None


def explain_setup(error: Exception) -> SetupError:
    """Return the setup problem behind an error raised while building the app."""
    if isinstance(error, ArgumentError):
        return SetupError(
            "DATABASE_URL is not a database URL: use one like "
            "sqlite:///instance/linkwise.db or postgresql://user@host/linkwise"
        )
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
    text = str(error.orig).lower()
    if any(words in text for words in MISSING_TABLE):
        return "the database has no Linkwise tables yet: run `linkwise db upgrade` first"
    url = _database_url()
    return (
        f"cannot use the database at {url}: check DATABASE_URL and that the database "
        f"server is running ({' '.join(str(error.orig).split())[:160]})"
    )


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
