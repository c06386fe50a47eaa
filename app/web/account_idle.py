"""The signed-in user's choice of idle limit: the usual one, or ten times as long.

WCAG 2.2.1 (Timing Adjustable): without JavaScript nothing warns before the sign-out, and
some people need longer than the usual limit in any case; this lets them choose.
"""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from app import idle
from app.security import client_address
from app.services import idle_limits
from app.web.account import bp

CHOICES = {"usual": False, "long": True}


@bp.post("/sign-out-after")
def idle_limit():
    """Keep the usual idle limit or choose the longer one: for this session and the next."""
    long = CHOICES.get(request.form.get("limit", ""))
    if long is None:  # a form from another page, or none: the radios always send one
        return redirect(url_for("account.account") + "#sign-out-after")
    minutes = idle.limit_minutes(long)
    changed = idle_limits.choose_long_limit(
        current_user.db_id, long=long, minutes=minutes, address=client_address()
    )
    idle.choose_long_limit(long)
    limit = idle.duration(minutes)
    if changed:
        flash(f"Linkwise will now sign you out after {limit} without use", "success")
    else:
        flash(f"Linkwise already signs you out after {limit} without use: nothing changed", "info")
    return redirect(url_for("account.account") + "#sign-out-after")


def choices(long: bool) -> list[dict]:
    """Return the account page's radios: the usual limit and the longer one, one checked."""
    usual = idle.duration(idle.limit_minutes(False))
    longer = idle.duration(idle.limit_minutes(True))
    return [
        {
            "value": "usual",
            "text": f"After {usual} (the usual)",
            "hint": {"text": "Best on a computer other people use."},
            "checked": not long,
        },
        {
            "value": "long",
            "text": f"After {longer}",
            "hint": {"text": "If you need more time, for example to read or type."},
            "checked": long,
        },
    ]
