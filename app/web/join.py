"""Join links: the address a manager shares beside a join code (/join/<code>).

Following one is typing the code on Your organisation: the learner sees the same page that
names the organisation (and team) and what joining changes, and only its button joins (a POST
with its CSRF token, account.move_organisation). A code no one has, or one mistyped, gets the
message typing it gets, on the page where it is typed. A visitor who is signed out passes the
healthcare-professional gate and signs in first (their `next` is the link); one who has no
account registers with the code filled in.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.domain.accounts import EXAMPLE_JOIN_CODE
from app.services import accounts
from app.web import throttles
from app.web.account_forms import JoinOrganisationForm
from app.web.account_organisation import looked_up
from app.web.gate import require_signed_in_professional

bp = Blueprint("join", __name__)
require_signed_in_professional(bp)


@bp.get("/join/<code>")
@throttles.join_code_guesses("GET")
def link(code: str):
    """Show what joining with the linked code changes; the learner confirms on that page."""
    form = JoinOrganisationForm(formdata=MultiDict({"join_code": code}), meta={"csrf": False})
    if form.validate():
        answer = looked_up(form)
        if answer is not None:
            return answer
    row = accounts.account(current_user.db_id)
    if row.role == "manager":  # no join field on their page: the message is said above it
        flash(form.join_code.errors[0], "error")
        return redirect(url_for("account.organisation"))
    page = render_template(
        "account/organisation.html", form=form, row=row, example=EXAMPLE_JOIN_CODE
    )
    return page, 400
