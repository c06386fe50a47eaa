"""What a rating records of the rules it was rated by: a framework, its version, and a stamp.

A framework's `version` is whatever its file says, and a trainer may change a rule (raise
`minimum_evidence`, shorten `valid_for`) without changing it. So the stamp a rating keeps
("referrer 0.2 5c1e07a9") ends with a digest of everything the one rating function reads
from the framework: its scale, attainment settings, validity and met rule, and each
competency's own validity and met rule. Wording, names and renewal reminders are left out:
they change no rating. A rating's history (services/rating_history.py) can then tell a new
version from the same version's rules changed.
"""

from __future__ import annotations

import dataclasses
import hashlib

from ..frameworks import Framework
from .durations import Duration


def rules_stamp(framework: Framework) -> str:
    """Return "<id> <version> <digest of its rating rules>" for the framework."""
    read = (
        _canonical(framework.scale),
        _canonical(framework.attainment),
        _canonical(framework.valid_for),
        _canonical(framework.met),
        tuple((c.code, _canonical(c.valid_for), _canonical(c.met)) for c in framework.competencies),
    )
    digest = hashlib.sha256(repr(read).encode()).hexdigest()[:8]
    return f"{framework.id} {framework.version} {digest}"


def framework_of(stamp: str) -> str:
    """Return the framework id and version of a stamp ("referrer 0.2"), as the data export
    keeps it (pages name the framework by its title: services/rating_history.named)."""
    return " ".join(stamp.split(" ")[:2])


def _canonical(value):
    """Return the value as plain tuples: a span by its months and days, not its spelling."""
    if isinstance(value, Duration):
        return ("span", value.months, value.days)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
        )
    if isinstance(value, tuple | list | frozenset | set):
        items = [_canonical(v) for v in value]
        return (
            tuple(sorted(items, key=repr)) if isinstance(value, frozenset | set) else tuple(items)
        )
    return value
