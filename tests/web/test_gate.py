"""The healthcare-professional gate."""

import pytest

from tests.conftest import confirm_professional, csrf_token, post_form

GATED = ["/register", "/account/"]


@pytest.mark.parametrize("url", GATED)
def test_unconfirmed_visitor_typing_a_learning_url_lands_on_the_gate(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.location == f"/confirm-professional?next={url}"


def test_gate_page_offers_both_answers(client):
    page = client.get("/confirm-professional").text
    assert "This site is intended for healthcare professionals only" in page
    assert "I am a healthcare professional" in page
    assert "I am not a healthcare professional" in page


def test_confirming_returns_to_where_the_visitor_was_going(client):
    response = post_form(
        client,
        "/confirm-professional",
        {"answer": "yes", "next": "/register"},
        page="/confirm-professional?next=/register",
    )
    assert response.status_code == 302
    assert response.location == "/register"
    assert "linkwise_professional=yes" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert client.get("/register").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://elsewhere.example",
        "//elsewhere.example/x",
        "/\\elsewhere.example",
        "javascript:alert(1)",
        "https:/elsewhere.example",
        "\\\\elsewhere.example",
    ],
)
def test_confirming_never_sends_the_visitor_off_the_site(client, target):
    response = post_form(client, "/confirm-professional", {"answer": "yes", "next": target})
    assert response.location == "/"


def test_the_gate_page_does_not_echo_an_off_site_next(client):
    page = client.get("/confirm-professional?next=https://elsewhere.example").text
    assert "elsewhere.example" not in page


def test_declining_leads_to_public_information(client):
    response = post_form(client, "/confirm-professional", {"answer": "no", "next": "/register"})
    assert response.location == "/not-a-healthcare-professional"
    page = client.get(response.location).text
    assert "nhs.uk" in page
    assert client.get("/register").status_code == 302


def test_answering_nothing_shows_an_error_summary(client):
    response = post_form(client, "/confirm-professional", {"next": "/"})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Select whether you are a healthcare professional" in response.text


def test_public_pages_are_not_gated(client):
    for url in ["/", "/privacy", "/cookies", "/accessibility", "/sign-in", "/healthz"]:
        assert client.get(url).status_code == 200, url


def test_confirmation_cookie_is_remembered_across_requests(client):
    confirm_professional(client)
    assert csrf_token(client, "/register")
