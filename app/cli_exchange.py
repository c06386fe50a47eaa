"""`linkwise send-statements` and `export-scorm`: results that leave Linkwise."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

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
    if report.problem:
        sys.exit(1)


EXCHANGE_COMMANDS = (send_statements,)
