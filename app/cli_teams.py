"""Team commands (create teams, place learners, confine managers) and reminders."""

from datetime import date, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app import db
from app.cli_errors import day_option
from app.domain.accounts import a_role
from app.models import Organisation
from app.services import team_managers, team_members, teams
from app.services.accounts import user_by_email


def _organisation(name: str) -> Organisation:
    found = db.session().scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        raise click.ClickException(f"no organisation called {name!r} (create it with create-org)")
    return found


def _team_id(organisation: Organisation, name: str) -> int:
    for row in teams.teams_in(teams.Scope(organisation.id)):
        if row.name == name:
            return row.id
    raise click.ClickException(f"no team called {name!r} in {organisation.name}")


@click.command("create-team")
@with_appcontext
@click.argument("organisation")
@click.argument("name")
@click.option("--join-code", help="Use this join code instead of a random one.")
def create_team(organisation, name, join_code):
    """Create a team (a practice, say) in ORGANISATION and print its join code."""
    org = _organisation(organisation)
    try:
        team = teams.create_team(org.id, name, actor_id=None, via="cli", join_code=join_code)
    except teams.TeamError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created team {team.name!r} in {org.name} with join code {team.join_code}")


@click.command("list-teams")
@with_appcontext
@click.argument("organisation")
def list_teams(organisation):
    """List ORGANISATION's teams with their join codes and learner counts."""
    org = _organisation(organisation)
    found = teams.teams_in(teams.Scope(org.id))
    if not found:
        click.echo(f"{org.name} has no teams (create one with create-team)")
    for row in found:
        click.echo(
            f"{row.name}\t{row.join_code}\t{row.learners} learner{'s' * (row.learners != 1)}"
        )


@click.command("place-in-team")
@with_appcontext
@click.argument("email")
@click.argument("organisation")
@click.argument("team")
def place_in_team(email, organisation, team):
    """Place the learner EMAIL of ORGANISATION in TEAM (moving them from any other)."""
    org = _organisation(organisation)
    team_id = _team_id(org, team)
    _learner_of(email, org)
    try:
        placed = team_members.place(teams.Scope(org.id), team_id, email, actor_id=None, via="cli")
    except teams.TeamError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{email} is {'already' if placed.already else 'now'} in {team}")


def _learner_of(email: str, org: Organisation) -> None:
    """Refuse, in an operator's words, an account that is not a learner of the organisation."""
    user = user_by_email(email)
    if user is None or user.erased_at is not None:
        raise click.ClickException(f"no account for {email}")
    if user.role != "learner":
        raise click.ClickException(f"{email} is {a_role(user.role)}, not a learner")
    if user.organisation_id != org.id:
        raise click.ClickException(f"{email} is not a learner of {org.name}")


@click.command("set-manager-teams")
@with_appcontext
@click.argument("email")
@click.argument("organisation")
@click.argument("team_names", nargs=-1)
def set_manager_teams(email, organisation, team_names):
    """Confine the manager EMAIL to the named teams; name none for the whole organisation."""
    try:
        team_managers.set_manager_teams(email, list(team_names), _organisation(organisation).id)
    except teams.TeamError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{email} manages {', '.join(team_names) or 'the whole organisation'}")


# Reminders are sent for days near today: --today before Linkwise could have assigned
# anything, or years ahead, is a slip: it would email learners and their managers about
# a day far from this one.
FIRST_REMINDER_DAY = date(2000, 1, 1)
YEARS_AHEAD = 5


def reminder_day(context, parameter, value: str | None) -> date | None:
    """Read --today as day_option does; refuse a day outside 2000 to five years ahead."""
    from app.services import assignments

    try:
        day = day_option(context, parameter, value)
    except click.BadParameter:
        if not _a_real_day(value):
            raise
        day = date.max  # too far ahead for day_option: say the days taken here instead
    last = date(assignments.today().year + YEARS_AHEAD, 12, 31)
    if day is not None and not FIRST_REMINDER_DAY <= day <= last:
        raise click.BadParameter(f"The date must be from {FIRST_REMINDER_DAY} to {last}")
    return day


def _a_real_day(text: str) -> bool:
    try:
        datetime.strptime(text.strip(), "%Y-%m-%d")
    except ValueError:
        return False
    return True


@click.command("send-reminders")
@with_appcontext
@click.option(
    "--today",
    callback=reminder_day,
    help="Act as if it were this day (YYYY-MM-DD); default: today in the UK.",
)
def send_reminders(today):
    """Email learners whose assigned learning is due soon, overdue or expired; safe to rerun."""
    from app.content import catalogue
    from app.services import assignments, reminders

    day = today or assignments.today()
    run = reminders.send_reminders(catalogue(), day)
    click.echo(run.describe())
    unseen = run.unseen()
    if unseen:
        # The log names each failure; cron and systemd see the exit status. Emails refused
        # and recorded, shown to administrators and the learners' managers (the line above
        # names how many), are for them to put right, not the operator: they leave it 0.
        click.echo(
            f"error: {unseen} email{'s' if unseen != 1 else ''} could not be sent "
            "(see the log); they are not recorded as sent",
            err=True,
        )
        if run.left_line():
            click.echo(f"error: {run.left_line()}", err=True)
        raise SystemExit(1)


COMMANDS = (create_team, list_teams, place_in_team, set_manager_teams, send_reminders)
