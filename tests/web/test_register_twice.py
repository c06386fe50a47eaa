"""Finishing a sign-up twice at once (a double click on "Create my account", two tabs): one
account, one audit row, and every tab of the browser that sent them is signed in."""

from urllib.parse import urlsplit

from sqlalchemy import func, select

from app import db
from app.models import PendingRegistration, User
from tests.conftest import csrf_token
from tests.web.meetings import meeting_before_writing
from tests.web.test_password_change_twice import kinds, signed_in_with
from tests.web.test_quiz_concurrency import at_once, tab
from tests.web.test_register import GOOD, register

EMAIL = "priya.shah@example.org"


def create_at_once(app, browsers, links):
    """Press "Create my account" on each link's page, one browser each, all at once."""
    tokens = [csrf_token(browser, link) for browser, link in zip(browsers, links, strict=True)]
    sends = [
        lambda b=b, link=link, t=t: b.post(link, data={"csrf_token": t})
        for b, link, t in zip(browsers, links, tokens, strict=True)
    ]
    with meeting_before_writing(app, len(sends)):
        return at_once(sends)


def links(mailbox) -> list[str]:
    return [
        urlsplit(link).path
        for message in mailbox.messages(EMAIL)
        for link in [message.get_content().split("http://localhost", 1)[1].split()[0]]
    ]


def told(page: str) -> str | None:
    if "Your account has been created" in page:
        return "created"
    if "Your account was created a moment ago with this link" in page:
        return "a moment ago"
    return None


def accounts(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(User.id)))


def test_a_double_click_creates_one_account_and_leaves_every_tab_signed_in(app, client, mailbox):
    register(client)
    [link] = links(mailbox)
    tabs = [tab(app, client) for _ in range(3)]
    responses = create_at_once(app, tabs, [link] * 3)
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert all(signed_in_with(app, t.get_cookie("linkwise_session").value) for t in tabs)
    # The first to come made it; the others say it was made a moment ago.
    said = sorted(told(t.get("/").text) for t in tabs)
    assert said == ["a moment ago", "a moment ago", "created"]
    assert accounts(app) == 1
    assert kinds(app).count("account.registered") == 1
    assert len(mailbox.messages(EMAIL)) == 1  # the link; nothing more
    with app.app_context():
        assert db.session().scalar(select(func.count(PendingRegistration.id))) == 0


def test_two_links_for_one_address_at_once_make_one_account_and_refuse_the_other(
    app, client, mailbox
):
    register(client)
    other = app.test_client()
    register(other, password="quince ladder orbit 31")
    first, second = links(mailbox)
    responses = create_at_once(app, [client, other], [first, second])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 404]
    refused = next(r for r in responses if r.status_code == 404)
    assert "your account is ready" in refused.text
    assert "linkwise_session" not in refused.headers.get("Set-Cookie", "")
    assert accounts(app) == 1
    assert kinds(app).count("account.registered") == 1
    assert GOOD["full_name"] in (client.get("/").text + other.get("/").text)
