"""Failed sign-ins spread thin over many addresses (one or a few at each, as a botnet sends
them) reach the ceiling (tests/web/test_sign_in_ceiling.py) with many counts that stop
nothing: the person's page, the message lifting them leaves and `linkwise unlock-sign-in` say
those together, and each count that stops sign-in by itself. In a server's own memory and in
Redis."""

import re

from app.cli_admin import _what_was_lifted
from app.services.sign_in_locks import Count, Lifted
from tests.conftest import post_form
from tests.nu_checker import nu_errors
from tests.web.test_admin_people import _admin, _id, _person, _plain
from tests.web.test_sign_in_ceiling import (  # noqa: F401 (counting: the fixture)
    EMAIL,
    WRONG,
    _made,
    attempt,
    counting,
)

THIN = [f"198.51.100.{n}" for n in range(101, 147)]  # 46 addresses, one failure at each
HEAVY = "203.0.113.40"  # four failures, and one more to stop it


def _spread(app, thin=THIN, heavy=4) -> None:
    for address in thin:
        attempt(app.test_client(), EMAIL, WRONG, address)
    for _ in range(heavy):
        attempt(app.test_client(), EMAIL, WRONG, HEAVY)


def test_the_person_page_says_thin_counts_together(counting, tmp_path):  # noqa: F811
    app = counting
    admin = _admin(app, lambda email, **fields: _made(app, email, **fields))
    sam = _id(app, EMAIL)
    _spread(app)
    page = admin.get(_person(sam))
    assert nu_errors({"person-spread": page.text}, tmp_path) == []
    shown = _plain(page)
    assert "Stopped now: signing in to this account from any browser" in shown
    assert "(50 of 50 failed sign-ins from any address)" in shown
    assert (
        "Not stopped: 47 other addresses with 1 to 4 failed sign-ins each; none stops sign-in"
        in shown
    )
    # One by one only inside the disclosure, which is closed until opened.
    details = page.text[page.text.index("<details") : page.text.index("</details>")]
    assert details.count("<li>") == 47 and "4 of 5 failed sign-ins from 203.0.113.40" in details
    assert "open" not in details.split(">", 1)[0]
    outside = page.text.replace(details, "")
    assert "Not stopped: 1 of 5" not in _plain_text(outside)
    # The button to lift it comes soon after.
    outside = _plain_text(outside)
    assert outside.index("Lift the sign-in lock") - outside.index("Stopped now") < 2000
    lifted = post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    assert lifted.status_code == 302
    told = _plain(admin.get(_person(sam)))
    assert (
        "50 of 50 failed sign-ins from any address forgotten, so they can sign in from a new "
        "browser or address again; 47 other addresses with 1 to 4 failed sign-ins each (none "
        "stopping sign-in) forgotten." in told
    )
    assert "1 of 5 failed sign-ins from" not in told


def test_a_count_that_stops_sign_in_is_still_said_by_itself(counting):  # noqa: F811
    app = counting
    admin = _admin(app, lambda email, **fields: _made(app, email, **fields))
    sam = _id(app, EMAIL)
    _spread(app, THIN[:-1], heavy=5)  # the fifth from HEAVY stops it there
    shown = _plain(admin.get(_person(sam)))
    assert "Stopped now: signing in to this account from 203.0.113.40" in shown
    assert "45 other addresses with 1 failed sign-in each; none stops sign-in" in shown


def _plain_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _count(address, failures, allowed=5, every_address=False) -> Count:
    return Count(address, failures, allowed, 600, every_address=every_address)


def test_unlock_sign_in_says_thin_counts_together():
    thin = tuple(_count(f"10.5.0.{n}", 1 + n % 4) for n in range(48))
    ceiling = _count(None, 50, allowed=50, every_address=True)
    [said] = _what_was_lifted(Lifted(EMAIL, (*thin, ceiling)))
    assert said.startswith(f"lifted what was stopped for {EMAIL}: forgot 50 of 50 failed sign-ins")
    assert said.endswith(
        "; 48 other addresses with 1 to 4 failed sign-ins each (none stopping sign-in)"
    )
    assert "10.5.0." not in said
    # A few are still named one by one.
    [few] = _what_was_lifted(Lifted(EMAIL, (*thin[:3], ceiling)))
    assert "1 of 5 failed sign-ins from 10.5.0.0" in few and "other addresses" not in few
