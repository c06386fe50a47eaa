"""Open Badges credentials: issue one with each certificate, hand it out, revoke it.

What is signed is stored as it was signed (Credential.jwt): a later edit to a module, a
framework or the learner's name never changes a credential already issued.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from flask import current_app
from sqlalchemy import bindparam, exists, func, insert, select, update
from sqlalchemy.orm import Session

from app import db
from app.content import catalogue
from app.domain import open_badges, status_list
from app.domain.certificate_codes import new_certificate_code
from app.domain.competencies import PracticeEvent
from app.domain.frameworks_exchange.identifiers import identifier, uri
from app.domain.open_badges import (
    AchievementFacts,
    Alignment,
    CredentialFacts,
    Evidence,
    Issuer,
)
from app.issuer_keys import SigningKey, signing_key
from app.links import absolute_url
from app.models import Attempt, Certificate, utcnow
from app.models_credentials import Credential, IssuerKey
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services import audit
from app.services.certificates import verify_url
from app.services.quizzes import aware
from app.services.upsert import insert_for, insert_for_dialect

if TYPE_CHECKING:
    from app.services.grading import GradedAttempt

MAX_REASON = 500


def issuer() -> Issuer:
    """Return Linkwise as the issuer, at the configured base URL."""
    return _per_app(
        ("issuer",),
        lambda: Issuer(
            id=absolute_url("credentials.issuer_profile"),
            name=current_app.config["ISSUER_NAME"],
            url=current_app.config["BASE_URL"] + "/",
        ),
    )


def key_url(thumbprint: str) -> str:
    """Return the address that serves one public key as a JWK (the JWT header's kid)."""
    return _per_app(
        ("key", thumbprint),
        lambda: absolute_url("credentials.public_key", thumbprint=thumbprint),
    )


def status_list_url(number: int, thumbprint: str) -> str:
    """Return the address of status list N as signed by the key with this thumbprint."""
    # Every key serves the same bits of list N: a credential names the list signed by its
    # own key, for verifiers that require the list and the credential to share a key.
    return _per_app(
        ("status list", number, thumbprint),
        lambda: absolute_url("credentials.status_list", thumbprint=thumbprint, number=number),
    )


def _per_app(key: tuple, make):
    # These depend on the app's configuration only, which does not change while it runs:
    # each is worked out once per app, not on every credential issued.
    found = current_app.extensions.setdefault("linkwise.credential_urls", {})
    if key not in found:
        found[key] = make()
    return found[key]


def issue_for(session: Session, user_id: int, module_slug: str, now: datetime) -> None:
    """Issue the credential of the learner's certificate for a module, if it has none yet."""
    certificate = session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.module_slug == module_slug
        )
    )
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
    achievement = achievement_facts(attempt.module_slug)
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
                **certified(holder, achievement, attempt.module_slug),
            },
        )
        .first()
    )
    if added is None:
        # The learner holds this module's certificate already: it keeps its credential, or
        # gets one now if it was issued before credentials were.
        issue_for(session, attempt.user_id, attempt.module_slug, now)
        return
    certificate_id, number, key_known = added
    if achievement is None:
        return  # a module since removed: nothing to describe the achievement with
    certificate = _Certified(certificate_id, code, attempt.user_id, attempt.module_slug, now)
    confirmed = confirmations(certificate) if _any_confirmed(certificate, practice) else ()
    _sign_and_store(
        session, key, key_known, number, certificate, holder, achievement, attempt, confirmed, now
    )


def certified(holder: Holder, achievement: AchievementFacts | None, module_slug: str) -> dict:
    """Return what a certificate records at issue: its holder, and the module as signed.

    The same values go into its credential, so the certificate and the credential agree
    whatever is edited later. A module gone from the content (`achievement` None) leaves its
    slug as the title and claims no CPD time.
    """
    return {
        "holder_name": holder.full_name,
        "holder_profession": holder.profession,
        "holder_registration_number": holder.registration_number,
        "module_title": achievement.title if achievement else module_slug,
        "cpd_minutes": achievement.cpd_minutes if achievement else 0,
        "learning_outcomes": list(achievement.learning_outcomes) if achievement else [],
        "competencies": [[a.code, a.name] for a in achievement.alignments] if achievement else [],
    }


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
    certified = _Certified(
        certificate.id,
        certificate.code,
        certificate.user_id,
        certificate.module_slug,
        certificate.issued_at,
    )
    confirmed = confirmations(certified)
    _sign_and_store(
        session, key, key_known, number, certified, holder, achievement, attempt, confirmed, now
    )
    return True


