"""A form has at most MAX_FORM_FIELDS fields when urlencoded (Flask's MAX_FORM_PARTS when
multipart): past that it is refused (413, answered as any request too large to read: 400
with the "could not read" page) before anything reads it, CSRF's check included; 100,000
fields cost a worker 0.6 s each time."""

import io
import time
from urllib.parse import quote_plus

from app.security import MAX_FORM_FIELDS
from tests.conftest import DEMO_PASSWORD, csrf_token

URLENCODED = "application/x-www-form-urlencoded"


def _refused(response) -> None:
    assert response.status_code == 400
    assert "<h1>Sorry, we could not read that</h1>" in response.text
    assert 'class="nhsuk-header' in response.text


def test_a_sign_in_with_a_hundred_thousand_fields_is_refused_unread(app, client, make_user):
    make_user()
    token = csrf_token(client, "/sign-in")
    body = f"csrf_token={token}&email=learner%40example.org&password=x&" + "&".join(
        f"f{n}=1" for n in range(100_000)
    )
    started = time.perf_counter()
    refused = client.post("/sign-in", data=body, content_type=URLENCODED)
    _refused(refused)
    assert time.perf_counter() - started < 0.3
    # As many fields as the largest real form, and more, still sign in.
    filler = "&".join(f"f{n}=1" for n in range(MAX_FORM_FIELDS - 10))
    password = quote_plus(DEMO_PASSWORD)
    body = f"csrf_token={token}&email=learner%40example.org&password={password}&{filler}"
    signed_in = client.post("/sign-in", data=body, content_type=URLENCODED)
    assert signed_in.status_code == 302


def test_a_multipart_form_past_its_parts_is_refused_with_the_page(app, client):
    fields = {f"f{n}": "1" for n in range(1001)}
    fields["credential_file"] = (io.BytesIO(b"x"), "a.jwt")
    refused = client.post("/sign-in", data=fields, content_type="multipart/form-data")
    _refused(refused)
