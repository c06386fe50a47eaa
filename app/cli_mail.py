"""`linkwise send-mail`: the account notices waiting in the mail outbox."""

import sys

import click
from flask.cli import with_appcontext

from app.services import mail_outbox_runs


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Send the account notices (password, email address or role changed, many failed
    sign-ins) still waiting; safe to run as often as you like, and two at once. Run it every
    minute from cron or a timer."""
    run = mail_outbox_runs.send_due()
    click.echo(run.describe())
    if run.unsent:
        # cron and systemd see the exit status while a notice waits on the mail server.
        sys.exit(1)


COMMANDS = (send_mail,)
