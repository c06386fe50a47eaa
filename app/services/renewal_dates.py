"""The organisation's renew-by day for one module, read as branches of a page's one statement.

A page that shows a certificate's valid-until day (certificate_page) reads with it the
assignments covering the learner for the module and their latest pass of its quiz that
counts, and sets the two days side by side (domain/renewal_dates.py). The day is the one
My learning, the manager's pages and compliance show: the strictest assignment binding on
the learner, counted from that pass.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func

from app.domain.content import Catalogue
from app.domain.dates import uk_day
from app.domain.renewal_dates import RenewalDates, compared
from app.models import Attempt
from app.models_assignments import Assignment
from app.services import learner_rows, passes
from app.services.assignment_standings import Assigned, binding, standing_in
from app.services.credential_checks import CredentialState
from app.services.learner_rows import SELF
from app.services.rating_reads import aware
from app.services.tagged_rows import Row, branch

_MODULE = bindparam("module_slug")

# The assignments covering the learner for the module (bound as module_slug), and (time)
# their latest pass of its quiz that counts, which a renewal is counted from.
ORGANISATION_ROWS = (
    learner_rows.ASSIGNMENTS.where(Assignment.module_slug == _MODULE),
    branch("passed", at=(func.max(Attempt.submitted_at),)).where(
        Attempt.user_id == SELF, Attempt.module_slug == _MODULE, passes.COUNTED
    ),
)


def organisation_by(found: dict[str, list[Row]], catalogue: Catalogue, today: date) -> date | None:
    """Return the day the learner's organisation asks them to renew the module by, if it does.

    From the rows of ORGANISATION_ROWS: None when no assignment covering them renews, or the
    module is not complete (then the assignment asks for it by its due day, not again).
    """
    assigned = tuple(Assigned(r.text[0], r.day[0], r.number[0]) for r in found.get("assigned", ()))
    passed = [row.at[0] for row in found.get("passed", ()) if row.at[0] is not None]
    if not assigned or not passed:
        return None
    completed_on = uk_day(aware(passed[0]))
    standing = standing_in(binding(assigned)[0], completed_on, today, catalogue)
    return standing.due_on if standing.completed_on is not None else None


def beside_credential(
    credential: CredentialState | None, by: date | None, today: date
) -> RenewalDates | None:
    """Return the credential's valid-until day beside the organisation's, where they differ.

    Only for a credential that stands: a revoked one is valid until no day, and a certificate
    without one has no recorded validity to set beside it.
    """
    if credential is None or credential.revoked:
        return None
    until = credential.valid_until
    day = uk_day(until) if until is not None else None
    return compared(day, by, today, ends=until is not None)
