"""What a credential claims: its issuer, achievement and evidence, and how long it is valid.

Worked out as a credential is signed (credentials.py), from the certificate as it recorded
its holder and module at issue, and the content for what a certificate does not record.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.certificates import content_review
from app.domain.credential_validity import credential_valid_until
from app.domain.frameworks_exchange.identifiers import identifier, uri
from app.domain.open_badges import AchievementFacts, Alignment, CredentialFacts, Evidence, Issuer
from app.links import absolute_url
from app.models import Attempt, Certificate, utcnow
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services.certificates import verify_url
from app.services.quizzes import aware

if TYPE_CHECKING:
    from app.services.credentials import Certified, Holder
    from app.services.grading import GradedAttempt
    from app.services.module_as_started import ModuleAsStarted


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


def certified(holder: Holder, module: ModuleAsStarted) -> dict:
    """Return what a certificate records at issue: its holder, and the module as signed.

    The module is as the attempt started under it (services/module_as_started.py); the same
    values go into its credential, so the certificate and the credential agree whatever is
    edited later.
    """
    return {
        "holder_name": holder.full_name,
        "holder_profession": holder.profession,
        "holder_registration_number": holder.registration_number,
        "module_title": module.title,
        "cpd_minutes": module.cpd_minutes,
        "learning_outcomes": module.learning_outcomes,
        "competencies": module.competencies,
        "clinical_reviewer": module.clinical_reviewer,
    }


def clinical_reviewer(module_slug: str) -> str | None:
    """Return who a module names as its clinical reviewer now, as its file says it."""
    module = catalogue().module(module_slug)
    return module.provenance.clinical_reviewer if module and module.provenance else None


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
        clinical_review=content_review(certificate.clinical_reviewer),
        learning_outcomes=tuple(certificate.learning_outcomes),
        cpd_minutes=certificate.cpd_minutes,
        alignments=tuple(
            replace(a, name=named[a.code]) for a in facts.alignments if a.code in named
        ),
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
    return AchievementFacts(
        id=absolute_url("credentials.achievement", module_slug=module.slug),
        title=module.title,
        summary=module.summary,
        learning_outcomes=module.learning_outcomes,
        cpd_minutes=module.cpd_minutes,
        pass_mark=module.assessment.pass_mark if module.assessment else 80,
        alignments=tuple(alignment(found, c) for c in competencies),
    )


def alignment(found, competency) -> Alignment:
    """Return a competency of the catalogue `found` as an achievement aligns to it."""
    return Alignment(
        code=competency.code,
        name=competency.name,
        framework=found.framework(competency.framework_id).title,
        target_url=uri(identifier(competency.framework_id, "competency", competency.code)),
    )


def valid_until(achievement: AchievementFacts, profession: str, issued_at: datetime):
    """Return when a credential stops being valid: when its evidence first stops counting.

    The shortest validity among the competencies it aligns to (as its certificate recorded
    them) in the learner's framework: see domain/credential_validity.py. Read once, when the
    credential is signed: its `valid_until` is stored with it, and the certificate's "valid
    until" (page and PDF) reads that, so a framework edited later changes neither. None when
    none of that evidence stops counting.
    """
    framework = catalogue().framework_for(profession)
    codes = [a.code for a in achievement.alignments]
    return credential_valid_until(framework, codes, issued_at)


def credential_facts(
    certificate: Certified,
    holder: Holder,
    achievement: AchievementFacts,
    attempt: GradedAttempt | Attempt,
    confirmed: tuple[Evidence, ...],
    credential_id: str,
    list_url: str,
    status_index: int,
    now: datetime,
) -> CredentialFacts:
    # The mark the pass met: a trainer may have changed the quiz's since the attempt began.
    achievement = replace(achievement, pass_mark=graded_against(attempt, achievement.pass_mark))
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
        valid_until=valid_until(achievement, holder.profession, now),
        completed_at=attempt.submitted_at or certificate.issued_at,
        status_list_url=list_url,
        status_index=status_index,
    )


def graded_against(attempt: GradedAttempt | Attempt, asked_now: float) -> float:
    """Return the pass mark an attempt was graded against: the one it kept when it started
    (`asked_now`, the quiz's today, for an attempt from before attempts kept theirs)."""
    if isinstance(attempt, Attempt):
        kept = (attempt.quiz_settings or {}).get("pass_mark")
    else:
        kept = attempt.pass_mark
    return asked_now if kept is None else kept


def any_confirmed(certificate: Certified, practice, recorded: list) -> bool:
    """Say whether the learner may have a confirmation to name (True when practice is unknown)
    in a competency the certificate records (`recorded`, [[code, name], ...])."""
    if practice is None:
        return True
    issued_at = aware(certificate.issued_at)
    return any(
        step.kind == "confirmed" and (step.at is None or aware(step.at) <= issued_at)
        for code, _ in recorded
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


def confirmations(certificate, recorded: list) -> tuple[Evidence, ...]:
    """Return supervisors' confirmations of the certificate's competencies, as evidence.

    One Evidence per confirmed request of this learner for a competency the certificate
    records (`recorded`, [[code, name], ...]: the module's as the attempt started), decided
    before the certificate was issued: what a credential says never depends on later events,
    nor on what the module lists today.
    """
    codes = tuple(code for code, _ in recorded)
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
