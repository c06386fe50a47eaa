"""Two dates for one piece of learning, each said for what it is: the certificate is valid
until the day its signed credential records; the learner's organisation asks for the module
again by a day of its own. Where both apply and differ, each page that shows either says
which is which in one sentence; the public check speaks of the credential alone."""

from datetime import timedelta

import pytest
from lxml import html
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.dates import uk_day, uk_today
from app.models import Organisation, utcnow
from app.services import assignments, teams
from tests.conftest import sign_in
from tests.nu_checker import nu_errors
from tests.web.journeys import latest_code, pass_module, user_id
from tests.web.renewal_helpers import ORG, age, assign_yearly


def words(page: str, element_id: str | None = None) -> str:
    """Return the words of the page's main content (or one element), spaces collapsed."""
    tree = html.fromstring(page)
    found = tree.get_element_by_id(element_id or "maincontent")
    return " ".join(found.text_content().split())


def day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def in_years(d, years: int):
    return d.replace(year=d.year + years)


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz (3 years for a nurse)."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def yearly(app, client, make_user, module):
    """A practice nurse who passed today; their organisation renews the module every year."""
    email = make_user(org=ORG)
    make_user(email="manager@example.org", role="manager", org=ORG)
    sign_in(client, email)
    pass_module(app, client, email, module)
    assign_yearly(app, module)
    today = uk_today()
    learner = user_id(app, email)
    return {"learner": learner, "renew_by": in_years(today, 1), "until": in_years(today, 3)}


def test_the_certificate_page_says_the_organisation_asks_sooner(client, yearly, module):
    page = client.get(f"/modules/{module.slug}/certificate/").text
    until, renew_by = day(yearly["until"]), day(yearly["renew_by"])
    assert f"Valid until {until}" in words(page)
    assert words(page, "renew-by").startswith(
        f"Information: Your certificate stays valid until {until}, but your organisation asks "
        f"you to renew this module by {renew_by}, which is sooner."
    )
    assert "competency framework for your profession" in words(page, "valid-until")


def test_my_learning_says_which_date_is_whose(client, yearly):
    page = client.get("/modules/").text
    assigned = " ".join(html.fromstring(page).find_class("lw-assigned")[0].text_content().split())
    until, renew_by = day(yearly["until"]), day(yearly["renew_by"])
    assert (
        f"complete, renew by {renew_by}. Your certificate stays valid until {until}, later than "
        "your organisation’s date." in assigned
    )
    assert f"Valid until {until}, as its signed credential records." in words(page)


def test_the_manager_reads_renew_by_as_the_organisations_date(app, yearly, module):
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    page = manager.get(f"/manage/learners/{yearly['learner']}").text
    until, renew_by = day(yearly["until"]), day(yearly["renew_by"])
    assigned = words(page)
    assert (
        f"Renew by {renew_by}Their certificate stays valid until {until}, later than your "
        "organisation’s date." in assigned
    )
    assert words(page, "renew-by").startswith("“Renew by” is your organisation’s date")
    grid = manager.get("/manage/compliance").text
    assert "“Expired” means that renewal date has come, not that a certificate has" in words(
        grid, "renew-by"
    )


def test_the_public_check_speaks_of_the_credential_alone(app, client, yearly, module):
    code = latest_code(app, yearly["learner"], module.slug)
    page = app.test_client().get(f"/certificates/{code}").text
    said = words(page)
    assert f"Valid until{day(yearly['until'])}" in said
    assert "competency framework for the holder’s profession" in words(page, "valid-until")
    assert "organisation" not in said.lower() and day(yearly["renew_by"]) not in said


def test_the_renewal_panel_names_the_certificates_date_too(app, client, yearly, module):
    # 340 days on: the yearly assignment is due soon; the certificate has two years to run.
    age(app, yearly["learner"], 340)
    passed = uk_day(utcnow() - timedelta(days=340))
    until = day(in_years(passed, 3))
    expected = f"Your certificate stays valid until {until}, later than your organisation’s date."
    assert expected in words(client.get(f"/modules/{module.slug}/quiz/").text, "renewal")
    assert expected in words(client.get(f"/modules/{module.slug}/").text, "renewal")


@pytest.fixture
def safeguarding(app):
    with app.app_context():
        return catalogue().module("safeguarding-risk-and-confidentiality")


@pytest.fixture
def three_yearly(app, client, make_user, safeguarding):
    """A GP who passed safeguarding today; their organisation asks for it every 3 years."""
    # A GP's safeguarding certificate lasts a year (Knowing the routes for immediate risk); the
    # organisation asks for the module every 3 years.
    email = make_user(org=ORG, profession="gp")
    sign_in(client, email)
    pass_module(app, client, email, safeguarding)
    with app.app_context():
        org = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
        asked = assignments.Request((safeguarding.slug,), assignments.today(), renew_months=36)
        assignments.assign(teams.Scope(org), None, asked, catalogue())
        db.session().commit()
    return user_id(app, email)


def test_a_certificate_sooner_than_the_organisation_asks_says_so(
    client, three_yearly, safeguarding
):
    today = uk_today()
    until, renew_by = day(in_years(today, 1)), day(in_years(today, 3))
    expected = (
        f"Your organisation asks you to renew this module by {renew_by}, but your certificate "
        f"is valid only until {until}, which is sooner."
    )
    page = client.get(f"/modules/{safeguarding.slug}/certificate/").text
    assert expected in words(page, "renew-by")
    mine = words(client.get("/modules/").text)
    assert (
        f"renew by {renew_by}. Your certificate is valid only until {until}, sooner than your "
        "organisation’s date." in " ".join(mine.split())
    )


def test_the_pages_that_set_the_dates_side_by_side_are_valid_html(
    app, client, yearly, module, tmp_path
):
    age(app, yearly["learner"], 340)  # the renewal panels open too
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    code = latest_code(app, yearly["learner"], module.slug)
    pages = {
        "certificate": client.get(f"/modules/{module.slug}/certificate/").text,
        "my-learning": client.get("/modules/").text,
        "module": client.get(f"/modules/{module.slug}/").text,
        "quiz": client.get(f"/modules/{module.slug}/quiz/").text,
        "check": client.get(f"/certificates/{code}").text,
        "learner": manager.get(f"/manage/learners/{yearly['learner']}").text,
        "compliance": manager.get("/manage/compliance").text,
    }
    assert "Your certificate stays valid until" in pages["certificate"]
    assert "Their certificate stays valid until" in pages["learner"]
    assert nu_errors(pages, tmp_path) == []


def test_a_renewal_the_certificate_opens_names_the_organisations_later_date(
    app, client, three_yearly, safeguarding
):
    # 300 days on, the 1-year certificate is within its 3 months: the quiz opens for renewal,
    # the organisation's date 3 years from the pass still to come.
    age(app, three_yearly, 300)
    passed = uk_day(utcnow() - timedelta(days=300))
    # The credential was signed valid for a year from the pass and moved back 300 days with
    # it: a day later than a year from the moved pass when that year holds 29 February.
    until = uk_day(in_years(utcnow(), 1) - timedelta(days=300))
    panel = words(client.get(f"/modules/{safeguarding.slug}/quiz/").text, "renewal")
    assert f"Your certificate is valid until {day(until)}" in panel
    assert (
        f"Your organisation asks you to renew this module by {day(in_years(passed, 3))}, later "
        "than your certificate’s date." in panel
    )
