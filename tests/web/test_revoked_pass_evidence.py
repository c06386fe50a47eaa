"""A revoked pass's answers stop counting as competency evidence (migration 0045).

Revoking a certificate withdraws its pass (services/passes.py); in the same transaction the
pass is recorded in revoked_pass and the learner re-rated, by the one rating function, in
every competency its answers were evidence for. `recompute-levels`, a later grade's read
and the drill's own recount leave those answers out too; the pages that list them say the
certificate was revoked and that they no longer count. Nothing of the attempt is rewritten.
"""

import csv
import io
import re

import lxml.html
import pytest
from sqlalchemy import delete, func, select

from app import db
from app.content import catalogue
from app.models import Answer, CompetencyLevel, Evidence, RevokedPass
from app.models_practice import ConfirmationRequest
from app.services import dashboard_counts, erasure, quizzes, supervisors
from bench import drill_checks
from tests.conftest import post_form, sign_in
from tests.web import revoking
from tests.web.journeys import latest_code, pass_module, user_id
from tests.web.renewal_helpers import fail

ORG = "Riverside PCN"
SAFEGUARDING = "safeguarding-risk-and-confidentiality-assessment"
OWN_RULE = "REF-4.1"  # met on secure knowledge alone


@pytest.fixture
def module(app):
    """Return the safeguarding module, whose quiz alone can make REF-4.1 met."""
    with app.app_context():
        return next(
            m for m in catalogue().modules if m.assessment and m.assessment.id == SAFEGUARDING
        )


@pytest.fixture
def passed(app, client, make_user, module) -> int:
    """A GP of ORG who passed the safeguarding quiz (every answer right); return their id."""
    make_user(email="manager@example.org", role="manager", org=ORG, full_name="Mo Manager")
    email = make_user(email="gail@example.org", org=ORG, profession="gp", full_name="Gail GP")
    sign_in(client, email)
    pass_module(app, client, email, module)
    return user_id(app, email)


def levels(app, learner: int) -> dict[str, tuple]:
    """Return the learner's stored ratings: level, score, evidence count, met, by code."""
    with app.app_context():
        rows = db.session().scalars(
            select(CompetencyLevel).where(CompetencyLevel.user_id == learner)
        )
        return {r.competency_code: (r.level, r.score, r.evidence_count, r.met) for r in rows}


def counts_differ(app) -> int:
    """Count the dashboard's kept counts that differ from a recount."""
    with app.app_context():
        return dashboard_counts.differences(db.session().connection())


def revoke_on_the_command_line(app, runner, learner: int, module) -> None:
    code = latest_code(app, learner, module.slug)
    result = runner.invoke(args=["revoke-credential", code, "--reason", "Sat by a colleague"])
    assert result.exit_code == 0, result.output


def revoke_in_the_browser(app, make_user, learner: int, module) -> None:
    admin = app.test_client()
    sign_in(admin, make_user("admin@example.org", role="admin", full_name="Ada Admin"))
    code = latest_code(app, learner, module.slug)
    page = f"/admin/credentials/?code={code}"
    assert revoking.revoke(admin, code, "Sat by a colleague", page=page).status_code == 302


def words(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


@pytest.mark.parametrize("where", ["command line", "browser"])
def test_revoking_the_only_pass_re_rates_its_competencies_at_once(
    app, runner, make_user, passed, module, where
):
    before = levels(app, passed)
    assert before[OWN_RULE][0] == "Secure" and before[OWN_RULE][3] is True
    if where == "browser":
        revoke_in_the_browser(app, make_user, passed, module)
    else:
        revoke_on_the_command_line(app, runner, passed, module)
    after = levels(app, passed)
    # The pass was the only evidence: nothing is left to rate, as recompute-levels leaves it.
    assert OWN_RULE not in after
    assert not any(met for *_, met in after.values())
    assert counts_differ(app) == 0
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(RevokedPass)) == 1
        # Nothing stored is rewritten: the attempt's answers and evidence stay.
        assert session.scalar(select(func.count()).select_from(Evidence)) > 0
        assert session.scalar(select(func.count()).select_from(Answer)) > 0
    # recompute-levels gives the same, and the kept counts still equal a recount.
    result = runner.invoke(args=["recompute-levels"])
    assert result.exit_code == 0, result.output
    assert levels(app, passed) == after
    assert counts_differ(app) == 0


def test_recompute_levels_leaves_out_a_revoked_pass(app, runner, passed, module):
    """Stored ratings from before the fix (the revocation re-rated nothing) are put right by
    recompute-levels, which reads evidence by the same rule."""
    revoke_on_the_command_line(app, runner, passed, module)
    with app.app_context():
        # As a rating stored before the revocation re-rated would stand.
        session = db.session()
        session.execute(delete(CompetencyLevel).where(CompetencyLevel.competency_code == OWN_RULE))
        session.add(
            CompetencyLevel(
                user_id=passed,
                organisation_id=None,
                competency_code=OWN_RULE,
                level="Secure",
                score=100.0,
                evidence_count=3,
                practice="Not started",
                met=True,
            )
        )
        session.commit()
    assert runner.invoke(args=["recompute-levels"]).exit_code == 0
    assert OWN_RULE not in levels(app, passed)
    assert counts_differ(app) == 0


def test_a_grade_after_the_revocation_rates_without_the_withdrawn_pass(
    app, client, runner, passed, module
):
    revoke_on_the_command_line(app, runner, passed, module)
    with app.app_context():
        attempt_id = quizzes.start(passed, module).id
    fail(client, module, attempt_id)  # nothing answered: every answer 0%
    rated = levels(app, passed)[OWN_RULE]
    # The failed attempt alone: 0%, not 65% of it and 35% of the withdrawn pass's 100%.
    assert rated[0] == "Not yet" and rated[1] == 0 and rated[3] is False
    assert counts_differ(app) == 0


