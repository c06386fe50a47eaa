"""Limits counted per address, when an address is a whole workplace (LINKWISE_SHARED_NETWORKS)."""

import logging
from urllib.parse import urlsplit

import pytest

from app.config import ConfigError, load, shared_networks
from tests.conftest import DEMO_PASSWORD, confirm_professional, post_form

WORKPLACE = "10.9.4.20"  # in the shared network below
HOME = "192.0.2.7"  # in none
SCALE = 3  # a small scale keeps the tests short; the default is 50


@pytest.fixture
def workplace(app):
    """List 10.9.0.0/16 as shared, as a trust would its internet connection."""
    app.config["SHARED_NETWORKS"] = shared_networks("10.9.0.0/16")
    app.config["SHARED_NETWORK_SCALE"] = SCALE
    return app


def sign_in_from(client, address, email, password="wrong wrong wrong"):
    return post_form(
        client,
        "/sign-in",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def register_from(client, address, **changes):
    form = {
        "full_name": "Priya Shah",
        "email": "priya.shah@example.org",
        "profession": "practice-nurse",
        "registration_number": "",
        "join_code": "",
        "password": "kettle orchard lantern 9",
        **changes,
    }
    return post_form(client, "/register", form, environ_base={"REMOTE_ADDR": address})


def test_a_shared_network_gets_the_allowance_per_address_scale_times(workplace, make_user):
    make_user()
    client = workplace.test_client()
    # Colleagues mistyping their passwords: 20 failures would stop a single address.
    for n in range(20 * SCALE):
        assert sign_in_from(client, WORKPLACE, f"colleague{n}@example.org").status_code == 401, n
    refused = sign_in_from(client, WORKPLACE, "learner@example.org", DEMO_PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    # Another address of the same network counts on its own, as any address does.
    assert (
        sign_in_from(client, "10.9.200.1", "learner@example.org", DEMO_PASSWORD).status_code == 302
    )


def test_an_address_outside_the_shared_networks_keeps_the_allowance(workplace, make_user, caplog):
    make_user()
    client = workplace.test_client()
    for n in range(20):
        assert sign_in_from(client, HOME, f"nobody{n}@example.org").status_code == 401
    with caplog.at_level(logging.WARNING, logger="linkwise.rate_limits"):
        refused = sign_in_from(client, HOME, "learner@example.org", DEMO_PASSWORD)
    assert refused.status_code == 429
    assert "too many attempts from your internet connection" in refused.text
    assert "can be set to allow for a shared connection" in refused.text
    hints = [r.getMessage() for r in caplog.records if r.name == "linkwise.rate_limits"]
    assert hints and f"{HOME} reached the limit per address on auth.sign_in" in hints[0]
    assert "LINKWISE_SHARED_NETWORKS" in hints[0]


def test_guessing_at_one_account_is_stopped_at_five_even_from_a_shared_network(
    workplace, make_user, caplog
):
    make_user()
    client = workplace.test_client()
    for _ in range(5):
        assert sign_in_from(client, WORKPLACE, "learner@example.org").status_code == 401
    with caplog.at_level(logging.WARNING, logger="linkwise.rate_limits"):
        refused = sign_in_from(client, WORKPLACE, "learner@example.org", DEMO_PASSWORD)
    assert refused.status_code == 429
    assert "too many attempts from this device" in refused.text
    assert "shared connection" not in refused.text
    assert not [r for r in caplog.records if r.name == "linkwise.rate_limits"]


def test_a_training_room_behind_one_address_can_all_register(workplace, mailbox):
    client = workplace.test_client()
    confirm_professional(client)
    for n in range(10 * SCALE):
        response = register_from(client, WORKPLACE, email=f"nurse{n}@example.org")
        assert response.status_code == 200, n
        assert mailbox.last(f"nurse{n}@example.org")
    assert register_from(client, WORKPLACE, email="one.more@example.org").status_code == 429
    # Each inbox is still protected: three emails an hour, whatever the network.
    for _ in range(3):
        assert register_from(client, "10.9.7.7", email="sam@example.org").status_code == 200
    assert register_from(client, "10.9.7.8", email="sam@example.org").status_code == 429


def test_correcting_a_mistake_in_the_form_does_not_use_up_the_allowance(client, mailbox):
    confirm_professional(client)
    for n in range(12):
        mistaken = register_from(client, HOME, email=f"nurse{n}@example.org", password="short")
        assert mistaken.status_code == 400, n
    assert register_from(client, HOME).status_code == 200
    assert mailbox.last("priya.shah@example.org")


def test_guesses_at_join_codes_count_against_the_address(client):
    confirm_professional(client)
    for n in range(10):
        guess = register_from(client, HOME, email=f"guess{n}@example.org", join_code=f"ZZZ{n:03}")
        assert guess.status_code == 400, n
        assert "We do not recognise that join code" in guess.text
    assert register_from(client, HOME, join_code="ZZZ999").status_code == 429


def test_an_ipv4_address_written_as_ipv6_is_in_its_network(workplace):
    client = workplace.test_client()
    for n in range(21):
        response = sign_in_from(client, f"::ffff:{WORKPLACE}", f"colleague{n}@example.org")
        assert response.status_code == 401, n


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", ()),
        ("192.0.2.7", ("192.0.2.7/32",)),
        ("10.0.0.0/8, 2001:db8::/32", ("10.0.0.0/8", "2001:db8::/32")),
        ("10.0.0.0/8  172.16.0.0/12,", ("10.0.0.0/8", "172.16.0.0/12")),
    ],
)
def test_shared_networks_are_read_from_the_environment(tmp_path, setting, expected):
    environ = {"LINKWISE_ENV": "test", "LINKWISE_SHARED_NETWORKS": setting}
    config = load(tmp_path, environ=environ)
    assert tuple(str(network) for network in config["SHARED_NETWORKS"]) == expected
    assert config["SHARED_NETWORK_SCALE"] == 50


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"LINKWISE_SHARED_NETWORKS": "10.1.2.3/8"}, "10.1.2.3/8 has host bits set"),
        ({"LINKWISE_SHARED_NETWORKS": "10.0.0.0/8, trust-gateway"}, "'trust-gateway' does not"),
        ({"LINKWISE_SHARED_NETWORK_SCALE": "lots"}, "from 1 to 1000, not 'lots'"),
        ({"LINKWISE_SHARED_NETWORK_SCALE": "0"}, "from 1 to 1000, not '0'"),
    ],
)
def test_a_shared_network_setting_that_cannot_work_stops_start_up_saying_why(
    tmp_path, environ, says
):
    with pytest.raises(ConfigError, match="LINKWISE_SHARED_NETWORK") as refused:
        load(tmp_path, environ={"LINKWISE_ENV": "test", **environ})
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_room_finishing_their_sign_up_together_is_not_stopped(client, mailbox):
    confirm_professional(client)
    finished = []
    for n in range(12):
        email = f"nurse{n}@example.org"
        other_address = f"192.0.2.{100 + n}"  # sending counts per address: not what is tried here
        assert register_from(client, other_address, email=email).status_code == 200
        path = urlsplit(mailbox.link(email, "/register/confirm/")).path
        room = client.application.test_client()  # each nurse's own browser, one address
        response = post_form(room, path, {}, environ_base={"REMOTE_ADDR": HOME})
        finished.append(response.status_code)
    assert finished == [302] * 12
    # A link that does not work is a guess, and guesses are still counted.
    guesser = client.application.test_client()
    for n in range(10):
        spent = post_form(
            guesser,
            f"/register/confirm/not-a-token-{n}",
            {},
            page="/sign-in",
            environ_base={"REMOTE_ADDR": HOME},
        )
        assert spent.status_code == 404, n
    refused = post_form(
        guesser,
        "/register/confirm/one-more",
        {},
        page="/sign-in",
        environ_base={"REMOTE_ADDR": HOME},
    )
    assert refused.status_code == 429
