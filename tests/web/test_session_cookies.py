"""The session cookie, remembered once opened: never past its lifetime, key or signature."""

from datetime import timedelta

import pytest

from app.content import catalogue
from tests.conftest import sign_in

PAGE = "/modules/"


@pytest.fixture
def remembered(client, make_user):
    """Return a client signed in whose session cookie the app has opened before."""
    sign_in(client, make_user())
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200
    return client


def signed_out(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/sign-in")


def test_a_remembered_cookie_still_ends_with_the_session_lifetime(app, remembered):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)  # every cookie too old
    assert signed_out(remembered.get(PAGE))


def test_a_new_secret_key_refuses_remembered_cookies(app, remembered):
    app.secret_key = "another key"
    assert signed_out(remembered.get(PAGE))


def test_a_tampered_cookie_is_refused_though_the_real_one_was_remembered(app, remembered):
    cookie = remembered.get_cookie("linkwise_session").value
    # The signature's first character: every one of its bits counts (the last character's
    # low bits are padding in base64, so changing it can leave the signature as it was).
    start = cookie.rindex(".") + 1
    flipped = "A" if cookie[start] != "A" else "B"
    remembered.set_cookie("linkwise_session", cookie[:start] + flipped + cookie[start + 1 :])
    assert signed_out(remembered.get(PAGE))
    remembered.set_cookie("linkwise_session", cookie)
    assert remembered.get(PAGE).status_code == 200


def test_each_request_gets_its_own_copy_of_a_remembered_session(app, remembered):
    # A locked screen sends the learner back with a message kept in the session cookie;
    # showing the message takes it out of that request's session, never out of the next's.
    with app.app_context():
        module = catalogue().modules[0]
    locked = f"/modules/{module.slug}/{module.screens[2].slug}/"
    first = f"/modules/{module.slug}/{module.screens[0].slug}/"
    assert remembered.get(locked).location == first
    cookie = remembered.get_cookie("linkwise_session").value
    for _ in range(2):
        remembered.set_cookie("linkwise_session", cookie)
        assert "screens open in order" in remembered.get(first).text


def test_an_unchanged_session_sends_no_cookie_and_still_varies_on_it(app, remembered):
    response = remembered.get(PAGE)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" in [part.strip() for part in response.headers["Vary"].split(",")]


def test_a_changed_session_is_sent_again(app, remembered):
    # A locked screen keeps a message in the session: the cookie holding it goes back.
    with app.app_context():
        module = catalogue().modules[0]
    response = remembered.get(f"/modules/{module.slug}/{module.screens[2].slug}/")
    assert response.status_code == 302
    assert "linkwise_session=" in response.headers["Set-Cookie"]
