"""How long a credential is valid: until the first of the evidence behind it stops counting.

A module's credential aligns to the competencies the module develops, which its quiz
assesses. In the learner's framework each of them counts for its own `valid_for`, else the
framework's; the credential is valid no longer than the shortest of them, so it never
claims more than its evidence shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .competencies import valid_for
from .frameworks import Framework


def credential_valid_until(
    framework: Framework | None, codes: Iterable[str], issued_at: datetime
) -> datetime | None:
    """Return when a credential issued at `issued_at` for competencies `codes` stops being valid.

    Only the competencies in the learner's `framework` count: a code of another framework
    says nothing of how long this learner's evidence lasts. With none of them in it, the
    framework's own validity stands, as for any evidence of the learner's. None when no
    validity applies (no framework, or none sets one).
    """
    if framework is None:
        return None
    wanted = set(codes)
    periods = [valid_for(c, framework) for c in framework.competencies if c.code in wanted]
    ends = [period.after(issued_at) for period in periods or [framework.valid_for] if period]
    return min(ends, default=None)


def credential_status(
    revoked_at: datetime | None, valid_until: datetime | None, now: datetime
) -> str:
    """Return "revoked", "expired" or "valid": a credential's state at `now`, as its public
    check says it and the learning record shows it. Revocation comes first; one with no
    end date never expires. The moments are timezone-aware."""
    if revoked_at is not None:
        return "revoked"
    return "expired" if valid_until is not None and now >= valid_until else "valid"
