"""Revoking credentials, by an administrator or at the holder's erasure, and what an
administrator sees of one: its state, its holder as the certificate recorded them, and who
revoked it, when and why (the public checks show none of this).

A revocation withdraws the passes it reaches (services/passes.py): in its transaction each
is recorded in `revoked_pass`, so its answers stop counting as evidence, and the learner is
re-rated in every competency they were evidence for, by the one rating function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session

from app import db
from app.content import catalogue
from app.domain import dates
from app.domain.certificate_codes import normalise_code
from app.models import Attempt, Certificate, Evidence, RevokedPass, User, utcnow
from app.models_credentials import Credential
from app.services import audit, locks, passes, ratings, xapi
from app.services.credential_checks import CredentialState, state_from
from app.services.quizzes import aware

MAX_REASON = 500

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
            f"This credential was already revoked on {dates.day_time(when)} "
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


def certificate_without_credential(code: str) -> bool:
    """Say whether a certificate has this code but no credential yet (earned before
    credentials existed, or loaded by seed-demo, until `linkwise issue-credentials`)."""
    if len(code) > 64:
        return False
    found = select(Certificate.id).where(Certificate.code == normalise_code(code))
    return db.session().scalar(found) is not None


@dataclass(frozen=True)
class Revocation:
    """What a request to revoke did: "revoked", "already" or "not-found"."""

    outcome: str
    revoked_at: datetime | None = None


def revoke(code: str, reason: str, *, actor_id: int | None = None, via: str = "web") -> Revocation:
    """Revoke the credential of a certificate, once, with the reason; audit it."""
    session = db.session()
    found = session.execute(
        select(Credential.id, Certificate.user_id, Certificate.code, Certificate.id)
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(Certificate.code == code)
    ).one_or_none()
    if found is None:
        return Revocation("not-found")
    credential_id, holder_id, code, certificate_id = found
    # The holder's lock first, as a grading takes it: a grade of theirs reads the evidence
    # this revocation withdraws either before it starts or after it commits.
    organisation_id = locks.lock_learner(session, holder_id)
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
    withdraw_passes(session, holder_id, organisation_id, now)
    xapi.certificates_revoked(session, [certificate_id], now)
    session.commit()
    return Revocation("revoked", now)


def withdraw_passes(
    session: Session, user_id: int, organisation_id: int | None, now: datetime
) -> set[str]:
    """Record the learner's passes their revocations withdrew since last recorded, and re-rate
    them in each competency those passes' answers were evidence for; return those codes.

    Call with the learner locked (locks.lock_learner), after the revocation's update; the
    caller commits. Nothing of the attempts is changed: their answers and evidence stay.
    """
    withdrawn = session.scalars(
        select(Attempt.id).where(
            Attempt.user_id == user_id,
            passes.PASSED,
            passes.REVOKED_SINCE,
            ~exists().where(RevokedPass.attempt_id == Attempt.id),
        )
    ).all()
    if not withdrawn:
        return set()
    session.execute(
        insert(RevokedPass),
        [{"attempt_id": a, "user_id": user_id, "revoked_at": now} for a in withdrawn],
    )
    codes = set(
        session.scalars(
            select(Evidence.competency_code)
            .where(Evidence.user_id == user_id, Evidence.attempt_id.in_(withdrawn))
            .distinct()
        )
    )
    if codes:
        ratings.refresh_levels(user_id, organisation_id, codes, catalogue(), now, cause="revoked")
    return codes


def withdraw_for_erasure(
    session: Session, user_id: int, organisation_id: int | None, now: datetime
) -> None:
    """Revoke an erased learner's credentials and forget what they said (their name).

    The passes withdrawn stop counting as evidence as any revocation's do, and the learner is
    re-rated now: the account counts nowhere once erased, but `recompute-levels` re-rates it
    by the same rule, and stored ratings stay what a re-rating gives.
    """
    certificates = select(Certificate.id).where(Certificate.user_id == user_id)
    # The certificates whose statements the LRS is told to void (read only when one is set).
    revoking = (
        session.scalars(
            select(Credential.certificate_id).where(
                Credential.certificate_id.in_(certificates), Credential.revoked_at.is_(None)
            )
        ).all()
        if xapi.enabled()
        else []
    )
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
    withdraw_passes(session, user_id, organisation_id, now)
    xapi.certificates_revoked(session, revoking, now)
