"""The `linkwise` command line: the app's Flask CLI with Linkwise's own commands."""

import os
import sys
from dataclasses import replace
from pathlib import Path

import click
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from app.config import PROJECT_ROOT
from app.domain.accounts import PROFESSIONS, ROLES
from app.domain.catalogue import validate as validate_content
from app.domain.quizzes.text2qti import import_text2qti as convert_text2qti
from app.services import accounts, demo, seeding

db_cli = AppGroup("db", help="Manage the database schema (Alembic migrations).")


def main() -> None:
    """Run the linkwise command line."""
    group = FlaskGroup(create_app=_create_app_or_explain, help="Linkwise command line.")
    # validate must work when the content is broken, which is when the app will not start.
    group.add_command(validate)
    group.add_command(import_text2qti)
    group(prog_name="linkwise")


def _create_app_or_explain() -> Flask:
    from app import create_app
    from app.content import ContentError

    try:
        return create_app()
    except ContentError as error:
        click.echo(f"{error}\nLinkwise will not start until the content is fixed.", err=True)
        sys.exit(1)


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths):
    """Check modules, screens, quizzes and frameworks; print every problem with its line.

    Exits 1 when there is any error, 0 when there is none.
    """
    content_dir = Path(os.environ.get("LINKWISE_CONTENT_DIR") or PROJECT_ROOT / "content")
    competencies_dir = Path(
        os.environ.get("LINKWISE_COMPETENCIES_DIR") or PROJECT_ROOT / "competencies"
    )
    problems = validate_content(
        paths or (content_dir / "modules", content_dir / "quizzes", competencies_dir),
        default_competencies_dir=competencies_dir,
        default_modules_dir=content_dir / "modules",
        default_quizzes_dir=content_dir / "quizzes",
    )
    for problem in problems:
        click.echo(_relative(problem))
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    click.echo(
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", err=True
    )
    sys.exit(1 if errors else 0)


@click.command("import-text2qti")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option(
    "--module", "module_slug", default="unassigned", help="Module slug the quiz belongs to."
)
@click.option(
    "--kind",
    type=click.Choice(["assessment", "knowledge-check"]),
    default="assessment",
    show_default=True,
)
@click.option("--pass-mark", type=click.IntRange(0, 100), default=80, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of printing.",
)
def import_text2qti(source, module_slug, kind, pass_mark, output):
    """Convert a plain text2qti quiz into a Linkwise quiz (add Competencies: lines after)."""
    converted = convert_text2qti(source.read(), module=module_slug, kind=kind, pass_mark=pass_mark)
    if output is None:
        click.echo(converted, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(converted, "utf-8")
    click.echo(
        f"wrote {output}; run `linkwise validate {output}` to see what is left to fill in", err=True
    )


def _relative(problem) -> str:
    path = Path(problem.path)
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        problem = replace(problem, path=str(path.relative_to(Path.cwd())))
    return str(problem)


def init_app(app: Flask) -> None:
    """Register Linkwise's commands on the app."""
    app.cli.add_command(db_cli)
    for cmd in (create_org, create_user, set_role, seed_demo, recompute_levels):
        app.cli.add_command(cmd)


def alembic_config(database_url: str) -> AlembicConfig:
    """Return an Alembic config aimed at our migrations and the given database."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the database's schema up to the given revision."""
    alembic_command.upgrade(alembic_config(database_url), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Apply migrations up to REVISION (default: the newest)."""
    upgrade_database(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database is at {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    """Revert migrations down to REVISION."""
    alembic_command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("current")
def db_current():
    """Show the database's current revision."""
    alembic_command.current(alembic_config(current_app.config["DATABASE_URL"]))


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Draft a new migration from the difference between models and database."""
    alembic_command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )


@click.command("create-org")
@with_appcontext
@click.argument("name")
@click.option("--join-code", help="Use this join code instead of a random one.")
def create_org(name, join_code):
    """Create an organisation and print its join code."""
    try:
        organisation = accounts.create_organisation(name, join_code)
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"created organisation {organisation.name!r} with join code {organisation.join_code}"
    )


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option(
    "--profession", type=click.Choice(list(PROFESSIONS)), default="other", show_default=True
)
@click.option("--org", "organisation", help="Organisation name (required for managers).")
@click.password_option(help="Password; prompted for when not given.")
def create_user(email, full_name, role, profession, organisation, password):
    """Create an account of any role."""
    try:
        user = accounts.create_user(
            email=email,
            full_name=full_name,
            password=password,
            profession=profession,
            role=role,
            organisation_name=organisation,
        )
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created {user.role} {user.email}")


@click.command("set-role")
@with_appcontext
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--org", "organisation", help="Move the user into this organisation too.")
def set_role(email, role, organisation):
    """Change a user's role (recorded in the audit log)."""
    try:
        user = accounts.set_role(email, role, organisation)
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{user.email} is now {user.role}")


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
def seed_demo(learner_count, seed, organisation):
    """Load the demo organisation and accounts, and optionally many learners (development only)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo data is never loaded in production (LINKWISE_ENV)")
    password = current_app.config["DEMO_PASSWORD"]
    summary = demo.seed_accounts(password)
    click.echo(summary.describe())
    if learner_count:
        report = seeding.seed_learners(
            learner_count, seed, password, organisation or summary.organisation
        )
        click.echo(report.describe())


@click.command("recompute-levels")
@with_appcontext
def recompute_levels():
    """Re-rate every learner's competency levels from their evidence."""
    from app.content import catalogue
    from app.services.attainment import recompute_levels as recompute

    click.echo(f"re-rated {recompute(catalogue())} learners from their evidence")


def reload_paths() -> str:
    """Return the dev server's --extra-files option: every content file, so edits reload."""
    root = Path(__file__).resolve().parent.parent
    files = [
        str(path)
        for folder in ("content", "competencies")
        for path in (root / folder).rglob("*")
        if path.is_file()
    ]
    return f"--extra-files {':'.join(files)}" if files else ""


if __name__ == "__main__":
    sys.exit(main())
