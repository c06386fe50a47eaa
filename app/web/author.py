"""Trainers' pages: how well the quizzes cover the framework, and a learner's attempts."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.content import catalogue
from app.domain.coverage import coverage
from app.domain.item_csv import csv_rows
from app.domain.spreadsheet import csv_text
from app.services import attempt_standings, extra_attempts, item_stats
from app.web.author_forms import filter_query, read_window
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


@bp.get("/quizzes")
def quizzes():
    """List every quiz and knowledge check, with its item analysis."""
    return render_template("author/quizzes.html", modules=catalogue().modules)


@bp.get("/quizzes/<quiz_id>/items")
def items(quiz_id: str):
    """Show how each question of a quiz performs, over the attempts the filter takes.

    A filter with a mistake gets the form with its errors and no figures: figures for a
    period other than the one asked for (all time, or none) would pass for it.
    """
    window, errors = read_window(request.args)
    if errors:
        heading, report = item_stats.heading(quiz_id, catalogue()), None
    else:
        scores = request.args.get("competencies") == "1"
        heading = report = item_stats.item_report(quiz_id, window, competency_scores=scores)
    if heading is None:
        return _to_quiz_now("author.items", quiz_id)
    page = render_template(
        "author/items.html", heading=heading, report=report, args=request.args, errors=errors
    )
    return page, 400 if errors else 200


@bp.get("/quizzes/<quiz_id>/items.csv")
def items_csv(quiz_id: str):
    """Download the item analysis of a quiz as CSV, one row per question version.

    A filter with a mistake leads to the quiz's page, which explains it.
    """
    window, errors = read_window(request.args)
    if errors and item_stats.find_quiz(quiz_id, catalogue()) is not None:
        return redirect(url_for("author.items", quiz_id=quiz_id, **filter_query(request.args)))
    report = item_stats.item_report(quiz_id, window)
    if report is None:
        return _to_quiz_now("author.items_csv", quiz_id)
    disposition = f'attachment; filename="{quiz_id}-items.csv"'
    return Response(
        csv_text(csv_rows(report)),
        mimetype="text/csv",
        headers={"Content-Disposition": disposition},
    )


def _to_quiz_now(endpoint: str, quiz_id: str):
    """Send an id the module's quiz had before to the same page under the id it has now,
    whose report holds the earlier attempts; any other id is not found."""
    now = item_stats.quiz_now(quiz_id, catalogue())
    if now is None:
        abort(404)
    return redirect(url_for(endpoint, quiz_id=now, **request.args))


def _reach() -> int | None:
    """Return the organisation whose learners the trainer reaches; None: every learner.

    A trainer of an organisation sees and helps its learners only: anyone else is not found,
    as if they did not exist. A trainer with none (the course's own staff) and an admin
    reach everyone.
    """
    return current_user.organisation_id if current_user.has_role("trainer") else None


@bp.get("/learners")
def learners():
    """Find a learner by email address and show their quiz attempts."""
    email = request.args.get("email", "").strip()
    within = _reach()
    found = attempt_standings.find_learner(email, organisation_id=within) if email else None
    if found is not None:
        return redirect(url_for("author.learner", user_id=found))
    # The same words whether or not the address has an account elsewhere.
    nobody = "No account in your organisation has" if within else "No account has"
    missing = f"{nobody} that email address" if email else None
    status = 404 if missing else 200
    page = render_template(
        "author/learners.html", email=email, missing=missing, organisation_only=within is not None
    )
    return page, status


@bp.get("/learners/<int:user_id>")
def learner(user_id: int):
    """Show a learner's attempts at each quiz, with a way to give one more."""
    return _learner_page(user_id)


def _learner_page(user_id: int, refused: extra_attempts.GrantRefused | None = None):
    try:
        attempts = attempt_standings.learner_attempts(user_id, organisation_id=_reach())
    except extra_attempts.NotFound:
        abort(404)
    page = render_template("author/learner.html", attempts=attempts, refused=refused)
    return page, 400 if refused else 200


@bp.post("/learners/<int:user_id>/extra-attempt")
def extra_attempt(user_id: int):
    """Give a learner one more attempt at a quiz, with a reason."""
    try:
        extra_attempts.grant_attempt(
            current_user.db_id,
            user_id,
            request.form.get("quiz_id", ""),
            request.form.get("reason", ""),
            organisation_id=_reach(),
        )
    except extra_attempts.NotFound:
        abort(404)
    except extra_attempts.NothingChanged as unchanged:  # sent again: told, not an error
        flash(unchanged.message, "warning")
    except extra_attempts.GrantRefused as refused:
        return _learner_page(user_id, refused)
    else:
        flash("The learner has one more attempt at the quiz.", "success")
    return redirect(url_for("author.learner", user_id=user_id, _anchor="quiz-attempts"))


# The preview's views share this blueprint and its trainers-only rule.
from app.web import author_preview  # noqa: E402, F401
