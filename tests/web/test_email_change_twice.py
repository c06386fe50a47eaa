"""Confirming a new email address twice at once (a double click, two tabs): the address
changes once, with one audit row and one email to the old address; the others say it was
done a moment ago."""

from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.meetings import meeting_before_writing
from tests.web.test_password_change_twice import kinds
from tests.web.test_quiz_concurrency import at_once, tab

OLD, NEW = "learner@example.org", "sam.new@example.org"


def confirm_at_once(app, client, link: str, times: int):
    token = csrf_token(client, link)
    tabs = [tab(app, client) for _ in range(times)]
    sends = [lambda t=t: t.post(link, data={"csrf_token": token}) for t in tabs]
    with meeting_before_writing(app, times):
        return tabs, at_once(sends)


def test_a_new_address_confirmed_three_times_at_once_changes_it_once(
    app, client, make_user, mailbox
):
    sign_in(client, make_user(email=OLD))
    post_form(client, "/account/email", {"email": NEW, "current_password": DEMO_PASSWORD})
    link = path_of(mailbox.link(NEW, "/account/email/confirm/"))
    tabs, responses = confirm_at_once(app, client, link, 3)
    assert [r.status_code for r in responses] == [302, 302, 302]
    said = sorted(
        "now"
        if f"Your email address is now {NEW}" in page
        else "a moment ago"
        if f"Your email address was changed to {NEW} a moment ago" in page
        else page
        for page in (t.get("/account/").text for t in tabs)
    )
    assert said == ["a moment ago", "a moment ago", "now"]
    assert kinds(app).count("email.changed") == 1
    changed = [
        m
        for m in mailbox.messages(OLD)
        if m["Subject"] == "Your Linkwise email address has been changed"
    ]
    assert len(changed) == 1
    assert sign_in(app.test_client(), NEW).status_code == 302
    # One sent once the others have finished finds the link spent, and is told why.
    again = tabs[0].post(link, data={"csrf_token": csrf_token(tabs[0], "/account/")})
    assert again.status_code == 404
    assert "If you have just confirmed your new address with this link, it was changed" in (
        again.text
    )
    assert kinds(app).count("email.changed") == 1
