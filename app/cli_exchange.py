"""`linkwise send-statements` and `export-scorm`: results that leave Linkwise."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app import content
from app.cli_files import force_option, refuse_existing, write_output
from app.services import statement_sender


@click.command("send-statements")
@with_appcontext
@click.option(
    "--batch-size",
    type=click.IntRange(1, 500),
    default=statement_sender.BATCH_SIZE,
    show_default=True,
    help="Statements per request to the LRS.",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also send statements still waiting out a retry delay (after an LRS outage).",
)
def send_statements(batch_size, everything):
    """Send waiting xAPI statements to the LRS; safe to run as often as you like."""
    report = statement_sender.send_due(batch_size=batch_size, everything=everything)
    click.echo(report.describe())
    if report.failed:
        sys.exit(1)


@click.command("export-scorm")
@with_appcontext
@click.argument("module_slug", metavar="MODULE")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The zip file to write, e.g. referral-routes.zip.",
)
@force_option
def export_scorm(module_slug, output, force):
    """Write a module as a SCORM 1.2 package (zip) to load into a learning management system."""
    from app.scorm_export import PackageError, build_package

    if output.suffix != ".zip":
        raise click.BadParameter("name the package <something>.zip", param_hint="-o")
    refuse_existing(output, force)

    if content.errors():
        raise click.ClickException(
            "the content has errors, so no package is made from it: run `linkwise validate`"
        )
    module = content.catalogue().module(module_slug)
    if module is None:
        known = ", ".join(m.slug for m in content.catalogue().modules)
        raise click.ClickException(f"there is no module '{module_slug}'; the modules are: {known}")
    try:
        package = build_package(module)
    except PackageError as error:
        raise click.ClickException(f"cannot package '{module_slug}': {error}") from None
    zipped = package.zipped()
    write_output(output, zipped)
    size = len(zipped)
    click.echo(
        f"wrote {output} ({len(package.files)} files, {size // 1024} KB): load it into "
        "your LMS as a SCORM 1.2 package"
    )


EXCHANGE_COMMANDS = (send_statements, export_scorm)
