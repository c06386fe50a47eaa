"""Managers' team pages: teams and their join codes, placing learners, removing leavers."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain import dates
from app.domain.assignment_banners import placed_message
from app.domain.numbers import whole_number
from app.security import MAX_ID
from app.services import (
    leavers,
    removal_confirmation,
    team_managers,
    team_members,
    team_pages,
    teams,
)
from app.web.manage import bp


@bp.get("/teams")
def team_list(errors: dict | None = None, name: str = ""):
    """List the teams the manager sees, their join codes, and who has left."""
    page = team_pages.teams_page(g.scope)
    return render_template(
        "manage/teams.html",
        teams=page.teams,
        leavers=page.leavers,
        organisation_code=page.organisation_code,
        organisation=g.scope.organisation_name,
        can_create=g.scope.whole_organisation,
        errors=errors or {},
        name=name,
    ), 400 if errors else 200


@bp.post("/teams")
def create_team():
    """Create a team (managers of the whole organisation only)."""
    if not g.scope.whole_organisation:
        abort(404)
    name = request.form.get("name", "")
    try:
        team = teams.create_team(g.scope.organisation_id, name, actor_id=current_user.db_id)
    except teams.TeamError as error:
        return team_list({error.field: error.message}, name)
    flash(f"Team {team.name} created. Its join code is {team.join_code}.", "success")
    return redirect(url_for("manage.team_page", team_id=team.id))


@bp.get("/teams/<int:team_id>")
def team_page(team_id: int, errors: dict | None = None, email: str = ""):
    """Show one team: its join code, its learners, and a form to place a learner in it."""
    page = team_pages.team_page(g.scope, team_id) or abort(404)
    return render_template(
        "manage/team.html",
        team=page.team,
        members=page.members,
        can_change=g.scope.whole_organisation,
        errors=errors or {},
        email=email,
    ), 400 if errors else 200


@bp.post("/teams/<int:team_id>/place")
def place_learner(team_id: int):
    """Place a learner of the organisation in the team by their email address."""
    email = request.form.get("email", "")
    try:
        placed = team_members.place(g.scope, team_id, email, actor_id=current_user.db_id)
    except LookupError:
        abort(404)
    except teams.TeamError as error:
        return team_page(team_id, {error.field: error.message}, email)
    if placed.already:
        flash(f"{placed.full_name} is already in this team: nothing was changed.", "warning")
    else:
        flash(placed_message(placed.full_name, placed.left, placed.assigned), "success")
    return redirect(url_for("manage.team_page", team_id=team_id))


@bp.get("/learners/<int:user_id>/remove")
def confirm_removal(user_id: int):
    """Ask the manager to confirm that a learner has left the organisation; once they have
    gone (the back button after removing them, a reload), say so instead."""
    viewer = current_user.db_id
    found = removal_confirmation.removal_page(g.scope, user_id, viewer_id=viewer) or abort(404)
    if isinstance(found, removal_confirmation.Gone):
        return render_template("manage/removed.html", gone=found)
    return render_template("manage/remove.html", person=found, whole=g.scope.whole_organisation)


@bp.post("/learners/<int:user_id>/remove")
def remove_learner(user_id: int):
    """Remove a learner from the organisation; their own record stays theirs. A second
    removal (a double click, another tab) changes nothing and says so."""
    removal = leavers.remove_from_organisation(g.scope, user_id, actor_id=current_user.db_id)
    if removal is None:
        abort(404)
    if removal.already:
        return _already_gone(removal)
    flash("The learner has been removed from your organisation.", "success")
    return redirect(url_for("manage.team_list"))


def _already_gone(removal: leavers.Removal):
    how = "left" if removal.by_themselves else "was already removed from"
    flash(
        f"{removal.full_name} {how} your organisation on {dates.day(removal.left_at)}: "
        "nothing was changed.",
        "warning",
    )
    return redirect(url_for("manage.team_list"))


@bp.get("/managers")
def managers():
    """List the organisation's managers and the teams each manages (whole-organisation only)."""
    if not g.scope.whole_organisation:
        abort(404)
    page = team_pages.managers_page(g.scope)
    return render_template("manage/managers.html", managers=page.managers, teams=page.teams)


@bp.post("/managers/<int:user_id>/teams")
def confine_manager(user_id: int):
    """Set which teams a manager manages; none ticked means the whole organisation."""
    # Ticked from a list, not typed: a value the list never offers is a bad request.
    chosen = [whole_number(t, most=MAX_ID) for t in request.form.getlist("teams")]
    if None in chosen:
        abort(400)
    try:
        done = team_managers.confine_manager(
            g.scope,
            user_id,
            chosen,
            actor_id=current_user.db_id,
            whole_confirmed=request.form.get("whole") == "yes",
        )
    except teams.TeamError as error:
        flash(error.message, "error")
        return redirect(url_for("manage.managers"))
    if done is None:
        abort(404)
    organisation = g.scope.organisation_name
    if done.to_confirm:  # no team ticked: every learner of the organisation, once confirmed
        return render_template(
            "manage/manager_whole.html",
            done=done,
            user_id=user_id,
            organisation=organisation,
            teams=_and_list(done.teams),
        )
    flash(*_confined_message(done, organisation))
    return redirect(url_for("manage.managers", _anchor=f"manager-{user_id}"))


def _confined_message(done: team_managers.Confined, organisation: str) -> tuple[str, str]:
    """Say what was saved (or that nothing changed) and what the manager now sees."""
    if done.teams:
        which = "team" if len(done.teams) == 1 else "teams"
        sees = f"see only the learners of the {which} {_and_list(done.teams)}"
        had = "these teams"
    else:
        sees = f"see every learner of {organisation}, in a team or not"
        had = "the whole organisation"
    if done.already:
        name = done.full_name
        return f"{name} already manages {had}: nothing was changed. They {sees}.", "warning"
    if done.teams:
        return f"{done.full_name}'s teams have been saved. They now {sees}.", "success"
    return f"{done.full_name} now manages the whole organisation. They now {sees}.", "success"


def _and_list(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
