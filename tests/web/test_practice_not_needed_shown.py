"""A competency met on knowledge alone (REF-4.1) needs no confirmation of practice: the
manager's grid and export say "Not needed", as the learner's and the manager's learner pages
do, never "Not started", which reads as a confirmation still to come."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import lxml.html
from sqlalchemy import select

from app import db
from app.models import CompetencyLevel, User
from tests.conftest import sign_in

NOW = datetime.now(UTC)
OWN_RULE, FRAMEWORK_RULE = "REF-4.1", "REF-4.2"


def _people(app, make_user) -> int:
    """A manager and two GPs: Gail rated in both competencies, Ravi never rated."""
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    make_user(email="gail@example.org", org="Riverside PCN", profession="gp", full_name="Gail GP")
    make_user(email="ravi@example.org", org="Riverside PCN", profession="gp", full_name="Ravi GP")
    with app.app_context():
        session = db.session()
        gail = session.scalar(select(User).where(User.email == "gail@example.org"))
        for code, met in ((OWN_RULE, True), (FRAMEWORK_RULE, False)):
            session.add(
                CompetencyLevel(
                    user_id=gail.id,
                    organisation_id=gail.organisation_id,
                    competency_code=code,
                    level="Secure",
                    score=95.0,
                    evidence_count=3,
                    last_evidence_at=NOW,
                    practice="Not started",
                    met=met,
                    met_until=NOW + timedelta(days=300) if met else None,
                    due_from=NOW + timedelta(days=200) if met else None,
                    expired=False,
                )
            )
        session.commit()
        return gail.id


def test_the_grid_says_practice_is_not_needed_where_the_rule_asks_none(app, client, make_user):
    gail = _people(app, make_user)
    sign_in(client, "manager@example.org")
    page = lxml.html.fromstring(client.get("/manage/?framework=referrer").text)
    codes = [
        re.sub(r"\s+", " ", th.text_content())
        for th in page.xpath("//table[contains(@class, 'lw-grid')]//thead//th")
    ]
    row = page.xpath(
        f"//table[contains(@class, 'lw-grid')]//tr[th//a[@href='/manage/learners/{gail}']]"
    )[0]
    said = {
        code: cell.text_content()
        for code, cell in zip(codes[1:], row.xpath("td"), strict=True)
        if OWN_RULE in code or FRAMEWORK_RULE in code
    }
    assert len(said) == 2, codes
    for code, text in said.items():
        expected = "practice Not needed; met" if OWN_RULE in code else "practice Not started"
        assert expected in text, (code, text)
    # The learner page the grid links to says the same.
    learner = lxml.html.fromstring(client.get(f"/manage/learners/{gail}").text)
    own = [tr.text_content() for tr in learner.iter("tr") if OWN_RULE in tr.text_content()]
    assert own and all("Not needed" in text for text in own), own


def test_the_export_says_practice_is_not_needed_rated_or_not(app, client, make_user):
    _people(app, make_user)
    sign_in(client, "manager@example.org")
    rows = list(csv.DictReader(io.StringIO(client.get("/manage/export.csv").text)))
    practice = {(r["Learner"], r["Competency"]): r["Practice"] for r in rows}
    assert practice[("Gail GP", OWN_RULE)] == "Not needed"
    assert practice[("Ravi GP", OWN_RULE)] == "Not needed"  # never rated
    assert practice[("Gail GP", FRAMEWORK_RULE)] == "Not started"
    assert practice[("Ravi GP", FRAMEWORK_RULE)] == "Not started"
    # Filtered to the learners met (Gail's REF-4.1 only), the same word.
    met = list(csv.DictReader(io.StringIO(client.get("/manage/export.csv?status=met").text)))
    assert [(r["Competency"], r["Practice"]) for r in met] == [(OWN_RULE, "Not needed")]
