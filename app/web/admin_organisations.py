"""Administrators' organisation pages: every organisation, creating one, making a manager
(and stepping one back to learner)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.services import accounts, organisation_admin
from app.web.gate import require_signed_in_professional
from app.web.query import page_arg

bp = Blueprint("organisation_admin", __name__, url_prefix="/admin/organisations")
require_signed_in_professional(bp)


@bp.before_request
def _administrators_only():
    if not current_user.has_role("admin"):
        abort(404)


def _list(*, name: str = "", error: str | None = None, status: int = 200):
    found = organisation_admin.listing(page_arg())
    return render_template("admin/organisations.html", found=found, name=name, error=error), status


@bp.get("/")
def organisations():
    """List every organisation with its join code, learners and managers; offer a new one."""
    return _list()


@bp.post("/")
def create():
    """Create an organisation with a fresh join code, then show its page with the code."""
    name = request.form.get("name", "")[:1000]
    try:
        made = organisation_admin.create(name, current_user.db_id)
    except accounts.AccountError as error:
        return _list(name=name, error=error.message, status=400)
    flash(f"{made.name} is created. Its join code is {made.join_code}.", "success")
    return redirect(url_for(".organisation", organisation_id=made.id))


def _organisation(organisation_id: int) -> organisation_admin.OrganisationRow:
    return organisation_admin.organisation(organisation_id) or abort(404)


def _page(found, *, email: str = "", error: str | None = None, status: int = 200):
    page = render_template("admin/organisation.html", found=found, email=email, error=error)
    return page, status


@bp.get("/<int:organisation_id>")
def organisation(organisation_id: int):
    """Show an organisation: its join code and link, its managers; make another manager."""
    return _page(_organisation(organisation_id))


@bp.post("/<int:organisation_id>/managers/confirm")
def confirm_manager(organisation_id: int):
    """Check the person to make a manager and say what changes (nothing changes yet)."""
    found = _organisation(organisation_id)
    email = request.form.get("email", "")[:1000]
    try:
        person = organisation_admin.candidate(found, email)
    except accounts.AccountError as error:
        return _page(found, email=email, error=error.message, status=400)
    return render_template("admin/make_manager.html", found=found, person=person)


@bp.post("/<int:organisation_id>/managers")
def make_manager(organisation_id: int):
    """Make a learner of the organisation its manager; a second click changes nothing and
    is told so."""
    found = _organisation(organisation_id)
    email = request.form.get("email", "")[:1000]
    try:
        person = organisation_admin.make_manager(current_user.db_id, found, email)
    except organisation_admin.AlreadyManager as already:  # sent twice: told, not an error
        flash(f"{already.message}: nothing was changed.", "warning")
    except accounts.AccountError as error:
        return _page(found, email=email, error=error.message, status=400)
    else:
        flash(f"{person.full_name} is now a manager of {found.name}.", "success")
    return redirect(url_for(".organisation", organisation_id=organisation_id))


@bp.post("/<int:organisation_id>/managers/step-back/confirm")
def confirm_step_back(organisation_id: int):
    """Say what stepping a manager back to learner changes (nothing changes yet)."""
    found = _organisation(organisation_id)
    person = organisation_admin.manager(found, request.form.get("email", "")[:1000])
    if person is None:
        return _not_a_manager(found)
    return render_template("admin/step_back.html", found=found, person=person)


@bp.post("/<int:organisation_id>/managers/step-back")
def step_back(organisation_id: int):
    """Make a manager of the organisation one of its learners again; a second click changes
    nothing and is told so."""
    found = _organisation(organisation_id)
    email = request.form.get("email", "")[:1000]
    person = organisation_admin.step_back(current_user.db_id, found, email)
    if person is None:
        return _not_a_manager(found)
    flash(f"{person.full_name} is now a learner of {found.name}, no longer its manager.", "success")
    return redirect(url_for(".organisation", organisation_id=organisation_id))


def _not_a_manager(found):
    flash(f"That person is not a manager of {found.name} (any more): nothing changed.", "warning")
    return redirect(url_for(".organisation", organisation_id=found.id))
