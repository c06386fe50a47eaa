"""The certificate pages in one statement each: the learner's page and the public check.

On the learner's page, its holder, the passing attempt's score, the Open Badges credential
and the learner's completions (for the module to study next) come back as rows of one
UNION ALL; the public check reads the certificate with its credential, and a credential's
download its signed file.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select

from app import db
from app.domain.certificate_codes import normalise_code
from app.domain.certificates import CertificateDetails
from app.domain.content import Module
from app.models import Attempt, Certificate, User, utcnow
from app.models_credentials import Credential
from app.services import credential_checks, learner_rows, learning, tagged_rows
from app.services.certificates import Verified, details_for
from app.services.credential_checks import CredentialState
from app.services.learner_rows import SELF
from app.services.tagged_rows import branch


@dataclass(frozen=True)
class CertificatePage:
    """The learner's certificate page: what it prints, its credential, the module next."""

    details: CertificateDetails
    credential: CredentialState | None
    next_module: Module | None


class _Earned(NamedTuple):
    code: str
    issued_at: datetime
    reflective_account: dict | None


class _Credential(NamedTuple):
    jwt: str
    revoked_reason: str | None
    issued_at: datetime
    valid_until: datetime | None
    revoked_at: datetime | None


_MODULE = bindparam("module_slug")
_EARNED = (Certificate.user_id == SELF) & (Certificate.module_slug == _MODULE)
_EARNED &= Certificate.withdrawn_at.is_(None)
_PAGE = (
    learner_rows.PERSON,
    learner_rows.COMPLETIONS,
    # texts: code; number: the passing attempt's percent; time: issued; the reflection.
    branch(
        "earned",
        text=(Certificate.code,),
        number=(Attempt.percent,),
        at=(Certificate.issued_at,),
        doc=(Certificate.reflective_account,),
    )
    .join(Attempt, Attempt.id == Certificate.attempt_id)
    .where(_EARNED),
    # texts: the signed credential, why revoked; times: issued, valid until, revoked.
    branch(
        "credential",
        text=(Credential.jwt, Credential.revoked_reason),
        at=(Credential.issued_at, Credential.valid_until, Credential.revoked_at),
    )
    .join(Certificate, Certificate.id == Credential.certificate_id)
    .where(_EARNED),
)


def page(
    user_id: int, module: Module, catalogue, now: datetime | None = None
) -> CertificatePage | None:
    """Return the learner's certificate page for a module, or None if not earned (one statement)."""
    found = tagged_rows.read(_PAGE, user_id=user_id, module_slug=module.slug)
    person, earned = learner_rows.person_of(found), found.get("earned")
    if person is None or not earned:
        return None
    certificate = _Earned(earned[0].text[0], earned[0].at[0], earned[0].doc[0])
    credential = None
    for row in found.get("credential", ()):
        credential = credential_checks.state_from(
            _Credential(*row.text[:2], *row.at),
            certificate.code,
            person.full_name,
            module.slug,
            now or utcnow(),
        )
    done: dict[str, set[str]] = defaultdict(set)
    for row in found.get("done", ()):
        done[row.text[0]].add(row.text[1])
    return CertificatePage(
        details_for(person, certificate, earned[0].number[0], module, catalogue),
        credential,
        learning.next_module(
            {slug: frozenset(keys) for slug, keys in done.items()}, catalogue, after=module
        ),
    )


_CHECK = (
    select(
        User.full_name,
        Certificate.module_slug,
        Certificate.issued_at,
        Certificate.withdrawn_at,
        Credential.jwt,
        Credential.revoked_reason,
        Credential.issued_at,
        Credential.valid_until,
        Credential.revoked_at,
        Credential.id.is_not(None),
    )
    .join(User, User.id == Certificate.user_id)
    .outerjoin(Credential, Credential.certificate_id == Certificate.id)
    .where(Certificate.code == bindparam("code"))
)


_SIGNED = (
    select(Credential.jwt)
    .join(Certificate, Certificate.id == Credential.certificate_id)
    .where(_EARNED)
)


def signed_credential(user_id: int, module_slug: str) -> str | None:
    """Return the learner's signed credential (VC-JWT) for a module, if issued (one query)."""
    return db.session().scalar(_SIGNED, {"user_id": user_id, "module_slug": module_slug})


def check(code: str, now: datetime | None = None) -> tuple[Verified | None, CredentialState | None]:
    """Return the public facts behind a certificate code and its credential's state (one query).

    An unknown code has neither; a certificate issued without a credential has no state.
    """
    if len(code) > 64:
        return None, None
    row = db.session().execute(_CHECK, {"code": normalise_code(code)}).one_or_none()
    if row is None:
        return None, None
    name, slug, issued, withdrawn, *credential, issued_with_credential = row
    state = None
    if issued_with_credential:
        state = credential_checks.state_from(
            _Credential(*credential), normalise_code(code), name, slug, now or utcnow()
        )
    return Verified(None if withdrawn else name, slug, issued, withdrawn), state
