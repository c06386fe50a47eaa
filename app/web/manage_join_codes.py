"""Replacing a join code that has leaked: the organisation's (managers of the whole
organisation), or a team's (any manager who sees the team, as its page)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.services import join_codes, teams
from app.web.manage import bp


@bp.get("/join-code")
def confirm_organisation_code():
    """Ask the manager to confirm replacing the organisation's join code."""
    code = join_codes.organisation_code(g.scope) or abort(404)
    return render_template(
        "manage/join_code.html",
        code=code,
        owner=g.scope.organisation_name,
        action=url_for("manage.replace_organisation_code"),
        back=url_for("manage.team_list"),
        back_text="Teams",
    )


@bp.post("/join-code")
def replace_organisation_code():
    """Give the organisation a new join code; a second send of the form changes nothing."""
    done = join_codes.replace_organisation_code(
        g.scope, _was(), actor_id=current_user.db_id
    ) or abort(404)
    _say(done, "your organisation")
    return redirect(url_for("manage.team_list", _anchor="organisation-code"))


@bp.get("/teams/<int:team_id>/join-code")
def confirm_team_code(team_id: int):
    """Ask the manager to confirm replacing a team's join code."""
    team = teams.team_in(g.scope, team_id) or abort(404)
    return render_template(
        "manage/join_code.html",
        code=team.join_code,
        owner=team.name,
        team=team,
        action=url_for("manage.replace_team_code", team_id=team.id),
        back=url_for("manage.team_page", team_id=team.id),
        back_text=team.name,
    )


@bp.post("/teams/<int:team_id>/join-code")
def replace_team_code(team_id: int):
    """Give a team a new join code; a second send of the form changes nothing."""
    done = join_codes.replace_team_code(
        g.scope, team_id, _was(), actor_id=current_user.db_id
    ) or abort(404)
    _say(done, done.name)
    return redirect(url_for("manage.team_page", team_id=team_id))


def _was() -> str:
    # The code the confirmation page showed, sent back hidden: a form without one is forged.
    was = request.form.get("was", "").strip()
    if not was or len(was) > 64:
        abort(400)
    return was


def _say(done: join_codes.Replaced, whose: str) -> None:
    if done.already:
        flash(
            f"The join code {done.was} of {whose} was already replaced: its join code is "
            f"{done.code}. Nothing was changed.",
            "warning",
        )
    else:
        flash(
            f"The join code of {whose} is now {done.code}. The old code {done.was} "
            "and its join link no longer work.",
            "success",
        )
