"""Public pages, the health check and the error pages."""

import logging
import secrets

from flask import Blueprint, jsonify, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError

from app import db
from app.content import catalogue

bp = Blueprint("pages", __name__)
# The framework for clinicians who refer to link workers; its modules are their route.
REFERRER_FRAMEWORK = "referrer"
log = logging.getLogger(__name__)


@bp.get("/")
def home():
    """Say what Linkwise is and how to start."""
    course = catalogue()
    return render_template(
        "pages/home.html",
        modules=course.modules,
        referrer_modules=course.modules_developing(REFERRER_FRAMEWORK),
    )


@bp.get("/privacy")
def privacy():
    """Explain what personal data Linkwise keeps and why."""
    return render_template("pages/privacy.html")


@bp.get("/cookies")
def cookies():
    """List the cookies Linkwise sets; all are strictly necessary."""
    return render_template("pages/cookies.html")


@bp.get("/accessibility")
def accessibility():
    """State how accessible Linkwise is and how to report a problem."""
    return render_template("pages/accessibility.html")


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        db.ping()
    except SQLAlchemyError:
        log.exception("health check: database unavailable")
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up")


def init_errors(app) -> None:
    """Register the friendly error pages."""

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render_template("errors/404.html"), 405

    @app.errorhandler(CSRFError)
    def bad_csrf(_error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(429)
    def too_many(_error):
        return render_template("errors/429.html"), 429

    @app.errorhandler(500)
    def server_error(error):
        reference = secrets.token_hex(4).upper()
        original = getattr(error, "original_exception", error)
        log.error("error reference %s", reference, exc_info=original)
        return render_template("errors/500.html", reference=reference), 500
