"""The certificate pages in one statement each: the learner's page and the public check.

On the learner's page, the certificate with the passing attempt's score, the Open Badges
credential, the learner's completions (for the module to study next) and the learner's
other certificates for the module (a renewal earns its own) come back as rows of one UNION
ALL. The page shows the latest certificate (certificates.LATEST) and lists the earlier
ones, each of which has its own PDF and signed credential, asked for by its code (the
credentials' downloads are services/credential_downloads.py). The public check reads the
certificate with its credential. Each shows what the certificate recorded when it was
issued (its holder, the module, its competencies), never today's account or content.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select, union_all

from app import db
from app.domain import dates
from app.domain.certificate_codes import normalise_code
from app.domain.certificates import CertificateDetails, content_review
from app.domain.content import Module
from app.domain.renewal_dates import RenewalDates
from app.models import Attempt, Certificate, utcnow
from app.models_credentials import Credential
from app.services import credential_checks, learner_rows, learning, renewal_dates, tagged_rows
from app.services.certificates import LATEST, Verified, details_for, verify_url
from app.services.credential_checks import CredentialState
from app.services.learner_rows import SELF
from app.services.tagged_rows import branch


@dataclass(frozen=True)
class EarlierCertificate:
    """A certificate the learner earned for the module before the one the page shows."""

    code: str
    issued_at: datetime
    revoked: bool
    verify_url: str
    # Whether a credential was issued with it (one earned before credentials has none until
    # the issue-credentials command signs it).
    has_credential: bool = False


@dataclass(frozen=True)
class CertificatePage:
    """The learner's certificate page: what it prints, its credential, the module next."""

    details: CertificateDetails
    credential: CredentialState | None
    next_module: Module | None
    # The module it certifies as the course has it now; None once it has left the course
    # (the certificate stands, as it recorded what it certifies when issued).
    module: Module | None = None
    # The row saying how the certificate stands: (key, value), as its credential recorded.
    validity: tuple[str, str] = ("", "")
    # The learner's earlier certificates for the module, latest first.
    earlier: tuple[EarlierCertificate, ...] = ()
    # Whether this is the latest certificate for the module (the one the page shows).
    latest: bool = True
    # The day the learner's organisation asks them to renew the module by (an assignment
    # that renews, counted from their latest pass that counts); None when none asks.
    organisation_by: date | None = None
    # That day beside the certificate's valid-until day, where both apply and differ.
    dates: RenewalDates | None = None

    @property
    def completed_through(self) -> EarlierCertificate | None:
        """Return, when this latest certificate is revoked, the latest earlier one that still
        stands: its pass counts, so the module stays completed through it (services/passes.py).
        """
        if not (self.latest and self.credential and self.credential.revoked):
            return None
        return next((older for older in self.earlier if not older.revoked), None)


class _Earned(NamedTuple):
    """The certificate's own columns, as details_for reads them."""

    code: str
    holder_name: str
    holder_profession: str
    holder_registration_number: str | None
    module_title: str
    cpd_minutes: int
    issued_at: datetime
    reflective_account: dict | None
    learning_outcomes: list
    competencies: list
    clinical_reviewer: str | None = None


class _Credential(NamedTuple):
    jwt: str
    revoked_reason: str | None
    issued_at: datetime
    valid_until: datetime | None
    revoked_at: datetime | None


_MODULE = bindparam("module_slug")
_MINE = (Certificate.user_id == SELF) & (Certificate.module_slug == _MODULE)
_MINE &= Certificate.withdrawn_at.is_(None)
# The certificate the page shows: the latest, or the one named by its code.
_EARNED = _MINE & LATEST
_CODED = _MINE & (Certificate.code == bindparam("code"))


def _page(earned):
    """Return the page's statement for the certificate `earned` picks among the learner's."""
    return union_all(
        learner_rows.COMPLETIONS,
        # texts: code, holder's name, profession and number, module title, its clinical
        # reviewer at issue; numbers: the passing attempt's percent, CPD minutes; time:
        # issued; documents: the reflection, outcomes.
        branch(
            "earned",
            text=(
                Certificate.code,
                Certificate.holder_name,
                Certificate.holder_profession,
                Certificate.holder_registration_number,
                Certificate.module_title,
                Certificate.clinical_reviewer,
            ),
            number=(Attempt.percent, Certificate.cpd_minutes),
            at=(Certificate.issued_at,),
            doc=(Certificate.reflective_account, Certificate.learning_outcomes),
        )
        .join(Attempt, Attempt.id == Certificate.attempt_id)
        .where(earned),
        # document: the competencies it records (a row of its own: two documents a row at most).
        branch("competencies", doc=(Certificate.competencies,)).where(earned),
        # texts: the signed credential, why revoked; times: issued, valid until, revoked.
        branch(
            "credential",
            text=(Credential.jwt, Credential.revoked_reason),
            at=(Credential.issued_at, Credential.valid_until, Credential.revoked_at),
        )
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(earned),
        # Every certificate of the learner's for the module: text: code; numbers: its id, its
        # credential's id; times: issued, its credential revoked.
        branch(
            "issued",
            text=(Certificate.code,),
            number=(Certificate.id, Credential.id),
            at=(Certificate.issued_at, Credential.revoked_at),
        )
        .outerjoin(Credential, Credential.certificate_id == Certificate.id)
        .where(_MINE),
        # The learner's organisation's renewal of the module, if it asks for one.
        *renewal_dates.ORGANISATION_ROWS,
    )


