"""Renewing a passed module through its pages: the quiz page's panel, My learning, the module
page and My competencies point to it; a renewal pass brings the competency back to Met and
the yearly assignment back to Complete, and the earlier pass stays as it was."""

from datetime import timedelta

import pytest
from lxml import html
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain.dates import uk_day, uk_today
from app.models import Attempt, Certificate, Evidence, Organisation, utcnow
from app.services import assignments, compliance, teams
from tests.conftest import post_form, sign_in
from tests.web.journeys import pass_module, user_id
from tests.web.quiz_helpers import attempt_form
from tests.web.renewal_helpers import ORG, age, assign_yearly
from tests.web.statements import statements


def text_of(page: str, element_id: str) -> str:
    """Return the words of one element of a page, spaces collapsed."""
    return " ".join(html.fromstring(page).get_element_by_id(element_id).text_content().split())


def words(page: str) -> str:
    """Return the words of a page's main content, spaces collapsed."""
    main = html.fromstring(page).get_element_by_id("maincontent")
    return " ".join(main.text_content().split())


def quiz_url(module) -> str:
    return f"/modules/{module.slug}/quiz/"


def renew(app, client, module, *, right=True) -> str:
    """Start the renewal from the quiz page and submit it; return the attempt's address."""
    url = post_form(client, quiz_url(module), {}).location
    assert "/attempts/" in url
    with app.app_context():
        attempt = db.session().get(Attempt, int(url.rstrip("/").rsplit("/", 1)[1]))
        data = attempt_form(module.assessment, attempt.selection, right=right)
    submitted = post_form(client, url, {**data, "action": "submit", "confirmed": "yes"})
    assert submitted.status_code == 302
    return url


def status_in_compliance(app, module) -> str:
    with app.app_context():
        org = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
        found = compliance.matrix(
            teams.Scope(org), catalogue(), compliance.Filters(), assignments.today()
        )
        column = [slug for slug, _ in found.modules].index(module.slug)
        [row] = found.rows
        return row.cells[column].status


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def lapsed(app, client, make_user, module):
    """A learner who passed the module 370 days ago, assigned yearly: their pass has expired."""
    email = make_user(org=ORG)
    sign_in(client, email)
    pass_module(app, client, email, module)
    assign_yearly(app, module)
    learner = user_id(app, email)
    age(app, learner, 370)
    return learner


def test_the_quiz_page_says_why_and_by_when_and_starts_the_renewal(app, client, lapsed, module):
    page = client.get(quiz_url(module)).text
    panel = text_of(page, "renewal")
    expired = uk_day(utcnow() - timedelta(days=370))
    expired = expired.replace(year=expired.year + 1)
    assert "Renew this module" in panel
    assert (
        "Your organisation asks for this module every year: its date to renew by, "
        f"{expired.day} {expired:%B %Y}, has passed." in panel
    )
    assert "Renew it now: it is past its date." in panel
    assert "Start your renewal" in page and "Attempts at this renewal" in page
    assert "0 used, 3 left" in page
    # The renewal asks the same questions: the earlier pass keeps its answers back meanwhile.
    with app.app_context():
        earlier = db.session().scalars(select(Attempt.id).where(Attempt.number == 1)).one()
    result = client.get(f"{quiz_url(module)}attempts/{earlier}/").text
    assert "The correct answers are listed in full once you have renewed this module" in result
    url = post_form(client, quiz_url(module), {}).location
    with app.app_context():
        assert db.session().get(Attempt, int(url.rstrip("/").rsplit("/", 1)[1])).number == 2
    # Under way: the page offers to continue it, and claims no new pass.
    under_way = client.get(quiz_url(module)).text
    assert "Continue your attempt" in under_way and "Start your renewal" not in under_way
    assert status_in_compliance(app, module) == "expired"


def test_my_learning_and_the_module_page_point_to_the_renewal(app, client, lapsed, module):
    mine = client.get("/modules/").text
    assert f"Renew {module.title}" in mine and "Due for renewal" in mine
    assert f'href="{quiz_url(module)}#renewal"' in mine
    page = client.get(f"/modules/{module.slug}/").text
    assert "This module is due for renewal" in text_of(page, "renewal")
    assert f'href="{quiz_url(module)}#renewal"' in page


