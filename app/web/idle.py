"""What a request gets once its session has gone unused too long, and "Stay signed in".

Every request but a static file's is checked before its view (app/idle.py): one whose
session has expired is treated as coming from someone signed out, and its view never runs.

- A page (GET) goes to the sign-in page, which says why, and back to the page after.
- A form (POST) did nothing: the sign-in page says plainly what was not saved (the quiz's
  answers, say) and sends the person back to the form's page. What they typed into a
  free-text field is shown to copy instead, as the 503 page does (app/web/typed.py).
- The quiz's autosave (JSON) is told it was not saved, and where to sign in.

With JavaScript, a page whose form holds typed text sends that form at the limit, marked
(LIMIT_FIELD: static/js/idle.mjs), for the same not-saved page. Its clock may be up to a
second ahead of this one (whole seconds here): a marked form is never saved, and its
session ends now, as the page said it would.
"""

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from app import idle
from app.domain.accounts import safe_next
from app.web import typed
from app.web.quiz_forms import autosaves

bp = Blueprint("idle", __name__)

# Requests an expired session still gets to make: signing in (as anyone) and out.
LET_THROUGH = frozenset({"auth.sign_in", "auth.sign_out", "static"})
# What a form sent to these endpoints held, as the notice names it.
QUIZ_ANSWERS = {
    "quiz.answer": "the answers you sent from the quiz page were not saved",
    "quiz.knowledge_check": "the answer you gave to the knowledge check was not saved",
}
AGAIN = {
    "quiz.answer": "give them again: answers saved before then are kept",
    "quiz.knowledge_check": "give it again",
}
SENT_NOT_SAVED = "what you sent from the last page was not saved"
LIMIT_FIELD = "idle-limit-reached"  # a form static/js/idle.mjs sent at the limit
# The header static/js/idle.mjs reads after its page's own requests (idle.left_value).
LEFT_HEADER = "X-Linkwise-Idle-Left"
SIGN_IN_HEADER = "X-Linkwise-Signed-Out"


def why(found: idle.Standing) -> str:
    """Return why the person was signed out, in words."""
    if found.by_lifetime:
        lifetime = idle.duration(idle.lifetime_seconds() // 60)
        return f"You were signed out because you signed in more than {lifetime} ago"
    limit = idle.duration(found.minutes)
    return f"You were signed out because you had not used Linkwise for {limit}"


@bp.before_app_request
def _check_idle():
    current = request._get_current_object()  # one look-up, not one per attribute
    if current.endpoint == "static":
        return None
    found = idle.check()
    if found is not None and not found.expired and _sent_at_limit(current):
        found = replace(found, expired=True, by_lifetime=not found.renewable)
    if found is None or not found.expired:
        g.idle_standing = found
        return None
    # The sign-in form's token is checked again by its form: its secret stays.
    keep = session.get("csrf_token") if current.endpoint == "auth.sign_in" else None
    session.clear()
    logout_user()  # asks no database: the session names nobody now
    if keep:
        session["csrf_token"] = keep
    if current.endpoint in LET_THROUGH:
        if current.endpoint == "auth.sign_in" and current.method == "GET":
            flash(f"{why(found)}. Sign in to carry on.", "info")
        return None  # whoever signs in now starts afresh; signing out needs nobody
    if current.method in ("GET", "HEAD"):
        flash(f"{why(found)}. Sign in to carry on where you were.", "info")
        return redirect(_sign_in(current.full_path.rstrip("?")))
    return _not_saved(current, found)


def _not_saved(current, found: idle.Standing):
    """Answer a form sent after the session expired: nothing it asked was done."""
    sign_in = _sign_in(typed.form_page() or current.path)
    reason = why(found)
    lost = QUIZ_ANSWERS.get(current.endpoint, SENT_NOT_SAVED)
    if current.endpoint == "idle.stay_signed_in":
        told = f"{reason}. Sign in to carry on where you were."
    elif current.endpoint in QUIZ_ANSWERS:
        told = f"{reason}, so {lost}. Sign in, then {AGAIN[current.endpoint]}."
    else:
        told = f"{reason}, so {lost}. Sign in, then send it again."
    if autosaves(current) or current.headers.get("X-Linkwise-Part"):
        # A script's request: static/js/idle.mjs takes the page to the sign-in page.
        flash(told, "info")
        said = f"{reason[0].lower()}{reason[1:]}"
        body = jsonify(status="signed-out", saved=False, error=said, sign_in=sign_in)
        return body, 401, {SIGN_IN_HEADER: sign_in, "Cache-Control": "no-store"}
    kept = typed.typed_in_form()
    if kept:
        page = render_template("idle/not_saved.html", reason=reason, typed=kept, sign_in=sign_in)
        return page, 401, {"Cache-Control": "no-store"}  # what someone typed is theirs alone
    flash(told, "info")
    return redirect(sign_in, 303)


def _sent_at_limit(current) -> bool:
    return current.method == "POST" and current.form.get(LIMIT_FIELD) == "1"


def _sign_in(next_page: str) -> str:
    return url_for("auth.sign_in", next=safe_next(next_page))


@bp.after_app_request
def _say_time_left(response):
    found = g.get("idle_standing")
    if found is not None and not found.expired:
        response.headers[LEFT_HEADER] = idle.left_value(found)
    return response


@bp.post("/stay-signed-in")
def stay_signed_in():
    """Put off signing out for want of use ("Stay signed in" in the warning)."""
    if not current_user.is_authenticated:
        abort(401)
    g.idle_standing = found = idle.keep_active()
    return jsonify(left=found.left, renewable=found.renewable)
