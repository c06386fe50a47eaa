"""Public pages and the health check."""

import logging

from flask import Blueprint, jsonify, render_template
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
    """Answer 200 when the database answers (saying if it only reads), 503 when it does not."""
    try:
        read_only = db.ping()
    except SQLAlchemyError as error:
        cause = type(getattr(error, "orig", None) or error).__name__
        log.warning("health check: database unavailable: %s", cause)
        return jsonify(status="unavailable", database="down"), 503, {"Retry-After": "30"}
    if read_only:
        # Still 200: a load balancer that took the instance out would stop the reads that
        # work (a certificate, an export) along with the writes that wait; monitoring reads
        # the JSON to see that changes answer 503 until the database writes again.
        return jsonify(status="degraded", database="read-only")
    return jsonify(status="ok", database="up")
