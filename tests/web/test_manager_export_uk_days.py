"""The manager's downloads give days as UK days, in ISO form (YYYY-MM-DD), as the pages do: a
rating's last evidence, the day it is met until and a supervisor's confirmation read at 23:30
UTC on 31 July (00:30 BST on 1 August) are on 1 August, in the competency export (written
by PostgreSQL itself, or row by row on SQLite) and the compliance download."""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import CompetencyLevel, User
from tests.web.confirmations import decided_request
from tests.web.test_manage import manager  # noqa: F401 (fixture)

THIS_YEAR = datetime.now(UTC).year
# 23:30 UTC on 31 July: 00:30 BST on 1 August. Last summer's and next summer's.
LAST_SUMMER = datetime(THIS_YEAR - 1, 7, 31, 23, 30, tzinfo=UTC)
NEXT_SUMMER = datetime(THIS_YEAR + 1, 7, 31, 23, 30, tzinfo=UTC)
RETIRED = "OLD-1"  # a code no framework has


def uk_and_utc(moment: datetime) -> tuple[str, str]:
    """Return the ISO UK day (1 August) and UTC day (31 July) of a moment."""
    return f"{moment.year}-08-01", f"{moment.year}-07-31"


@pytest.fixture
def rated(app, manager, make_user):  # noqa: F811
    """Lee, a link worker of Riverside PCN: met in a competency until next summer on last
    summer's evidence, and confirmed last summer in a retired one."""
    make_user(email="lee@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Lee Learner")  # fmt: skip
    with app.app_context():
        session = db.session()
        lee = session.scalar(select(User).where(User.email == "lee@example.org"))
        code = catalogue().framework_for("link-worker").competencies[0].code
        for competency, met in ((code, True), (RETIRED, False)):
            session.add(
                CompetencyLevel(
                    user_id=lee.id,
                    organisation_id=lee.organisation_id,
                    competency_code=competency,
                    level="Secure",
                    score=90.0,
                    evidence_count=4,
                    last_evidence_at=LAST_SUMMER,
                    practice="Confirmed",
                    met=met,
                    met_until=NEXT_SUMMER if met else None,
                )
            )
        decided_request(
            session,
            user_id=lee.id,
            organisation_id=lee.organisation_id,
            competency_code=RETIRED,
            decided_by_name="Sue",
            decided_at=LAST_SUMMER,
        )
        session.commit()
    return manager


def lees_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text)) if row[0] == "Lee Learner"]


def test_the_competency_export_gives_uk_days(app, rated):
    with app.app_context():
        code = catalogue().framework_for("link-worker").competencies[0].code
    rows = lees_rows(rated.get("/manage/export.csv").text)
    (own,) = [row for row in rows if code in row]
    (retired,) = [row for row in rows if RETIRED in row]
    evidence, met_until = uk_and_utc(LAST_SUMMER), uk_and_utc(NEXT_SUMMER)
    assert evidence[0] in own and met_until[0] in own, own
    assert evidence[1] not in own and met_until[1] not in own
    assert evidence[0] in retired, retired
    assert f"Confirmed by a supervisor on {evidence[0]}" in retired


def test_the_compliance_download_gives_the_confirmations_uk_day(app, rated):
    with app.app_context():
        framework = catalogue().framework_for("link-worker").id
    (lee,) = lees_rows(rated.get(f"/manage/compliance.csv?framework={framework}").text)
    confirmed = f"Confirmed by a supervisor on {uk_and_utc(LAST_SUMMER)[0]}"
    assert any(cell.endswith(confirmed) for cell in lee), lee
