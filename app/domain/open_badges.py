"""Open Badges 3.0 credentials: the document a certificate is signed as, built from values.

A credential is a W3C Verifiable Credential (data model 2.0) of type OpenBadgeCredential.
Its subject is the learner (named through an identifier, as learners have no DID), its
achievement the module, its result the quiz score and its evidence the attempt.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain.clinical_review import REVIEW_LABEL

CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
STAMP = "%Y-%m-%dT%H:%M:%SZ"
NO_LONGER_OFFERED = (
    "Linkwise no longer offers this module. Credentials issued for it keep their standing: "
    "this describes the module as the last of them recorded it."
)


@dataclass(frozen=True)
class Issuer:
    """Who issues: Linkwise at its base URL."""

    id: str
    name: str
    url: str


@dataclass(frozen=True)
class Alignment:
    """A competency the achievement is aligned to (its CASE item from `export-framework`)."""

    code: str
    name: str
    framework: str
    target_url: str


@dataclass(frozen=True)
class Evidence:
    """Something that shows the achievement was earned: the quiz attempt, a confirmation."""

    name: str
    description: str
    genre: str
    id: str | None = None


@dataclass(frozen=True, kw_only=True)
class AchievementFacts:
    """The module as an achievement: what it teaches, its CPD time, its competencies."""

    id: str
    title: str
    summary: str
    learning_outcomes: tuple[str, ...] = ()
    cpd_minutes: int
    pass_mark: float
    alignments: tuple[Alignment, ...] = ()
    # What the certificate says of the content's clinical review at issue
    # (domain/clinical_review.content_review); None for the achievement as the course has it.
    clinical_review: str | None = None


@dataclass(frozen=True, kw_only=True)
class CredentialFacts:
    """Everything one credential states, fixed at the moment it is issued."""

    credential_id: str  # urn:uuid:...
    issuer: Issuer
    learner_name: str
    registration_number: str | None = None
    achievement: AchievementFacts
    score_percent: int
    certificate_code: str
    verify_url: str
    evidence: tuple[Evidence, ...] = ()
    valid_from: datetime
    valid_until: datetime | None = None
    status_list_url: str
    status_index: int
    completed_at: datetime | None = None  # defaults to valid_from


@dataclass(frozen=True)
class Stated:
    """What a credential says of its holder and achievement, read back from its claims."""

    learner_name: str | None
    registration_number: str | None
    module_title: str | None
    cpd_minutes: int | None
    completed_at: datetime | None


def stated(claims: dict) -> Stated:
    """Return what a credential's claims (as credential() wrote them) say; None where silent."""
    subject = claims.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    names = (
        i.get("identityHash")
        for i in subject.get("identifier") or ()
        if isinstance(i, dict) and i.get("identityType") == "name"
    )
    credits = subject.get("creditsEarned", achievement.get("creditsAvailable"))
    ended = subject.get("activityEndDate")
    return Stated(
        learner_name=next(names, None),
        registration_number=subject.get("licenseNumber"),
        module_title=achievement.get("name"),
        # Hours to two places (cpd_hours): whole minutes again.
        cpd_minutes=round(credits * 60) if isinstance(credits, int | float) else None,
        completed_at=parse_timestamp(ended) if isinstance(ended, str) else None,
    )


def timestamp(moment: datetime) -> str:
    """Return a UTC date-time the way credentials write it (2026-12-02T18:00:00Z)."""
    # A naive time is UTC already (SQLite hands stored times back without their zone).
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime(STAMP)


def cpd_hours(minutes: int) -> float:
    """Return CPD time in hours (the credits of an achievement), to two places."""
    return round(minutes / 60, 2)


