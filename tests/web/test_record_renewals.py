"""The learning record counts every pass: a module renewed within the period was learned twice.

Each earlier certificate issued within the record's period is a CPD activity of its own, with
its date, CPD time, code and reflection, listed after its module's row, and its time adds to
the totals. One issued before the period is not listed, as the record's totals leave it out.
"""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app import db
from app.content import catalogue
from app.domain.dates import uk_day, uk_today  # the day the record dates things by
from app.domain.learning_record import describe_minutes
from app.models import Certificate
from tests.conftest import post_form, sign_in
from tests.domain.test_certificates import pdf_text
from tests.web.journeys import pass_module, renew, user_id
from tests.web.test_html_valid import nu_errors

EMAIL = "learner@example.org"


@pytest.fixture
def module(app):
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def issue_days_ago(app, code: str, days: int) -> date:
    """Date the certificate `days` back, as if that pass was made then; return its UK day (the
    day the pages show: near midnight it is not the UTC day)."""
    issued = datetime.now(UTC) - timedelta(days=days)
    with app.app_context():
        db.session().execute(
            update(Certificate).where(Certificate.code == code).values(issued_at=issued)
        )
        db.session().commit()
    return uk_day(issued)


def renewed_after(app, client, email: str, module, days: int):
    """Pass the module (reflection written), date that pass `days` back, pass it again."""
    sign_in(client, email)
    first = pass_module(app, client, email, module)
    page = f"/modules/{module.slug}/certificate/"
    post_form(client, page, {"certificate": first, "learned": "First time round."})
    latest = renew(app, client, user_id(app, email), module)
    return first, latest, issue_days_ago(app, first, days)


def totals_of(page: str) -> tuple[str, str]:
    """Return the year's and the period's CPD time as the record page states them."""
    year = page.split("CPD time this year")[1].split("</dd>")[0].split(">")[-1]
    period = page.split("CPD time in the last 3 years")[1].split("</dd>")[0].split(">")[-1]
    return year.strip(), period.strip()


def minutes(value: int) -> str:
    """Return minutes as the record page writes them ("1 h 30 min")."""
    return f"{value // 60} h {value % 60} min" if value >= 60 else f"{value} min"


def expected_year(module, first_on: date) -> int:
    """Return this year's CPD minutes: the renewal's, and the first pass's if this year."""
    return module.cpd_minutes * (2 if first_on.year == uk_today().year else 1)


def test_two_passes_in_the_period_are_two_entries_and_their_time_adds_up(
    app, client, make_user, module
):
    first, _, first_on = renewed_after(app, client, make_user(), module, days=200)
    page = client.get("/my/record").text
    assert page.count("Earlier certificate: passed again since") == 1
    assert f'href="/modules/{module.slug}/certificate.pdf"' in page  # the latest
    # The earlier entry has its own date, its check page and PDF, and its own reflection.
    assert first_on.strftime("%-d %B %Y") in page
    assert f'href="/certificates/{first}">{first}<span' in page
    assert f'href="/modules/{module.slug}/certificates/{first}.pdf"' in page
    assert "Reflection: written" in page and "Reflection: not written" in page
    year, period = totals_of(page)
    assert period == minutes(2 * module.cpd_minutes)
    assert year == minutes(expected_year(module, first_on))


def test_a_pass_before_the_period_is_not_listed_or_counted(app, client, make_user, module):
    first, latest, _ = renewed_after(app, client, make_user(), module, days=4 * 365)
    page = client.get("/my/record").text
    assert first not in page and "Earlier certificate" not in page
    assert totals_of(page) == (minutes(module.cpd_minutes), minutes(module.cpd_minutes))
    rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
    assert [r[7] for r in rows if r[0] == module.title] == [
        f"http://localhost/certificates/{latest}"
    ]
    assert first not in pdf_text(client.get("/my/record.pdf").data)


def test_the_csv_and_pdf_carry_both_passes_and_the_summed_totals(app, client, make_user, module):
    first, latest, first_on = renewed_after(app, client, make_user(), module, days=200)
    rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
    entries = [r for r in rows if r[0] == module.title]
    assert [r[3] for r in entries] == [uk_today().isoformat(), first_on.isoformat()]
    assert [r[5] for r in entries] == [str(module.cpd_minutes)] * 2
    assert [r[7] for r in entries] == [
        f"http://localhost/certificates/{latest}",
        f"http://localhost/certificates/{first}",
    ]
    assert [r[8] for r in entries] == ["no", "yes"]
    assert rows[-2][5] == str(expected_year(module, first_on))
    assert rows[-1][5] == str(2 * module.cpd_minutes)
    text = pdf_text(client.get("/my/record.pdf").data)
    assert f"Certificate {latest}" in text and f"Certificate {first}" in text
    assert "An earlier certificate: this module was passed again since." in text
    assert describe_minutes(2 * module.cpd_minutes) in text.split("CPD time in the last 3")[1]


