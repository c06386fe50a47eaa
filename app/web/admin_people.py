"""Administrators' People pages: find anyone's account, see it, change their role, lift a
sign-in lock, download everything held about them, erase it.

Each action is the service its command uses (set-role, unlock-sign-in, export-user,
erase-user), here with the administrator as the audit log's actor.
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.content import catalogue
from app.domain.accounts import ROLES
from app.domain.dates import day
from app.security import client_address
from app.services import data_rights, people_actions, people_admin, role_shown, sign_in_locks
from app.services.accounts import AccountError
from app.web.gate import require_signed_in_professional
from app.web.query import page_arg

bp = Blueprint("people_admin", __name__, url_prefix="/admin/people")
require_signed_in_professional(bp)


@bp.before_request
def _administrators_only():
    if not current_user.has_role("admin"):
        abort(404)


@bp.get("/")
def people():
    """List everyone with an account, or those whose name or email has the text searched."""
    asked = request.args.get("q")
    found = people_admin.listing(asked or "", page_arg())
    return render_template("admin/people.html", found=found, searched=asked is not None)


def _person(user_id: int) -> people_admin.Person:
    return people_admin.person(user_id) or abort(404)


def _to_person(user_id: int):
    return redirect(url_for(".person", user_id=user_id))


def _erased(person: people_admin.Person):
    flash(f"This account was erased on {day(person.erased_at)}: nothing was changed.", "warning")
    return _to_person(person.id)


@bp.get("/<int:user_id>")
def person(user_id: int):
    """Show a person's account, whether sign-in is locked now, and what can be done."""
    found = _person(user_id)
    lock, unreachable = None, None
    if not found.erased:
        try:
            lock = sign_in_locks.standing(found.email, found.id)
        except sign_in_locks.StoreUnreachable as error:
            unreachable = error.where
    return render_template("admin/person.html", person=found, lock=lock, unreachable=unreachable)


def _role_form(user_id: int, *, role=None, organisation="", error=None, status=200):
    found, choices = people_admin.with_organisations(user_id)
    if found is None:
        abort(404)
    if found.erased:
        if request.method == "GET":  # nothing was asked: say why there is no form
            flash(f"This account was erased on {day(found.erased_at)}: it has no role to "
                  "change.", "warning")  # fmt: skip
            return _to_person(found.id)
        return _erased(found)
    page = render_template(
        "admin/change_role.html",
        person=found,
        choices=choices,
        role=role or found.role,
        organisation=organisation,
        error=error,
    )
    return page, status


@bp.get("/<int:user_id>/role")
def role_form(user_id: int):
    """Ask for the role (and organisation) to give the person; the confirmation page's back
    link brings the choice it showed."""
    role, organisation = request.args.get("role", "")[:20], request.args.get("organisation", "")
    return _role_form(user_id, role=role if role in ROLES else None, organisation=organisation[:20])


def _asked() -> tuple[str, str]:
    return request.form.get("role", "")[:20], request.form.get("organisation", "")[:20]


@bp.post("/<int:user_id>/role/confirm")
def confirm_role(user_id: int):
    """Check the change and say what it does (nothing changes yet)."""
    role, organisation = _asked()
    return _confirmation(user_id, role, organisation)


def _confirmation(user_id: int, role: str, organisation: str, error=None):
    """Show what the change does to the person as they are now; with `error`, why the
    change confirmed from a page opened before was not made."""
    found = _person(user_id)
    if found.erased:
        return _erased(found)
    try:
        change = people_actions.role_change_to_confirm(found, role, organisation)
    except people_actions.NothingToChange as already:
        flash(f"{already.message}: nothing was changed.", "warning")
        return _to_person(user_id)
    except AccountError as error:
        return _role_form(user_id, role=role, organisation=organisation, error=error, status=400)
    page = render_template("admin/confirm_role.html", person=found, change=change, error=error)
    return page, 409 if error else 200


@bp.post("/<int:user_id>/role")
def change_role(user_id: int):
    """Change the person's role; a second click (another tab) changes nothing and is told so,
    and a page opened before another administrator changed them is shown again as they are."""
    found = _person(user_id)
    if found.erased:
        return _erased(found)
    role, organisation = _asked()
    try:
        done = people_actions.change_role(
            current_user.db_id,
            found,
            role,
            organisation,
            shown=role_shown.Shown.from_form(request.form),
            address=client_address(),
        )
    except people_actions.NothingToChange as already:
        flash(f"{already.message}: nothing was changed.", "warning")
    except role_shown.ChangedMeanwhile as changed:
        return _confirmation(user_id, role, organisation, error=changed.message)
    except AccountError as error:
        return _role_form(user_id, role=role, organisation=organisation, error=error, status=400)
    else:
        flash(f"{done.said(found)}.", "success")
        if found.id == current_user.db_id and done.role != "admin":
            # No longer an administrator: their own page here would be "page not found".
            return redirect(url_for("account.account"))
    return _to_person(user_id)


