"""A certificate says whether a named clinician had reviewed its module when it was issued.

The module's `clinical_reviewer` is recorded at issue: the page, the PDF and the public check
say "not yet reviewed" while the module awaits its reviewer, name the reviewer once it names
one, and a review made later never rewrites a certificate issued before it.
"""

import pytest

from app.domain.certificates import content_review
from tests.conftest import sign_in
from tests.domain.test_certificates import pdf_text
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module
from tests.web.test_certificate_record import earn, everything_shown

NOT_YET = "Not yet reviewed by a named independent clinician"
REVIEWER = "Dr A Reviewer, GP and clinical lead"
WHERE = ("page", "pdf", "public")


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests edit its files."""
    return course_files.copy_course(tmp_path)


def flat(text: str) -> str:
    """Return text with its line breaks (the PDF wraps long lines) as spaces."""
    return " ".join(text.split())


def test_a_certificate_says_its_content_awaits_a_named_reviewer_and_keeps_saying_so(
    app, client, make_user, module, course
):
    module_file = course / "content" / "modules" / module.slug / "module.md"
    assert "clinical_reviewer: Awaiting named independent" in module_file.read_text()
    code, token = earn(app, client, make_user, module)
    before = everything_shown(client, module, code, token)
    for place in WHERE:
        assert NOT_YET in flat(before[place]), place
        assert "Reviewed by" not in before[place], place

    awaiting = next(
        line for line in module_file.read_text().splitlines() if "clinical_reviewer:" in line
    )
    course_files.edit(module_file, awaiting, f"clinical_reviewer: {REVIEWER}")
    course_files.reload(app)
    # The review came after it: the certificate still says what was true when issued.
    after = everything_shown(client, module, code, token)
    for place in WHERE:
        assert after[place] == before[place], place

    other = client.application.test_client()
    email = make_user("second@example.org")
    sign_in(other, email)
    new_code = pass_module(app, other, email, module)
    named = f"Reviewed by {REVIEWER}, as the module named them when its quiz was taken"
    page = other.get(f"/modules/{module.slug}/certificate/").text
    pdf = flat(pdf_text(other.get(f"/modules/{module.slug}/certificate.pdf").data))
    public = client.application.test_client().get(f"/certificates/{new_code}").text
    for shown in (page, pdf, public):
        assert named in shown and NOT_YET not in shown


def test_a_certificate_from_before_reviews_were_recorded_claims_no_review():
    assert content_review(None).startswith("Not recorded when the module's quiz was taken")
    for awaiting in ("Awaiting clinical review", "  pending ", "Not yet reviewed", "TBC", ""):
        assert content_review(awaiting).startswith(NOT_YET), awaiting
    assert content_review("Dr N Named, pharmacist") == (
        "Reviewed by Dr N Named, pharmacist, as the module named them when its quiz was taken"
    )


def test_the_learning_record_says_what_each_certificate_says_of_its_clinical_review(
    app, client, make_user, module
):
    earn(app, client, make_user, module)
    page = flat(client.get("/my/record").text)
    pdf = flat(pdf_text(client.get("/my/record.pdf").data))
    csv = client.get("/my/record.csv").text
    assert f"Clinical review: {NOT_YET}" in page
    assert f"Clinical review of the content: {NOT_YET}" in pdf
    header, row = csv.splitlines()[:2]
    assert header.endswith(",clinical review of the content") and NOT_YET in row


def test_the_certificate_page_says_its_cpd_time_is_the_modules_not_a_measure(
    app, client, make_user, module, course
):
    earn(app, client, make_user, module)
    page = flat(client.get(f"/modules/{module.slug}/certificate/").text)
    assert "CPD time" in page
    assert "not a measure of the time you spent" in page
