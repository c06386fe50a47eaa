"""Fixtures shared by the web tests."""

from tests.web.pcn import pcn  # noqa: F401 (a PCN of two practices)
