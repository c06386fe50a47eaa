"""Days and times are shown in UK time: a certificate earned late on a summer evening (after
11pm UTC, past midnight BST) is dated the UK day on its page, its PDF and its public check,
while its signed credential keeps ISO 8601 in UTC."""

from datetime import UTC, datetime

from sqlalchemy import update

from app import db
from app.models import Certificate
from app.models_credentials import Credential
from tests.domain.test_certificates import pdf_text
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    module_with_test_quiz,
)
from tests.web.test_certificate_record import earn, section

LATE_JULY_14 = datetime(2026, 7, 14, 23, 30, tzinfo=UTC)  # 12:30am BST on 15 July
UNTIL = datetime(2029, 7, 14, 23, 30, tzinfo=UTC)  # 12:30am BST on 15 July 2029


def test_a_certificate_earned_after_midnight_bst_is_dated_the_uk_day(
    app, client, make_user, module
):
    code, _ = earn(app, client, make_user, module)
    with app.app_context():
        session = db.session()
        session.execute(update(Certificate).values(issued_at=LATE_JULY_14))
        session.execute(update(Credential).values(valid_until=UNTIL))
        session.commit()
    page = client.get(f"/modules/{module.slug}/certificate/").text
    summary = section(page, '<dl class="nhsuk-summary-list"', "</dl>")
    assert "15 July 2026" in summary and "14 July 2026" not in summary
    assert "15 July 2029" in summary
    pdf = " ".join(pdf_text(client.get(f"/modules/{module.slug}/certificate.pdf").data).split())
    assert "15 July 2026" in pdf and "14 July 2026" not in pdf
    public = client.application.test_client().get(f"/certificates/{code}").text
    assert "15 July 2026" in section(public, "<h1>", "</dl>")
