"""A learner's own competency profile."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.content import catalogue
from app.services import attainment
from app.web.gate import require_signed_in_professional

bp = Blueprint("my", __name__, url_prefix="/my")
require_signed_in_professional(bp)


@bp.get("/competencies")
def competencies():
    """Show each competency's level, the evidence behind it and what to study next."""
    profiles = attainment.profile(current_user.db_id, catalogue())
    quizzes = {m.assessment.id: m for m in catalogue().modules if m.assessment}
    return render_template("my/competencies.html", profiles=profiles, quizzes=quizzes)
