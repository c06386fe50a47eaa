"""The accessibility statement says whom to tell, what falls short, and when it was written."""

from tests.conftest import confirm_professional


def statement(client) -> str:
    confirm_professional(client)
    return " ".join(client.get("/accessibility").text.split())


def test_the_statement_names_the_contact_what_falls_short_and_its_date(app, client):
    app.config["PRIVACY_CONTACT"] = "access@example.nhs.uk"
    page = statement(client)
    assert "access@example.nhs.uk" in page
    assert "are not tagged PDFs" in page  # the downloads, said plainly
    assert "This statement was prepared on 7 December 2026" in page
    # Time limits (WCAG 2.2.1): the idle limit can be made longer; the sign-in's own end is
    # over the 20 hours the criterion exempts, and said.
    assert "you can choose ten times as long on your account page" in page
    assert "however you use it, a sign-in lasts 24 hours" in page
    assert "Equality Commission for Northern Ireland" in page


def test_without_a_contact_the_statement_says_it_is_not_set(client):
    assert "not set on this development site" in statement(client)
