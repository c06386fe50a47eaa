"""One error a field: the error summary and the message beside the field say the same thing,
once. An email address past 254 characters is told its length, not its format as well."""

import pytest
from lxml import html

from tests.conftest import DEMO_PASSWORD, confirm_professional, post_form
from tests.web.error_summary import summary_of

LONG = "a" * 250 + "@example.org"  # 262 characters
_CLASS = "//*[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"
TOO_LONG = "Email address must be 254 characters or fewer"


def errors_shown(response) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """Return the summary's (link, text) pairs and each field's inline error messages."""
    summary_of(response)
    page = html.fromstring(response.text)
    summary = [
        (a.get("href"), a.text_content().strip())
        for a in page.xpath(f"{_CLASS.format('nhsuk-error-summary')}//a")
    ]
    inline: dict[str, list[str]] = {}
    for message in page.xpath(_CLASS.format("nhsuk-error-message")):
        field = message.get("id").removesuffix("-error")
        text = message.text_content().strip().removeprefix("Error:").strip()
        inline.setdefault(field, []).append(text)
    return summary, inline


def assert_one_error_a_field(response) -> dict[str, str]:
    summary, inline = errors_shown(response)
    links = [link for link, _ in summary]
    assert len(links) == len(set(links)), summary
    assert {link[1:]: [text] for link, text in summary} == inline
    return {link[1:]: text for link, text in summary}


def test_a_long_address_on_forgot_password_has_one_error(client):
    response = post_form(client, "/forgot-password", {"email": LONG})
    assert response.status_code == 400
    assert assert_one_error_a_field(response) == {"email": TOO_LONG}


def test_a_long_address_on_register_has_one_error(client):
    confirm_professional(client)
    response = post_form(
        client,
        "/register",
        {"full_name": "Ann Lee", "email": LONG, "profession": "gp"}
        | {"password": "a lantern beside the quiet harbour"},
    )
    assert response.status_code == 400
    assert assert_one_error_a_field(response) == {"email": TOO_LONG}


def test_a_long_address_on_change_email_has_one_error(signed_in):
    response = post_form(
        signed_in, "/account/email", {"email": LONG, "current_password": DEMO_PASSWORD}
    )
    assert response.status_code == 400
    assert assert_one_error_a_field(response) == {"email": TOO_LONG}


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not an address", "Enter an email address in the correct format, like name@example.org"),
        ("x" * 300, TOO_LONG),
    ],
)
def test_each_email_error_comes_alone_on_register(client, email, message):
    confirm_professional(client)
    response = post_form(
        client,
        "/register",
        {"full_name": "", "email": email, "profession": ""} | {"password": "short"},
    )
    assert response.status_code == 400
    found = assert_one_error_a_field(response)
    assert found["email"] == message
    assert set(found) == {"full_name", "email", "profession", "password"}
