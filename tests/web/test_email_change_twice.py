"""Confirming a new email address twice at once (a double click, two tabs): the address
changes once, with one audit row and one email to the old address; the others say it was
done a moment ago."""

from sqlalchemy import select

from app import db
from app.models import User
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.meetings import meeting_before_writing
from tests.web.test_password_change_twice import kinds
from tests.web.test_quiz_concurrency import at_once, tab
from tests.web.test_register import GOOD, register

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


def test_a_new_address_confirmed_as_a_sign_up_for_it_finishes_goes_to_one_of_them(
    app, client, make_user, mailbox
):
    # The two lock the address by one name, so whichever comes second finds it taken and is
    # told so: never a 500 from the unique key, never two accounts sharing it.
    sign_in(client, make_user(email=OLD))
    post_form(client, "/account/email", {"email": NEW, "current_password": DEMO_PASSWORD})
    change = path_of(mailbox.link(NEW, "/account/email/confirm/"))
    newcomer = app.test_client()
    register(newcomer, email=NEW)
    [sign_up] = [
        path_of(link)
        for message in mailbox.messages(NEW)
        for link in [message.get_content().split("http://localhost", 1)[1].split()[0]]
        if "/register/confirm/" in link
    ]
    moving, making = csrf_token(client, change), csrf_token(newcomer, sign_up)
    sends = [
        lambda: client.post(change, data={"csrf_token": moving}),
        lambda: newcomer.post(sign_up, data={"csrf_token": making}),
    ]
    with meeting_before_writing(app, 2):
        moved, made = at_once(sends)
    assert (moved.status_code, made.status_code) in ((302, 404), (302, 302))
    with app.app_context():
        owners = db.session().scalars(select(User).where(User.email == NEW)).all()
    assert len(owners) == 1
    if made.status_code == 302:  # the sign-up came first: the learner keeps the old address
        assert "An account with this email address already exists" in client.get("/account/").text
        assert kinds(app).count("email.changed") == 0
        assert owners[0].full_name == GOOD["full_name"]
    else:  # the change came first: the link to sign up is spent
        assert kinds(app).count("account.registered") == 0
        assert kinds(app).count("email.changed") == 1
