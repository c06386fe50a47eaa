"""The healthcare-professional gate in front of every learning page."""

from functools import wraps

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from app.domain.accounts import safe_next

bp = Blueprint("gate", __name__)

COOKIE = "linkwise_professional"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def has_confirmed() -> bool:
    """Say whether this visitor has confirmed they are a healthcare professional."""
    if request.cookies.get(COOKIE) == "yes":
        return True
    # Signed-in users confirmed when they registered; their account remembers it.
    return bool(current_user.is_authenticated)


def _send_to_gate():
    if has_confirmed():
        return None
    return redirect(url_for("gate.confirm", next=request.full_path.rstrip("?")))


def require_confirmation(blueprint: Blueprint) -> None:
    """Send visitors who have not confirmed to the gate before any page of blueprint."""
    blueprint.before_request(_send_to_gate)


def require_signed_in_professional(blueprint: Blueprint) -> None:
    """Gate every page of blueprint, then ask visitors who are not signed in to sign in."""
    require_confirmation(blueprint)
    blueprint.before_request(login_required(lambda: None))


def confirmation_required(view):
    """Send visitors who have not confirmed to the gate before this view."""

    @wraps(view)
    def gated(*args, **kwargs):
        return _send_to_gate() or view(*args, **kwargs)

    return gated


def remember_confirmation(response):
    """Set the strictly necessary cookie that records the confirmation."""
    response.set_cookie(
        COOKIE,
        "yes",
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/confirm-professional")
def confirm():
    """Ask the visitor to confirm they are a healthcare professional."""
    return render_template("gate/confirm.html", next=safe_next(request.args.get("next")))


@bp.post("/confirm-professional")
def confirm_answer():
    """Record the visitor's answer and send them on."""
    target = safe_next(request.form.get("next"))
    if request.form.get("answer") == "yes":
        return remember_confirmation(redirect(target))
    if request.form.get("answer") == "no":
        return redirect(url_for("gate.declined"))
    error = "Select whether you are a healthcare professional"
    return render_template("gate/confirm.html", next=target, error=error), 400


@bp.get("/not-a-healthcare-professional")
def declined():
    """Point people who are not healthcare professionals to public NHS information."""
    return render_template("gate/declined.html")
