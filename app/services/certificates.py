"""CPD certificates: what a learner earned, their reflection, and public verification."""

from dataclasses import dataclass

from sqlalchemy import select

from app import db
from app.domain.accounts import PROFESSIONS
from app.domain.certificate_codes import normalise_code
from app.domain.certificates import CertificateDetails
from app.domain.content import Module
from app.models import Attempt, Certificate, User

MAX_REFLECTION = 5000


@dataclass(frozen=True)
class Verified:
    """The little a public check of a certificate reveals."""

    learner_name: str
    module_slug: str
    issued_at: object


def certificate_of(user_id: int, module_slug: str) -> Certificate | None:
    """Return the learner's certificate for a module, if they have earned it."""
    return db.session().scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.module_slug == module_slug
        )
    )


def save_reflection(certificate: Certificate, text: str) -> None:
    """Keep the learner's reflection, printed on the certificate."""
    certificate.reflection = text.strip()[:MAX_REFLECTION]
    db.session().commit()


def details(
    certificate: Certificate, module: Module, verify_url: str, catalogue
) -> CertificateDetails:
    """Gather what the certificate prints."""
    session = db.session()
    user = session.get(User, certificate.user_id)
    attempt = session.get(Attempt, certificate.attempt_id)
    return CertificateDetails(
        learner_name=user.full_name,
        profession=PROFESSIONS.get(user.profession, user.profession),
        registration_number=user.registration_number,
        module_title=module.title,
        completed_on=certificate.issued_at.date(),
        cpd_minutes=module.cpd_minutes,
        learning_outcomes=module.learning_outcomes,
        competencies=tuple(
            (code, c.name) for code in module.competency_codes if (c := catalogue.competency(code))
        ),
        score_percent=attempt.percent or 0,
        code=certificate.code,
        verify_url=verify_url,
        reflection=certificate.reflection,
    )


def verify(code: str) -> Verified | None:
    """Return the public facts behind a certificate code, or None for an unknown code."""
    row = (
        db.session()
        .execute(
            select(User.full_name, Certificate.module_slug, Certificate.issued_at)
            .join(User, User.id == Certificate.user_id)
            .where(Certificate.code == normalise_code(code))
        )
        .one_or_none()
    )
    return Verified(*row) if row else None
