"""An email-change link works once, for good: not again once the account's address has come
back to the one it was sent from (X to B, then back to X: B's link stays spent)."""

from sqlalchemy import select

from app import db
from app.models import User
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.test_password_change_twice import kinds

OLD, NEW = "learner@example.org", "sam.new@example.org"


def change_to(client, mailbox, address: str) -> str:
    """Ask to move the account to `address`, confirm it with the link sent; return the link."""
    post_form(client, "/account/email", {"email": address, "current_password": DEMO_PASSWORD})
    link = path_of(mailbox.link(address, "/account/email/confirm/"))
    assert client.post(link, data={"csrf_token": csrf_token(client, link)}).status_code == 302
    return link


def address_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session().scalar(select(User.email).where(User.id == user_id))


def test_a_used_link_stays_spent_once_the_address_comes_back(app, client, make_user, mailbox):
    sign_in(client, make_user(email=OLD))
    with app.app_context():
        user_id = db.session().scalar(select(User.id).where(User.email == OLD))
    first = change_to(client, mailbox, NEW)
    assert address_of(app, user_id) == NEW
    change_to(client, mailbox, OLD)
    assert address_of(app, user_id) == OLD
    again = client.post(first, data={"csrf_token": csrf_token(client, "/account/")})
    assert again.status_code == 404
    assert address_of(app, user_id) == OLD
    assert kinds(app).count("email.changed") == 2
    assert client.get(first).status_code == 404  # nor offered to confirm again
