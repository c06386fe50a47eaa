"""A sign-up link used again later, after it made an account whose join code had been
replaced, says what the first use said: the account is in no organisation, and what to do.

Both databases. What it says comes from the record the first use wrote (its audit event
names the link by its hash), never from a guess: a link that made an account in its
organisation, or one whose account has joined an organisation since, says only that it is
spent."""

import html

from sqlalchemy import select

from app import db
from app.models import AuditEvent
from tests.conftest import post_form, sign_in
from tests.web.pcn import ORG
from tests.web.test_html_valid import nu_errors
from tests.web.test_join_code_replaced_sign_ups import TOLD, finished, joined, link
from tests.web.test_join_code_replacement import _team
from tests.web.test_register import register

SPENT = "This link has expired or has already been used"


def spent(browser, path: str, *, press: bool = False) -> str:
    """Open a spent sign-up link (or press its button, as a tab opened before would); return
    the page, a 404."""
    answer = post_form(browser, path, {}, page="/sign-in") if press else browser.get(path)
    assert answer.status_code == 404
    return html.unescape(answer.text)


def _replaced_after_registering(app, email: str):
    """Register `email` with Elm Practice's code, then have its manager replace that code."""
    browser = app.test_client()
    assert register(browser, email=email, join_code="ELM11111").status_code == 200
    pm = app.test_client()
    sign_in(pm, "pm@example.org")
    elm, _ = _team(app, "Elm Practice")
    assert post_form(pm, f"/manage/teams/{elm}/join-code", {"was": "ELM11111"}).status_code == 302
    return browser


def test_a_later_use_of_the_spent_link_says_the_account_joined_no_organisation(
    app, mailbox, pcn, tmp_path
):
    browser = _replaced_after_registering(app, "priya@example.org")
    path = link(mailbox, "priya@example.org")
    assert TOLD in finished(browser, path)
    assert joined(app, "priya@example.org") == (None, None)

    later_tab = spent(browser, path)  # signed in by the first use
    assert TOLD in later_tab and "Your account was created with this link" in later_tab
    assert "Go to Your organisation" in later_tab and SPENT not in later_tab
    assert nu_errors({"register-link-spent-code-replaced": later_tab}, tmp_path) == []
    elsewhere = app.test_client()  # another browser, signed out
    for page in (spent(elsewhere, path), spent(elsewhere, path, press=True)):
        assert TOLD in page and "sign in" in page and SPENT not in page
    with app.app_context():
        kinds = db.session().scalars(select(AuditEvent.kind)).all()
    assert kinds.count("account.registered") == 1  # the later uses made nothing

    asked = post_form(browser, "/account/organisation", {"join_code": "OAK22222"})
    assert asked.status_code == 200
    moved = {"join_code": "OAK22222", "leaving": "none"}
    assert post_form(browser, "/account/organisation/move", moved).status_code == 302
    assert joined(app, "priya@example.org") == (ORG, "Oak Practice")
    since = spent(elsewhere, path)  # no longer true: it says only that the link is spent
    assert SPENT in since and "was replaced" not in since


def test_a_spent_link_whose_code_held_says_only_that_it_is_spent(app, mailbox, pcn):
    browser = app.test_client()
    assert register(browser, email="tess@example.org", join_code="ELM11111").status_code == 200
    path = link(mailbox, "tess@example.org")
    assert "was replaced" not in finished(browser, path)
    assert joined(app, "tess@example.org") == (ORG, "Elm Practice")
    for page in (spent(browser, path), spent(app.test_client(), path, press=True)):
        assert SPENT in page and "was replaced" not in page


def test_another_links_record_says_nothing_about_this_one(app, mailbox, pcn):
    """A spent link is matched by its own hash: a made-up or mistyped one says it is spent."""
    browser = _replaced_after_registering(app, "priya@example.org")
    path = link(mailbox, "priya@example.org")
    finished(browser, path)
    for other in (path[:-1] + ("A" if path[-1] != "A" else "B"), "/register/confirm/x"):
        page = spent(app.test_client(), other)
        assert SPENT in page and "was replaced" not in page
