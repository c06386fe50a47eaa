"""The forgotten-password forms sent twice at once (a double click, two tabs): one email, one
link, one change of password, one audit row each; the request that comes second is told."""

from sqlalchemy import select

from app import db
from app.models import AuditEvent
from tests.conftest import csrf_token, sign_in
from tests.web.journeys import path_of
from tests.web.test_password_change_twice import kinds, signed_in_with
from tests.web.test_quiz_concurrency import at_once

NEW = "lantern meadow copper 88"
OTHER = "quince ladder orbit 31"


def tabs_of(app, client, n: int):
    """Return n clients sharing the client's cookies, as tabs of one browser do."""
    cookie = client.get_cookie("linkwise_session").value
    tabs = [app.test_client() for _ in range(n)]
    for tab in tabs:
        tab.set_cookie("linkwise_session", cookie)
    return tabs


def ask_at_once(app, client, email: str, times: int = 3):
    token = csrf_token(client, "/forgot-password")
    sends = [
        lambda t=t: t.post("/forgot-password", data={"csrf_token": token, "email": email})
        for t in tabs_of(app, client, times)
    ]
    return at_once(sends)


def test_asking_for_a_link_twice_at_once_sends_one_link_and_audits_once(
    app, client, make_user, mailbox
):
    make_user()
    responses = ask_at_once(app, client, "learner@example.org")
    # Every tab says what is true: the email with the link was sent.
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert all("Check your email" in r.text for r in responses)
    assert len(mailbox.messages("learner@example.org")) == 1
    assert kinds(app).count("password.reset_requested") == 1
    # The one link sent works.
    link = path_of(mailbox.link("learner@example.org", "/reset-password/"))
    assert client.get(link).status_code == 200


def test_asking_twice_at_once_for_an_address_with_no_account_emails_and_audits_once(
    app, client, mailbox
):
    responses = ask_at_once(app, client, "nobody@example.org")
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len(mailbox.messages("nobody@example.org")) == 1
    assert kinds(app).count("password.reset_requested") == 1


def reset_at_once(app, client, mailbox, passwords):
    """Ask for a link, then send it from tabs at once, one new password each."""
    token = csrf_token(client, "/forgot-password")
    client.post("/forgot-password", data={"csrf_token": token, "email": "learner@example.org"})
    link = path_of(mailbox.link("learner@example.org", "/reset-password/"))
    token = csrf_token(client, link)
    tabs = tabs_of(app, client, len(passwords))
    sends = [
        lambda t=t, new=new: t.post(link, data={"csrf_token": token, "new_password": new})
        for t, new in zip(tabs, passwords, strict=True)
    ]
    return tabs, at_once(sends)


def changed_mails(mailbox) -> int:
    return sum(
        m["Subject"] == "Your Linkwise password has been changed"
        for m in mailbox.messages("learner@example.org")
    )


SAVED_ALREADY = "If you have just chosen a new password with this link, it was saved"


def told_the_link_was_used(response) -> bool:
    """Say whether a response refuses the link as used, with ways on: sign in, or ask again.

    A request that starts once the other has finished finds the link spent (404); one that
    overlaps it finds it used while it waited for the learner's lock (409).
    """
    said = {
        404: SAVED_ALREADY,
        409: "the password you entered here was not saved",
    }.get(response.status_code)
    return (
        said is not None
        and said in response.text
        and 'href="/sign-in"' in response.text
        and 'href="/forgot-password"' in response.text
        and "linkwise_session" not in response.headers.get("Set-Cookie", "")
    )


def test_a_link_sent_twice_at_once_changes_the_password_once(app, client, make_user, mailbox):
    make_user()
    tabs, responses = reset_at_once(app, client, mailbox, [NEW, NEW])
    # The second to come, if they overlapped, is that change made already: signed in too.
    assert 302 in [r.status_code for r in responses]
    for tab, response in zip(tabs, responses, strict=True):
        if response.status_code == 302:
            assert signed_in_with(app, tab.get_cookie("linkwise_session").value)
        else:
            assert response.status_code == 404 and told_the_link_was_used(response)
    assert kinds(app).count("password.reset") == 1
    assert changed_mails(mailbox) == 1
    assert sign_in(app.test_client(), "learner@example.org", NEW).status_code == 302


def test_two_passwords_from_one_link_at_once_set_one_and_say_so_to_the_other(
    app, client, make_user, mailbox
):
    make_user()
    _, responses = reset_at_once(app, client, mailbox, [NEW, OTHER])
    made = [n for n, r in enumerate(responses) if r.status_code == 302]
    assert len(made) == 1
    assert told_the_link_was_used(responses[1 - made[0]])
    assert kinds(app).count("password.reset") == 1
    assert changed_mails(mailbox) == 1
    chosen = (NEW, OTHER)[made[0]]
    assert sign_in(app.test_client(), "learner@example.org", chosen).status_code == 302
    with app.app_context():
        failed = db.session().scalars(
            select(AuditEvent.kind).where(AuditEvent.kind == "password.check_failed")
        )
        assert failed.all() == []
