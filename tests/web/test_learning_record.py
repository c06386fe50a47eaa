"""My learning record: every module, certificates one click away, CPD totals, PDF and CSV."""

import csv
import html
import io
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app import db
from app.content import catalogue
from app.domain.dates import day
from app.domain.learning_record import ModuleRecord, cpd_totals
from app.models import Certificate
from tests.conftest import csrf_token, sign_in, without_tokens
from tests.pdf_lines import drawn_lines
from tests.web.journeys import pass_module


@pytest.fixture
def modules(app):
    with app.app_context():
        return [m for m in catalogue().modules if m.assessment]


@pytest.fixture
def learner(app, client, make_user):
    make_user()
    sign_in(client, "learner@example.org")
    return client


def test_the_record_lists_every_module_with_its_status(app, learner, modules):
    first = modules[0]
    code = pass_module(app, learner, "learner@example.org", first)
    page = learner.get("/my/record")
    assert page.status_code == 200
    with app.app_context():
        titles = [m.title for m in catalogue().modules]
    for title in titles:
        assert title in page.text
    assert "Completed" in page.text and "Not started" in page.text
    assert f"{first.cpd_minutes} min" in page.text
    assert f'href="/modules/{first.slug}/certificate/"' in page.text
    assert f'href="/modules/{first.slug}/certificate.pdf"' in page.text
    assert "Reflection: not written" in page.text
    assert code


def test_the_certificate_is_one_click_from_the_module_page_and_my_learning(app, learner, modules):
    module = modules[0]
    certificate = f'href="/modules/{module.slug}/certificate/"'
    assert certificate not in learner.get(f"/modules/{module.slug}/").text
    pass_module(app, learner, "learner@example.org", module)
    assert certificate in learner.get(f"/modules/{module.slug}/").text
    assert certificate in learner.get("/modules/").text


def test_after_passing_the_certificate_page_offers_the_next_module(app, learner, modules):
    pass_module(app, learner, "learner@example.org", modules[0])
    page = learner.get(f"/modules/{modules[0].slug}/certificate/").text
    with app.app_context():
        following = next(m for m in catalogue().modules if m.order > modules[0].order)
    assert f"Next: {following.title}" in page


def test_cpd_totals_count_the_year_and_the_revalidation_period():
    today = datetime(2026, 11, 24).date()

    def done(minutes, days_ago, reflected=True):
        return ModuleRecord(
            "m",
            "M",
            "completed",
            None,
            today - timedelta(days=days_ago),
            80,
            minutes,
            "LW-X",
            reflected,
        )

    unfinished = ModuleRecord("u", "U", "in-progress", today, None, None, 500, None, False)
    modules = (done(45, 10), done(90, 400), done(60, 4 * 365), unfinished)
    totals = cpd_totals(modules, today, 3, rcgp=True)
    assert (totals.year_minutes, totals.period_minutes) == (45, 135)
    assert totals.period_start.isoformat() == "2023-11-24"
    assert (totals.year_credits, totals.period_credits) == (0.75, 2.25)
    # RCGP credits are a GP's, for time with a reflection written, and nobody else's.
    assert (cpd_totals(modules, today, 3).year_credits, totals.period_credits) == (None, 2.25)
    unreflected = cpd_totals((done(45, 10, False), done(90, 400)), today, 3, rcgp=True)
    assert (unreflected.year_minutes, unreflected.period_minutes) == (45, 135)
    assert (unreflected.year_credits, unreflected.period_credits) == (0, 1.5)


def test_the_record_speaks_of_the_learners_own_regulator(app, client, make_user):
    make_user(email="nurse@example.org")
    make_user(email="pharmacist@example.org", profession="pharmacist")
    sign_in(client, "nurse@example.org")
    nurse = without_tokens(client.get("/my/record").text)
    assert "The NMC asks nurses for 35 hours" in nurse and "GPhC" not in nurse
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/my/record")})
    sign_in(client, "pharmacist@example.org")
    pharmacist = without_tokens(client.get("/my/record").text)
    assert "The GPhC asks pharmacists for 4 CPD records a year" in pharmacist
    assert "NMC" not in pharmacist
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=client.get("/my/record.pdf").data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "GPhC" in " ".join(text.split()) and "NMC" not in text


