"""The competency framework, as learners and managers read it."""

from flask import Blueprint, render_template

from app.content import catalogue
from app.web.gate import require_confirmation

bp = Blueprint("competencies", __name__, url_prefix="/competencies")
require_confirmation(bp)


@bp.get("/")
def framework():
    """Show every framework: domains, codes, statements and the modules that teach them,
    with what its knowledge ratings need and when a competency is met."""
    return render_template("competencies/framework.html", catalogue=catalogue())
