"""Replacing a join code takes the sign-ups waiting with that very code out of its organisation.

A sign-up records the code it gave (migration 0042): the replacement finds it by that code,
not by where it joins, so a sign-up through another code of the organisation (a team's, or a
team's since deleted) joins as before. One taken out becomes a sign-up into no organisation,
and the page that finishes it, and the new account, say why; the replacement's audit event
counts them. Racing a replacement on PostgreSQL, a confirmation or a registration comes
wholly before it (in, and not counted) or wholly after it (in nothing), never halfway."""

import html
import threading
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app import db
from app.models import AuditEvent, PendingRegistration, User
from app.services import locks, teams
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.pcn import ORG
from tests.web.test_html_valid import nu_errors
from tests.web.test_join_code_replacement import CONFIRM, _organisation_code, _team
from tests.web.test_password_change_twice import kinds
from tests.web.test_quiz_concurrency import tab
from tests.web.test_register import register
from tests.web.test_register_twice import create_at_once, told
from tests.web.test_supervisor_removed_while_deciding import one_then_other

REPLACED = (
    "The join code you gave was replaced by the organisation's managers, so your account "
    "will not be in their organisation."
)
TOLD = (
    "The join code you gave was replaced by the organisation's managers, so your account is "
    "not in their organisation. Ask your manager for the new join code, then join from Your "
    "organisation"
)


def link(mailbox, email: str) -> str:
    return urlsplit(mailbox.link(email, "/register/confirm/")).path


def joined(app, email: str) -> tuple[str | None, str | None]:
    """Return the organisation and team the account of `email` is in."""
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == email))
        team = teams.team_of(user.id)
        return (user.organisation.name if user.organisation else None, team and team.name)


def replacement_counted(app, kind: str) -> int:
    with app.app_context():
        return (
            db.session()
            .scalar(select(AuditEvent).where(AuditEvent.kind == kind))
            .detail["sign_ups"]
        )


def finished(browser, path: str) -> str:
    """Press "Create my account"; return the page it leads to."""
    return html.unescape(post_form(browser, path, {}, follow_redirects=True).text)


def test_sign_ups_with_the_replaced_organisation_code_join_no_organisation_and_are_told(
    app, runner, mailbox, tmp_path, pcn
):
    made = runner.invoke(args=["create-team", ORG, "Birch Practice", "--join-code", "BIRCH333"])
    assert made.exit_code == 0, made.output
    old = _organisation_code(app)
    people = {"priya@example.org": old, "tess@example.org": "ELM11111"}
    people["dora@example.org"] = "birch 333"  # her team is deleted before the replacement
    browsers = {}
    for email, code in people.items():
        browsers[email] = app.test_client()
        assert register(browsers[email], email=email, join_code=code).status_code == 200
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    birch, _ = _team(app, "Birch Practice")
    deleted = post_form(lead, f"/manage/teams/{birch}/delete", {"was": "Birch Practice"})
    assert deleted.status_code == 302
    with app.app_context():  # in the organisation in no team, as one given its code would be
        dora = db.session().scalar(
            select(PendingRegistration).where(PendingRegistration.email == "dora@example.org")
        )
        assert (dora.organisation_id is not None, dora.team_id) == (True, None)

    asked = html.unescape(lead.get(CONFIRM).text)
    assert (
        "someone who registered with the old code and has not yet confirmed their email address "
        "joins no organisation when they confirm, and is told the code was replaced" in asked
    )
    assert post_form(lead, CONFIRM, {"was": old}).status_code == 302
    assert replacement_counted(app, "organisation.code_replaced") == 1

    priya = link(mailbox, "priya@example.org")
    page = html.unescape(browsers["priya@example.org"].get(priya).text)
    assert REPLACED in page and "Ask your manager for the new join code" in page
    assert "The join code you gave adds you to" not in page
    assert nu_errors({"register-confirm-code-replaced": page}, tmp_path) == []
    assert TOLD in finished(browsers["priya@example.org"], priya)
    assert joined(app, "priya@example.org") == (None, None)
    for email, team in (("tess@example.org", "Elm Practice"), ("dora@example.org", None)):
        path = link(mailbox, email)
        page = html.unescape(browsers[email].get(path).text)
        assert f"The join code you gave adds you to {ORG}" in page and REPLACED not in page
        assert "was replaced" not in finished(browsers[email], path)
        assert joined(app, email) == (ORG, team)


def test_sign_ups_with_a_replaced_team_code_join_neither_team_nor_organisation(app, mailbox, pcn):
    elm, _ = _team(app, "Elm Practice")
    browsers = {}
    for email, code in (("priya@example.org", "ELM11111"), ("tess@example.org", "OAK22222")):
        browsers[email] = app.test_client()
        assert register(browsers[email], email=email, join_code=code).status_code == 200
    pm = app.test_client()
    sign_in(pm, "pm@example.org")  # confined to Elm Practice
    page = f"/manage/teams/{elm}/join-code"
    assert post_form(pm, page, {"was": "ELM11111"}).status_code == 302
    assert replacement_counted(app, "team.code_replaced") == 1
    priya = link(mailbox, "priya@example.org")
    shown = html.unescape(browsers["priya@example.org"].get(priya).text)
    assert REPLACED in shown and "Elm Practice" not in shown
    assert TOLD in finished(browsers["priya@example.org"], priya)
    assert joined(app, "priya@example.org") == (None, None)
    finished(browsers["tess@example.org"], link(mailbox, "tess@example.org"))
    assert joined(app, "tess@example.org") == (ORG, "Oak Practice")