def test_only_nurses_are_given_the_nmc_s_rule_on_screen_and_in_the_pdf(app, client, make_user):
    for profession in ("link-worker", "care-coordinator", "health-coach", "other", "gp"):
        email = f"{profession}@example.org"
        make_user(email=email, profession=profession)
        sign_in(client, email)
        shown = without_tokens(client.get("/my/record").text)
        pdf = subprocess.run(
            ["pdftotext", "-", "-"],
            input=client.get("/my/record.pdf").data,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert "NMC" not in shown and "NMC" not in pdf, profession
        if profession != "gp":
            assert "your own CPD, appraisal or supervision" in shown, profession
            assert "your own CPD, appraisal or supervision" in " ".join(pdf.split()), profession
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/my/record")})


def test_the_record_downloads_as_csv(app, learner, modules):
    pass_module(app, learner, "learner@example.org", modules[0])
    response = learner.get("/my/record.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["module", "status", "started", "completed"]
    assert rows[0][5] == "CPD time (module's estimate, minutes)"
    completed = next(r for r in rows if r[0] == modules[0].title)
    assert completed[1] == "Completed" and completed[5] == str(modules[0].cpd_minutes)
    assert completed[7].startswith("http://localhost/certificates/LW-")
    assert rows[-2][0].startswith("Total since")


def test_a_module_not_yet_completed_has_no_cpd_time_in_the_csv(app, learner, modules):
    # The page says "Not yet counted": a 0 would read as a completed module worth nothing.
    pass_module(app, learner, "learner@example.org", modules[0])
    rows = list(csv.reader(io.StringIO(learner.get("/my/record.csv").text)))
    not_started = next(r for r in rows if r[0] == modules[1].title)
    assert not_started[3] == "" and not_started[5] == ""
    assert rows[-2][5] == rows[-1][5] == str(modules[0].cpd_minutes)


def test_the_record_downloads_as_a_pdf(app, learner, modules):
    pass_module(app, learner, "learner@example.org", modules[0])
    response = learner.get("/my/record.pdf")
    assert response.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    assert "Learning record" in text and "Sam Learner" in text
    assert modules[0].title in text and "CPD time in the last 3 years" in text
    assert ESTIMATE in text


ESTIMATE = (
    "CPD time is the module's estimate of its reading, activities and reflection together, "
    "not a measure of the time spent."
)


def test_every_page_showing_cpd_time_says_it_is_the_modules_estimate(app, learner, modules):
    module = modules[0]
    page = learner.get(f"/modules/{module.slug}/").text
    assert f"Time to complete is about how long the screens and the quiz take. {ESTIMATE}" in (
        html.unescape(page)
    )
    code = pass_module(app, learner, "learner@example.org", module)
    assert ESTIMATE in html.unescape(learner.get("/my/record").text)
    # The public check says what a certificate shows, and what it does not.
    public = html.unescape(app.test_client().get(f"/certificates/{code}").text)
    assert "Certificate confirmed" in public
    assert (
        "A Linkwise certificate shows that its holder completed the module and passed its "
        "knowledge quiz. It does not show competence in practice."
    ) in public


def test_a_module_completed_years_ago_counts_in_the_period_only_while_inside_it(
    app, learner, modules
):
    pass_module(app, learner, "learner@example.org", modules[0])
    with app.app_context():
        db.session().execute(
            update(Certificate).values(issued_at=datetime.now(UTC) - timedelta(days=4 * 365))
        )
        db.session().commit()
    page = learner.get("/my/record").text
    period = page.split("CPD time in the last 3 years")[1].split("</div>")[0]
    assert "<dd" in period and ">0 min" in period


def test_every_shipped_certificate_is_one_page_then_the_reflective_account(app, learner, modules):
    for module in modules:
        pass_module(app, learner, "learner@example.org", module)
        pdf = learner.get(f"/modules/{module.slug}/certificate.pdf").data
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
        assert "Pages:           2" in info.stdout.decode(), module.slug


def test_the_certificate_says_until_when_it_is_valid(app, learner, modules):
    pass_module(app, learner, "learner@example.org", modules[0])
    page = learner.get(f"/modules/{modules[0].slug}/certificate/").text
    with app.app_context():
        framework = catalogue().framework_for("practice-nurse")
    until = day(framework.valid_for.after(datetime.now(UTC)))  # the UK day, as pages say
    assert "Valid until" in page and until in page


def test_the_revalidation_period_comes_from_the_configuration(app, learner, modules):
    pass_module(app, learner, "learner@example.org", modules[0])
    with app.app_context():
        db.session().execute(
            update(Certificate).values(issued_at=datetime.now(UTC) - timedelta(days=4 * 365))
        )
        db.session().commit()
    app.config["REVALIDATION_YEARS"] = 5  # LINKWISE_REVALIDATION_YEARS=5
    page = learner.get("/my/record").text
    period = page.split("CPD time in the last 5 years")[1].split("</div>")[0]
    assert f">{modules[0].cpd_minutes} min" in period


def test_a_hebrew_name_is_drawn_right_to_left_on_the_certificate_and_the_record(
    app, client, make_user, modules
):
    make_user(email="sarah@example.org", full_name="שרה כהן")
    sign_in(client, "sarah@example.org")
    pass_module(app, client, "sarah@example.org", modules[0])
    seen = ["ןהכ", "הרש"]  # as drawn, left to right: read right to left, "שרה כהן"
    certificate = client.get(f"/modules/{modules[0].slug}/certificate.pdf").data
    assert seen in drawn_lines(certificate)
    assert seen in drawn_lines(client.get("/my/record.pdf").data)
