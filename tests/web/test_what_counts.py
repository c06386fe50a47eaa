"""What counts, the same in every view: a revoked certificate, a knowledge check, RCGP credits."""

import csv
import io
from datetime import date, timedelta

import pytest

from app import db
from app.content import catalogue
from app.services import learning
from tests.conftest import post_form, sign_in, without_tokens
from tests.domain.test_certificates import pdf_text
from tests.web.journeys import pass_module, user_id
from tests.web.quiz_helpers import answer_fields, browser_form
from tests.web.test_html_valid import nu_errors


def record_csv(client) -> list[list[str]]:
    """Return the learner's record CSV as rows."""
    return list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))


@pytest.fixture
def modules(app):
    """Return the modules with a quiz, first two."""
    with app.app_context():
        return [m for m in catalogue().modules if m.assessment][:2]


def assign(client, slugs, email):
    """Assign modules to a learner by email, due in 60 days, as the signed-in manager."""
    due = date.today() + timedelta(days=60)
    post_form(
        client,
        "/manage/assignments",
        {
            "modules": slugs,
            "who": "learners",
            "emails": email,
            "due-day": str(due.day),
            "due-month": str(due.month),
            "due-year": str(due.year),
        },
    )


def test_a_revoked_certificate_is_revoked_uncounted_and_not_compliant_everywhere(
    app, client, pcn, modules, runner, tmp_path
):
    first, second = modules
    sign_in(client, "lead@example.org")
    assign(client, [first.slug, second.slug], "asha@example.org")
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    code = pass_module(app, learner, "asha@example.org", first)
    pass_module(app, learner, "asha@example.org", second)
    revoked = runner.invoke(args=["revoke-credential", code, "--reason", "Sat by a colleague"])
    assert revoked.exit_code == 0, revoked.output

    # The learner's record: the revoked module's CPD time no longer counts.
    page = without_tokens(learner.get("/my/record").text)
    row = page.split(f">{first.title}</a></th>", 1)[1].split("</tr>", 1)[0]
    assert "Revoked on" in row and "Not counted" in row
    totals = page.split("CPD time this year", 1)[1].split("</div>", 1)[0]
    assert f">{second.cpd_minutes} min " in totals
    assert "RCGP" not in page  # a nurse's record: RCGP credits are a GP's
    rows = record_csv(learner)
    by_title = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_title[first.title]["CPD time (module's estimate, minutes)"] == "0"
    assert "(revoked " in by_title[first.title]["certificate"]
    assert rows[-2][5] == str(second.cpd_minutes)
    text = pdf_text(learner.get("/my/record.pdf").data)
    assert f"Certificate {code} was revoked on" in text
    assert "CPD time: not counted" in text
    assert f"CPD time: {second.cpd_minutes} minutes." in text
    assert "credit" not in text
    # My learning: the assignment is to do again, not complete.
    mine = learner.get("/modules/").text.split("Assigned to you", 1)[1].split("</ul>", 1)[0]
    assert mine.count("Complete<") == 1

    # The manager's drill-down says the same.
    sign_in(client, "lead@example.org")
    drill = client.get(f"/manage/learners/{pcn['asha']}").text
    modules_table = drill.split('id="modules"', 1)[1].split("</table>", 1)[0]
    assert f">{code}</code>" in modules_table and "revoked on" in modules_table
    assert f"CPD time Asha Elm has completed: {second.cpd_minutes} minutes this year" in drill
    assigned = drill.split('id="assigned"', 1)[1].split("</table>", 1)[0]
    assert assigned.count("Complete<") == 1 and "Renew by" not in assigned
    # And the compliance matrix: one of the two modules is compliant.
    compliance = client.get("/manage/compliance.csv").text
    assert compliance.count("Complete") == 1, compliance
    assert nu_errors({"record": page, "drill-down": drill}, tmp_path) == []


