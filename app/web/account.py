"""The signed-in user's own account: details, password, email, organisation, their data."""

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from app import mail
from app.content import catalogue
from app.domain.accounts import EXAMPLE_JOIN_CODE
from app.domain.assignment_banners import joined_message
from app.domain.numbers import whole_number
from app.login import session_user_id
from app.security import MAX_ID, client_address
from app.services import (
    accounts,
    data_rights,
    email_changes,
    erasure,
    organisation_moves,
    password_changes,
    profile,
)
from app.web import throttles, unsent
from app.web.account_forms import (
    ChangeEmailForm,
    DeleteAccountForm,
    DetailsForm,
    JoinOrganisationForm,
)
from app.web.auth import start_session
from app.web.forms import ChangePasswordForm
from app.web.gate import require_confirmation

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
def _deleted_meanwhile():
    """Answer a deletion sent from a session that the account's erasure has since ended (a
    double click, another tab) as the deletion it asked for: the account is deleted."""
    if request.endpoint != "account.delete" or request.method != "POST":
        return None
    if current_user.is_authenticated or not erasure.erased(session_user_id()):
        return None
    return _deleted()


require_confirmation(bp)
bp.before_request(login_required(lambda: None))


def _status(form) -> int:
    return 400 if form.errors else 200


@bp.route("/", methods=["GET", "POST"])
@throttles.password_checks
def account():
    """Show the account and let the user change their password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = password_changes.change_password(
                current_user.db_id,
                form.current_password.data,
                form.new_password.data,
                session_token=current_user.session_token,
                address=client_address(),
            )
        except accounts.AccountError as error:
            _failed_check(error)
            getattr(form, error.field).errors.append(error.message)
        else:
            start_session(user)
            flash("Your password has been changed. Other devices have been signed out", "success")
            return redirect(url_for("account.account"))
    page = accounts.account_page(current_user.db_id)
    return render_template(
        "account/index.html", form=form, row=page.row, failing=page.failing
    ), _status(form)


@bp.route("/details", methods=["GET", "POST"])
def details():
    """Change name, profession and registration number: those the form changed."""
    row = accounts.account(current_user.db_id)
    form = DetailsForm(obj=row)
    if not form.is_submitted():
        form.draw({name: getattr(row, name) for name in form.FIELDS})
    elif form.validate():
        saved = profile.update_details(
            current_user.db_id, **form.entered(), shown=form.shown(request.form)
        )
        if not saved.conflicts:
            flash("Your details have been saved", "success")
            return redirect(url_for("account.account"))
        form.draw(saved.current, keep=saved.conflicts)
        for name, now in saved.conflicts.items():
            form[name].errors = [profile.changed_elsewhere(name, now)]
        page = render_template("account/details.html", form=form, saved=saved.changed)
        return page, 409
    return render_template("account/details.html", form=form), _status(form)


@bp.route("/email", methods=["GET", "POST"])
@throttles.password_checks
def change_email():
    """Send a confirmation link to the new address; the change happens when it is followed."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            sent_to = email_changes.request_email_change(
                current_user.db_id,
                form.email.data,
                form.current_password.data,
                address=client_address(),
            )
        except accounts.AccountError as error:
            _failed_check(error)
            getattr(form, error.field).errors.append(error.message)
        except mail.MailError:
            unsent.mark(form.email)
            return unsent.answer(render_template("account/email.html", form=form, unsent=True))
        else:
            return render_template("auth/check_email.html", purpose="email", email=sent_to)
    return render_template("account/email.html", form=form), _status(form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """Confirm the new address (a button, so following the link alone changes nothing)."""
    if request.method == "GET":
        new_email = email_changes.email_change_for(current_user.db_id, token)
        if new_email is None:
            return render_template("auth/link_spent.html", purpose="email"), 404
        return render_template("account/confirm_email.html", new_email=new_email, token=token)
    try:
        changed = email_changes.confirm_email_change(
            current_user.db_id, token, address=client_address()
        )
    except accounts.AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("account.account"))
    if changed is None:
        return render_template("auth/link_spent.html", purpose="email"), 404
    flash(_email_changed(changed), "success")
    return redirect(url_for("account.account"))


def _email_changed(changed: email_changes.EmailChanged) -> str:
    if changed.already:
        return (
            f"Your email address was changed to {changed.email} a moment ago, from this or "
            "another tab or window"
        )
    return f"Your email address is now {changed.email}"


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
    ), _status(form)


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


@bp.get("/data")
def your_data():
    """Explain what the download holds."""
    return render_template("account/data.html")


@bp.post("/data")
def download_data():
    """Download everything Linkwise holds about you, with your certificates."""
    archive = data_rights.export_archive(
        current_user.db_id, catalogue(), actor_id=current_user.db_id, address=client_address()
    )
    return Response(
        archive,
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="linkwise-your-data.zip"'},
    )


@bp.route("/delete", methods=["GET", "POST"])
@throttles.password_checks
def delete():
    """Erase the account after the password is entered again."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            erasure.erase_own_account(
                current_user.db_id, form.current_password.data, address=client_address()
            )
        except accounts.AccountError as error:
            _failed_check(error)
            form.current_password.errors.append(error.message)
        else:
            # Erased now, or by a request before this one (a double click, another tab).
            return _deleted()
    return render_template("account/delete.html", form=form), _status(form)


def _deleted():
    logout_user()
    session.clear()
    flash("Your account has been deleted", "success")
    return redirect(url_for("pages.home"))


def _failed_check(error: accounts.AccountError) -> None:
    if error.field == "current_password":
        throttles.mark_failed()