@bp.post("/<int:user_id>/unlock")
def unlock(user_id: int):
    """Forget the account's failed sign-ins and wrong current passwords, and what they
    stopped (sign-in from an address, the pages that ask for the current password)."""
    found = _person(user_id)
    if found.erased:
        return _erased(found)
    try:
        lifted = sign_in_locks.lift(
            found.email, actor_id=current_user.db_id, via="web", address=client_address()
        )
    except sign_in_locks.NoAccount:  # erased or given another address meanwhile
        abort(404)
    except sign_in_locks.StoreUnreachable as error:
        flash(f"Nothing was lifted: the sign-in counts at {error.where} cannot be reached "
              "just now. Try again in a few minutes.", "warning")  # fmt: skip
        return _to_person(user_id)
    _say_lifted(lifted)
    return _to_person(user_id)


def _say_lifted(lifted: sign_in_locks.Lifted) -> None:
    if not lifted.counts:
        flash(
            f"There was no sign-in lock on {lifted.email}: no failed sign-ins or wrong current "
            "passwords were counted against it. Nothing was changed.",
            "warning",
        )
    else:
        # Each count says what forgetting it freed: sign-in from an address, or the pages
        # that ask for the current password (wrong ones never stop sign-in).
        still = {count.address for count in lifted.addresses_at_limit}

        def freed(count: sign_in_locks.Count) -> str:
            if not count.locked:
                return ""
            if count.address in still:  # the address's limit for everyone stops them yet
                return f", though signing in from {count.address} stays stopped (below)"
            return f", so {count.freed}"

        said = "; ".join(
            [f"{count.said} forgotten{freed(count)}" for count in lifted.listed_as_found]
            + ([f"{lifted.others_lifted} forgotten"] if lifted.others else [])
        )
        if lifted.was_locked:
            flash(f"For {lifted.email}: {said}.", "success")
        else:
            flash(f"For {lifted.email}: {said}; none of these was stopping anything.", "success")
    for count in lifted.addresses_at_limit:
        flash(f"Sign-ins from {count.address} are still stopped for everyone there: "
              f"{count.failures} of {count.allowed} failed sign-ins from that address, at any "
              f"account. That limit lapses by itself in {_minutes(count.minutes_left)}.",
              "warning")  # fmt: skip


def _minutes(minutes: int) -> str:
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@bp.post("/<int:user_id>/data")
def download(user_id: int):
    """Download everything held about the person (what export-user writes); audited."""
    found = _person(user_id)
    if found.erased:
        return _erased(found)
    archive = data_rights.export_archive(
        found.id, catalogue(), actor_id=current_user.db_id, address=client_address()
    )
    disposition = f'attachment; filename="linkwise-data-{found.id}.zip"'
    headers = {"Content-Disposition": disposition}
    return Response(archive, mimetype="application/zip", headers=headers)


@bp.get("/<int:user_id>/erase")
def confirm_erasure(user_id: int):
    """Say exactly what erasing the account does (nothing changes yet)."""
    found = _person(user_id)
    if found.erased:
        return _to_person(user_id)
    # Refused before the button, not after it: the page says why and offers none.
    refused = people_actions.erasure_refused(current_user.db_id, found)
    return render_template("admin/erase_person.html", person=found, error=None, refused=refused)


@bp.post("/<int:user_id>/erase")
def erase(user_id: int):
    """Erase the account; a second click (another tab) is told it was erased already."""
    found = _person(user_id)
    try:
        erased = not found.erased and people_actions.erase(
            current_user.db_id, found, address=client_address()
        )
    except people_actions.ErasureRefused as refused:
        page = render_template(
            "admin/erase_person.html", person=found, error=refused.message, refused=None
        )
        return page, 400
    if erased:
        flash(f"The account of {found.email} is erased: it is now account {found.id}, anonymised.",
              "success")  # fmt: skip
    else:
        flash("This account was already erased: nothing was changed.", "warning")
    return _to_person(user_id)
