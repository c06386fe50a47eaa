"""A learner's own pages: competency profile and learning record."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.content import catalogue
from app.domain.accounts import EXAMPLE_JOIN_CODE
from app.domain.record_csv import csv_rows
from app.domain.record_pdf import render_record_pdf
from app.domain.spreadsheet import csv_text
from app.services import (
    certificates,
    my_competencies,
    organisation_moves,
    record,
    team_members,
    teams,
)
from app.web import throttles
from app.web.gate import require_signed_in_professional

bp = Blueprint("my", __name__, url_prefix="/my")
require_signed_in_professional(bp)


@bp.get("/competencies")
def competencies():
    """Show each competency's level, the evidence behind it and what to study next."""
    supervisor = current_user.is_supervisor
    profile, updates, waiting = my_competencies.page(
        current_user.db_id, current_user.full_name, current_user.profession, catalogue()
    )
    return render_template(
        "my/competencies.html",
        profile=profile,
        updates=updates,
        supervising=waiting if supervisor else 0,
        is_supervisor=supervisor,
    )


def _record():
    return record.learning_record(
        current_user.db_id, catalogue(), current_app.config["REVALIDATION_YEARS"]
    )


@bp.get("/record")
def record_page():
    """Show every module's status, dates, score, CPD time and certificate, with totals."""
    return render_template("my/record.html", record=_record())


@bp.get("/record.csv")
def record_csv():
    """Download the learning record as CSV."""
    return Response(
        csv_text(csv_rows(_record(), certificates.verify_url)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="linkwise-learning-record.csv"'},
    )


@bp.get("/record.pdf")
def record_pdf():
    """Download the learning record as PDF."""
    return Response(
        render_record_pdf(_record(), certificates.verify_url),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="linkwise-learning-record.pdf"'},
    )


@bp.route("/team", methods=["GET", "POST"])
@throttles.join_code_guesses("POST")
def team():
    """Show the learner's team; join one by the code their manager gave them."""
    errors, code, elsewhere = {}, "", False
    if request.method == "POST":
        code = request.form.get("join_code", "")
        try:
            joined = team_members.join_by_code(current_user.db_id, code)
        except team_members.JoinsOrganisation:
            # In no organisation: the team's joins it too, so ask first (Your organisation).
            join = organisation_moves.moving(current_user.db_id, code)
            if isinstance(join, organisation_moves.Joining) and not join.already:
                return render_template("account/organisation_join.html", join=join)
            return redirect(url_for("my.team"))  # they joined one meanwhile: ask again
        except teams.TeamError as error:
            errors = {error.field: error.message}
            if isinstance(error, team_members.NotRecognised):
                throttles.mark_failed()  # a guess, counted as on Your organisation
                elsewhere = error.in_organisation
        else:
            if joined.already:
                flash(f"You are already in {joined.team.name}: nothing was changed.", "warning")
            else:
                flash(f"You have joined {joined.team.name}.", "success")
            return redirect(url_for("my.team"))
    return render_template(
        "my/team.html",
        team=teams.team_of(current_user.db_id),
        errors=errors,
        code=code,
        elsewhere=elsewhere,
        example=EXAMPLE_JOIN_CODE,
    ), 400 if errors else 200
