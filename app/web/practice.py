"""Practice evidence: a learner's self-assessment and request, and the supervisor's queue."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.content import catalogue
from app.domain.confirmation_pdf import render_confirmation_pdf
from app.services import (
    confirmation_decisions,
    confirmation_records,
    confirmations,
    practice,
    practice_page,
    request_withdrawals,
)
from app.web import errors
from app.web.errors import shown_again
from app.web.gate import require_signed_in_professional
from app.web.query import page_arg

# What a page says when the email about a change it made (and committed) could not be sent.
NOT_EMAILED_ASKED = (
    "Your request is waiting in {name}'s list of requests, but we could not email them about "
    "it. Tell them another way that it is waiting."
)
NOT_EMAILED_WITHDRAWN = (
    "It has left {name}'s list of requests, but we could not email them to say so."
)
# What the supervisor did, naming the learner and the competency.
DECIDED = {
    "confirmed": "You confirmed {learner}'s practice in {competency}.",
    "returned": "You returned {learner}'s request to confirm {competency} with your action plan.",
}
EMAILED_DECIDED = "{said} They have been told by email."
NOT_EMAILED_DECIDED = (
    "{said} We could not email them to say so: they will see it on their competency page, or "
    "you can tell them another way."
)

bp = Blueprint("practice", __name__, url_prefix="/my/competencies")
require_signed_in_professional(bp)
supervise = Blueprint("supervise", __name__, url_prefix="/supervise")
require_signed_in_professional(supervise)


@supervise.before_request
def _supervisors_only():
    # Read with the signed-in user: a supervisor of the organisation they belong to now.
    # A decision goes on to the service, which finds only requests sent to the sender and
    # tells one who is no longer their supervisor so plainly (their page was opened before).
    if not current_user.is_supervisor and request.endpoint != "supervise.decide":
        abort(404)


@supervise.errorhandler(404)
def _not_found(error):
    # Still a 404 whatever was asked for (who has no right to a request is never told it
    # exists), but the page offers a supervisor the way back to their queue.
    supervises = getattr(current_user, "is_supervisor", False)
    return errors.not_found(error, "supervise/not_found.html", supervises=supervises)


def _page(code: str, error: practice.PracticeError | None = None, form=None, unsaved=False):
    try:
        found = practice_page.page(
            current_user.db_id,
            current_user.profession,
            current_user.organisation_id,
            code,
            catalogue(),
        )
    except practice.NotFound:
        abort(404)
    status = 400 if error else 200
    return render_template(
        "practice/competency.html",
        page=found,
        error=error,
        form=form or {},
        unsaved=unsaved,
        reflection_limit=practice.REFLECTION_LIMIT,
    ), status


@bp.get("/<code>")
def competency(code: str):
    """Show one competency: knowledge evidence, self-assessments and the supervisor's decisions."""
    return _page(code)


@bp.post("/<code>/self-assessment")
def self_assessment(code: str):
    """Record the learner's confidence and reflection."""
    try:
        practice.self_assess(current_user.db_id, code, catalogue(), request.form)
    except practice.NotFound:
        abort(404)
    except practice.PracticeError as error:
        return _page(code, error, request.form)
    except SQLAlchemyError as error:  # the database is down or only reads: show it again
        return shown_again(error, lambda: _page(code, form=request.form, unsaved=True))
    flash("Your self-assessment has been saved.", "success")
    return redirect(url_for("practice.competency", code=code, _anchor="self-assessments"))


@bp.post("/<code>/request")
def ask(code: str):
    """Ask a supervisor of the learner's organisation to confirm their practice."""
    try:
        asked = practice.request_confirmation(
            current_user.db_id, code, catalogue(), request.form.get("supervisor", "")
        )
    except practice.NotFound:
        abort(404)
    except practice.PracticeError as error:
        return _page(code, error, request.form)
    except practice.RenewalNotDue as held:  # sent from a page opened before, or made up
        flash(held.notice, "warning")
        return redirect(url_for("practice.competency", code=code, _anchor="confirmation"))
    if asked is None:
        flash("Your request is already waiting for a supervisor; nothing new was sent.", "warning")
    elif asked.emailed:
        flash("Your supervisor has been asked to confirm your practice.", "success")
    else:
        flash(NOT_EMAILED_ASKED.format(name=asked.name), "warning")
    return redirect(url_for("practice.competency", code=code, _anchor="confirmation"))


# What a withdrawal that changed nothing says: a second click, the back button, another tab.
UNCHANGED = {
    request_withdrawals.AlreadyWithdrawn: (
        "You had already withdrawn this request; nothing was changed."
    ),
    request_withdrawals.AlreadyDecided: (
        "Your supervisor decided this request before you withdrew it, so their decision "
        "stands; nothing was withdrawn."
    ),
    request_withdrawals.AlreadyClosed: "This request had already been closed; nothing was changed.",
}


