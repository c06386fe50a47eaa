"""Managers' view of their own organisation: progress and competency levels, with export."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.content import catalogue
from app.domain.accounts import PROFESSIONS
from app.services import (
    assignments,
    competency_export,
    drilldown,
    extra_attempts,
    manage,
    teams,
)
from app.web import download_names
from app.web.gate import require_signed_in_professional
from app.web.query import page_arg

CHUNK_SIZE = 64 * 1024

bp = Blueprint("manage", __name__, url_prefix="/manage")
require_signed_in_professional(bp)


@bp.before_request
def _managers_of_an_organisation_only():
    if not current_user.has_role("manager", "admin") or current_user.organisation_id is None:
        abort(404)
    g.scope = teams.scope_of(current_user.db_id, current_user.organisation_id)


def _grid_filters() -> tuple[manage.Filters, str]:
    args, found = request.args, catalogue()
    return manage.Filters(
        search=args.get("q", "").strip()[:200],
        profession=args.get("profession") if args.get("profession") in PROFESSIONS else "",
        module_slug=args.get("module") if found.module(args.get("module", "")) else "",
        framework_id=args.get("framework") if found.framework(args.get("framework", "")) else "",
        status=args.get("status") if args.get("status") in manage.FILTERS else "",
    ), args.get("sort") if args.get("sort") in manage.SORTS else "name"


@bp.get("/")
def dashboard():
    """Show the organisation's summary, charts and the learner x competency grid, filtered."""
    chosen, sort = _grid_filters()
    grid, summary = manage.dashboard(g.scope, catalogue(), chosen, page=page_arg(), sort=sort)
    # Go to page with something other than a page number typed: the first page, and the
    # NHS error pattern saying what to type (a link's ?page= the same, said the same way).
    typed = request.args.get("page", "").strip()
    errors = {}
    if grid.pages > 1 and typed and not (typed.isascii() and typed.isdigit()):
        errors["go-to-page"] = f"Enter a page number from 1 to {grid.pages}, like 2"
    filters = {"q": chosen.search, "sort": sort, "profession": chosen.profession}
    filters |= {"module": chosen.module_slug, "framework": chosen.framework_id}
    filters |= {"status": chosen.status}
    return render_template(
        "manage/dashboard.html",
        summary=summary,
        grid=grid,
        filters=filters,
        query={name: value for name, value in filters.items() if value},
        statuses=manage.FILTERS,
        catalogue=catalogue(),
        errors=errors,
        typed_page=typed,
    )


@bp.get("/learners/<int:user_id>")
def learner(user_id: int):
    """Drill down to one learner of the organisation; anyone else answers 404."""
    return _learner_page(user_id)


def learner_read(user_id: int) -> drilldown.LearnerPage:
    """Read one learner of the manager's scope as the drill-down does (the visit audit-logged);
    anyone else answers 404."""
    page = drilldown.learner_page(
        g.scope,
        user_id,
        catalogue(),
        assignments.today(),
        current_app.config["REVALIDATION_YEARS"],
        viewer_id=current_user.db_id,
    )
    return page or abort(404)


def _learner_page(user_id: int, refused: extra_attempts.GrantRefused | None = None):
    page = learner_read(user_id)
    return render_template(
        "manage/learner.html",
        person=page.person,
        profile=page.profile,
        supervisor=page.person.supervisor,
        view=page.view,
        attempts=page.attempts,
        failing=page.failing,
        positions=page.positions,
        out_of_reach=page.out_of_reach,
        history=page.history,
        decisions=page.decisions,
        refused=refused,
    ), 400 if refused else 200


@bp.post("/learners/<int:user_id>/extra-attempt")
def extra_attempt(user_id: int):
    """Give a learner of the organisation one more attempt at a quiz, with a reason."""
    if not teams.can_see(g.scope, user_id):
        abort(404)
    try:
        extra_attempts.grant_attempt(
            current_user.db_id,
            user_id,
            request.form.get("quiz_id", ""),
            request.form.get("reason", ""),
            organisation_id=current_user.organisation_id,
        )
    except extra_attempts.NotFound:
        abort(404)
    except extra_attempts.NothingChanged as unchanged:  # sent again: told, not an error
        flash(unchanged.message, "warning")
    except extra_attempts.GrantRefused as refused:
        return _learner_page(user_id, refused)
    else:
        flash("The learner has one more attempt at the quiz.", "success")
    return redirect(url_for("manage.learner", user_id=user_id, _anchor="quiz-attempts"))


@bp.get("/export.csv")
def export():
    """Stream one CSV row per learner and competency, for the grid's filters when given."""
    chosen, _ = _grid_filters()
    # A standing filters too: the grid's learners (of its framework), rows in that standing.
    filtered = any(
        request.args.get(name) for name in ("q", "profession", "module", "framework", "status")
    )
    chunks = competency_export.export_csv(
        g.scope, catalogue(), current_user.db_id, chosen.status, chosen if filtered else None,
        chunk_size=CHUNK_SIZE,
    )  # fmt: skip
    # Named for the organisation, its filters and the day, as the compliance download is.
    name = download_names.competencies_name(
        g.scope, chosen if filtered else None, assignments.today()
    )
    # About 64 KB a chunk: a write per row would cost the server a send per row.
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# More routes on this blueprint, kept in their own modules by topic.
from app.web import (  # noqa: E402, F401
    manage_assignments,
    manage_compliance,
    manage_join_codes,
    manage_supervisors,
    manage_team_changes,
    manage_teams,
)
