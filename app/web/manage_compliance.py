"""The compliance matrix page and its CSV and XLSX downloads, all with the same filters."""

from dataclasses import replace

from flask import Response, abort, g, render_template, request
from flask_login import current_user

from app import db
from app.content import catalogue
from app.domain.accounts import PROFESSIONS
from app.domain.assignments import LABELS
from app.domain.numbers import whole_number
from app.domain.spreadsheet import csv_text, xlsx_bytes
from app.services import assignments, audit, compliance, compliance_rows, teams
from app.services.compliance_competencies import LABELS as COMPETENCY_LABELS
from app.web import download_names
from app.web.manage import bp
from app.web.query import page_arg

LARGEST_ID = 2**31 - 1  # no team's id is larger (an INTEGER column)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(shown: list[teams.TeamRow] | None) -> compliance.Filters:
    """Return the filters asked for; a team only among those `shown` (the matrix checks a
    team itself when None).

    The team is chosen from a list, as on Assignments: a value that is no team's id is a bad
    request (400), never every team.
    """
    args = request.args
    team = args.get("team", "")
    number = whole_number(team, most=LARGEST_ID)
    if team and number is None:
        abort(400)
    visible = {t.id for t in shown} if shown is not None else None
    framework = args.get("framework", "")
    return compliance.Filters(
        team_id=number if visible is None or number in visible else None,
        profession=args.get("profession") if args.get("profession") in PROFESSIONS else "",
        status=args.get("status") if args.get("status") in LABELS else "",
        framework_id=framework if catalogue().framework(framework) else "",
    )


@bp.get("/compliance")
def compliance_page():
    """Show learners x assigned modules with their status, and the share compliant."""
    asked = _filters(None)
    # A page past the last shows the last one, however far past.
    page = page_arg()
    found = compliance.matrix(
        g.scope, catalogue(), asked, assignments.today(), page, with_teams=True
    )
    # A team the manager does not see (another organisation's, one deleted since) lists
    # nothing: the form says to choose one of theirs, as Assignments does, rather than showing
    # every team's learners as though it had been applied.
    seen = asked.team_id in {team.id for team in found.teams}
    filters = asked if seen else replace(asked, team_id=None)
    errors = {} if seen or asked.team_id is None else {"team": "Select one of your teams"}
    return render_template(
        "manage/compliance.html",
        found=found,
        filters=filters,
        counted=compliance.counted(filters, found.teams),
        teams=found.teams,
        labels=LABELS,
        competency_labels=COMPETENCY_LABELS,
        frameworks=catalogue().frameworks,
        framework=catalogue().framework(filters.framework_id),
        errors=errors,
    ), 400 if errors else 200


@bp.get("/compliance.<any(csv, xlsx):kind>")
def compliance_export(kind: str):
    """Download the filtered matrix (every page of it) as CSV or XLSX; audit-logged."""
    seen = teams.teams_in(g.scope)
    filters = _filters(seen)
    if request.args.get("team") and filters.team_id is None:
        abort(400)  # a team not among theirs: no download of every team instead
    found = compliance.matrix(g.scope, catalogue(), filters, assignments.today(), page=None)
    audit.record(
        db.session(),
        "export.compliance",
        actor_id=current_user.db_id,
        format=kind,
        rows=len(found.rows),
    )
    # While the database only reads, the download is still given, its event logged instead.
    db.commit_or_log(db.session(), "export.compliance", actor=current_user.db_id, format=kind)
    name = download_names.compliance_name(g.scope, filters, seen, found.day, kind)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        return Response(
            csv_text(compliance_rows.table(found)), mimetype="text/csv", headers=headers
        )
    sheets = {"Compliance": compliance_rows.table(found), "Figures": compliance_rows.figures(found)}
    return Response(xlsx_bytes(sheets), mimetype=XLSX, headers=headers)