def recorded_achievement(certificate: Certificate) -> AchievementFacts | None:
    """Return the module as an achievement, as the certificate recorded it at issue.

    Its summary, pass mark and each competency's framework and address come from the
    content; a competency no longer in it is left out (there is no address to align to).
    """
    facts = achievement_facts(certificate.module_slug)
    if facts is None:
        return None
    named = {code: name for code, name in certificate.competencies}
    return replace(
        facts,
        title=certificate.module_title,
        learning_outcomes=tuple(certificate.learning_outcomes),
        cpd_minutes=certificate.cpd_minutes,
        alignments=tuple(
            replace(a, name=named[a.code]) for a in facts.alignments if a.code in named
        ),
    )


class Holder(NamedTuple):
    """What a credential says of its holder (as locks.LockedLearner reads them)."""

    full_name: str
    registration_number: str | None
    profession: str


class _Certified(NamedTuple):
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
    certificate: _Certified,
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
    facts = _facts(
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
            .on_conflict_do_nothing(index_elements=["user_id", "module_slug"])
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
            "issued_at": c.issued_at.isoformat(),
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "revoked_reason": c.revoked_reason,
            "status_list_index": f"{c.status_list}:{c.status_index}",
            "credential": c.jwt or None,
        }
        for c, code, slug in rows
    ]


@dataclass(frozen=True)
class Revocation:
    """What a request to revoke did: "revoked", "already" or "not-found"."""

    outcome: str
    revoked_at: datetime | None = None


