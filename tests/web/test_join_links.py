"""Join links: a manager shares /join/<code>; following it is typing the code on Your
organisation. The page names where it joins and only its button (a POST with its CSRF token)
joins; a signed-out visitor passes the gate and signs in (or registers with the code filled
in) and comes back; a bad code gets the message typing it gets; nothing redirects off site."""

import html
import re
from urllib.parse import unquote

from sqlalchemy import select

from app import db
from app.models import Organisation, User
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.pcn import ORG
from tests.web.statements import statements


def _organisation_of(app, email: str) -> str | None:
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == email))
        return user.organisation.name if user.organisation else None


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', page)
    assert found, f"no {name} field"
    return html.unescape(found.group(1) or found.group(2))


def _summary(page: str) -> str:
    return re.search(r'<ul class="[^"]*nhsuk-error-summary__list.*?</ul>', page, re.S).group(0)


def test_managers_see_a_link_beside_each_code_that_fills_it_in_and_still_asks(
    app, client, make_user, pcn
):
    link = app.config["BASE_URL"] + "/join/ELM11111"  # the configured address, not the Host
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    assert (
        f'<a data-lw-copy="Elm Practice" href="{link}">{link}</a>' in lead.get("/manage/teams").text
    )
    pm = app.test_client()  # a manager confined to Elm sees its link on the team's page
    sign_in(pm, "pm@example.org")
    team = re.search(r'href="(/manage/teams/\d+)"', pm.get("/manage/teams").text).group(1)
    assert f'href="{link}">{link}</a>' in pm.get(team).text
    make_user(email="cara@example.org", full_name="Cara New")  # in no organisation
    sign_in(client, "cara@example.org")
    asked = client.get("/join/ELM11111")
    page = html.unescape(asked.text)
    assert asked.status_code == 200 and f"<title>Join {ORG}?" in page
    assert f"adds you to {ORG}, in the team Elm Practice" in page
    assert _field(asked.text, "join_code") == "ELM11111"
    assert _organisation_of(app, "cara@example.org") is None  # following it changed nothing
    form = {"join_code": "ELM11111", "leaving": "none"}
    refused = client.post("/account/organisation/move", data=form)  # no CSRF token
    assert refused.status_code == 400 and _organisation_of(app, "cara@example.org") is None
    token = _field(asked.text, "csrf_token")
    done = client.post(
        "/account/organisation/move", data={**form, "csrf_token": token}, follow_redirects=True
    )
    assert f"You have joined {ORG}, in the team Elm Practice" in html.unescape(done.text)
    assert _organisation_of(app, "cara@example.org") == ORG
    again = client.get("/join/ELM11111", follow_redirects=True)  # already in it: as typed
    assert "You are already a member of Elm Practice" in html.unescape(again.text)


