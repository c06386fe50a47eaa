"""Stable identifiers for exported frameworks: the same framework gives the same ids."""

from __future__ import annotations

import uuid

# Fixed for ever: changing it would give every exported framework new identifiers.
NAMESPACE = uuid.UUID("8b0f3c52-5a4e-4f0e-9d5b-6a1f2e7c9d41")


def identifier(framework_id: str, *parts: object) -> str:
    """Return the UUID (version 5) naming one part of a framework, e.g. a competency."""
    return str(uuid.uuid5(NAMESPACE, "/".join((framework_id, *map(str, parts)))))


def uri(identifier_: str) -> str:
    """Return the URI CASE asks for beside each identifier: a URN, as no host is implied."""
    return f"urn:uuid:{identifier_}"
