"""Administrators' and support staff's commands: a person's data (export, erase), extra quiz
attempts, lifting a sign-in lock, the audit log and clearing its old unknown addresses."""

import difflib
from pathlib import Path

import click
from flask.cli import with_appcontext

from app import db
from app.cli_errors import day_option, days_in_order
from app.cli_files import force_option, refuse_existing, write_output
from app.content import catalogue
from app.domain.filter_days import filter_moments
from app.services import (
    audit_pruning,
    audit_reads,
    data_rights,
    erasure,
    extra_attempts,
    sign_in_locks,
)
from app.services.accounts import user_by_email


def _account_or_fail(email: str):
    user = user_by_email(email)
    if user is None or user.erased_at is not None:
        raise click.ClickException(f"no account for {email}")
    return user


@click.command("export-user")
@with_appcontext
@click.argument("email")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Zip file to write (default: linkwise-data-ID.zip here).",
)
@force_option
def export_user(email, output, force):
    """Write everything held about a person (JSON and certificates) to a zip; audited."""
    user = _account_or_fail(email)
    output = output or Path(f"linkwise-data-{user.id}.zip")
    refuse_existing(output, force)
    # What is held about the person, not the course: it works while the content has errors.
    archive = data_rights.build_archive(user.id, None)

    def audited() -> None:
        # Recorded only once the file is whole in its place, as the page records the
        # download it sends: an export that could not be written left nothing to audit.
        data_rights.record_export(user.id, actor_id=None, via="cli")
        db.session().commit()

    write_output(output, archive, then=audited)
    click.echo(f"wrote everything held about {email} to {output}")


@click.command("erase-user")
@with_appcontext
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_user(email, yes):
    """Erase a person's account: anonymise it, withdraw their certificates; audited."""
    user = _account_or_fail(email)
    if not yes:
        click.confirm(f"Erase the account of {email}? This cannot be undone", abort=True, err=True)
    if not erasure.erase(user.id, via="cli"):
        click.echo(f"the account of {email} was already erased: nothing was changed")
        return
    click.echo(f"erased the account of {email}: it is now account {user.id}, anonymised")


@click.command("grant-attempt")
@with_appcontext
@click.argument("email")
@click.argument("module")
@click.option(
    "--reason",
    required=True,
    help="Why: kept with the grant, shown to the learner's managers and trainers, audited.",
)
def grant_attempt(email, module, reason):
    """Give a learner one more attempt at a module's quiz they have none left at; audited."""
    if not reason.strip():  # a usage error (exit status 2), as revoke-credential's
        raise click.BadParameter("Enter the reason for the extra attempt", param_hint="'--reason'")
    user = _account_or_fail(email)
    found = catalogue().module(module)
    if found is None or found.assessment is None:
        quizzes = ", ".join(m.slug for m in catalogue().modules if m.assessment is not None)
        raise click.ClickException(f"no module {module} with a quiz (those with one: {quizzes})")
    try:
        extra_attempts.grant_attempt(None, user.id, found.assessment.id, reason, via="cli")
    except extra_attempts.NotFound:  # erased since it was found above
        raise click.ClickException(f"no account for {email}") from None
    except extra_attempts.GrantRefused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"gave {email} one more attempt at the quiz of {found.title}")


@click.command("unlock-sign-in")
@with_appcontext
@click.argument("email")
def unlock_sign_in(email):
    """Forget an account's failed sign-ins and wrong current passwords, and what they stopped;
    audited."""
    try:
        lifted = sign_in_locks.lift(email)
    except sign_in_locks.NoAccount:
        raise click.ClickException(f"no account for {email}") from None
    except sign_in_locks.StoreUnreachable as error:
        raise click.ClickException(str(error)) from None
    for line in _what_was_lifted(lifted):
        click.echo(line)


