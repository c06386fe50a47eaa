"""Managers assign modules with a due date; the list shows what is assigned to whom."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.content import catalogue
from app.domain import dates
from app.domain.assignment_banners import assigned_message
from app.domain.assignments import RENEWALS, due_date
from app.domain.email_lists import addresses_in
from app.domain.names import direction_problem
from app.domain.numbers import whole_number
from app.security import MAX_ID
from app.services import assignment_withdrawals, assignments, team_pages
from app.web.manage import bp

DUE_PARTS = ("day", "month", "year")
EMAILS = "The email addresses"  # the field, as its errors name it


@bp.get("/assignments")
def assignments_page(errors: dict | None = None, form=None):
    """List the assignments that bind the manager's learners, with the form to add more."""
    page = team_pages.assignments_page(g.scope, catalogue())
    return render_template(
        "manage/assignments.html",
        assigned=page.assigned,
        set_by_organisation=page.set_by_organisation,
        teams=page.teams,
        whole=g.scope.whole_organisation,
        everyone=assignments.EVERYONE,
        organisation=g.scope.organisation_name,
        catalogue=catalogue(),
        renewals=RENEWALS,
        most_emails=assignments.MAX_EMAILS,
        errors=errors or {},
        form=form or {},
    ), 400 if errors else 200


@bp.post("/assignments")
def assign():
    """Assign the chosen modules to a team, a profession or named learners."""
    form = request.form
    try:
        done = assignments.assign(g.scope, current_user.db_id, _request(form), catalogue())
    except assignments.AssignmentError as error:
        if len(form.get("emails", "")) > assignments.MAX_EMAILS_TEXT:
            form = form.copy()
            form["emails"] = ""  # not sent back: see MAX_EMAILS_TEXT
        return assignments_page(error.errors, form)
    flash(*assigned_message(done))
    return redirect(url_for("manage.assignments_page"))


def _request(form) -> assignments.Request:
    who = form.get("who")  # anything but TEAM or LEARNERS: the service says to choose
    typed, emails_error = form.get("emails", ""), None
    if len(typed) > assignments.MAX_EMAILS_TEXT:
        typed, emails_error = (
            "",
            (
                f"{EMAILS} must be {assignments.MAX_EMAILS_TEXT:,} characters or fewer. "
                f"Enter up to {assignments.MAX_EMAILS} at a time"
            ),
        )
    # A direction control would count as an address and turn the error message around it.
    fix = "Type the addresses again rather than pasting them"
    if emails_error is None and (turned := direction_problem(typed, label=EMAILS, fix=fix)):
        typed, emails_error = "", turned
    emails = addresses_in(typed)  # as Outlook and NHSmail paste them too
    # The renewal and the team are chosen from lists, not typed: a value the lists never
    # offer is a bad request (a team of "²" used to be a 500; "abc" meant everyone in the
    # organisation), and so is a team answer without the team list's value, which the page
    # always sends: a team's id, EVERYONE (offered to a manager of the whole organisation
    # only) or blank ("Choose a team": the service asks the manager to choose).
    renew = whole_number(form.get("renew", "0"))
    if renew not in RENEWALS:
        abort(400)
    by_team, team = who == assignments.TEAM, form.get("team")
    if by_team and team is None:
        abort(400)
    one_team = by_team and team not in ("", assignments.EVERYONE)
    team_id = whole_number(team, most=MAX_ID) if one_team else None
    if one_team and team_id is None:
        abort(400)
    try:
        due_on, due_error = due_date(*(form.get(f"due-{part}") for part in DUE_PARTS)), None
    except ValueError as wrong:  # the message says what is wrong with the fields typed
        due_on, due_error = None, str(wrong)
    return assignments.Request(
        modules=tuple(form.getlist("modules")),
        due_on=due_on,
        due_error=due_error,
        renew_months=renew or None,
        team_id=team_id,
        team_chosen=not by_team or bool(team),
        profession=form.get("profession") or None,  # the service refuses one not listed
        emails=tuple(emails) if who == assignments.LEARNERS else (),
        emails_error=emails_error if who == assignments.LEARNERS else None,
        earliest_due=dates.uk_today(),
        who=who,
    )


@bp.get("/assignments/<int:assignment_id>/withdraw")
def confirm_withdrawal(assignment_id: int):
    """Ask the manager to confirm withdrawing an assignment, saying what it changes."""
    found = assignment_withdrawals.to_withdraw(g.scope, assignment_id, catalogue()) or abort(404)
    if found.withdrawn_at is not None:
        return _already_withdrawn(found)
    return render_template("manage/withdraw.html", assignment=found.assignment, renewals=RENEWALS)


@bp.post("/assignments/<int:assignment_id>/withdraw")
def withdraw(assignment_id: int):
    """Withdraw an assignment; what it was is kept, and a second withdrawal changes nothing."""
    if request.form.get("confirmed") != "yes":  # a form from before the question
        return redirect(url_for("manage.confirm_withdrawal", assignment_id=assignment_id))
    found = assignment_withdrawals.withdraw(
        g.scope, assignment_id, current_user.db_id, catalogue()
    ) or abort(404)
    if found.already:
        return _already_withdrawn(found)
    row = found.assignment
    flash(f"“{row.module_title}” for {row.who_in_full} has been withdrawn.", "success")
    return redirect(url_for("manage.assignments_page"))


def _already_withdrawn(found: assignment_withdrawals.Withdrawal):
    row, day = found.assignment, found.withdrawn_at
    flash(
        f"“{row.module_title}” for {row.who_in_full} was already withdrawn on "
        f"{dates.day(day)}: nothing was changed.",
        "warning",
    )
    return redirect(url_for("manage.assignments_page"))
