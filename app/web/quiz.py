"""Knowledge checks over screens and the end-of-module quiz."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.content import catalogue
from app.domain.quizzes import InvalidAnswer
from app.domain.quizzes.attempts import grade, show_correct_answers, shown_questions
from app.services import quizzes
from app.web.gate import require_signed_in_professional
from app.web.quiz_forms import answers_from_form

bp = Blueprint("quiz", __name__, url_prefix="/modules")
require_signed_in_professional(bp)


def _module_with_quiz(module_slug: str):
    module = catalogue().module(module_slug) or abort(404)
    return module if module.assessment else abort(404)


def _attempt_or_404(module, attempt_id: int):
    return quizzes.attempt_of(current_user.db_id, attempt_id, module.assessment) or abort(404)


def _attempt_form(module, attempt, shown, error: str | None = None) -> str:
    saved = quizzes.saved_answers(attempt)
    return render_template(
        "quiz/attempt.html",
        module=module,
        attempt=attempt,
        shown=shown,
        saved=saved,
        error=error,
        closes=quizzes.deadline(attempt, module.assessment),
    )


def _attempt_url(module, attempt) -> str:
    return url_for("quiz.attempt", module_slug=module.slug, attempt_id=attempt.id)


@bp.get("/<module_slug>/quiz/")
def overview(module_slug: str):
    """Explain the quiz, the attempts left and how to start or resume it."""
    module = _module_with_quiz(module_slug)
    status = quizzes.status(current_user.db_id, module)
    preview = current_user.has_role("trainer", "admin")
    return render_template("quiz/overview.html", module=module, status=status, preview=preview)


@bp.post("/<module_slug>/quiz/")
def start(module_slug: str):
    """Start an attempt (or return to the one in progress)."""
    module = _module_with_quiz(module_slug)
    try:
        attempt = quizzes.start(current_user.db_id, module)
    except quizzes.QuizClosed as closed:
        flash(str(closed), "info")
        return redirect(url_for("quiz.overview", module_slug=module.slug))
    return redirect(_attempt_url(module, attempt))


@bp.get("/<module_slug>/quiz/attempts/<int:attempt_id>/")
def attempt(module_slug: str, attempt_id: int):
    """Show an attempt in progress as a form, or a graded one as its result."""
    module = _module_with_quiz(module_slug)
    attempt = _attempt_or_404(module, attempt_id)
    quiz = module.assessment
    shown = shown_questions(quiz, attempt.selection)
    if quizzes.out_of_time(attempt, quiz):
        attempt = quizzes.submit(current_user.db_id, module, attempt)
    if attempt.status == "in-progress":
        return _attempt_form(module, attempt, shown)
    saved = quizzes.saved_answers(attempt)
    status = quizzes.status(current_user.db_id, module)
    reveal = show_correct_answers(quiz, passed=attempt.passed, attempts_left=status.attempts_left)
    return render_template(
        "quiz/result.html",
        module=module,
        attempt=attempt,
        status=status,
        result=grade(quiz, attempt.selection, saved),
        reveal=reveal,
    )


@bp.post("/<module_slug>/quiz/attempts/<int:attempt_id>/")
def answer(module_slug: str, attempt_id: int):
    """Save answers (each as given, or all with Save) and, on Submit, grade the attempt once."""
    module = _module_with_quiz(module_slug)
    attempt = _attempt_or_404(module, attempt_id)
    shown = shown_questions(module.assessment, attempt.selection)
    wants_json = request.accept_mimetypes.best == "application/json"
    if quizzes.out_of_time(attempt, module.assessment):
        # Time is up: what was saved before the limit is graded; late answers are not.
        quizzes.submit(current_user.db_id, module, attempt)
        if wants_json:
            return jsonify(saved=False, error="time is up: your attempt has been submitted"), 409
        flash("Time is up: your attempt was submitted with the answers saved in time.", "info")
        return redirect(_attempt_url(module, attempt))
    try:
        quizzes.save(attempt, module.assessment, answers_from_form(shown, request.form))
    except InvalidAnswer as error:
        if wants_json:
            return jsonify(saved=False, error=str(error)), 400
        return _attempt_form(module, attempt, shown, error=str(error)), 400
    if wants_json:
        return jsonify(saved=True)
    if request.form.get("action") == "submit":
        quizzes.submit(current_user.db_id, module, attempt)
    elif attempt.status == "in-progress":
        flash("Your answers have been saved.", "success")
    return redirect(_attempt_url(module, attempt))


@bp.post("/<module_slug>/<screen_slug>/check")
def knowledge_check(module_slug: str, screen_slug: str):
    """Mark a knowledge check answer; the screen shows the feedback."""
    module = catalogue().module(module_slug) or abort(404)
    screen = module.screen(screen_slug) or abort(404)
    if screen.knowledge_check is None:
        abort(404)
    here = url_for("learn.screen", module_slug=module.slug, screen_slug=screen.slug)
    shown = shown_questions(
        screen.knowledge_check, [{"question": q.id} for q in screen.knowledge_check.questions]
    )
    try:
        raw = answers_from_form(shown, request.form)
        if not current_user.has_role("trainer", "admin"):
            quizzes.answer_check(current_user.db_id, module, screen, raw)
    except InvalidAnswer as error:
        flash(f"Knowledge check: {error}.", "error")
        return redirect(here + "#knowledge-check")
    except quizzes.QuizClosed:
        return redirect(here)
    flash({"check": screen.knowledge_check.id, "answers": raw}, "check")
    return redirect(here + "?answered=1#knowledge-check")
