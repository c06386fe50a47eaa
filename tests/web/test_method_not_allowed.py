"""A request a page cannot take (PUT to a form, POST to a page that only reads) answers 405
with a page of its own, not "Page not found", and the Allow header names what it takes."""

import pytest

from tests.conftest import csrf_token


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("put", "/account/details", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("post", "/healthz", {"GET", "HEAD", "OPTIONS"}),
        ("get", "/sign-out", {"OPTIONS", "POST"}),
        ("delete", "/", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_method_the_page_does_not_take_gets_its_own_page(signed_in, method, url, allowed):
    token = csrf_token(signed_in, "/account/")
    response = getattr(signed_in, method)(url, data={"csrf_token": token})
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed
    assert "<title>This page cannot do that - " in response.text
    assert "<h1>This page cannot do that</h1>" in response.text
    assert "Page not found" not in response.text


def test_a_client_asking_for_json_gets_405_with_the_allow_header(client):
    response = client.post("/healthz", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.json == {"error": "this page cannot take that request"}
    assert "GET" in response.headers["Allow"]
