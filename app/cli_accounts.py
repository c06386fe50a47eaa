"""Administrators' account commands: create an organisation or an account, change a role,
name a supervisor."""

import getpass
import sys
import warnings

import click
from flask.cli import with_appcontext

from app.domain.accounts import PROFESSIONS, ROLE_NAMES, ROLES, a_role
from app.services import account_admin, accounts


@click.command("create-org")
@with_appcontext
@click.argument("name")
@click.option("--join-code", help="Use this join code instead of a random one.")
def create_org(name, join_code):
    """Create an organisation and print its join code."""
    try:
        organisation = account_admin.create_organisation(name, join_code)
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
@click.option("--password", help="Password; prompted for when not given.")
def create_user(email, full_name, role, profession, organisation, password):
    """Create an account of any role."""
    try:
        # The rest checked first: a wrong email or organisation is told before the prompt.
        account_admin.check_new_user(
            email=email,
            full_name=full_name,
            profession=profession,
            role=role,
            organisation_name=organisation,
        )
        if password is None:
            password = _prompted_password()
        user = account_admin.create_user(
            email=email,
            full_name=full_name,
            password=password,
            profession=profession,
            role=role,
            organisation_name=organisation,
        )
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created {ROLE_NAMES[user.role].lower()} {user.email}")


def _prompted_password() -> str:
    """Ask for the password twice; with nothing to read it from, say how to give it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", getpass.GetPassWarning)
            return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    except click.Abort:
        if sys.stdin is not None and sys.stdin.isatty():
            raise  # Ctrl-C or Ctrl-D at the prompt: the person chose to stop
        raise click.ClickException(
            "no password was given: give --password, or run create-user in a terminal to "
            "be asked for it"
        ) from None


@click.command("set-role")
@with_appcontext
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--org", "organisation", help="Move the user into this organisation too.")
@click.option("--force", is_flag=True, help="Demote the last administrator all the same.")
def set_role(email, role, organisation, force):
    """Change a user's role (recorded in the audit log)."""
    try:
        done = account_admin.set_role(email, role, organisation, force=force)
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from None
    state = "now" if done.changed else "already"
    click.echo(f"{done.user.email} is {state} {a_role(done.user.role)}")


@click.command("set-supervisor")
@with_appcontext
@click.argument("email")
@click.option("--remove", is_flag=True, help="Stop naming the person a supervisor.")
def set_supervisor(email, remove):
    """Name a person a supervisor of their organisation (recorded in the audit log)."""
    from app.services import supervisors

    user = accounts.user_by_email(email)
    try:
        if user is None:
            raise supervisors.NotFound(email)
        changed = supervisors.set_supervisor(None, user.id, not remove, via="cli")
    except supervisors.NotFound:
        raise click.ClickException(f"no account {email} in an organisation") from None
    if changed:
        state = "no longer" if remove else "now"
    else:
        state = "already not" if remove else "already"
    click.echo(f"{user.email} is {state} a supervisor of {user.organisation.name}")


COMMANDS = (create_org, create_user, set_role, set_supervisor)