_PAGE, _PAGE_OF_CODE = _page(_EARNED), _page(_CODED)


def page(
    user_id: int,
    module_slug: str,
    catalogue,
    now: datetime | None = None,
    code: str | None = None,
) -> CertificatePage | None:
    """Return the learner's certificate page for a module, or None if not earned (one statement).

    The page is the latest certificate's, or with `code` that certificate's, if it is the
    learner's for this module. A module since removed from the course still has its page,
    from what the certificate recorded: nothing comes after it, as it is no longer in the
    course.
    """
    if code is None:
        found = tagged_rows.read(_PAGE, user_id=user_id, module_slug=module_slug)
    else:
        found = tagged_rows.read(
            _PAGE_OF_CODE, user_id=user_id, module_slug=module_slug, code=normalise_code(code)
        )
    earned = found.get("earned")
    if not earned:
        return None
    row = earned[0]
    certificate = _Earned(
        *row.text[:5],
        row.number[1],
        row.at[0],
        *row.doc,
        found["competencies"][0].doc[0],
        row.text[5],
    )
    credential = recorded = None
    for row in found.get("credential", ()):
        recorded = _Credential(*row.text[:2], *row.at)
        credential = credential_checks.state_from(
            recorded,
            certificate.code,
            certificate.holder_name,
            certificate.module_title,
            now or utcnow(),
        )
    module = catalogue.module(module_slug)
    next_module = None
    if module is not None:
        done: dict[str, set[str]] = defaultdict(set)
        for row in found.get("done", ()):
            done[row.text[0]].add(row.text[1])
        next_module = learning.next_module(
            {slug: frozenset(keys) for slug, keys in done.items()}, catalogue, after=module
        )
    details = details_for(certificate, earned[0].number[0], recorded)
    issued = sorted(found["issued"], key=lambda row: (_utc(row.at[0]), row.number[0]))
    earlier = tuple(
        EarlierCertificate(
            row.text[0],
            _utc(row.at[0]),
            row.at[1] is not None,
            verify_url(row.text[0]),
            row.number[1] is not None,
        )
        for row in reversed(issued[:-1])
    )
    latest = issued[-1].text[0] == certificate.code
    today = dates.uk_today(now)
    organisation_by = renewal_dates.organisation_by(found, catalogue, today)
    return CertificatePage(
        details,
        credential,
        next_module,
        module,
        _validity(credential),
        earlier,
        latest,
        organisation_by,
        renewal_dates.beside_credential(credential, organisation_by, today) if latest else None,
    )


def _utc(moment: datetime) -> datetime:
    # SQLite hands stored times back without their zone: every one is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _validity(credential: CredentialState | None) -> tuple[str, str]:
    """Return the row saying how the certificate stands, from its credential as recorded."""
    if credential is None:
        return ("Valid until", "Not recorded: no credential has been issued with it")
    if credential.revoked:
        return ("Status", f"Revoked on {_day(credential.revoked_at)}")
    if credential.valid_until is None:
        return ("Valid until", "No end date")
    until = _day(credential.valid_until)
    if credential.status == "expired":
        return ("Valid until", f"{until}: it has expired, so the learning it records is due again")
    # The date alone: the credential records when it ends, not which evidence set it, and
    # a reason worked out from today's files would change with them (and could be untrue of
    # a credential signed under an earlier rule).
    return ("Valid until", until)


def _day(moment: datetime) -> str:
    return dates.day(moment)


_CHECK = (
    select(
        Certificate.holder_name,
        Certificate.module_slug,
        Certificate.module_title,
        Certificate.issued_at,
        Certificate.withdrawn_at,
        Certificate.clinical_reviewer,
        Credential.jwt,
        Credential.revoked_reason,
        Credential.issued_at,
        Credential.valid_until,
        Credential.revoked_at,
        Credential.id.is_not(None),
    )
    .outerjoin(Credential, Credential.certificate_id == Certificate.id)
    .where(Certificate.code == bindparam("code"))
)


def check(code: str, now: datetime | None = None) -> tuple[Verified | None, CredentialState | None]:
    """Return the public facts behind a certificate code and its credential's state (one query).

    An unknown code has neither; a certificate issued without a credential has no state.
    """
    if len(code) > 64:
        return None, None
    row = db.session().execute(_CHECK, {"code": normalise_code(code)}).one_or_none()
    if row is None:
        return None, None
    name, slug, title, issued, withdrawn, reviewer, *credential, issued_with_credential = row
    state = None
    if issued_with_credential:
        state = credential_checks.state_from(
            _Credential(*credential), normalise_code(code), name, title, now or utcnow()
        )
    review = content_review(reviewer)
    return Verified(None if withdrawn else name, slug, title, issued, withdrawn, review), state
