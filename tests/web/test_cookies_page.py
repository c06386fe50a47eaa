"""The cookies page names every cookie Linkwise sets, each readable on a phone without a table."""

import re

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
