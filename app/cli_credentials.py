"""Credential commands: revoke one, and issue those missing for older certificates."""

import click
from flask.cli import with_appcontext

from app.cli_errors import alone
from app.content import catalogue
from app.domain.certificate_codes import normalise_code
from app.services import credential_revocations, credentials


@click.command("revoke-credential")
@with_appcontext
@click.argument("code")
@click.option("--reason", required=True, help="Why it is revoked (kept in the audit log).")
def revoke_credential(code, reason):
    """Revoke the credential of a certificate (by its code): it then fails verification."""
    reason = reason.strip()
    if not reason:
        raise click.BadParameter("Enter the reason for revoking", param_hint="'--reason'")
    done = credential_revocations.revoke(normalise_code(code), reason, via="cli")
    if done.outcome == "not-found":
        raise click.ClickException(f"no credential for certificate {code}")
    when = done.revoked_at.strftime("%Y-%m-%d %H:%M UTC")
    if done.outcome == "already":
        click.echo(f"the credential of {code} was already revoked on {when}")
    else:
        click.echo(f"revoked the credential of {code} on {when}; its status list bit is set")


@click.command("issue-credentials")
@with_appcontext
def issue_credentials():
    """Issue Open Badges credentials for certificates earned before credentials existed."""
    catalogue()  # refused up front while the content has errors, even with none to issue
    with alone("issue-credentials"):
        count = credentials.issue_missing()
    click.echo(f"issued {count} credential{'s' if count != 1 else ''}")


COMMANDS = (revoke_credential, issue_credentials)
