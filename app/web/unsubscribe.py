"""One-click unsubscribe from non-essential mail, from a signed link in the email."""

from flask import Blueprint, abort, render_template

from app.security import client_address, csrf
from app.services import mail_preferences

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")


def _reader(token: str) -> mail_preferences.LinkReader:
    reader = mail_preferences.reader_of(token)
    if reader is None:
        abort(404)
    return reader


def _address_changed():
    # The link went to an inbox that is no longer the account's: it changes nothing.
    return render_template("unsubscribe/address_changed.html"), 404


@bp.get("/<token>")
def confirm(token: str):
    """Ask the person to confirm; opening a link (or a mail scanner) changes nothing."""
    reader = _reader(token)
    if reader.address_changed:
        return _address_changed()
    return render_template(
        "unsubscribe/confirm.html", token=token, done=False, manager=reader.manager
    )


# A mail program's one-click POST (RFC 8058) carries no CSRF token: the signed link is the key.
@bp.post("/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """Stop reminders and other non-essential mail to the person the link was sent to."""
    reader = _reader(token)
    if reader.address_changed:
        return _address_changed()
    mail_preferences.unsubscribe(reader.user_id, address=client_address())
    return render_template(
        "unsubscribe/confirm.html", token=token, done=True, manager=reader.manager
    )
