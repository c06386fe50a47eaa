"""Open Badges credentials: issue one with each certificate, sign and store it, hand it out.

What is signed is stored as it was signed (Credential.jwt): a later edit to a module, a
framework or the learner's name never changes a credential already issued. What a
credential claims is worked out in credential_claims.py; revoking one is in
credential_revocations.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import bindparam, exists, func, insert, select
from sqlalchemy.orm import Session

from app import db
from app.content import catalogue
from app.domain import open_badges, status_list
from app.domain.certificate_codes import new_certificate_code
from app.domain.competencies import PracticeEvent
from app.domain.dates import iso_utc
from app.domain.open_badges import AchievementFacts, Evidence
from app.issuer_keys import SigningKey, signing_key
from app.models import Attempt, Certificate, utcnow
from app.models_credentials import Credential, IssuerKey
from app.services import module_as_started
from app.services.credential_claims import (
    any_confirmed,
    certified,
    confirmations,
    credential_facts,
    key_url,
    recorded_achievement,
    status_list_url,
)
from app.services.quizzes import aware
from app.services.upsert import insert_for, insert_for_dialect

if TYPE_CHECKING:
    from app.services.grading import GradedAttempt


def issue_for(session: Session, attempt_id: int, now: datetime) -> None:
    """Issue the credential of the certificate a passing attempt earned, if it has none yet."""
    certificate = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt_id))
    if certificate is not None and certificate.withdrawn_at is None:
        issue(session, certificate, now)


def certify(
    session: Session,
    attempt: GradedAttempt,
    holder: Holder,
    now: datetime,
    practice: Mapping[str, Sequence[PracticeEvent]] | None = None,
) -> None:
    """Add the certificate a passed attempt earns, and issue its credential with it.

    Both are written in the caller's transaction. The certificate's INSERT also returns the
    credential's number (its place in the status lists) and whether the signing key is
    recorded, so a new certificate's credential costs one more statement. `practice` is the
    learner's practice steps by competency, as grading read them: without a confirmation
    among them, there is none to name as evidence and nothing more to read.
    """
    key = signing_key()
    code = new_certificate_code()
    # The module as the attempt started under it, as its grade is: a content edit since
    # changes neither (module_as_started.py).
    module = module_as_started.of(attempt)
    achievement = module.achievement
    added = (
        session.connection()
        .execute(
            _certificate_insert(session.get_bind().dialect.name),
            {
                "code": code,
                "user_id": attempt.user_id,
                "module_slug": attempt.module_slug,
                "attempt_id": attempt.id,
                "issued_at": now,
                "thumbprint": key.thumbprint,
                **certified(holder, module),
            },
        )
        .first()
    )
    if added is None:
        # This attempt has its certificate already (a second tab or submit of the same pass):
        # it keeps its credential, or gets one now if it was issued before credentials were.
        # A later passing attempt (a renewal) is a new row: a certificate of its own.
        issue_for(session, attempt.id, now)
        return
    certificate_id, number, key_known = added
    if achievement is None:
        return  # a module since removed: nothing to describe the achievement with
    certificate = Certified(certificate_id, code, attempt.user_id, attempt.module_slug, now)
    named = module.competencies
    confirmed = ()
    if any_confirmed(certificate, practice, named):
        confirmed = confirmations(certificate, named)
    _sign_and_store(
        session, key, key_known, number, certificate, holder, achievement, attempt, confirmed, now
    )


def issue(session: Session, certificate: Certificate, now: datetime) -> bool:
    """Sign and store the credential for a certificate; False if it has one or lost its module."""
    if catalogue().module(certificate.module_slug) is None:
        return False  # a module since removed: nothing to describe the achievement with
    if session.scalar(select(Credential.id).where(Credential.certificate_id == certificate.id)):
        return False
    key = signing_key()
    number, key_known = session.execute(
        _next_credential(session.get_bind().dialect.name), {"thumbprint": key.thumbprint}
    ).one()
    # The credential says what the certificate recorded at issue, not what is true today.
    holder = Holder(
        certificate.holder_name,
        certificate.holder_registration_number,
        certificate.holder_profession,
    )
    achievement = recorded_achievement(certificate)
    # Grading set the attempt's grade on the session's copy as it wrote the row.
    attempt = session.get(Attempt, certificate.attempt_id)
    certified = Certified(
        certificate.id,
        certificate.code,
        certificate.user_id,
        certificate.module_slug,
        certificate.issued_at,
    )
    confirmed = confirmations(certified, certificate.competencies)
    _sign_and_store(
        session, key, key_known, number, certified, holder, achievement, attempt, confirmed, now
    )
    return True


class Holder(NamedTuple):
    """What a credential says of its holder (as locks.LockedLearner reads them)."""

    full_name: str
    registration_number: str | None
    profession: str


class Certified(NamedTuple):
    id: int
    code: str
    user_id: int
    module_slug: str
    issued_at: datetime


def _sign_and_store(
    session: Session,
    key: SigningKey,
    key_known: bool,
    number: int,
    certificate: Certified,
    holder: Holder,
    achievement: AchievementFacts,
    attempt: GradedAttempt | Attempt,
    confirmed: tuple[Evidence, ...],
    now: datetime,
) -> None:
    """Sign the credential numbered `number` and add its row, with the key if it is new."""
    now = aware(now)
    if not key_known:
        _remember_key(session, key, now)
    status_number, status_index = status_list.place(number)
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    facts = credential_facts(
        certificate,
        holder,
        achievement,
        attempt,
        confirmed,
        credential_id,
        status_list_url(status_number, key.thumbprint),
        status_index,
        now,
    )
    claims = open_badges.jwt_claims(open_badges.credential(facts))
    session.connection().execute(
        _INSERT_CREDENTIAL,
        {
            "id": number,
            "certificate_id": certificate.id,
            "credential_id": credential_id,
            "status_list": status_number,
            "status_index": status_index,
            "key_id": key.thumbprint,
            "jwt": key.sign(claims, key_url(key.thumbprint)),
            "issued_at": now,
            "valid_until": facts.valid_until,
        },
    )


_INSERT_CREDENTIAL = insert(Credential.__table__)


def _next_number(dialect: str):
    """Return the next credential's id as an expression, for the statement that adds it."""
    if dialect == "postgresql":
        return func.nextval(func.pg_get_serial_sequence("credential", "id"))
    # SQLite: the transaction holds the database's one write lock, so no one else can
    # take the same number before the row is in.
    return select(func.coalesce(func.max(Credential.id), 0) + 1).scalar_subquery()