def test_the_drill_recounts_levels_as_the_rating_reads_evidence(app, runner, passed, module):
    stale = levels(app, passed)[OWN_RULE]
    revoke_on_the_command_line(app, runner, passed, module)
    with app.app_context():
        assert drill_checks._levels(db.session())[0] == 0
        # The rating the withdrawn pass gave, stored again: the drill's recount says so.
        level, score, count, met = stale
        session = db.session()
        session.execute(delete(CompetencyLevel).where(CompetencyLevel.competency_code == OWN_RULE))
        session.add(
            CompetencyLevel(
                user_id=passed,
                competency_code=OWN_RULE,
                level=level,
                score=score,
                evidence_count=count,
                met=met,
            )
        )
        session.commit()
        assert drill_checks._levels(db.session())[0] == 1


def test_erasure_re_rates_the_account_as_recompute_levels_would(app, runner, passed, module):
    with app.app_context():
        erasure.erase(passed, via="cli")
    erased = levels(app, passed)
    assert OWN_RULE not in erased
    assert counts_differ(app) == 0
    assert runner.invoke(args=["recompute-levels"]).exit_code == 0
    assert levels(app, passed) == erased


def _rating_cell(html: str, code: str) -> str:
    """Return the words of the learner's or manager's competency table row for the code."""
    tree = lxml.html.fromstring(html)
    for row in tree.xpath("//tr"):
        text = " ".join(row.text_content().split())
        if text.startswith(code):
            return text
    return ""


def test_the_pages_say_the_revoked_pass_no_longer_counts(
    app, client, runner, make_user, passed, module
):
    revoke_on_the_command_line(app, runner, passed, module)
    revoked = "Certificate revoked These answers no longer count"
    page = client.get(f"/my/competencies/{OWN_RULE}").text
    assert revoked in words(page)
    assert "Secure" not in words(page).split("Quiz answers")[0]
    mine = client.get("/my/competencies").text
    row = _rating_cell(mine, OWN_RULE)
    assert "Not enough evidence" in row and "Secure" not in row and "Met until" not in row
    assert revoked in row
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    learner_page = manager.get(f"/manage/learners/{passed}").text
    row = _rating_cell(learner_page, OWN_RULE)
    assert "Not enough evidence" in row and "Secure" not in row and "Met until" not in row
    assert revoked in row
    export = manager.get("/manage/export.csv").text
    rows = list(csv.DictReader(io.StringIO(export)))
    assert rows and not any("Secure" in r.values() for r in rows)
    assert not any(v.startswith("Met") for r in rows for v in r.values())


def test_the_manager_page_says_the_pass_was_revoked_under_quiz_attempts(
    app, runner, passed, module
):
    revoke_on_the_command_line(app, runner, passed, module)
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    page = lxml.html.fromstring(manager.get(f"/manage/learners/{passed}").text)
    (block,) = page.xpath('//section[@id="quiz-attempts"]//div[h3=$title]', title=module.title)
    said = " ".join(block.text_content().split())
    assert "Not attempted yet" not in said
    assert re.search(
        r"Passed, certificate revoked on \d+ \w+ \d{4}: to pass again\. Not attempted since\.", said
    )


def test_the_quiz_page_says_which_date_is_which(app, client, runner, passed, module):
    revoke_on_the_command_line(app, runner, passed, module)
    page = words(client.get(f"/modules/{module.slug}/quiz/").text)
    assert re.search(
        r"On \d+ \w+ \d{4} Linkwise revoked the certificate for your pass of \d+ \w+ \d{4}, so that"
        r" pass no longer counts\.",
        page,
    )


def test_the_supervisor_sees_the_revoked_pass_marked_on_a_request_still_waiting(
    app, client, runner, make_user, passed, module
):
    make_user(email="sue@example.org", org=ORG, full_name="Sue Supervisor")
    with app.app_context():
        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), True, via="cli")
    code = "REF-4.2"  # met on knowledge and a confirmation: a request to confirm it
    page = f"/my/competencies/{code}"
    sue = user_id(app, "sue@example.org")
    assert (
        post_form(client, f"{page}/request", {"supervisor": str(sue)}, page=page).status_code == 302
    )
    revoke_on_the_command_line(app, runner, passed, module)
    with app.app_context():
        request_id = db.session().scalar(select(func.max(ConfirmationRequest.id)))
    supervisor = app.test_client()
    sign_in(supervisor, "sue@example.org")
    shown = words(supervisor.get(f"/supervise/requests/{request_id}").text)
    assert "Certificate revoked These answers no longer count" in shown


def test_the_data_export_marks_the_withdrawn_pass_and_that_its_answers_no_longer_count(
    app, runner, passed, module
):
    from app.models import User
    from app.services import data_rights

    def exported() -> dict:
        with app.app_context():
            return data_rights.export_data(db.session().get(User, passed), catalogue())

    before = exported()
    assert [a["pass_withdrawn_at"] for a in before["attempts"]] == [None]
    assert before["evidence"] and all(e["counts"] for e in before["evidence"])
    revoke_on_the_command_line(app, runner, passed, module)
    after = exported()
    [attempt] = after["attempts"]
    assert attempt["passed"] is True and attempt["pass_withdrawn_at"] is not None
    # Every answer kept as it was, none counted.
    assert len(after["evidence"]) == len(before["evidence"])
    assert not any(e["counts"] for e in after["evidence"])
