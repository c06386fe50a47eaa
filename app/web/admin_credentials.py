"""Administrators' credential pages: find a certificate's credential, revoke it with a reason."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.certificate_codes import normalise_code
from app.services import credentials
from app.services.credential_checks import state_of
from app.web.gate import require_signed_in_professional

bp = Blueprint("credential_admin", __name__, url_prefix="/admin/credentials")
require_signed_in_professional(bp)


@bp.before_request
def _administrators_only():
    if not current_user.has_role("admin"):
        abort(404)


def _page(code: str, *, reason: str = "", reason_error: str | None = None, status: int = 200):
    state = state_of(code) if code else None
    missing = f"No certificate has the code {code}" if code and state is None else None
    return render_template(
        "admin/credentials.html",
        code=code,
        state=state,
        missing=missing,
        reason=reason,
        reason_error=reason_error,
        limit=credentials.MAX_REASON,
    ), status


@bp.get("/")
def find():
    """Find the credential of a certificate by its code, to see its state or revoke it."""
    return _page(request.args.get("code", "").strip()[:64])


@bp.post("/<code>/revoke")
def revoke(code: str):
    """Revoke a credential with the reason given; it then fails every verification."""
    state_of(code) or abort(404)
    reason = request.form.get("reason", "").strip()
    if not reason or len(reason) > credentials.MAX_REASON:
        problem = (
            "Enter why you are revoking this credential"
            if not reason
            else (f"The reason must be {credentials.MAX_REASON} characters or fewer")
        )
        return _page(code, reason=reason, reason_error=problem, status=400)
    done = credentials.revoke(normalise_code(code), reason, actor_id=current_user.db_id)
    if done.outcome == "revoked":
        flash(f"The credential of certificate {code} is revoked.", "success")
    return redirect(url_for("credential_admin.find", code=code))
