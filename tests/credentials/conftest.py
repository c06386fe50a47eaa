"""Credential fixtures: the app served over HTTP, as a verifier elsewhere would reach it."""

from tests.browser.conftest import live_server  # noqa: F401 - a fixture shared with browsers
