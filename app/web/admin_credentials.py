"""Administrators' credential pages: find a certificate's credential, revoke it with a reason.

Revoking takes two steps: the reason, then a page that says what revoking does. Only that
page's form sends `confirmed=yes`; a revocation posted without it (a hand-made form, or one
that skipped the page) is shown the page instead and revokes nothing. The page's "Change the
reason" posts the reason back to its form, kept out of the address bar.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.certificate_codes import normalise_code
from app.services import credential_revocations
from app.web.gate import require_signed_in_professional

bp = Blueprint("credential_admin", __name__, url_prefix="/admin/credentials")
require_signed_in_professional(bp)


@bp.before_request
def _administrators_only():
    if not current_user.has_role("admin"):
        abort(404)


def _page(code: str, *, reason: str = "", reason_error: str | None = None, status: int = 200):
    found = credential_revocations.for_administrator(code) if code else None
    missing = _missing(code) if code and found is None else None
    return render_template(
        "admin/credentials.html",
        code=code,
        found=found,
        state=found.state if found else None,
        missing=missing,
        reason=reason,
        reason_error=reason_error,
        limit=credential_revocations.MAX_REASON,
    ), 400 if missing else status  # a code no certificate has is an error, as a reason left out is


def _missing(code: str) -> str:
    # A certificate from before credentials has one once the command has issued it.
    if credential_revocations.certificate_without_credential(code):
        return (
            f"Certificate {code} has no credential yet. Run linkwise issue-credentials "
            "to issue one, then find it here again"
        )
    return f"No certificate has the code {code}"


@bp.get("/")
def find():
    """Find the credential of a certificate by its code, to see its state or revoke it."""
    return _page(request.args.get("code", "").strip()[:64])


def _reason_problem(reason: str) -> str | None:
    if not reason:
        return "Enter why you are revoking this credential"
    if len(reason) > credential_revocations.MAX_REASON:
        return f"The reason must be {credential_revocations.MAX_REASON} characters or fewer"
    return None


@bp.post("/<code>/revoke/confirm")
def confirm_revoke(code: str):
    """Show what revoking would do, with the holder, module, code and reason (nothing changes
    yet): revoking cannot be undone."""
    found, reason, refused = _revocation_asked(code)
    if refused is not None:
        return refused
    return render_template("admin/revoke_credential.html", found=found, reason=reason)


@bp.post("/<code>/revoke/change")
def change_reason(code: str):
    """Go back from the confirmation page to the reason, filled in as typed (nothing changes)."""
    _, reason, refused = _revocation_asked(code)
    return refused if refused is not None else _page(code, reason=reason)


@bp.post("/<code>/revoke")
def revoke(code: str):
    """Revoke a credential with the reason given, as confirmed; it then fails every
    verification. Unconfirmed, the confirmation page is shown and nothing changes.

    The first revocation stands: one sent from another tab (or at once) is told when, by
    whom and why it was revoked, and its own reason is recorded nowhere.
    """
    found, reason, refused = _revocation_asked(code)
    if refused is not None:
        return refused
    if request.form.get("confirmed") != "yes":  # not sent from the confirmation page
        return render_template("admin/revoke_credential.html", found=found, reason=reason)
    done = credential_revocations.revoke(normalise_code(code), reason, actor_id=current_user.db_id)
    if done.outcome == "already":  # revoked by another request since the read above
        return _already_revoked(credential_revocations.for_administrator(code))
    flash(f"The credential of certificate {found.state.certificate_code} is revoked.", "success")
    return redirect(url_for("credential_admin.find", code=found.state.certificate_code))


def _revocation_asked(code: str):
    """Return the credential, the reason given, and the answer that refuses the revocation
    (None: it may go on): 404 for no such credential, one revoked already, or no reason."""
    found = credential_revocations.for_administrator(code) or abort(404)
    if found.state.revoked_at is not None:
        return found, "", _already_revoked(found)
    reason = request.form.get("reason", "").strip()
    problem = _reason_problem(reason)
    if problem:
        return found, reason, _page(code, reason=reason, reason_error=problem, status=400)
    return found, reason, None


def _already_revoked(found: credential_revocations.AdministeredCredential):
    flash(found.already_revoked(), "warning")
    return redirect(url_for("credential_admin.find", code=found.state.certificate_code))
