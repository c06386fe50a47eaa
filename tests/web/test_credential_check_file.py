"""The credential check page: a valid credential's result says until when it is valid, as the
certificate's page does; the credential can be chosen as a file (no JavaScript needed), with
one clear error for a file that is empty, too large or not a credential; pasting still works."""

import io
import re

import pytest

from tests.conftest import csrf_token, post_form
from tests.web.error_summary import summary_of
from tests.web.test_credentials import earned, module

__all__ = ["earned", "module"]  # the fixtures, used by the tests below

URL = "/credentials/check"
WRONG = "The selected file must be a credential file, ending in .jwt"
TOO_LARGE = "The selected file must be 64 KB or smaller"


def valid_until(text: str) -> str:
    found = re.search(
        r'Valid until</dt>\s*<dd class="nhsuk-summary-list__value">([^<]+)</dd>', text
    )
    assert found, "no Valid until row"
    return found.group(1).strip()


def send_file(client, name: str, data: bytes, **fields):
    token = csrf_token(client, URL)
    return client.post(
        URL,
        data={"csrf_token": token, "credential_file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def test_a_valid_credential_s_result_says_until_when_as_its_certificate_does(app, earned):
    _, code, token = earned
    anonymous = app.test_client()
    result = post_form(anonymous, URL, {"credential": token})
    assert "Result: Valid" in result.text
    certificate = anonymous.get(f"/certificates/{code}").text
    assert valid_until(result.text) == valid_until(certificate)


def test_a_credential_file_chosen_is_checked_without_pasting(app, earned):
    _, code, token = earned
    anonymous = app.test_client()
    page = anonymous.get(URL).text
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'name="credential_file"' in page
    result = send_file(anonymous, "sam-learner.jwt", f"{token}\n".encode())
    assert result.status_code == 200
    assert "Result: Valid" in result.text and "Sam Learner" in result.text
    assert code in result.text and valid_until(result.text)
    # A copy saved as text, with a byte order mark, is the same credential.
    copy = send_file(anonymous, "credential.txt", b"\xef\xbb\xbf" + token.encode())
    assert "Result: Valid" in copy.text
    # A file chosen is checked rather than text pasted beside it.
    both = send_file(anonymous, "sam.jwt", token.encode(), credential="not a credential")
    assert "Result: Valid" in both.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("sam.jwt", b"", "The selected file is empty"),
        ("sam.jwt", b"  \n", "The selected file is empty"),
        ("sam.jwt", b"e" * (64 * 1024 + 1), TOO_LARGE),
        ("certificate.pdf", b"%PDF-1.7 not a credential", WRONG),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", WRONG),
        ("sam.jwt", b"\xff\xfe\x00\x01binary", WRONG),
    ],
)
def test_a_file_that_is_not_a_credential_is_refused_with_one_clear_error(app, name, data, message):
    response = send_file(app.test_client(), name, data)
    assert response.status_code == 400
    assert summary_of(response).links == ["#credential_file"]
    assert response.text.count(message) == 2  # the summary and beside the file input
    assert "Result:" not in response.text


def test_a_file_past_the_largest_request_gets_the_page_and_its_error(app):
    response = send_file(app.test_client(), "sam.jwt", b"e" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert summary_of(response).links == ["#credential_file"]
    assert TOO_LARGE in response.text and 'type="file"' in response.text


def test_nothing_chosen_or_pasted_asks_for_either(app):
    response = post_form(app.test_client(), URL, {"credential": ""})
    assert response.status_code == 400
    assert summary_of(response).links == ["#credential_file"]
    assert "Choose the credential file, or paste what it contains" in response.text


def test_a_file_sent_without_the_form_s_token_is_refused(app, earned):
    _, _, token = earned
    response = app.test_client().post(
        URL,
        data={"credential_file": (io.BytesIO(token.encode()), "sam.jwt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "Result:" not in response.text
