"""A password longer than any Linkwise accepts: the message names the field the page shows."""

import re

from app.domain.accounts import MAX_PASSWORD_LENGTH
from tests.conftest import DEMO_PASSWORD, csrf_token, sign_in
from tests.web.test_practice_errors import inline, summary

TOO_LONG = "x" * (MAX_PASSWORD_LENGTH + 1)


def messages(page: str) -> list[tuple[str, str]]:
    """Every message on the page: the summary's, then the inline ones, as (field, text)."""
    return summary(page) + [
        (field, inline(page, field))
        for field in re.findall(r'<span class="nhsuk-error-message" id="([\w-]+)-error"', page)
    ]


def test_signing_in_with_an_overlong_password_names_the_password(client, make_user):
    email = make_user()
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": email, "password": TOO_LONG}
    )
    assert response.status_code == 400
    said = messages(response.get_data(as_text=True))
    message = "Password must be 1024 characters or fewer"
    assert said == [("#password", message), ("password", message)]


def test_an_overlong_current_password_is_named_once(client, make_user):
    sign_in(client, make_user())
    token = csrf_token(client, "/account/")
    response = client.post(
        "/account/",
        data={"csrf_token": token, "current_password": TOO_LONG, "new_password": TOO_LONG},
    )
    assert response.status_code == 400
    said = messages(response.get_data(as_text=True))
    message = "Current password must be 1024 characters or fewer"
    assert said[0] == ("#current_password", message)
    assert ("current_password", message) in said
    assert not any("Field cannot" in text for _, text in said)
    new = "New password must be 1024 characters or fewer"
    assert said == [
        ("#current_password", message),
        ("#new_password", new),
        ("current_password", message),
        ("new_password", new),
    ]
    assert DEMO_PASSWORD not in response.get_data(as_text=True)
