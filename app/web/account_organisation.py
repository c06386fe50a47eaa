"""The signed-in user's organisation on their account: join one by its code (typed or
linked), move to another, or leave; each confirmed on a page that says what changes."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.accounts import EXAMPLE_JOIN_CODE
from app.domain.assignment_banners import joined_message
from app.domain.numbers import whole_number
from app.security import MAX_ID
from app.services import accounts, organisation_moves, profile
from app.web import throttles
from app.web.account import bp, form_status
from app.web.account_forms import JoinOrganisationForm


@bp.route("/organisation", methods=["GET", "POST"])
@throttles.join_code_guesses("POST")
def organisation():
    """Join an organisation by its join code, or see the one you are in. The learner first
    sees which organisation (and team) the code joins, and what a move changes, and confirms."""
    form = JoinOrganisationForm()
    if form.validate_on_submit():
        answer = looked_up(form)
        if answer is not None:
            return answer
    row = accounts.account(current_user.db_id)
    return render_template(
        "account/organisation.html", form=form, row=row, example=EXAMPLE_JOIN_CODE
    ), form_status(form)


@bp.post("/organisation/move")
@throttles.join_code_guesses("POST")
def move_organisation():
    """Join the organisation confirmed on the check page; a stale or second confirmation
    changes nothing and says so."""
    sent = request.form.get("leaving", "")
    leaving = None if sent == "none" else whole_number(sent, most=MAX_ID)
    if leaving is None and sent != "none":  # a form from before the question
        return redirect(url_for("account.organisation"))
    return _joined(request.form.get("join_code", ""), leaving=leaving)


def looked_up(form: JoinOrganisationForm):
    """Look up the join code of a valid form (typed or linked): the page to confirm joining,
    or None with why the code was refused added to the field's errors (a failed guess)."""
    try:
        found = organisation_moves.moving(current_user.db_id, form.join_code.data)
    except accounts.AccountError as error:
        throttles.mark_failed()
        form.join_code.errors.append(error.message)
        return None
    return joining_page(found)


def joining_page(found: organisation_moves.Joining | organisation_moves.Moving):
    """Answer a join code looked up (typed or linked): the page that says where it joins, or
    what moving there changes, to confirm; back to Your organisation if they are there."""
    if isinstance(found, organisation_moves.Moving):
        return render_template("account/organisation_move.html", move=found)
    if not found.already:
        return render_template("account/organisation_join.html", join=found)
    flash(already_member(found.joining, found.team), "warning")
    return redirect(url_for("account.organisation"))


def already_member(organisation: str, team: str | None) -> str:
    """Say that the learner is already where a join code would put them."""
    where = f"{team}, a team of {organisation}" if team else organisation
    return f"You are already a member of {where}: nothing was changed"


def _joined(join_code: str, *, leaving: int | None):
    try:
        joined = profile.join_organisation(current_user.db_id, join_code, leaving=leaving)
    except accounts.AccountError as error:
        throttles.mark_failed()
        flash(error.message, "error")
        return redirect(url_for("account.organisation"))
    if joined.already:
        flash(already_member(joined.organisation, joined.team), "warning")
    elif joined.moved_since:
        now = f"You are a member of {joined.now_in}" if joined.now_in else "You are in none"
        flash(
            "Your organisation changed after you opened the page that asked you to confirm, "
            f"so you did not join {joined.organisation}. {now}",
            "warning",
        )
    else:
        team = f", in the team {joined.team}" if joined.team else ""
        joined_here = f"You have joined {joined.organisation}{team}"
        flash(joined_message(joined_here, joined.assigned), "success")
        return redirect(url_for("account.account"))
    return redirect(url_for("account.organisation"))


@bp.get("/organisation/leave")
def confirm_leaving():
    """Ask the learner to confirm leaving their organisation, saying what changes and what stays."""
    try:
        found = profile.leaving(current_user.db_id)
    except accounts.AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("account.organisation"))
    if found is None:
        return redirect(url_for("account.organisation"))
    return render_template("account/leave.html", leaving=found)


@bp.post("/organisation/leave")
def leave_organisation():
    """Leave the organisation confirmed on the page before: its managers no longer see you."""
    asked = whole_number(request.form.get("organisation", ""), most=MAX_ID)
    if asked is None:
        return redirect(url_for("account.confirm_leaving"))  # a form from before the question
    try:
        left = profile.leave_organisation(current_user.db_id, asked)
    except accounts.AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("account.organisation"))
    if not left.already:
        flash(f"You have left {left.organisation}", "success")
        return redirect(url_for("account.account"))
    if left.now_in:
        flash(
            f"You are no longer a member of {left.organisation}, so nothing was changed. "
            f"You are a member of {left.now_in}",
            "warning",
        )
    else:
        flash(f"You had already left {left.organisation}: nothing more was changed", "warning")
    return redirect(url_for("account.organisation"))
