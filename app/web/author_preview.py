"""Trainers' preview of a quiz, taken as a learner would, and its whole bank.

The preview attempt lives in the signed session, one at a time; nothing is written to
the database. Registered on the author blueprint, so the trainers-only rule applies.
"""

from flask import abort, redirect, render_template, request, session, url_for

from app.services import preview, quiz_bank
from app.web.author import bp

KEY = "preview"


@bp.get("/quizzes/<quiz_id>/bank")
def bank(quiz_id: str):
    """Show every question of a quiz: choices, feedback, points, pools and their place."""
    page = quiz_bank.bank(quiz_id)
    if page is None:
        abort(404)
    return render_template("author/bank.html", page=page, running=_state(quiz_id) is not None)


@bp.post("/quizzes/<quiz_id>/preview")
def start_preview(quiz_id: str):
    """Draw a new preview attempt of the quiz, as a learner's attempt would be drawn."""
    try:
        session[KEY] = preview.start(quiz_id)
    except preview.NoPreview:
        abort(404)
    return redirect(url_for("author.preview_attempt", quiz_id=quiz_id))


@bp.get("/quizzes/<quiz_id>/preview")
def preview_attempt(quiz_id: str):
    """Show the preview attempt's questions as a learner's form."""
    try:
        page = preview.attempt_form(quiz_id, _state(quiz_id))
    except preview.NoPreview:
        return redirect(url_for("author.bank", quiz_id=quiz_id))
    return render_template("author/preview.html", page=page)


@bp.post("/quizzes/<quiz_id>/preview/answers")
def submit_preview(quiz_id: str):
    """Mark the preview attempt, or show the form again with what is wrong."""
    try:
        state, invalid = preview.submit(quiz_id, _state(quiz_id), request.form)
    except preview.NoPreview:
        return redirect(url_for("author.bank", quiz_id=quiz_id))
    session[KEY] = state
    if invalid is not None:
        return render_template("author/preview.html", page=invalid), 400
    if not state["submitted"]:  # questions unanswered: asked first, as a learner is
        return redirect(url_for("author.confirm_preview", quiz_id=quiz_id))
    return redirect(url_for("author.preview_result", quiz_id=quiz_id))


@bp.get("/quizzes/<quiz_id>/preview/submit")
def confirm_preview(quiz_id: str):
    """Ask before marking a preview attempt with questions unanswered, as a learner is asked."""
    try:
        page = preview.confirm(quiz_id, _state(quiz_id))
    except preview.NoPreview:
        return redirect(url_for("author.bank", quiz_id=quiz_id))
    return render_template("author/preview_confirm.html", page=page)


@bp.get("/quizzes/<quiz_id>/preview/result")
def preview_result(quiz_id: str):
    """Show the marked preview attempt with every piece of feedback."""
    try:
        page = preview.result(quiz_id, _state(quiz_id))
    except preview.NoPreview:
        return redirect(url_for("author.bank", quiz_id=quiz_id))
    return render_template("author/preview_result.html", page=page)


def _state(quiz_id: str) -> dict | None:
    state = session.get(KEY)
    return state if state and state.get("quiz") == quiz_id else None
