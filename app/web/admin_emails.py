"""Administrators' page of everyone whose emails the mail server refuses now."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.services import emails_refused
from app.web.gate import require_signed_in_professional
from app.web.query import page_arg

bp = Blueprint("emails_admin", __name__, url_prefix="/admin/emails-refused")
require_signed_in_professional(bp)


@bp.before_request
def _administrators_only():
    if not current_user.has_role("admin"):
        abort(404)


@bp.get("/")
def refused():
    """List everyone whose reminder emails or weekly summaries are refused, newest first."""
    found = emails_refused.listing(page_arg())
    return render_template("admin/emails_refused.html", found=found)
