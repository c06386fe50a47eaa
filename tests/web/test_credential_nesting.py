"""A credential check reads nothing nested past the JSON parser's depth: a body of 200,000
"[" answers "unreadable", as any body that holds no credential does, not a 500; a pasted or
chosen file whose header is such JSON is not a credential either."""

import base64

import pytest

from tests.conftest import post_form
from tests.web.test_credential_check_file import send_file

NESTED = "[" * 200_000


@pytest.mark.parametrize(
    "options",
    [{"content_type": "application/json"}, {"content_type": "text/plain"}, {}],
    ids=["json", "text", "untyped"],
)
def test_deeply_nested_json_posted_is_unreadable_not_an_error(app, options):
    checked = app.test_client().post("/credentials/verify", data=NESTED, **options)
    assert checked.status_code == 200 and checked.json["status"] == "unreadable"


def test_a_token_whose_header_is_deeply_nested_json_is_no_credential(app):
    header = base64.urlsafe_b64encode(b"[" * 40_000).rstrip(b"=").decode()
    token = f"{header}.e30.c2ln"
    client = app.test_client()
    assert client.post("/credentials/verify", data=token).json["status"] == "unreadable"
    assert client.post("/credentials/verify", json={"credential": token}).json["status"] == (
        "unreadable"
    )
    chosen = send_file(client, "nested.jwt", token.encode())
    pasted = post_form(client, "/credentials/check", {"credential": token})
    for page in (chosen, pasted):
        assert page.status_code == 200 and "This is not a credential file" in page.text