def _key_known():
    return exists().where(IssuerKey.thumbprint == bindparam("thumbprint"))


_STATEMENTS: dict = {}


def _certificate_insert(dialect: str):
    """Return the certificate's INSERT, returning its id, the credential's number and the key.

    Built once per database: it runs on every passing submit.
    """
    found = _STATEMENTS.get(("certificate", dialect))
    if found is None:
        table = Certificate.__table__
        found = _STATEMENTS[("certificate", dialect)] = (
            insert_for_dialect(dialect)(table)
            .on_conflict_do_nothing(index_elements=["attempt_id"])
            .returning(table.c.id, _next_number(dialect), _key_known())
        )
    return found


def _next_credential(dialect: str):
    """Return the query for the next credential's number and whether the key is recorded."""
    found = _STATEMENTS.get(("credential", dialect))
    if found is None:
        found = _STATEMENTS[("credential", dialect)] = select(_next_number(dialect), _key_known())
    return found


def issue_missing() -> int:
    """Issue credentials for certificates earned before credentials existed; return how many."""
    session = db.session()
    waiting = session.scalars(
        select(Certificate)
        .outerjoin(Credential, Credential.certificate_id == Certificate.id)
        .where(Credential.id.is_(None), Certificate.withdrawn_at.is_(None))
        .order_by(Certificate.id)
    ).all()
    issued = sum(1 for certificate in waiting if issue(session, certificate, certificate.issued_at))
    session.commit()
    return issued


def export_for(user_id: int) -> list[dict]:
    """Return the learner's credentials, each with the signed file, for their data export."""
    rows = db.session().execute(
        select(Credential, Certificate.code, Certificate.module_slug)
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(Certificate.user_id == user_id)
        .order_by(Credential.id)
    )
    return [
        {
            "id": c.credential_id,
            "certificate": code,
            "module": slug,
            "issued_at": iso_utc(c.issued_at),
            "valid_until": iso_utc(c.valid_until),
            "revoked_at": iso_utc(c.revoked_at),
            "revoked_reason": c.revoked_reason,
            "status_list_index": f"{c.status_list}:{c.status_index}",
            "credential": c.jwt or None,
        }
        for c, code, slug in rows
    ]


def remember_signing_key(session: Session) -> None:
    """Record this app's signing key among the issuer's keys, if it is not there yet."""
    _remember_key(session, signing_key(), utcnow())


def _remember_key(session: Session, key: SigningKey, now: datetime) -> None:
    session.execute(
        insert_for(session)(IssuerKey)
        .values(thumbprint=key.thumbprint, public_jwk=key.public_jwk(), first_used_at=now)
        .on_conflict_do_nothing(index_elements=["thumbprint"])
    )