def revoke(code: str, reason: str, *, actor_id: int | None = None, via: str = "web") -> Revocation:
    """Revoke the credential of a certificate, once, with the reason; audit it."""
    session = db.session()
    found = session.execute(
        select(Credential.id, Certificate.user_id, Certificate.code)
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(Certificate.code == code)
    ).one_or_none()
    if found is None:
        return Revocation("not-found")
    credential_id, holder_id, code = found
    now = utcnow()
    # Only a credential not yet revoked changes: a second click, tab or worker finds none.
    changed = session.execute(
        update(Credential)
        .where(Credential.id == credential_id, Credential.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason[:MAX_REASON], revoked_by=actor_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        session.rollback()
        return Revocation(
            "already",
            session.scalar(select(Credential.revoked_at).where(Credential.id == credential_id)),
        )
    audit.record(
        session,
        "credential.revoked",
        actor_id=actor_id,
        subject_id=holder_id,
        via=via,
        certificate=code,
        reason=reason[:MAX_REASON],
    )
    session.commit()
    return Revocation("revoked", now)


def withdraw_for_erasure(session: Session, user_id: int, now: datetime) -> None:
    """Revoke an erased learner's credentials and forget what they said (their name)."""
    certificates = select(Certificate.id).where(Certificate.user_id == user_id)
    session.execute(
        update(Credential)
        .where(Credential.certificate_id.in_(certificates), Credential.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason="The holder deleted their account.")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Credential)
        .where(Credential.certificate_id.in_(certificates))
        .values(jwt="")
        .execution_options(synchronize_session=False)
    )


def remember_signing_key(session: Session) -> None:
    """Record this app's signing key among the issuer's keys, if it is not there yet."""
    _remember_key(session, signing_key(), utcnow())


def _remember_key(session: Session, key: SigningKey, now: datetime) -> None:
    session.execute(
        insert_for(session)(IssuerKey)
        .values(thumbprint=key.thumbprint, public_jwk=key.public_jwk(), first_used_at=now)
        .on_conflict_do_nothing(index_elements=["thumbprint"])
    )


def achievement_facts(module_slug: str) -> AchievementFacts | None:
    """Return a module as an achievement, as the catalogue has it now."""
    # Worked out once per module and catalogue (a content reload brings a new catalogue),
    # not on every credential issued: the facts depend on nothing else but the app's URL.
    found = catalogue()
    known = current_app.extensions.setdefault("linkwise.achievement_facts", {})
    cached = known.get(module_slug)
    if cached is not None and cached[0] is found:
        return cached[1]
    facts = _achievement_facts(found, module_slug)
    known[module_slug] = (found, facts)
    return facts


def _achievement_facts(found, module_slug: str) -> AchievementFacts | None:
    module = found.module(module_slug)
    if module is None:
        return None
    competencies = [c for code in module.competency_codes if (c := found.competency(code))]
    titles = {c.framework_id: found.framework(c.framework_id).title for c in competencies}
    return AchievementFacts(
        id=absolute_url("credentials.achievement", module_slug=module.slug),
        title=module.title,
        summary=module.summary,
        learning_outcomes=module.learning_outcomes,
        cpd_minutes=module.cpd_minutes,
        pass_mark=module.assessment.pass_mark if module.assessment else 80,
        alignments=tuple(
            Alignment(
                code=c.code,
                name=c.name,
                framework=titles[c.framework_id],
                target_url=uri(identifier(c.framework_id, "competency", c.code)),
            )
            for c in competencies
        ),
    )


def validity(module_slug: str, profession: str):
    """Return how long a module's credential stays valid: the learner's framework's `valid_for`.

    Read once, when the credential is signed: its `valid_until` is stored with it, and the
    certificate's "valid until" (page and PDF) reads that, so a framework edited later
    changes neither. None when the framework sets no validity.
    """
    framework = catalogue().framework_for(profession)
    return framework.valid_for if framework else None


def _until(period, start: datetime) -> datetime | None:
    # A framework's Duration counts calendar months; a bare timedelta is days.
    if period is None:
        return None
    return period.after(start) if hasattr(period, "after") else start + period


def _facts(
    certificate: _Certified,
    holder: Holder,
    achievement: AchievementFacts,
    attempt: GradedAttempt | Attempt,
    confirmed: tuple[Evidence, ...],
    credential_id: str,
    list_url: str,
    status_index: int,
    now: datetime,
) -> CredentialFacts:
    period = validity(certificate.module_slug, holder.profession)
    return CredentialFacts(
        credential_id=credential_id,
        issuer=issuer(),
        learner_name=holder.full_name,
        registration_number=holder.registration_number,
        achievement=achievement,
        score_percent=attempt.percent or 0,
        certificate_code=certificate.code,
        verify_url=verify_url(certificate.code),
        evidence=(_quiz_evidence(attempt, achievement.pass_mark), *confirmed),
        valid_from=now,
        valid_until=_until(period, now),
        completed_at=attempt.submitted_at or certificate.issued_at,
        status_list_url=list_url,
        status_index=status_index,
    )


def _any_confirmed(certificate: _Certified, practice) -> bool:
    """Say whether the learner may have a confirmation to name (True when practice is unknown)."""
    if practice is None:
        return True
    module = catalogue().module(certificate.module_slug)
    issued_at = aware(certificate.issued_at)
    return any(
        step.kind == "confirmed" and (step.at is None or aware(step.at) <= issued_at)
        for code in (module.competency_codes if module else ())
        for step in practice.get(code, ())
    )


def _quiz_evidence(attempt: GradedAttempt | Attempt, pass_mark: float) -> Evidence:
    when = (attempt.submitted_at or utcnow()).strftime("%-d %B %Y")
    return Evidence(
        name=f"End-of-module quiz, attempt {attempt.number}",
        description=(
            f"Scored {attempt.percent or 0}% against a pass mark of {pass_mark:g}% on {when}. "
            "A quiz shows knowledge; competence in practice needs a supervisor's confirmation."
        ),
        genre="Knowledge assessment",
    )


def confirmations(certificate) -> tuple[Evidence, ...]:
    """Return supervisors' confirmations of the module's competencies, as evidence.

    One Evidence per confirmed request of this learner for a competency the module develops,
    decided before the certificate was issued: what a credential says never depends on later
    events.
    """
    module = catalogue().module(certificate.module_slug)
    codes = tuple(module.competency_codes) if module else ()
    if not codes:
        return ()
    rows = db.session().execute(
        select(
            ConfirmationRequest.competency_code,
            ConfirmationDecision.decided_by_name,
            ConfirmationDecision.decided_at,
        )
        .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
        .where(
            ConfirmationRequest.user_id == certificate.user_id,
            ConfirmationRequest.competency_code.in_(codes),
            ConfirmationDecision.outcome == "confirmed",
            ConfirmationDecision.decided_at <= certificate.issued_at,
        )
        .order_by(ConfirmationDecision.decided_at, ConfirmationRequest.competency_code)
    )
    return tuple(
        Evidence(
            name=f"Practice confirmed: {code}",
            description=(
                f"{name} confirmed this learner's practice in {code} on "
                f"{aware(at).strftime('%-d %B %Y')}, as their supervisor."
            ),
            genre="Supervisor confirmation",
        )
        for code, name, at in rows
    )