def _what_was_lifted(lifted: sign_in_locks.Lifted) -> list[str]:
    return [_what_was_forgotten(lifted)] + [
        f"sign-ins from {c.address} are still stopped for everyone there: {c.failures} of "
        f"{c.allowed} failed sign-ins from that address, at any account, a limit this command "
        f"leaves; it lapses in {_minutes(c.seconds_left)} (if many people share the address, "
        "list its network in LINKWISE_SHARED_NETWORKS)"
        for c in lifted.addresses_at_limit
    ]


def _what_was_forgotten(lifted: sign_in_locks.Lifted) -> str:
    if not lifted.counts:
        return (
            f"there is no sign-in lock on {lifted.email}: no failed sign-ins or wrong current "
            "passwords are counted against it"
        )
    # A count at its limit stopped something: sign-in from its address, or (wrong current
    # passwords) only the pages that ask for the current password. Say which is freed, unless
    # the address's limit for everyone stops it yet.
    still = {c.address for c in lifted.addresses_at_limit}

    def now(c: sign_in_locks.Count) -> str:
        if c.address in still:
            return f"signing in from {c.address} stays stopped by its limit for everyone"
        return c.freed

    forgot = "; ".join(
        c.said
        + (
            f" (it stopped {c.stops} for {_minutes(c.seconds_left)} more; now {now(c)})"
            if c.locked
            else ""
        )
        for c in lifted.listed_as_found
    )
    if lifted.others:
        forgot += ("; " if lifted.listed_as_found else "") + lifted.others_lifted
    if lifted.was_locked:
        return f"lifted what was stopped for {lifted.email}: forgot {forgot}"
    return f"nothing was stopped for {lifted.email}; forgot {forgot}"


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@click.command("audit")
@with_appcontext
@click.option(
    "--since",
    callback=day_option,
    help="From date: events on or after this UK day (DD/MM/YYYY or YYYY-MM-DD).",
)
@click.option(
    "--until",
    callback=day_option,
    help="To date: events up to the end of this UK day (DD/MM/YYYY or YYYY-MM-DD).",
)
@click.option("--kind", default="", help="Only this kind of event, e.g. role.changed.")
@click.option("--email", default="", help="Only events involving an email address with this in it.")
def audit_log(since, until, kind, email):
    """Print the audit log, oldest first, one tab-separated event per line."""
    days_in_order(since, until)
    # The days bound the log as the audit page's From and To dates do: the To day whole.
    starts, ends = filter_moments(since, until)
    filters = audit_reads.AuditFilter(kind=kind, email=email, since=starts, until=ends)
    if kind and kind not in (known := audit_reads.known_kinds()):
        close = difflib.get_close_matches(kind, known, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}?" if close else f"the kinds: {', '.join(known)}"
        raise click.BadParameter(
            f"Linkwise records no event of the kind {kind!r}; {hint}", param_hint="'--kind'"
        )
    for row in audit_reads.events(filters):
        fields = (
            row.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            row.kind,
            row.actor,
            row.subject,
            row.address,
            row.detail,
        )
        click.echo("\t".join(_one_line(field) for field in fields))


def _one_line(field: str) -> str:
    """Return a field with its line breaks and tabs as spaces, so each event keeps one line."""
    # A revocation's reason is typed in a box of several lines (or pasted, with \r\n).
    return " ".join(field.splitlines()).replace("\t", " ")


@click.command("prune-audit")
@with_appcontext
@click.option(
    "--days",
    default=audit_pruning.PRUNE_AFTER_DAYS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Clear what is older than this many days.",
)
def prune_audit(days):
    """Blank the email and network addresses of audit events about addresses with no account
    (sign-in failures, password resets asked for) older than --days; audited. Run daily."""
    cleared = audit_pruning.prune_unknown_addresses(days)
    events = "event" if cleared == 1 else "events"
    older = f"{days} day" if days == 1 else f"{days} days"
    click.echo(
        f"cleared the email and network addresses of {cleared} audit {events} older than "
        f"{older} about addresses with no account"
    )


COMMANDS = (export_user, erase_user, grant_attempt, unlock_sign_in, audit_log, prune_audit)
