"""Absolute links, for emails, PDFs and anything read away from the page that made it.

Built from the configured LINKWISE_BASE_URL, never from the request's Host header, which
whoever sends the request chooses.
"""

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """Return the full address of an endpoint under the configured base URL."""
    adapter = current_app.url_map.bind("localhost", script_name="/")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)


def join_link(join_code: str) -> str:
    """Return the address a manager shares for a join code (web/join.py)."""
    return absolute_url("join.link", code=join_code)
