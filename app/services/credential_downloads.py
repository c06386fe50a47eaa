"""The learner's downloads of their signed credentials, one statement each.

A download hands over the credential exactly as it was signed, while it stands. Once
revoked it is withdrawn, as the certificate's PDF is: the download reads, in the same
statement, what the certificate's public check says of it, and the learner is shown that
instead (docs/credentials.md). Their data export still holds it, marked revoked: it is
their own data (services/data_rights.py).
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from app import db
from app.domain.certificate_codes import normalise_code
from app.models import Certificate, utcnow
from app.models_credentials import Credential
from app.services import credential_checks
from app.services.certificates import LATEST, Verified
from app.services.credential_checks import CredentialState
from app.services.learner_rows import SELF


@dataclass(frozen=True)
class Download:
    """A learner's signed credential, or, once revoked, what its public check says."""

    code: str
    signed: str  # the VC-JWT as signed; empty once revoked
    # A revoked credential's certificate and state, as its public check reads them.
    revoked: tuple[Verified, CredentialState] | None = None


_MINE = (Certificate.user_id == SELF) & (Certificate.module_slug == bindparam("module_slug"))
_MINE &= Certificate.withdrawn_at.is_(None)


def _download(which):
    """Return the statement reading the learner's credential that `which` picks."""
    return (
        select(
            Certificate.code,
            Certificate.holder_name,
            Certificate.module_slug,
            Certificate.module_title,
            Certificate.issued_at.label("certificate_issued_at"),
            Certificate.withdrawn_at,
            Credential.jwt,
            Credential.revoked_reason,
            Credential.issued_at,
            Credential.valid_until,
            Credential.revoked_at,
        )
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(_MINE & which)
    )


_LATEST = _download(LATEST)
_OF_CODE = _download(Certificate.code == bindparam("code"))


def latest(user_id: int, module_slug: str) -> Download | None:
    """Return the credential of the learner's latest certificate for a module, if issued."""
    row = db.session().execute(_LATEST, {"user_id": user_id, "module_slug": module_slug})
    return _found(row.one_or_none())


def of_certificate(user_id: int, module_slug: str, code: str) -> Download | None:
    """Return the credential of the learner's certificate for a module with this code, latest
    or earlier, if issued; another learner's or module's is None."""
    if len(code) > 64:
        return None
    parameters = {"user_id": user_id, "module_slug": module_slug, "code": normalise_code(code)}
    return _found(db.session().execute(_OF_CODE, parameters).one_or_none())


def _found(row) -> Download | None:
    if row is None:
        return None
    if row.revoked_at is None:
        # An erased learner's credential keeps no text (services/erasure.py).
        return Download(row.code, row.jwt) if row.jwt else None
    certificate = Verified(
        None if row.withdrawn_at else row.holder_name,
        row.module_slug,
        row.module_title,
        row.certificate_issued_at,
        row.withdrawn_at,
    )
    state = credential_checks.state_from(row, row.code, row.holder_name, row.module_title, utcnow())
    return Download(row.code, "", (certificate, state))