def test_a_signed_out_visitor_passes_the_gate_signs_in_and_comes_back(app, client, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")
    gate = client.get("/join/ELM11111")
    assert gate.status_code == 302
    assert unquote(gate.headers["Location"]) == "/confirm-professional?next=/join/ELM11111"
    confirmed = post_form(
        client, "/confirm-professional", {"answer": "yes", "next": "/join/ELM11111"}
    )
    assert confirmed.headers["Location"] == "/join/ELM11111"
    asked = client.get("/join/ELM11111")
    assert unquote(asked.headers["Location"]).startswith("/sign-in?next=/join/ELM11111")
    sign_in_page = client.get(asked.headers["Location"]).text
    assert 'href="/register?join_code=ELM11111"' in sign_in_page  # no account yet
    register = client.get("/register?join_code=ELM11111")
    assert _field(register.text, "join_code") == "ELM11111"
    assert 'href="/sign-in?next=/join/ELM11111"' in register.text
    signed_in = post_form(
        client,
        "/sign-in",
        {"email": "cara@example.org", "password": DEMO_PASSWORD, "next": "/join/ELM11111"},
        page=asked.headers["Location"],
    )
    assert signed_in.headers["Location"] == "/join/ELM11111"
    back = client.get("/join/ELM11111")
    assert back.status_code == 200 and f"Join {ORG}?" in html.unescape(back.text)


def test_a_bad_code_in_a_link_gets_the_message_typing_it_gets(app, client, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")
    sign_in(client, "cara@example.org")
    for code in ("NOPE2345", "X" * 40, "%3Cb%3E"):
        typed = post_form(client, "/account/organisation", {"join_code": unquote(code)})
        linked = client.get(f"/join/{code}")
        assert linked.status_code == typed.status_code == 400, code
        assert summary_of(linked).links == summary_of(typed).links == ["#join_code"]
        assert _summary(linked.text) == _summary(typed.text), code
        assert _field(linked.text, "join_code") == unquote(code)
    assert "32 characters or fewer" in _summary(client.get("/join/" + "X" * 40).text)
    assert "recognise" in _summary(linked.text)
    lead = app.test_client()  # a manager has no join field: the message is said on the page
    sign_in(lead, "lead@example.org")
    said = lead.get("/join/NOPE2345", follow_redirects=True)
    assert said.status_code == 200 and "recognise" in html.unescape(said.text)


def test_join_links_never_send_anyone_off_the_site(app, client, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")
    for away in ("//evil.example/join/ELM11111", "https://evil.example/join/ELM11111"):
        page = client.get("/sign-in", query_string={"next": away}).text
        assert "evil" not in page and 'href="/register"' in page
        sent = post_form(
            client,
            "/sign-in",
            {"email": "cara@example.org", "password": DEMO_PASSWORD, "next": away},
        )
        assert sent.headers["Location"] == "/"
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/")})
    register = client.get("/register", query_string={"join_code": "//evil.example"}).text
    back = re.search(r'href="/sign-in\?next=([^"]+)"', register).group(1)
    assert back == "/join///evil.example"  # a path of this site
    sent = post_form(
        client,
        "/sign-in",
        {"email": "cara@example.org", "password": DEMO_PASSWORD, "next": back},
    )
    assert sent.headers["Location"] == "/join///evil.example"


def test_wrong_codes_are_limited_per_account_typed_or_linked(app, client, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")
    sign_in(client, "cara@example.org")
    tried = []
    for n in range(2, 7):  # ten codes no organisation has, half typed and half followed
        tried.append(post_form(client, "/account/organisation", {"join_code": f"NOPE{n}345"}))
        tried.append(client.get(f"/join/WRNG{n}345"))
    assert [response.status_code for response in tried] == [400] * 10
    # Then even a right code waits, however it comes; the page itself stays open.
    linked = client.get("/join/ELM11111")
    assert linked.status_code == 429 and int(linked.headers["Retry-After"]) > 0
    typed = post_form(client, "/account/organisation", {"join_code": "ELM11111"})
    assert typed.status_code == 429
    confirmed = post_form(
        client,
        "/account/organisation/move",
        {"join_code": "ELM11111", "leaving": "none"},
        page="/account/organisation",
    )
    assert confirmed.status_code == 429 and _organisation_of(app, "cara@example.org") is None
    assert client.get("/account/organisation").status_code == 200
    # Another account has its own count.
    make_user(email="dan@example.org", full_name="Dan Other")
    other = app.test_client()
    sign_in(other, "dan@example.org")
    assert other.get("/join/ELM11111").status_code == 200


def test_a_join_link_reads_what_typing_its_code_reads(app, client, make_user, pcn):
    # The signed-in user, then one look-up: the code as an organisation's or a team's, with
    # where the learner is now. Two, as every read page, whatever the code finds; the typed
    # code's POST reads the same. A code nobody has also reads the account, for the page
    # that asks for the code again (the field, or a manager's message above it).
    make_user(email="cara@example.org", full_name="Cara New")
    make_user(email="hill@example.org", role="manager", org="Hillside PCN")
    with app.app_context():
        named = select(Organisation.join_code).where(Organisation.name == "Hillside PCN")
        hillside = db.session().scalar(named)
    asha, lead = app.test_client(), app.test_client()
    sign_in(client, "cara@example.org")
    sign_in(asha, "asha@example.org")
    sign_in(lead, "lead@example.org")
    for who, code, answers, count in (  # answers: (linked, typed)
        (client, "ELM11111", (200, 200), 2),  # in no organisation: a team's code
        (asha, hillside, (200, 200), 2),  # another organisation's: the page that asks to move
        (asha, "OAK22222", (200, 200), 2),  # another team of her organisation
        (asha, "ELM11111", (302, 302), 2),  # her own team's: already a member
        (lead, hillside, (302, 400), 3),  # a manager: moved by an administrator
        (client, "NOPE2345", (400, 400), 3),
    ):
        token = csrf_token(who, "/account/organisation")
        with statements(app) as linked:
            shown = who.get(f"/join/{code}")
        with statements(app) as typed:
            sent = who.post("/account/organisation", data={"csrf_token": token, "join_code": code})
        assert (shown.status_code, sent.status_code) == answers, code
        for run in (linked, typed):
            assert len(run) == count, (code, [" ".join(s.split())[:150] for s in run])
