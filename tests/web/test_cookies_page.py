"""The cookies page names every cookie Linkwise sets, each readable on a phone without a table."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from tests.conftest import csrf_token, sign_in

COOKIE_NAME = re.compile(r"^([^=;\s]+)=")


def _set(response) -> set[str]:
    return {COOKIE_NAME.match(h).group(1) for h in response.headers.getlist("Set-Cookie")}


def test_every_cookie_a_visitor_and_a_learner_get_is_described(client, make_user):
    csrf_token(client, "/confirm-professional")
    names = _set(
        client.post(
            "/confirm-professional",
            data={"csrf_token": csrf_token(client, "/confirm-professional"), "answer": "yes"},
        )
    )
    names |= _set(sign_in(client, make_user()))
    names |= _set(client.get("/modules/"))
    assert names >= {"linkwise_session", "linkwise_professional"}
    page = client.get("/cookies").text
    for name in names:
        described = re.search(
            rf"<h3>{name}</h3>\s*<dl class=\"nhsuk-summary-list\">(.*?)</dl>", page, re.S
        )
        assert described, f"{name} is set but the cookies page does not describe it"
        assert "Purpose" in described.group(1) and "Expires" in described.group(1)
    # A summary list a cookie: nothing on the page is wider than a phone's screen.
    assert "<table" not in page


def test_footer_link_names_the_cookies_page_it_leads_to(client):
    """The cookies page offers no choice (every cookie is strictly necessary), so the footer
    link says what the page is rather than promising settings to change."""
    page = client.get("/privacy").text
    footer = page[page.index("<footer") :]
    link = re.search(r'href="/cookies"\s*>([^<]*)</a>', footer)
    assert link and link.group(1).strip() == "Cookies"
    assert "privacy settings" not in footer.lower()
    cookies = client.get("/cookies").text
    assert "nothing to switch on or off" in cookies
    assert "<input" not in cookies.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_session_cookie_is_described_as_it_behaves(client, make_user):
    """The cookie is not removed after the idle limit: it stays (24 hours from the last
    request while signed in) and the next request treats it as signed out. The page says so
    rather than that it expires after the idle minutes."""
    signed_in = sign_in(client, make_user())
    [cookie] = [h for h in signed_in.headers.getlist("Set-Cookie") if "linkwise_session=" in h]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert abs(expires - datetime.now(UTC) - timedelta(hours=24)) < timedelta(minutes=1)
    page = client.get("/cookies").text
    described = re.search(r"<h3>linkwise_session</h3>(.*?)</dl>", page, re.S).group(1)
    said = " ".join(re.sub(r"<[^>]+>", " ", described).split())
    assert "Expires 24 hours after you last used Linkwise while signed in" in said
    assert "the cookie may stay on your device after that" in said
    assert "the next page you open treats you as signed out" in said
    assert "When you sign out; when you have not used" not in said
