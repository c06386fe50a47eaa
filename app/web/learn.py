"""My learning, module pages and screens, gated in order on the server."""

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    send_file,
    session,
    url_for,
)
from flask_login import current_user

from app.content import catalogue
from app.page_shells import Part, render_around
from app.services import assignments, knowledge_checks, learning
from app.services import my_learning as mine
from app.services.knowledge_checks import ScreenPage
from app.web.gate import require_signed_in_professional
from app.web.query import id_arg

bp = Blueprint("learn", __name__, url_prefix="/modules")
require_signed_in_professional(bp)


# The flash message's kind saying why Next brought the learner back to the screen's check.
UNANSWERED = "check-unanswered"

# Roles that see every screen without doing them (a preview, which records nothing).
PREVIEWERS = ("trainer", "admin")


def _previewing() -> bool:
    return current_user.has_role(*PREVIEWERS)


def _module_or_404(module_slug: str):
    return catalogue().module(module_slug) or abort(404)


@bp.get("/")
def my_learning():
    """List every module with its status, progress and a way to continue."""
    page = mine.overview(current_user.db_id, catalogue(), assignments.today())
    return render_template(
        "learn/my_learning.html",
        modules=page.modules,
        assigned=page.assigned,
        dates=page.dates,
        unfinished=page.unfinished,
        failing=page.failing,
        catalogue=catalogue(),
        # Only a supervisor of their organisation now is offered the requests (and told how
        # many wait): whether they are one is read with the signed-in user.
        supervising=page.waiting if current_user.is_supervisor else None,
    )


@bp.get("/<module_slug>/")
def module(module_slug: str):
    """Show a module's outcomes, CPD time and menu of screens."""
    module = _module_or_404(module_slug)
    page = mine.module_page(current_user.db_id, module, catalogue(), preview=_previewing())
    return render_template(
        "learn/module.html",
        state=page.state,
        certified=page.certified,
        certificate_revoked_on=page.certificate_revoked_on,
        completed_through=page.completed_through,
        renewal=page.renewal,
        position=page.position,
        preview=_previewing(),
    )


@bp.get("/<module_slug>/<screen_slug>/")
def screen(module_slug: str, screen_slug: str):
    """Show a screen the learner has reached; a locked one sends them back to resume."""
    module = _module_or_404(module_slug)
    screen = module.screen(screen_slug)
    if screen is None:
        # Most often a screen renamed or removed since the address was kept: say so.
        return render_template("learn/screen_missing.html", module=module), 404
    user = current_user._get_current_object()  # one look-up, not one per attribute
    page = knowledge_checks.screen_page(
        user.db_id,
        module,
        screen,
        preview=user.has_role(*PREVIEWERS),
        check_attempt=id_arg("check"),
        notice=_flashed("check"),
        unanswered=_flashed(UNANSWERED),
    )
    if page.locked:
        resume = page.state.resume
        flash(_locked_notice(module, resume, screen), "info")
        return redirect(url_for("learn.screen", module_slug=module.slug, screen_slug=resume.slug))
    return _render_screen(page)


def _locked_notice(module, resume, asked) -> str:
    """Say how to reach a locked screen from the screen the learner is sent back to."""
    # Every screen ends by linking to the next; followed before Next, it lands here.
    following = module.next_screen(resume.slug)
    if following is not None and following.slug == asked.slug:
        return (
            f"Select Next at the end of this screen to go on to “{asked.title}”: "
            "screens open in order."
        )
    # Named as a screen: the first screen's title is often the module's own.
    return f"Complete the screen “{resume.title}” first: screens open in order."


def _flashed(kind: str) -> str | None:
    """Return the message of this kind left for the screen's check, if any.

    "check": the note an answer to the check left for its feedback (quiz.knowledge_check);
    UNANSWERED: why Next brought the learner back to the check. Left in the session, not
    taken: the page takes it with its other flash messages, as a page with one is rendered
    whole (page_shells), and base.html leaves these to the check.
    """
    return next((text for each, text in session.get("_flashes", ()) if each == kind), None)


def _render_screen(page: ScreenPage) -> str:
    """Render a screen around its stored shell: the same for every learner at this point."""
    check = page.check
    if check is not None and (check.reviews or check.errors or check.unanswered):
        return render_template("learn/screen.html", page=page)  # feedback: this request's own
    state, preview = page.state, page.preview
    answered = check is not None and check.answered_before
    # The menu and progress line show this much of where the learner stands, and no more;
    # learners who stand at the same place share them.
    standing = (state.progress, tuple(state.states.items()), state.resume.slug, state.quiz_next)
    return render_around(
        "learn/screen.html",
        # A shuffled check's order is the learner's own: one shell for each order shown.
        (state.module, page.screen, preview, answered, check.order if check else None),
        {
            "progress": Part(lambda: _macro("screen_progress")(page), standing),
            "menu": Part(lambda: _macro("screen_menu")(page), standing),
        },
        # The shell's page knows the screen and the check's questions but no learner: its
        # state is that of one who has done nothing (whether they answered the check is
        # in the key).
        lambda: {"page": replace(page, state=learning.module_state(state.module, frozenset()))},
        page=page,
    )


def _macro(name: str):
    return get_template_attribute("learn/_menu.html", name)


@bp.post("/<module_slug>/<screen_slug>/")
def complete_screen(module_slug: str, screen_slug: str):
    """Mark the screen complete (once, however often it is sent) and go to the next one."""
    module = _module_or_404(module_slug)
    screen = module.screen(screen_slug)
    if screen is None:
        return screen_moved(module)
    here = url_for("learn.screen", module_slug=module.slug, screen_slug=screen.slug)
    outcome = (
        "next" if _previewing() else learning.complete_screen(current_user.db_id, module, screen)
    )
    if outcome == "locked":
        return redirect(here)
    if outcome == "check":
        # Shown in the check, where the page lands, as its error (and in its dialog with
        # JavaScript): a banner at the top of the page would be out of sight.
        flash("Answer the knowledge check on this screen before you go on", UNANSWERED)
        return redirect(here + "#knowledge-check")
    following = module.next_screen(screen.slug)
    if following is None:
        if module.assessment:
            return redirect(url_for("quiz.overview", module_slug=module.slug))
        if not _previewing():
            flash(f"You have completed “{module.title}”.", "success")
        return redirect(url_for("learn.module", module_slug=module.slug))
    return redirect(url_for("learn.screen", module_slug=module.slug, screen_slug=following.slug))


def screen_moved(module):
    """Send a form from a screen the module no longer has to where the learner carries on.

    A trainer renamed or removed the screen while the learner had it open. Nothing is
    written and nothing they did is undone: they resume where their completions say, told
    why. (A GET of such an address is "Page not found", saying the screen may have moved:
    it cannot tell a renamed screen from a wrong link.)
    """
    flash(
        f"“{module.title}” was updated while you had it open, and the screen you were on "
        "has moved. Carry on from here.",
        "info",
    )
    if _previewing():
        return redirect(url_for("learn.module", module_slug=module.slug))
    resume = learning.state_for(current_user.db_id, module).resume
    return redirect(url_for("learn.screen", module_slug=module.slug, screen_slug=resume.slug))


@bp.get("/<module_slug>/media/<path:filename>")
def media(module_slug: str, filename: str):
    """Send an image stored beside a module's screens."""
    path = _module_or_404(module_slug).media.get(filename) or abort(404)
    response = send_file(path, max_age=24 * 60 * 60)
    # An SVG opened on its own is a document: let it draw, never run anything.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
    )
    return response
