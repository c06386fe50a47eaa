"""Administrators' pages: the audit log."""

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app.services import audit
from app.web.gate import require_signed_in_professional

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_signed_in_professional(bp)


@bp.before_request
def _administrators_only():
    if not current_user.has_role("admin"):
        abort(404)


@bp.get("/audit")
def audit_log():
    """Read the audit log, newest first, filtered by event, email and dates."""
    args = request.args
    filters = audit.AuditFilter(
        kind=args.get("kind", "")[:40],
        email=args.get("email", "")[:254],
        since=_day(args.get("since", "")),
        until=_day(args.get("until", ""), end=True),
    )
    found = audit.search(filters, page=args.get("page", 1, type=int))
    return render_template(
        "admin/audit.html", found=found, filters=filters, args=args, errors=_date_errors(args)
    )


def _day(text: str, *, end: bool = False) -> datetime | None:
    """Return the start of a YYYY-MM-DD day (or of the next one, for an "until" date)."""
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    start = datetime.combine(day, time.min, tzinfo=UTC)  # the log keeps UTC
    return start + timedelta(days=1) if end else start


def _date_errors(args) -> dict[str, str]:
    errors = {}
    for name, label in (("since", "From"), ("until", "To")):
        text = args.get(name, "").strip()
        if text and _day(text) is None:
            errors[name] = f"{label} date must be a real date, like 2026-11-23"
    return errors
