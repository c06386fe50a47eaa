"""A new credential is valid until the first of the evidence behind it stops counting.

A GP's framework keeps evidence for 3 years, but "Knowing the routes for immediate risk"
(REF-4.1), which the safeguarding module's quiz assesses, counts for 1 year: a GP's
safeguarding credential, its certificate and its public check say 1 year, and the renewal
its end asks for comes within the framework's `renew_within` of it. Credentials already
signed keep their date.
"""

import base64
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.competencies import parse_duration
from app.domain.dates import day
from app.models import utcnow
from app.models_credentials import Credential
from app.services import credentials, quiz_standing
from tests.conftest import sign_in
from tests.domain.test_certificates import pdf_text
from tests.web.journeys import pass_module, user_id
from tests.web.renewal_helpers import age

SAFEGUARDING = "safeguarding-risk-and-confidentiality"
DAY = timedelta(days=1)


@pytest.fixture
def module(app):
    """Return the safeguarding module, whose quiz assesses a competency valid for 1 year."""
    with app.app_context():
        return catalogue().module(SAFEGUARDING)


def passes(app, client, make_user, module, profession: str) -> tuple[str, dict]:
    """Sign in a learner of this profession who passes the module; return (code, claims)."""
    email = make_user(email=f"{profession}@example.org", profession=profession)
    sign_in(client, email)
    code = pass_module(app, client, email, module)
    token = client.get(f"/modules/{module.slug}/credential.jwt").text
    part = token.split(".")[1]
    return code, json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def signed_dates(claims: dict) -> tuple[datetime, datetime]:
    """Return the credential's validFrom and validUntil as signed."""
    stamps = (claims["validFrom"], claims["validUntil"])
    return tuple(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps)


def test_a_gps_safeguarding_credential_lasts_as_long_as_acting_on_immediate_risk(
    app, client, make_user, module
):
    code, claims = passes(app, client, make_user, module, "gp")
    valid_from, valid_until = signed_dates(claims)
    assert valid_until == parse_duration("1y").after(valid_from)
    assert claims["exp"] == int(valid_until.timestamp())
    with app.app_context():
        stored = db.session().scalar(select(Credential.valid_until))
    assert day(stored) == day(valid_until)
    page = client.get(f"/modules/{module.slug}/certificate/").text
    assert "Valid until" in page and day(valid_until) in page
    assert day(parse_duration("3y").after(valid_from)) not in page
    # What the page says is what its credential records: no reason it cannot back.
    assert "stops counting" not in page
    pdf = pdf_text(client.get(f"/modules/{module.slug}/certificate.pdf").data)
    assert day(valid_until) in pdf
    public = client.application.test_client().get(f"/certificates/{code}").text
    assert day(valid_until) in public
    assert day(parse_duration("3y").after(valid_from)) not in public


def test_a_link_workers_credential_still_lasts_the_frameworks_three_years(
    app, client, make_user, module
):
    code, claims = passes(app, client, make_user, module, "link-worker")
    valid_from, valid_until = signed_dates(claims)
    assert valid_until == parse_duration("3y").after(valid_from)
    public = client.application.test_client().get(f"/certificates/{code}").text
    assert day(valid_until) in public


def test_a_credential_signed_before_keeps_its_date(app, client, make_user, module):
    code, _ = passes(app, client, make_user, module, "gp")
    # As the earlier rule signed it: 3 years, the framework's validity.
    with app.app_context():
        row = db.session().scalar(select(Credential))
        row.valid_until = parse_duration("3y").after(row.issued_at)
        db.session().commit()
        before = (row.jwt, row.valid_until)
        signed_until = day(row.valid_until)
    with app.app_context():
        assert credentials.issue_missing() == 0
        row = db.session().scalar(select(Credential))
        assert (row.jwt, row.valid_until) == before
    assert signed_until in client.get(f"/modules/{module.slug}/certificate/").text
    assert signed_until in client.application.test_client().get(f"/certificates/{code}").text


def test_the_credentials_end_opens_the_quiz_for_renewal_within_renew_within(
    app, client, make_user, module
):
    email = make_user(profession="gp")
    sign_in(client, email)
    pass_module(app, client, email, module)
    learner = user_id(app, email)
    with app.app_context():
        signed = quiz_standing.aware(db.session().scalar(select(Credential.valid_until)))
        renew_within = catalogue().framework_for("gp").renew_within
    # The fewest days back after which the credential ends within `renew_within` of today
    # (counted on the calendar from its moved end, as renewal counts it).
    now = utcnow()
    days = next(n for n in range(1200) if renew_within.before(signed - n * DAY) <= now)
    assert 250 < days < 300  # about 9 months: a year less 3 months, not 3 years less 3

    def reasons() -> tuple[datetime, tuple[str, ...]]:
        with app.app_context():
            until = quiz_standing.aware(db.session().scalar(select(Credential.valid_until)))
            standing = quiz_standing.status(learner, module, now)
        return until, standing.renewal.reasons if standing.renewing else ()

    age(app, learner, days - 1)
    until, said = reasons()
    assert f"Your certificate is valid until {day(until)}" not in said
    age(app, learner, 1)
    until, said = reasons()
    assert f"Your certificate is valid until {day(until)}" in said
    assert until > now + 80 * DAY
