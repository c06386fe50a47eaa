"""The idle limit a person can put off ("Stay signed in") or lengthen (their account page),
as WCAG 2.2.1 asks, and the service's setting for it."""

import re

import pytest
from sqlalchemy import select

from app import config as configuration
from app import db
from app.config_checks import ConfigError
from app.content import catalogue
from app.models import AuditEvent, User
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.idle_clock import Clock
from tests.web.test_idle_sign_out import PAGE, sent_to_sign_in, signs_in_to


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Return a clock the app reads, to move the time on."""
    return Clock(monkeypatch)


STAY = "/stay-signed-in"


def about(left: str, seconds: int) -> bool:
    """Say whether a time left is `seconds`, or a few less (the test's own time passes)."""
    return seconds - 5 <= int(left) <= seconds


def left_on(page: str) -> str | None:
    """Return the time left that the header's sign-out form tells the script, if any."""
    found = re.search(r'data-idle-left="([^"]+)"', page)
    return found.group(1) if found else None


def test_a_signed_in_page_tells_the_script_the_time_left_and_a_signed_out_one_does_not(
    client, signed_in, clock
):
    page = signed_in.get(PAGE).text
    assert about(left_on(page), 1800)
    assert 'data-idle-warning="120"' in page and f'data-idle-stay="{STAY}"' in page
    clock.forward(seconds=30)  # within the minute the stamp stays: 30 seconds fewer
    assert about(left_on(signed_in.get(PAGE).text), 1770)
    assert about(signed_in.get(PAGE).headers["X-Linkwise-Idle-Left"], 1770)
    with client.application.app_context():
        module = catalogue().modules[0]
    screen = signed_in.get(f"/modules/{module.slug}/{module.screens[0].slug}/")
    assert screen.status_code == 200 and about(left_on(screen.text), 1770)  # a page shell's
    anyone = client.application.test_client()
    page = anyone.get("/cookies")
    assert left_on(page.text) is None and "X-Linkwise-Idle-Left" not in page.headers


def test_stay_signed_in_needs_the_csrf_token(signed_in):
    assert signed_in.post(STAY, headers={"Accept": "application/json"}).status_code == 400
    assert signed_in.post(STAY, data={"csrf_token": "forged"}).status_code == 400


def test_stay_signed_in_puts_the_limit_off_by_another_30_minutes(signed_in, clock):
    token = csrf_token(signed_in, PAGE)
    clock.forward(minutes=28, seconds=30)  # the warning is showing
    stayed = signed_in.post(STAY, data={"csrf_token": token})
    assert stayed.status_code == 200 and stayed.json == {"left": 1800, "renewable": True}
    assert stayed.headers["X-Linkwise-Idle-Left"] == "1800"
    clock.forward(minutes=29, seconds=30)  # 58 minutes since the last page
    assert signed_in.get(PAGE).status_code == 200


def test_stay_signed_in_after_the_limit_is_refused_and_says_where_to_sign_in(signed_in, clock):
    token = csrf_token(signed_in, PAGE)
    clock.forward(minutes=31)
    refused = signed_in.post(
        STAY,
        data={"csrf_token": token},
        headers={"Accept": "application/json", "Referer": f"http://localhost{PAGE}"},
    )
    assert refused.status_code == 401 and signs_in_to(refused.json["sign_in"], PAGE)
    assert sent_to_sign_in(signed_in.get(PAGE), PAGE)  # signed out still


def test_stay_signed_in_cannot_put_off_the_24_hours_since_signing_in(signed_in, clock):
    token = csrf_token(signed_in, PAGE)
    for _ in range(49):
        clock.forward(minutes=29)
        assert signed_in.post(STAY, data={"csrf_token": token}).status_code == 200
    clock.forward(minutes=5)  # 23 hours 46 minutes: 14 minutes left, however it is used
    stayed = signed_in.post(STAY, data={"csrf_token": token})
    assert about(stayed.json["left"], 14 * 60) and stayed.json["renewable"] is False
    left, final = left_on(signed_in.get(PAGE).text).split()
    assert about(left, 14 * 60) and final == "final"


def idle_choice(page: str) -> str:
    checked = re.search(r'name="limit" type="radio" value="(\w+)" checked', page)
    return checked.group(1)


def test_a_learner_can_choose_ten_times_the_usual_limit_on_their_account_page(
    app, signed_in, clock
):
    page = signed_in.get("/account/").text
    assert idle_choice(page) == "usual"
    assert "After 30 minutes (the usual)" in page and "After 5 hours" in page
    assert "However you choose, you are signed out 24 hours after you sign in." in page
    chosen = post_form(signed_in, "/account/sign-out-after", {"limit": "long"}, page="/account/")
    assert chosen.status_code == 302
    told = signed_in.get(chosen.location).text
    assert "Linkwise will now sign you out after 5 hours without use" in told
    assert idle_choice(told) == "long"
    assert about(left_on(told), 5 * 60 * 60)
    with app.app_context():
        assert db.session().scalar(select(User.long_idle_limit)) is True
    clock.forward(minutes=299)
    assert signed_in.get(PAGE).status_code == 200  # in this session at once
    # ... and in the next one, read from the account as they sign in.
    post_form(signed_in, "/sign-out", {}, page=PAGE)
    sign_in(signed_in, "learner@example.org")
    clock.forward(minutes=299)
    assert signed_in.get(PAGE).status_code == 200
    clock.forward(minutes=301)
    response = signed_in.get(PAGE)
    assert sent_to_sign_in(response, PAGE)
    assert "had not used Linkwise for 5 hours" in signed_in.get(response.location).text


def test_going_back_to_the_usual_limit_applies_at_once(app, signed_in, clock):
    post_form(signed_in, "/account/sign-out-after", {"limit": "long"}, page="/account/")
    again = post_form(signed_in, "/account/sign-out-after", {"limit": "long"}, page="/account/")
    assert "nothing changed" in signed_in.get(again.location).text  # a second click
    post_form(signed_in, "/account/sign-out-after", {"limit": "usual"}, page="/account/")
    # Each change is in the audit log with the time chosen; the second click wrote nothing.
    with app.app_context():
        chosen = (
            db.session()
            .execute(
                select(AuditEvent.actor_id, AuditEvent.subject_id, AuditEvent.detail)
                .where(AuditEvent.kind == "account.idle_limit")
                .order_by(AuditEvent.id)
            )
            .all()
        )
        learner = db.session().scalar(select(User.id))
    assert [(a, s, d["minutes"]) for a, s, d in chosen] == [
        (learner, learner, 300),
        (learner, learner, 30),
    ]
    clock.forward(minutes=31)
    assert sent_to_sign_in(signed_in.get(PAGE), PAGE)


def test_choosing_the_limit_needs_the_csrf_token(app, signed_in):
    refused = signed_in.post("/account/sign-out-after", data={"limit": "long"})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session().scalar(select(User.long_idle_limit)) is False


def test_the_idle_limit_is_a_setting(tmp_path, monkeypatch):
    environ = {"LINKWISE_ENV": "test", "LINKWISE_IDLE_MINUTES": "15"}
    assert configuration.load(tmp_path, environ=environ)["IDLE_MINUTES"] == 15
    assert configuration.load(tmp_path, environ={"LINKWISE_ENV": "test"})["IDLE_MINUTES"] == 30
    for wrong in ("0", "4", "73", "half an hour"):
        with pytest.raises(ConfigError, match="LINKWISE_IDLE_MINUTES"):
            configuration.load(tmp_path, environ={**environ, "LINKWISE_IDLE_MINUTES": wrong})


def test_a_shorter_service_limit_applies_to_everyone(app, signed_in, clock):
    app.config["IDLE_MINUTES"] = 15
    assert about(left_on(signed_in.get(PAGE).text), 15 * 60)
    clock.forward(minutes=16)
    response = signed_in.get(PAGE)
    assert sent_to_sign_in(response, PAGE)
    assert "had not used Linkwise for 15 minutes" in signed_in.get(response.location).text