def test_a_revoked_earlier_certificate_is_listed_but_not_counted(
    app, client, runner, make_user, module
):
    first, _, _ = renewed_after(app, client, make_user(), module, days=200)
    result = runner.invoke(args=["revoke-credential", first, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output
    page = client.get("/my/record").text
    assert first in page and "it no longer counts as evidence" in page
    assert f'href="/modules/{module.slug}/certificates/{first}.pdf"' not in page
    assert totals_of(page)[1] == minutes(module.cpd_minutes)


def test_the_managers_view_lists_both_passes_and_adds_their_time(app, client, module, pcn):
    learner = app.test_client()
    first, latest, _ = renewed_after(app, learner, "asha@example.org", module, days=200)
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    modules = page.split("modules, certificates and CPD time</h2>")[1].split("quiz results</h2>")[0]
    assert first in modules and latest in modules
    assert "Earlier certificate: passed again since" in modules
    assert f"{describe_minutes(2 * module.cpd_minutes)} in the last 3 years" in modules


def test_the_record_and_the_managers_view_with_earlier_certificates_are_valid_html(
    app, client, runner, module, pcn, tmp_path
):
    learner = app.test_client()
    first, _, _ = renewed_after(app, learner, "asha@example.org", module, days=200)
    renew(app, learner, pcn["asha"], module)  # a third pass: two earlier certificates
    result = runner.invoke(args=["revoke-credential", first, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output
    record = learner.get("/my/record").text
    assert record.count("Earlier certificate: passed again since") == 2
    sign_in(client, "lead@example.org")
    pages = {"record": record, "manager": client.get(f"/manage/learners/{pcn['asha']}").text}
    assert nu_errors(pages, tmp_path) == []


def test_an_earlier_certificate_whose_later_one_was_revoked_says_so(
    app, client, runner, make_user, module
):
    first, latest, _ = renewed_after(app, client, make_user(), module, days=200)
    result = runner.invoke(args=["revoke-credential", latest, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output
    said = "Earlier certificate: passed again since, but the later certificate was revoked"
    page = " ".join(client.get("/my/record").text.split())
    assert said in page and first in page
    text = pdf_text(client.get("/my/record.pdf").data)
    assert "this module was passed again since, but the later certificate was revoked." in " ".join(
        text.split()
    )


def test_an_earlier_certificate_is_passed_again_plainly_while_a_later_one_stands(
    app, client, runner, make_user, module
):
    first, _, _ = renewed_after(app, client, make_user(), module, days=200)
    renew(app, client, user_id(app, "learner@example.org"), module)
    with app.app_context():
        second = (
            db.session()
            .scalars(select(Certificate.code).order_by(Certificate.id).offset(1).limit(1))
            .one()
        )
    result = runner.invoke(args=["revoke-credential", second, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output
    page = " ".join(client.get("/my/record").text.split())
    # The first is followed by the second (revoked) and the third (standing): passed again.
    assert page.count("Earlier certificate: passed again since</span>") == 2
    assert "but the later" not in page


def test_the_csv_says_which_certificate_is_the_latest_and_which_earlier_or_revoked(
    app, client, runner, make_user, module
):
    first, latest, _ = renewed_after(app, client, make_user(), module, days=200)

    def which() -> list[str]:
        rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
        at = rows[0].index("which certificate")  # columns since are appended after it
        assert all(len(row) == len(rows[0]) for row in rows)
        assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
        # A module with no certificate says nothing of one; nor do the totals.
        assert {r[at] for r in rows[1:] if r[0] != module.title} == {""}
        return [r[at] for r in rows if r[0] == module.title]

    def revoke(code: str) -> None:
        result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
        assert result.exit_code == 0, result.output

    assert which() == ["latest", "earlier"]
    revoke(first)
    assert which() == ["latest", "earlier, revoked"]
    revoke(latest)
    assert which() == ["latest, revoked", "earlier, revoked"]
