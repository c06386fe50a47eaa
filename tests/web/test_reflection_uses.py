"""The reflective account can support a regulator's record; it never claims to be one."""

import pytest

from app.content import catalogue
from tests.conftest import sign_in
from tests.web.journeys import pass_module


@pytest.fixture
def module(app):
    """Return the course's first module with a quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def test_the_certificate_page_says_the_reflection_can_support_each_record_not_serve_it(
    app, client, make_user, module
):
    email = make_user()
    sign_in(client, email)
    pass_module(app, client, email, module)
    page = " ".join(client.get(f"/modules/{module.slug}/certificate/").text.split())
    assert "answers serve" not in page
    uses = page[
        page.index('id="reflection-uses"') : page.index("</ul>", page.index("reflection-uses"))
    ]
    assert "can support your own records, but it does not replace them" in uses
    for regulator in ("NMC revalidation", "RCGP guidance", "GPhC revalidation"):
        assert regulator in uses
    assert "planned learning: reflect, plan, act, evaluate" in uses and "peer discussion" in uses


def test_the_home_page_says_certificates_can_support_a_record(client):
    page = client.get("/").text
    assert "can support NMC revalidation, a GPhC CPD record or GP appraisal" in page
    assert "ready for NMC revalidation" not in page
