"""CPD certificates: what a learner earned, their reflective account, public verification.

A learner holds a certificate for each pass of a module's quiz that earned one (a renewal
earns its own). Whatever looks one up by learner and module takes the latest (LATEST):
the latest issued, then the highest id, never whichever a query happens to find first.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from app import db
from app.domain import reflection
from app.domain.accounts import PROFESSIONS
from app.domain.certificates import CertificateDetails
from app.domain.dates import uk_day
from app.links import absolute_url
from app.models import Attempt, Certificate
from app.models_credentials import Credential
from app.services import locks
from app.services.quizzes import aware

_LATER = aliased(Certificate, name="later_certificate")

# The certificate of the statement is its holder's latest for its module: no certificate of
# theirs for the module, not withdrawn, was issued after it (or at the same time, after it).
LATEST = ~exists().where(
    _LATER.user_id == Certificate.user_id,
    _LATER.module_slug == Certificate.module_slug,
    _LATER.withdrawn_at.is_(None),
    or_(
        _LATER.issued_at > Certificate.issued_at,
        and_(_LATER.issued_at == Certificate.issued_at, _LATER.id > Certificate.id),
    ),
)

# Latest first: how a list of one learner's certificates for a module is ordered.
NEWEST_FIRST = (Certificate.issued_at.desc(), Certificate.id.desc())


@dataclass(frozen=True)
class Verified:
    """The little a public check of a certificate reveals, as recorded when it was issued."""

    learner_name: str | None  # None once withdrawn
    module_slug: str
    module_title: str
    issued_at: datetime
    withdrawn_at: datetime | None
    # What it says of its content's clinical review, as the module stood at issue.
    content_review: str = ""


def save_reflection(user_id: int, module_slug: str, values) -> reflection.Saving | None:
    """Keep the parts of the reflective account the form changed; None if not earned.

    The account is the latest certificate's, the one the page shows. Nothing is written
    when the form breaks a rule, or was drawn for a certificate that is no longer the
    latest (a renewal issued since: the earlier one keeps its own account); a part changed
    here and elsewhere since the form was drawn is left as saved (see reflection.save).
    """
    session = db.session()
    # A learner's saves run one after another: each compares with what the last committed.
    locks.lock_learner(session, user_id)
    certificate = session.scalar(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.module_slug == module_slug,
            Certificate.withdrawn_at.is_(None),
        )
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if certificate is None:
        session.rollback()
        return None
    drawn_for = values.get(reflection.CERTIFICATE)
    if drawn_for and drawn_for != certificate.code:
        session.rollback()
        return reflection.superseded(certificate.reflective_account, values)
    saving = reflection.save(certificate.reflective_account, values)
    if saving.changed:
        certificate.reflective_account = saving.account
    session.commit()
    return saving


def verify_url(code: str) -> str:
    """Return the public address that confirms a certificate (from the configured base URL)."""
    return absolute_url("certificates.verify", code=code)


def details(certificate: Certificate) -> CertificateDetails:
    """Gather what the certificate prints, with its credential's validity if it has one."""
    session = db.session()
    attempt = session.get(Attempt, certificate.attempt_id)
    credential = session.execute(
        select(Credential.valid_until, Credential.revoked_at).where(
            Credential.certificate_id == certificate.id
        )
    ).one_or_none()
    return details_for(certificate, attempt.percent, credential)


def details_for(certificate, percent: int | None, credential=None) -> CertificateDetails:
    """Gather what the certificate prints, as it recorded it when issued.

    `certificate` has the certificate's columns as attributes: its code, issue time and
    reflective account, and what it certifies (its holder, the module, its competencies).
    `credential`, the credential issued with it (its `valid_until` and `revoked_at`), if any:
    its validity is the one it signed. Neither today's content nor today's account comes
    into it, so a framework's validity changed since leaves the date as signed.
    """
    profession = certificate.holder_profession
    return CertificateDetails(
        learner_name=certificate.holder_name,
        profession=PROFESSIONS.get(profession, profession),
        registration_number=certificate.holder_registration_number,
        module_title=certificate.module_title,
        completed_on=uk_day(certificate.issued_at),
        cpd_minutes=certificate.cpd_minutes,
        learning_outcomes=tuple(certificate.learning_outcomes),
        competencies=tuple((code, name) for code, name in certificate.competencies),
        score_percent=percent or 0,
        code=certificate.code,
        verify_url=verify_url(certificate.code),
        reflection=dict(certificate.reflective_account or {}),
        valid_until=_day(credential.valid_until) if credential else None,
        revoked_on=_day(credential.revoked_at) if credential else None,
        clinical_reviewer=certificate.clinical_reviewer,
    )


def _day(moment: datetime | None) -> date | None:
    # Stored times are UTC (SQLite hands them back without their zone).
    return uk_day(aware(moment)) if moment is not None else None
