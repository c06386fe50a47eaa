"""Two dates for one piece of learning: the certificate's and the organisation's.

A certificate is valid until the date its signed credential records: Linkwise worked it out
when it signed, from how long the competency framework for the learner's profession counts
the learning (domain/credential_validity.py). An organisation that assigns the module to
renew asks for it again a renewal period after the learner's latest completion
(domain/assignments.py). The two are set by different rules, so they can differ; where both
apply to the same learner, the pages that show either say which is which and which comes
first. Pure: the caller passes `today`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Which of the two comes first.
CERTIFICATE, ORGANISATION = "certificate", "organisation"


@dataclass(frozen=True)
class RenewalDates:
    """A certificate's valid-until day and the organisation's renew-by day, when they differ.

    `certificate_until` is None for a certificate whose credential records no end date.
    """

    certificate_until: date | None
    organisation_by: date
    sooner: str  # CERTIFICATE or ORGANISATION
    certificate_ended: bool  # its valid-until day has come
    organisation_passed: bool  # the organisation's renew-by day has come (its status: expired)


def compared(
    certificate_until: date | None,
    organisation_by: date | None,
    today: date,
    *,
    ends: bool = True,
) -> RenewalDates | None:
    """Return the two dates side by side when both apply and differ, else None.

    `ends` is False for a credential that records no end date (`certificate_until` None):
    the organisation's date is then the only one. None when the organisation asks for no
    renewal, or the certificate has no credential to date it (`ends` True with no day).
    """
    if organisation_by is None or (certificate_until is None and ends):
        return None
    if certificate_until == organisation_by:
        return None
    sooner = ORGANISATION
    if certificate_until is not None and certificate_until < organisation_by:
        sooner = CERTIFICATE
    return RenewalDates(
        certificate_until,
        organisation_by,
        sooner,
        certificate_until is not None and certificate_until <= today,
        organisation_by <= today,
    )
