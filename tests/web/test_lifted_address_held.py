"""After an administrator lifts a sign-in lock, the person's page says what still stops them:
the address their failed sign-ins came from stays at its limit for everyone (lifting forgets
only the account's counts), so their page names it and the time it lapses, as the server
refuses them there and lets them in from anywhere else."""

import re

from tests.conftest import DEMO_PASSWORD, confirm_professional, post_form, sign_in
from tests.web.test_admin_people import _admin, _fail_sign_ins, _id, _person, _plain

UK_TIME = r"(\d{1,2}(:\d\d)?(am|pm)|midday|midnight) (GMT|BST)"
ELSEWHERE = {"REMOTE_ADDR": "192.0.2.9"}


def _address_at_its_limit(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")
    admin = _admin(app, make_user)
    _fail_sign_ins(app, "sam@example.org", 5)
    for number in range(5):
        _fail_sign_ins(app, f"colleague{number}@example.org", 3)
    return admin, _id(app, "sam@example.org")


def _sign_in_row(page) -> str:
    shown = _plain(page)
    start = shown.index("Sign-in", shown.index("Last signed in"))
    return shown[start : shown.index("Sign-in lock")]


def _sign_in_from_elsewhere(client, email):
    confirm_professional(client)
    data = {"email": email, "password": DEMO_PASSWORD}
    return post_form(client, "/sign-in", data, environ_base=ELSEWHERE)


def test_a_second_lifting_still_names_the_address_it_cannot_free(app, make_user):
    admin, sam = _address_at_its_limit(app, make_user)
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    admin.get(_person(sam))
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    told = _plain(admin.get(_person(sam)))
    assert "There was no sign-in lock on sam@example.org" in told
    assert "Sign-ins from 127.0.0.1 are still stopped for everyone there: 20 of 20" in told


def test_an_account_never_tried_from_an_address_at_its_limit_is_not_said_to_be_held(app, make_user):
    admin, sam = _address_at_its_limit(app, make_user)
    make_user("kim@example.org", full_name="Kim Learner")
    row = _sign_in_row(admin.get(_person(_id(app, "kim@example.org"))))
    assert row == (
        "Sign-inNot locked: no failed sign-ins or wrong current passwords are counted against "
        "this account. "
    )
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    assert "127.0.0.1" not in _sign_in_row(admin.get(_person(_id(app, "kim@example.org"))))


def test_after_lifting_the_page_names_the_address_still_at_its_limit_and_when_it_lapses(
    app, make_user
):
    admin, sam = _address_at_its_limit(app, make_user)
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    admin.get(_person(sam))  # the page the lifting leads to, with its banners
    row = _sign_in_row(admin.get(_person(sam)))  # the page as read any time after
    assert "Not locked:" not in row
    assert row.startswith(
        "Sign-inTheir account is not locked: no failed sign-ins or wrong current passwords "
        "are counted against it now. But an address that sign-ins at this account came from "
        "is still at its limit for everyone, and that stops them signing in from there:"
    )
    assert re.search(
        r"Stopped now for everyone: signing in from 127\.0\.0\.1, at any account, for 1[45] "
        r"more minutes \(20 of 20 failed sign-ins from that address\)\. Lifting does not end "
        rf"this: it lapses by itself at {UK_TIME}\.",
        row,
    )
    # What the page says is what the server does: refused from there, the right password
    # too; let in from another address.
    there = app.test_client()
    assert sign_in(there, "sam@example.org").status_code == 429
    elsewhere = app.test_client()
    assert _sign_in_from_elsewhere(elsewhere, "sam@example.org").status_code == 302