def test_every_tab_finishing_a_sign_up_whose_code_was_replaced_is_told_why_it_joined_none(
    app, mailbox, pcn
):
    """Both databases: "Create my account" pressed in two tabs at once makes one account; the
    tab that finds it made a moment ago also says it joined no organisation, and why."""
    elm, _ = _team(app, "Elm Practice")
    browser = app.test_client()
    assert register(browser, email="priya@example.org", join_code="ELM11111").status_code == 200
    pm = app.test_client()
    sign_in(pm, "pm@example.org")
    assert post_form(pm, f"/manage/teams/{elm}/join-code", {"was": "ELM11111"}).status_code == 302
    tabs = [tab(app, browser) for _ in range(2)]
    sent = create_at_once(app, tabs, [link(mailbox, "priya@example.org")] * 2)
    assert [response.status_code for response in sent] == [302, 302]
    said = [html.unescape(each.get("/").text) for each in tabs]
    assert sorted(told(page) for page in said) == ["a moment ago", "created"]
    assert all(TOLD in page for page in said)
    assert joined(app, "priya@example.org") == (None, None)
    assert kinds(app).count("account.registered") == 1


def test_a_code_replaced_after_the_confirmation_read_its_sign_up_joins_neither(
    app, mailbox, pcn, monkeypatch
):
    """Both databases: a confirmation reads its sign-up before it takes any lock, so the
    replacement can commit in between; it then joins neither team nor organisation."""
    elm, _ = _team(app, "Elm Practice")
    pm = app.test_client()
    sign_in(pm, "pm@example.org")
    url = f"/manage/teams/{elm}/join-code"
    form = {"csrf_token": csrf_token(pm, url), "was": "ELM11111"}
    browser, confirm = confirmation(app, mailbox, "ELM11111")
    sent = []
    lock_name = locks.lock_name

    def replaced_first(session, name):
        if name == "registration:priya@example.org" and not sent:  # its sign-up read, once
            sent.append(None)
            between = threading.Thread(target=lambda: sent.append(pm.post(url, data=form)))
            between.start()
            between.join()
        lock_name(session, name)

    monkeypatch.setattr(locks, "lock_name", replaced_first)
    assert confirm().status_code == 302
    assert sent[1].status_code == 302
    assert joined(app, "priya@example.org") == (None, None)
    assert replacement_counted(app, "team.code_replaced") == 1
    assert TOLD in html.unescape(browser.get("/").text)


# At once, on PostgreSQL: each way round, for the organisation's code and a team's.
OWNERS = {"organisation": ("lead@example.org", "organisation.code_replaced", None)}
OWNERS["team"] = ("pm@example.org", "team.code_replaced", "Elm Practice")


@pytest.fixture(params=list(OWNERS))
def owner(request, app, pcn):
    """On PostgreSQL: the owner of the code replaced, and a call sending its replacement."""
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the two never overlap there")
    manager, kind, team = OWNERS[request.param]
    if team is None:
        code, url = _organisation_code(app), CONFIRM
    else:
        team_id, code = _team(app, team)
        url = f"/manage/teams/{team_id}/join-code"
    client = app.test_client()
    sign_in(client, manager)
    token = csrf_token(client, url)
    send = lambda: client.post(url, data={"csrf_token": token, "was": code})  # noqa: E731
    return code, kind, team, send


def confirmation(app, mailbox, code: str):
    """Register Priya with the code; return a call pressing "Create my account"."""
    browser = app.test_client()
    assert register(browser, email="priya@example.org", join_code=code).status_code == 200
    path = link(mailbox, "priya@example.org")
    token = csrf_token(browser, path)
    return browser, lambda: browser.post(path, data={"csrf_token": token})


def test_a_confirmation_while_the_code_is_replaced_joins_nothing(app, mailbox, owner):
    code, kind, _, replace = owner
    browser, confirm = confirmation(app, mailbox, code)
    replaced, confirmed = one_then_other(app, replace, confirm, held="audit_event")
    assert (replaced.status_code, confirmed.status_code) == (302, 302)
    assert joined(app, "priya@example.org") == (None, None)
    assert replacement_counted(app, kind) == 1
    assert TOLD in html.unescape(browser.get("/").text)


def test_a_replacement_while_the_confirmation_is_written_waits_and_counts_it_not(
    app, mailbox, owner
):
    code, kind, team, replace = owner
    _, confirm = confirmation(app, mailbox, code)
    confirmed, replaced = one_then_other(app, confirm, replace, held="user_account")
    assert (confirmed.status_code, replaced.status_code) == (302, 302)
    assert joined(app, "priya@example.org") == (ORG, team)
    assert replacement_counted(app, kind) == 0


def test_a_registration_while_the_code_is_replaced_is_refused(app, owner):
    code, kind, _, replace = owner
    browser = app.test_client()
    sent = lambda: register(browser, email="priya@example.org", join_code=code)  # noqa: E731
    replaced, refused = one_then_other(app, replace, sent, held="audit_event")
    assert (replaced.status_code, refused.status_code) == (302, 400)
    assert "We do not recognise that join code" in html.unescape(refused.text)
    assert replacement_counted(app, kind) == 0
    with app.app_context():
        assert db.session().scalar(select(PendingRegistration.id)) is None


def test_a_replacement_while_a_registration_is_written_counts_it(app, mailbox, owner):
    code, kind, _, replace = owner
    browser = app.test_client()
    sent = lambda: register(browser, email="priya@example.org", join_code=code)  # noqa: E731
    registered, replaced = one_then_other(app, sent, replace, held="audit_event")
    assert (registered.status_code, replaced.status_code) == (200, 302)
    assert replacement_counted(app, kind) == 1
    page = html.unescape(browser.get(link(mailbox, "priya@example.org")).text)
    assert REPLACED in page