def achievement(facts: AchievementFacts) -> dict:
    """Return the Achievement: the module, its outcomes, CPD time and competencies."""
    outcomes = "".join(f"\n- {outcome}" for outcome in facts.learning_outcomes)
    description = facts.summary or facts.title
    if outcomes:
        description += f"\n\nLearning outcomes:{outcomes}"
    if facts.clinical_review:
        # In the words the certificate, its PDF and public page use, inside Open Badges'
        # own description: no term of our own, so every verifier reads it.
        description += f"\n\n{REVIEW_LABEL}: {facts.clinical_review}."
    found = {
        "id": facts.id,
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": facts.title,
        "description": description,
        "criteria": {
            "narrative": (
                f"Work through every screen of the module, then score at least "
                f"{_number(facts.pass_mark)}% in its end-of-module quiz (a test of knowledge)."
            )
        },
        "creditsAvailable": cpd_hours(facts.cpd_minutes),
        "fieldOfStudy": "Continuing professional development (CPD)",
        "resultDescription": [
            {
                "id": f"{facts.id}#quiz-score",
                "type": ["ResultDescription"],
                "name": "End-of-module quiz score (knowledge)",
                "resultType": "Percent",
                "requiredValue": _number(facts.pass_mark),
                "valueMin": "0",
                "valueMax": "100",
            }
        ],
    }
    if facts.alignments:
        found["alignment"] = [
            {
                "type": ["Alignment"],
                "targetCode": a.code,
                "targetName": a.name,
                "targetFramework": a.framework,
                "targetType": "CFItem",
                "targetUrl": a.target_url,
            }
            for a in facts.alignments
        ]
    return found


def no_longer_offered(signed: dict) -> dict:
    """Return an achievement as a credential signed it, saying its module is no longer offered;
    without the clinical review it stated, its own certificate's (the address describes the
    module, as it does while the module is in the course)."""
    paragraphs = signed.get("description", "").split("\n\n")
    kept = [p for p in paragraphs if not p.startswith(f"{REVIEW_LABEL}: ")]
    return {**signed, "description": "\n\n".join([*kept, NO_LONGER_OFFERED])}


def credential(facts: CredentialFacts) -> dict:
    """Return the OpenBadgeCredential for facts (unsigned), as JSON-ready values."""
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": facts.learner_name,
            }
        ],
        "achievement": achievement(facts.achievement),
        "result": [
            {
                "type": ["Result"],
                "resultDescription": f"{facts.achievement.id}#quiz-score",
                "value": str(facts.score_percent),
                "status": "Completed",
            }
        ],
        "creditsEarned": cpd_hours(facts.achievement.cpd_minutes),
        "activityEndDate": timestamp(facts.completed_at or facts.valid_from),
    }
    if facts.registration_number:
        subject["licenseNumber"] = facts.registration_number
    found = {
        "@context": list(CONTEXTS),
        "id": facts.credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": f"CPD certificate: {facts.achievement.title}",
        "description": f"Linkwise CPD certificate {facts.certificate_code}; check it at "
        f"{facts.verify_url}",
        "issuer": {
            "id": facts.issuer.id,
            "type": ["Profile"],
            "name": facts.issuer.name,
            "url": facts.issuer.url,
        },
        "validFrom": timestamp(facts.valid_from),
        "credentialSubject": subject,
        "credentialStatus": status_entry(facts.status_list_url, facts.status_index),
    }
    if facts.valid_until is not None:
        found["validUntil"] = timestamp(facts.valid_until)
    if facts.evidence:
        found["evidence"] = [_evidence(e) for e in facts.evidence]
    return found


def status_entry(list_url: str, index: int) -> dict:
    """Return the BitstringStatusListEntry saying where a credential's revocation bit is."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def jwt_claims(document: dict) -> dict:
    """Return the VC-JWT payload: the credential itself plus the registered JWT claims."""
    claims = dict(document)
    claims["iss"] = document["issuer"]["id"]
    claims["jti"] = document["id"]
    claims["nbf"] = _epoch(document["validFrom"])
    if "validUntil" in document:
        claims["exp"] = _epoch(document["validUntil"])
    return claims


def _evidence(evidence: Evidence) -> dict:
    found = {
        "type": ["Evidence"],
        "name": evidence.name,
        "description": evidence.description,
        "genre": evidence.genre,
    }
    if evidence.id:
        found["id"] = evidence.id
    return found


def payload(token: str) -> dict:
    """Return the claims of a VC-JWT Linkwise stored as it signed it (not verified here)."""
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def parse_timestamp(stamp: str) -> datetime:
    """Read a date-time written by timestamp()."""
    return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)


def _epoch(stamp: str) -> int:
    return int(parse_timestamp(stamp).timestamp())


def _number(value: float) -> str:
    return f"{value:g}"
