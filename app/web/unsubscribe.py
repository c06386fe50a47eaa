"""One-click unsubscribe from non-essential mail, from a signed link in the email."""

from flask import Blueprint, abort, render_template

from app.security import client_address, csrf
from app.services import mail_preferences

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")


@bp.get("/<token>")
def confirm(token: str):
    """Ask the person to confirm; opening a link (or a mail scanner) changes nothing."""
    if mail_preferences.reader_of(token) is None:
        abort(404)
    return render_template("unsubscribe/confirm.html", token=token, done=False)


# A mail program's one-click POST (RFC 8058) carries no CSRF token: the signed link is the key.
@bp.post("/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """Stop reminders and other non-essential mail to the person the link was sent to."""
    user_id = mail_preferences.reader_of(token)
    if user_id is None:
        abort(404)
    mail_preferences.unsubscribe(user_id, address=client_address())
    return render_template("unsubscribe/confirm.html", token=token, done=True)
