"""What an administrator sees of a credential: its state, its holder as the certificate
recorded them, and who revoked it, when and why (the public checks show none of this)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import db
from app.domain.certificate_codes import normalise_code
from app.models import Certificate, User, utcnow
from app.models_credentials import Credential
from app.services.credential_checks import CredentialState, state_from
from app.services.quizzes import aware

_HOLDER = User.__table__.alias("holder")
_REVOKER = User.__table__.alias("revoker")
_READ = (
    select(
        Credential,
        Certificate.code,
        Certificate.holder_name,
        Certificate.module_title,
        _HOLDER.c.erased_at,
        _REVOKER.c.full_name,
    )
    .join(Certificate, Certificate.id == Credential.certificate_id)
    .outerjoin(_HOLDER, _HOLDER.c.id == Certificate.user_id)
    .outerjoin(_REVOKER, _REVOKER.c.id == Credential.revoked_by)
)


@dataclass(frozen=True)
class AdministeredCredential:
    """A credential as its administrators' page shows it."""

    state: CredentialState
    holder_name: str  # as the certificate recorded it ("Erased account" once erased)
    holder_erased_at: datetime | None  # when the holder's account was erased, if it was
    revoked_by: str | None  # "by Ada Admin", "on the command line", or at the holder's erasure

    def already_revoked(self) -> str:
        """Say, for a second revocation, that this one stands: when, by whom and why."""
        when = self.state.revoked_at
        return (
            f"This credential was already revoked on {when:%-d %B %Y} at {when:%H:%M} UTC "
            f"{self.revoked_by}, with the reason “{self.state.revoked_reason}”. "
            "Your reason was not recorded."
        )


def for_administrator(code: str, now: datetime | None = None) -> AdministeredCredential | None:
    """Return the credential of the certificate with this code, for its administrators'
    page; None if there is none."""
    if len(code) > 64:
        return None
    row = db.session().execute(_READ.where(Certificate.code == normalise_code(code))).first()
    if row is None:
        return None
    credential, code, holder_name, title, erased_at, revoker = row
    state = state_from(credential, code, holder_name, title, now or utcnow())
    erased_at, revoked_at = aware(erased_at), aware(credential.revoked_at)
    if revoked_at is None:
        revoked_by = None
    elif credential.revoked_by is not None:
        revoked_by = f"by {revoker}"
    elif erased_at is not None and revoked_at == erased_at:
        revoked_by = "when the holder deleted their account"
    else:
        revoked_by = "on the command line"
    return AdministeredCredential(state, holder_name, erased_at, revoked_by)
