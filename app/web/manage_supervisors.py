"""Naming a person of the organisation a supervisor, or no longer naming them one: the
manager reads what it means and where the person stands, then confirms.

The learner page links to the question (`?named=yes` to name, `?named=no` to stop); the
question's form posts `confirmed=yes`. A form without it (the one-click form of a page
opened before the question existed) changes nothing and is sent to the question.
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.services import supervisor_naming, supervisors, teams
from app.web.manage import bp, learner_read


def _asked(values) -> bool:
    return values.get("named") == "yes"  # anything else asks to stop naming them


def _unchanged(user_id: int, name: str, named: bool):
    state = "is already" if named else "is not"
    flash(f"{name} {state} a supervisor of your organisation: nothing was changed.", "warning")
    return redirect(url_for("manage.learner", user_id=user_id, _anchor="supervisor"))


@bp.get("/learners/<int:user_id>/supervisor")
def confirm_supervisor(user_id: int):
    """Ask the manager to confirm naming a person a supervisor (or no longer naming them
    one), saying what it means and where they stand; once it is so, say that instead."""
    named = _asked(request.args)
    found = supervisor_naming.candidate(learner_read(user_id))
    if found.supervisor == named:  # the back button, a reload, another tab
        return _unchanged(user_id, found.full_name, named)
    return render_template("manage/supervisor.html", person=found, naming=named)


@bp.post("/learners/<int:user_id>/supervisor")
def supervisor(user_id: int):
    """Name a person of the organisation a supervisor, or stop naming them one, as the
    manager confirmed; a second click changes nothing and says so."""
    named = _asked(request.form)
    if not teams.can_see(g.scope, user_id):
        abort(404)  # a team's manager names supervisors among their own teams only
    if request.form.get("confirmed") != "yes":  # a form from before the question
        asked = "yes" if named else "no"
        return redirect(url_for("manage.confirm_supervisor", user_id=user_id, named=asked))
    try:
        changed = supervisors.set_supervisor(current_user.db_id, user_id, named)
    except supervisors.NotFound:
        abort(404)
    if not changed:
        return _unchanged(user_id, supervisors.name_of(user_id), named)
    now = "is now a supervisor" if named else "is no longer a supervisor"
    flash(f"{supervisors.name_of(user_id)} {now} of your organisation.", "success")
    return redirect(url_for("manage.learner", user_id=user_id, _anchor="supervisor"))