def test_a_renewal_pass_brings_the_yearly_assignment_back_to_complete(app, client, lapsed, module):
    with app.app_context():
        before = db.session().scalars(select(Attempt).where(Attempt.number == 1)).one()
        first = (before.submitted_at, before.percent, before.passed)
        evidence = _evidence_of(before.id)
    renew(app, client, module)
    assert status_in_compliance(app, module) == "complete"
    page = client.get(quiz_url(module)).text
    assert "Renew this module" not in page and "You passed this quiz with 100%" in page
    opens = uk_today()
    opens = opens.replace(year=opens.year + 1) - timedelta(days=30)
    assert f"It opens again for renewal on {opens.day} {opens:%B %Y}." in words(page)
    # No "left", nor the rules for taking attempts: the quiz is passed.
    assert "Attempts 2 used You passed" in words(page) and "Your answers" not in page
    assert "Due for renewal" not in client.get("/modules/").text
    with app.app_context():
        # The earlier pass and its evidence are as they were; the renewal added its own.
        again = db.session().scalars(select(Attempt).where(Attempt.number == 1)).one()
        assert (again.submitted_at, again.percent, again.passed) == first
        assert _evidence_of(again.id) == evidence
        renewed = db.session().scalars(select(Attempt).where(Attempt.number == 2)).one()
        assert renewed.passed and _evidence_of(renewed.id)


def _evidence_of(attempt_id: int) -> set:
    rows = db.session().scalars(select(Evidence).where(Evidence.attempt_id == attempt_id))
    return {(e.id, e.competency_code, e.score, e.recorded_at) for e in rows}


def test_a_failed_renewal_leaves_the_earlier_pass_standing(app, client, lapsed, module):
    url = renew(app, client, module, right=False)
    result = client.get(url).text
    assert "You did not pass this time" in result and "Try again" in result
    page = client.get(quiz_url(module)).text
    assert "1 used, 2 left" in page and "Renew this module" in page
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Certificate)) == 1
    assert f"Renew {module.title}" in client.get("/modules/").text


def test_a_renewal_pass_issues_a_new_certificate_and_keeps_the_earlier_one(
    app, client, lapsed, module
):
    with app.app_context():
        earlier = db.session().scalars(select(Certificate)).one()
        kept = (earlier.id, earlier.code, earlier.issued_at, earlier.attempt_id)
    renew(app, client, module)
    with app.app_context():
        certificates = db.session().scalars(select(Certificate).order_by(Certificate.id)).all()
        assert len(certificates) == 2
        first, renewed = certificates
        assert (first.id, first.code, first.issued_at, first.attempt_id) == kept
        assert renewed.attempt_id != first.attempt_id


def test_my_competencies_points_to_the_quiz_that_renews_and_shows_met_again(app, client, make_user):
    with app.app_context():
        module = catalogue().module("safeguarding-risk-and-confidentiality")
    email = make_user(org=ORG)
    sign_in(client, email)
    pass_module(app, client, email, module)
    age(app, user_id(app, email), 300)  # a year's validity, renewed from three months before
    page = client.get("/my/competencies").text
    row = next(r for r in html.fromstring(page).iter("tr") if "REF-4.1" in r.text_content())
    assert "Due soon" in row.text_content()
    assert f'href="{quiz_url(module)}#renewal">Renew {module.title}</a>' in page
    assert "passing it again renews Knowing the routes for immediate risk" in words(page)
    renew(app, client, module)
    page = client.get("/my/competencies").text
    row = next(r for r in html.fromstring(page).iter("tr") if "REF-4.1" in r.text_content())
    assert "Met" in row.text_content() and "Due soon" not in row.text_content()
    assert f"Renew {module.title}" not in page


def test_the_pages_that_point_to_a_renewal_read_it_in_two_statements(app, client, lapsed, module):
    # The signed-in user, then the page: renewal's rows are branches of the page's statement.
    paths = ("/modules/", f"/modules/{module.slug}/", quiz_url(module), "/my/competencies")
    for path in paths:
        client.get(path)  # warm: a question version is rebuilt from its row once, then held
        with statements(app) as ran:
            assert client.get(path).status_code == 200
        assert len(ran) <= 2, (path, ran)
