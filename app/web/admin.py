"""Administrators' pages: the audit log."""

from datetime import datetime

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app.domain.filter_days import filter_days, filter_moments
from app.services import audit_reads
from app.web.gate import require_signed_in_professional
from app.web.query import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_signed_in_professional(bp)


@bp.before_request
def _administrators_only():
    if not current_user.has_role("admin"):
        abort(404)


@bp.get("/audit")
def audit_log():
    """Read the audit log, newest first, filtered by event, email and dates.

    A date that is wrong lists nothing: the form is shown again with what was typed and
    the error, rather than events a filter left half applied would pick, or a count of none.
    """
    args = request.args
    days, errors = _days(args)
    filters = audit_reads.AuditFilter(
        kind=args.get("kind", "")[:40], email=args.get("email", "")[:254], **days
    )
    found = None if errors else audit_reads.search(filters, page=page_arg())
    kinds = found.kinds if found else audit_reads.event_kinds()
    page = render_template(
        "admin/audit.html", found=found, kinds=kinds, filters=filters, args=args, errors=errors
    )
    return page, 400 if errors else 200


def _days(args) -> tuple[dict[str, datetime | None], dict[str, str]]:
    """Return where the From UK day starts and the To UK day ends (in UTC, as the log keeps
    its times), and errors."""
    days, errors = filter_days(args)
    since, until = filter_moments(days["since"], days["until"])
    return {"since": since, "until": until}, errors