def test_rcgp_credits_are_a_gps_for_time_reflected_on_the_same_in_every_view(
    app, client, make_user, modules
):
    sign_in(client, make_user(profession="gp"))
    for module in modules:
        pass_module(app, client, "learner@example.org", module)
    # A reflection on the first module only: its time earns credits, the second's does not.
    page = f"/modules/{modules[0].slug}/certificate/"
    form = browser_form(client.get(page).text, "reflection-form")
    assert client.post(page, data={**form, "learned": "Ask what matters first."}).status_code == 302
    rows = record_csv(client)
    by_title = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_title[modules[0].title]["RCGP credits"] == "0.75"
    assert by_title[modules[1].title]["RCGP credits"] == "needs a reflection written"
    assert rows[-2][6] == rows[-1][6] == "0.75"
    record = client.get("/my/record").text
    totals = record.split("CPD time this year", 1)[1].split("</div>", 1)[0]
    reflected, unreflected = (m.cpd_minutes for m in modules)
    assert reflected == 45  # 0.75 of an hour: the credits below
    whole = reflected + unreflected
    assert (
        f"{whole // 60} h {whole % 60} min (0.75 RCGP credits for the 45 minutes with a "
        "reflection written; the rest needs one)" in totals
    )
    second = record.split(f">{modules[1].title}</a></th>", 1)[1].split("</tr>", 1)[0]
    assert f"{unreflected} min (no RCGP credits yet: they need a reflection written)" in second
    assert "Reflection: not written" in second
    text = pdf_text(client.get("/my/record.pdf").data)
    assert "CPD time: 45 minutes (0.75 RCGP credits)." in text
    assert (
        f"CPD time: {unreflected} minutes (no RCGP credits yet: they need a reflection "
        "written)." in text
    )
    badge = client.get(f"/modules/{modules[0].slug}/credential.jwt").text
    from tests.web.test_credentials import payload

    # The badge states CPD hours, which are not RCGP credits: the same for everyone.
    assert payload(badge)["credentialSubject"]["achievement"]["creditsAvailable"] == 0.75


def test_a_pharmacist_is_shown_cpd_time_and_no_rcgp_credits(app, client, make_user, modules):
    sign_in(client, make_user(profession="pharmacist"))
    pass_module(app, client, "learner@example.org", modules[0])
    rows = record_csv(client)
    assert [r[6] for r in rows[1:]] == [""] * (len(rows) - 1)
    record = without_tokens(client.get("/my/record").text)
    assert "RCGP" not in record and f">{modules[0].cpd_minutes} min" in record
    assert "credit" not in pdf_text(client.get("/my/record.pdf").data)


def test_a_passed_knowledge_check_does_not_complete_an_assigned_module(app, client, pcn):
    with app.app_context():
        module = catalogue().modules[0]
    sign_in(client, "lead@example.org")
    assign(client, [module.slug], "asha@example.org")
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    screen = next(s for s in module.screens if s.knowledge_check)
    with app.app_context():
        learner_id = user_id(app, "asha@example.org")
        for before in module.screens[: module.screens.index(screen)]:
            for key in before.item_keys:
                learning.record(learner_id, module.slug, key)
        db.session().commit()
    question = screen.knowledge_check.questions[0]
    url = f"/modules/{module.slug}/{screen.slug}/"
    checked = post_form(learner, f"{url}check", answer_fields(question, right=True), page=url)
    assert checked.status_code == 302
    mine = learner.get("/modules/").text.split("Assigned to you", 1)[1].split("</ul>", 1)[0]
    assert "Complete<" not in mine and "To do" in mine
    drill = client.get(f"/manage/learners/{pcn['asha']}").text
    assigned = drill.split('id="assigned"', 1)[1].split("</table>", 1)[0]
    assert "Complete<" not in assigned and "To do" in assigned
    assert "Complete" not in client.get("/manage/compliance.csv").text


def test_a_pass_without_a_certificate_of_its_own_is_withdrawn_by_a_later_revocation(
    app, client, make_user, modules, runner
):
    # A pass the one-certificate-a-module rule left uncertified (before migration 0034)
    # counts until any of the module's certificates is revoked after it, as compliance says.
    from sqlalchemy import func, select

    from app.models import Attempt, utcnow
    from app.services import passes

    module = modules[0]
    email = make_user(email="sam@example.org")
    sign_in(client, email)
    code = pass_module(app, client, email, module)
    learner = user_id(app, email)
    with app.app_context():
        session = db.session()
        first = session.scalars(select(Attempt).where(Attempt.user_id == learner)).one()
        session.add(
            Attempt(
                user_id=learner,
                quiz_id=first.quiz_id,
                module_slug=module.slug,
                number=first.number + 1,
                status="graded",
                selection=first.selection,
                quiz_settings=first.quiz_settings,
                started_at=utcnow() - timedelta(minutes=5),
                submitted_at=utcnow() - timedelta(minutes=5),
                percent=100,
                passed=True,
            )
        )
        session.commit()

    def counted() -> int:
        with app.app_context():
            return db.session().scalar(
                select(func.count(Attempt.id)).where(Attempt.user_id == learner, passes.COUNTED)
            )

    assert counted() == 2
    revoked = runner.invoke(args=["revoke-credential", code, "--reason", "Sat by a colleague"])
    assert revoked.exit_code == 0, revoked.output
    assert counted() == 0
