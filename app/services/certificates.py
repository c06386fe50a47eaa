"""CPD certificates: what a learner earned, their reflective account, public verification."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import db
from app.domain import reflection
from app.domain.accounts import PROFESSIONS
from app.domain.certificates import CertificateDetails
from app.domain.content import Module
from app.links import absolute_url
from app.models import Attempt, Certificate, User


@dataclass(frozen=True)
class Verified:
    """The little a public check of a certificate reveals."""

    learner_name: str | None  # None once withdrawn
    module_slug: str
    issued_at: datetime
    withdrawn_at: datetime | None


def certificate_of(user_id: int, module_slug: str) -> Certificate | None:
    """Return the learner's certificate for a module, if they have earned it.

    The learner and the passing attempt come in the same query, so details() finds them in
    the session instead of asking again.
    """
    row = (
        db.session()
        .execute(
            select(Certificate, User, Attempt)
            .join(User, User.id == Certificate.user_id)
            .join(Attempt, Attempt.id == Certificate.attempt_id)
            .where(
                Certificate.user_id == user_id,
                Certificate.module_slug == module_slug,
                Certificate.withdrawn_at.is_(None),
            )
        )
        .first()
    )
    if row is None:
        return None
    # The session holds loaded objects weakly: keep the learner and attempt for the request.
    db.session().info.setdefault("certificate_rows", []).append(row)
    return row[0]


def save_reflection(certificate: Certificate, values: dict) -> None:
    """Keep the learner's reflective account, printed on the certificate."""
    certificate.reflective_account = reflection.clean(values)
    db.session().commit()


def verify_url(code: str) -> str:
    """Return the public address that confirms a certificate (from the configured base URL)."""
    return absolute_url("certificates.verify", code=code)


def details(certificate: Certificate, module: Module, catalogue) -> CertificateDetails:
    """Gather what the certificate prints."""
    session = db.session()
    user = session.get(User, certificate.user_id)
    attempt = session.get(Attempt, certificate.attempt_id)
    return details_for(user, certificate, attempt.percent, module, catalogue)


def details_for(holder, certificate, percent: int | None, module: Module, catalogue):
    """Gather what the certificate prints from its holder's and its own details.

    `holder` has the learner's name, profession and registration number; `certificate`
    its code, issue time and reflective account.
    """
    return CertificateDetails(
        learner_name=holder.full_name,
        profession=PROFESSIONS.get(holder.profession, holder.profession),
        registration_number=holder.registration_number,
        module_title=module.title,
        completed_on=certificate.issued_at.date(),
        cpd_minutes=module.cpd_minutes,
        learning_outcomes=module.learning_outcomes,
        competencies=tuple(
            (code, c.name) for code in module.competency_codes if (c := catalogue.competency(code))
        ),
        score_percent=percent or 0,
        code=certificate.code,
        verify_url=verify_url(certificate.code),
        reflection=dict(certificate.reflective_account or {}),
        valid_until=_valid_until(holder.profession, certificate.issued_at, catalogue),
    )


def _valid_until(profession: str, issued_at: datetime, catalogue):
    framework = catalogue.framework_for(profession)
    valid_for = framework.valid_for if framework else None
    return valid_for.after(issued_at).date() if valid_for else None
