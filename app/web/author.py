"""Trainers' view of the content: how well the quizzes cover the competency framework."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.content import catalogue
from app.domain.coverage import coverage
from app.web.gate import require_signed_in_professional

bp = Blueprint("author", __name__, url_prefix="/author")
require_signed_in_professional(bp)


@bp.before_request
def _trainers_only():
    if not current_user.has_role("trainer", "admin"):
        abort(404)


@bp.get("/coverage")
def coverage_page():
    """Show, per competency, how many assessment questions align with it."""
    return render_template("author/coverage.html", rows=coverage(catalogue()))
