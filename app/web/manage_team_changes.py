"""Renaming and deleting a team (managers of the whole organisation, as creating one)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain import dates
from app.services import team_changes, teams
from app.web.manage import bp


def _whole_organisation_only() -> None:
    # A manager confined to teams manages their learners, not the organisation's teams.
    if not g.scope.whole_organisation:
        abort(404)


@bp.get("/teams/<int:team_id>/name")
def rename_page(team_id: int, errors: dict | None = None, name: str | None = None):
    """Show the form to change a team's name."""
    _whole_organisation_only()
    team = teams.team_in(g.scope, team_id) or abort(404)
    return render_template(
        "manage/team_name.html",
        team=team,
        name=team.name if name is None else name,
        errors=errors or {},
    ), 400 if errors else 200


@bp.post("/teams/<int:team_id>/name")
def rename_team(team_id: int):
    """Change a team's name; a second request with the same name changes nothing."""
    _whole_organisation_only()
    name, was = request.form.get("name", ""), request.form.get("was", "")
    try:
        done = team_changes.rename_team(g.scope, team_id, name, was, actor_id=current_user.db_id)
    except LookupError:
        return _gone(team_id)
    except teams.TeamError as error:
        return rename_page(team_id, {error.field: error.message}, name)
    if done.already:
        flash(f"The team is already called {done.name}: nothing was changed.", "warning")
    else:
        flash(f"The team is now called {done.name}.", "success")
    return redirect(url_for("manage.team_page", team_id=team_id))


@bp.get("/teams/<int:team_id>/delete")
def confirm_team_deletion(team_id: int, errors: dict | None = None):
    """Ask the manager to confirm deleting a team, or say what must be done first."""
    _whole_organisation_only()
    page = team_changes.deletion_page(g.scope, team_id)
    if page is None:
        return _gone(team_id)
    team, found = page
    return render_template(
        "manage/team_delete.html",
        team=team,
        refusal=team_changes.refusal(team.name, found) if found else None,
        blockers=found,
        errors=errors or {},
    ), 400 if errors else 200


@bp.post("/teams/<int:team_id>/delete")
def delete_team(team_id: int):
    """Delete a team nothing depends on; a second deletion changes nothing and says so."""
    _whole_organisation_only()
    was = request.form.get("was", "")
    try:
        done = team_changes.delete_team(g.scope, team_id, was, actor_id=current_user.db_id)
    except LookupError:
        return _gone(team_id)
    except teams.TeamError as error:
        return confirm_team_deletion(team_id, {error.field: error.message})
    flash(f"The team {done.name} has been deleted.", "success")
    return redirect(url_for("manage.team_list"))


def _gone(team_id: int):
    """Answer a form about a team deleted since (another tab, a double click); else 404."""
    gone = team_changes.deleted_before(g.scope, team_id) or abort(404)
    flash(
        f"The team {gone.name} was deleted on {dates.day(gone.deleted_at)}: nothing was changed.",
        "warning",
    )
    return redirect(url_for("manage.team_list"))
