"""LRS settings: the learning record store is used only when it can work."""

from pathlib import Path

import pytest

from app.config import ConfigError, load
from tests.issuer_key import TEST_ISSUER_PEM

BASE = {"SECRET_KEY": "k"}


def settings(environ, env="development"):
    return load(Path("/tmp/instance"), None, {"LINKWISE_ENV": env, **BASE, **environ})


def test_no_lrs_by_default():
    assert settings({})["LRS_URL"] is None


def test_an_lrs_needs_its_credentials():
    with pytest.raises(ConfigError, match="LINKWISE_LRS_USERNAME and LINKWISE_LRS_PASSWORD"):
        settings({"LINKWISE_LRS_URL": "https://lrs.example.org/xAPI/"})


def test_an_lrs_address_must_be_a_web_address():
    with pytest.raises(ConfigError, match="must be the LRS's xAPI address"):
        settings({"LINKWISE_LRS_URL": "lrs.example.org"})


def test_production_needs_the_sites_address_to_name_activities():
    environ = {
        "LINKWISE_LRS_URL": "https://lrs.example.org/xAPI/",
        "LINKWISE_LRS_USERNAME": "u",
        "LINKWISE_LRS_PASSWORD": "p",
    }
    production = {
        "LINKWISE_PRIVACY_CONTROLLER": "Example PCN",
        "LINKWISE_PRIVACY_CONTACT": "privacy@example.org",
        "LINKWISE_SMTP_URL": "smtp://mail.example.org:587",
        "LINKWISE_ISSUER_KEY": TEST_ISSUER_PEM,
    }
    with pytest.raises(ConfigError, match="LINKWISE_BASE_URL must be set"):
        settings({**environ, **production}, "production")
    found = settings(
        {**environ, **production, "LINKWISE_BASE_URL": "https://linkwise.example.org/"},
        "production",
    )
    assert found["BASE_URL"] == "https://linkwise.example.org"
    assert settings(environ)["BASE_URL"] == "http://127.0.0.1:5000"
