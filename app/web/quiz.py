"""The end-of-module quiz and the knowledge checks over screens."""

import random

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.content import catalogue
from app.quiz_texts import QuizTexts
from app.services import knowledge_checks, quiz_overview, quiz_pages, quizzes, submissions
from app.web.gate import require_signed_in_professional
from app.web.learn import screen_moved
from app.web.quiz_forms import attempt_form, autosaves

bp = Blueprint("quiz", __name__, url_prefix="/modules")
require_signed_in_professional(bp)

SAVED = "Your answers have been saved."
AFTER_GRADING = (
    "This attempt had already been submitted, so nothing was changed. Its result is below."
)


def _module_with_quiz(module_slug: str):
    module = catalogue().module(module_slug) or abort(404)
    return module if module.assessment else abort(404)


def _attempt_url(module_slug: str, attempt_id: int, anchor: str | None = None) -> str:
    return url_for("quiz.attempt", module_slug=module_slug, attempt_id=attempt_id, _anchor=anchor)


def _trainer() -> bool:
    return current_user.has_role("trainer", "admin")


@bp.get("/<module_slug>/quiz/")
def overview(module_slug: str):
    """Explain the quiz, the attempts left and how to start, resume or try again."""
    module = _module_with_quiz(module_slug)
    page = quiz_overview.overview_page(current_user.db_id, module, preview_all=_trainer())
    return render_template("quiz/overview.html", page=page)


@bp.post("/<module_slug>/quiz/")
def start(module_slug: str):
    """Start an attempt (or return to the one in progress)."""
    module = _module_with_quiz(module_slug)
    # Tests draw from a seeded generator (QUIZ_SEED); learners from the system's.
    seed = current_app.config.get("QUIZ_SEED")
    rng = random.Random(seed) if seed is not None else None
    try:
        attempt = quizzes.start(current_user.db_id, module, rng)
    except quizzes.QuizClosed as closed:
        flash(str(closed), "info")
        return redirect(url_for("quiz.overview", module_slug=module.slug))
    return redirect(_attempt_url(module.slug, attempt.id))


@bp.get("/<module_slug>/quiz/attempts/<int:attempt_id>/")
def attempt(module_slug: str, attempt_id: int):
    """Show an attempt in progress as a form, or a graded one as its result."""
    page = submissions.attempt_view(current_user.db_id, module_slug, attempt_id) or abort(404)
    if isinstance(page, quiz_pages.ResultPage):
        return render_template("quiz/result.html", page=page)
    return render_template("quiz/attempt.html", page=page)


@bp.post("/<module_slug>/quiz/attempts/<int:attempt_id>/")
def answer(module_slug: str, attempt_id: int):
    """Save the answers the form changed and, on Submit, grade the attempt once."""
    autosave = autosaves(request)
    form = attempt_form(request.form, autosave=autosave)
    outcome = submissions.answer(current_user.db_id, module_slug, attempt_id, form)
    if outcome is None:
        abort(404)
    if autosave:
        return _autosave_reply(outcome)
    here = _attempt_url(module_slug, attempt_id)
    if outcome.kind in ("invalid", "conflict", "changed"):
        status = {"invalid": 400, "conflict": 409, "changed": 200}[outcome.kind]
        return render_template("quiz/attempt.html", page=outcome.page), status
    if outcome.kind == "confirm":
        return redirect(url_for("quiz.confirm", module_slug=module_slug, attempt_id=attempt_id))
    if outcome.kind == "closed":
        flash(AFTER_GRADING, "info")
    elif outcome.kind == "time-up":
        flash("Time is up: your attempt was submitted with the answers saved in time.", "info")
    elif outcome.kind == "saved":
        flash(SAVED, "success")
    return redirect(here)


@bp.get("/<module_slug>/quiz/attempts/<int:attempt_id>/submit")
def confirm(module_slug: str, attempt_id: int):
    """Ask before grading an attempt with unanswered questions."""
    page = submissions.confirm_view(current_user.db_id, module_slug, attempt_id) or abort(404)
    if page.graded:
        return redirect(_attempt_url(module_slug, attempt_id))
    return render_template("quiz/confirm.html", page=page)


def _autosave_reply(outcome: submissions.AnswerOutcome):
    if outcome.kind in ("closed", "time-up"):
        error = "this attempt has been submitted, so answers can no longer change"
        return jsonify(status=outcome.kind, saved=False, error=error), 409
    fields = get_template_attribute("quiz/_question.html", "question_fields")
    page = outcome.page
    texts = QuizTexts(page.module_slug, form=True) if page else None
    errors = {q.shown.question.id: q.error for q in page.errors} if page else {}
    # A question sent from a page drawn before an update comes back drawn afresh, showing
    # what was saved, so that page's next save of it sends what today's forms send.
    fresh = [
        {"question": q.shown.question.id, "html": str(fields(q, texts))}
        for q in (page.questions if page else ())
        if q.notice
        or (q.shown.question.id in outcome.updated and not q.error)
        or q.shown.question.id in outcome.stale
    ]
    body = {
        "status": outcome.kind,
        "saved": outcome.kind in ("saved", "changed"),
        "revision": outcome.revision,
        "written": list(outcome.written),
        "errors": errors,
        "fresh": fresh,
    }
    return jsonify(body), 400 if errors else 200


@bp.post("/<module_slug>/<screen_slug>/check")
def knowledge_check(module_slug: str, screen_slug: str):
    """Mark a knowledge check answer; the feedback shows where the question was."""
    module = catalogue().module(module_slug) or abort(404)
    screen = module.screen(screen_slug)
    if screen is None:
        return screen_moved(module)
    if screen.knowledge_check is None:
        abort(404)
    here = url_for("learn.screen", module_slug=module.slug, screen_slug=screen.slug)
    outcome = knowledge_checks.answer_check(
        current_user.db_id, module, screen, request.form, preview=_trainer()
    )
    if outcome.kind == "closed":
        return redirect(here)
    status = 400 if outcome.kind == "invalid" else 200
    if request.headers.get("X-Linkwise-Part") == "knowledge-check":
        part = get_template_attribute("learn/_knowledge_check.html", "check_body")
        return str(part(outcome.page)), status
    if outcome.attempt_id is not None:
        if outcome.kind == "taken":  # shown with the feedback on the answer recorded
            flash(knowledge_checks.RECORDED_ELSEWHERE, "check")
        return redirect(f"{here}?check={outcome.attempt_id}#knowledge-check")
    return render_template("learn/screen.html", page=outcome.page), status