def _back_to_request(code: str):
    return redirect(url_for("practice.competency", code=code, _anchor="confirmation"))


@bp.get("/<code>/requests/<int:request_id>/withdraw")
def confirm_withdrawal(code: str, request_id: int):
    """Ask the learner to confirm withdrawing their request, saying what it changes."""
    try:
        found = request_withdrawals.to_withdraw(current_user.db_id, code, request_id, catalogue())
    except practice.NotFound:
        abort(404)
    except tuple(UNCHANGED) as unchanged:
        flash(UNCHANGED[type(unchanged)], "warning")
        return _back_to_request(code)
    return render_template("practice/withdraw.html", found=found, code=code)


@bp.post("/<code>/requests/<int:request_id>/withdraw")
def withdraw(code: str, request_id: int):
    """Withdraw the learner's own request while no supervisor has decided it."""
    if request.form.get("confirmed") != "yes":  # a form from before the question
        return redirect(url_for("practice.confirm_withdrawal", code=code, request_id=request_id))
    try:
        told = request_withdrawals.withdraw(current_user.db_id, code, request_id, catalogue())
    except practice.NotFound:
        abort(404)
    except tuple(UNCHANGED) as unchanged:
        flash(UNCHANGED[type(unchanged)], "warning")
        return _back_to_request(code)
    flash("Your request has been withdrawn. You can ask a supervisor again below.", "success")
    if told.name and not told.emailed:
        flash(NOT_EMAILED_WITHDRAWN.format(name=told.name), "warning")
    return _back_to_request(code)


@bp.get("/confirmations/<int:request_id>.pdf")
def confirmation_pdf(request_id: int):
    """Download a confirmation of practice as a signed-off PDF record."""
    try:
        record = confirmation_records.signed_record(current_user.db_id, request_id, catalogue())
    except practice.NotFound:
        abort(404)
    return Response(
        render_confirmation_pdf(record),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{record.reference}.pdf"'},
    )


@supervise.get("/")
def queue():
    """List the requests waiting for this supervisor, and a page of those already decided."""
    course = catalogue()
    found = confirmations.queue(current_user.db_id, course, page_arg())
    return render_template("supervise/queue.html", queue=found, catalogue=course)


def _request_page(request_id: int, error=None, form=None, unsaved=False, status=None):
    try:
        found = confirmations.view(current_user.db_id, request_id, catalogue())
    except practice.NotFound:
        abort(404)
    return render_template(
        "supervise/request.html",
        view=found,
        error=error,
        form=form or {},
        unsaved=unsaved,
        text_limit=confirmation_decisions.TEXT_LIMIT,
    ), status or (400 if error else 200)


@supervise.get("/requests/<int:request_id>")
def request_view(request_id: int):
    """Show a request: the learner's knowledge evidence, self-assessment and reflection."""
    return _request_page(request_id)


@supervise.post("/requests/<int:request_id>")
def decide(request_id: int):
    """Confirm the learner's practice, or return it with comments and an action plan."""
    try:
        decided = confirmation_decisions.decide(
            current_user.db_id, request_id, catalogue(), request.form
        )
    except practice.NotFound:
        abort(404)
    except (confirmation_decisions.PageChanged, confirmation_decisions.NotInFramework) as changed:
        return _request_page(request_id, changed, request.form, status=409)  # shown as it is now
    except practice.PracticeError as error:
        return _request_page(request_id, error, request.form)
    except SQLAlchemyError as error:  # the database is down or only reads: show it again
        return shown_again(
            error, lambda: _request_page(request_id, form=request.form, unsaved=True)
        )
    except confirmation_decisions.AlreadyDecided:
        flash("This request had already been decided; nothing was changed.", "warning")
        return redirect(url_for("supervise.request_view", request_id=request_id))
    except confirmation_decisions.Closed as closed:
        if closed.withdrawn:
            flash("The learner withdrew this request before you decided; nothing was recorded.",
                  "warning")  # fmt: skip
        else:
            flash("This request was closed before you decided; nothing was changed.", "warning")
        return redirect(url_for("supervise.request_view", request_id=request_id))
    except confirmation_decisions.NoLongerSupervisor as refused:
        page = render_template(
            "supervise/no_longer.html", organisation=refused.organisation, earlier=refused.earlier
        )
        return page, 409
    said = DECIDED[decided.outcome].format(
        learner=decided.learner or "the learner", competency=decided.competency
    )
    if decided.emailed:
        flash(EMAILED_DECIDED.format(said=said), "success")
    else:
        flash(NOT_EMAILED_DECIDED.format(said=said), "warning")
    return redirect(url_for("supervise.queue"))
