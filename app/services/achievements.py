"""Achievements as verifiers fetch them: a module in the course, or one that has left it.

Every credential names its module's achievement by address (`credentialSubject.achievement
.id`). While the module is in the course, the address describes it as the content has it
now. Once it has left, the credentials issued for it keep their standing, so the address
they name still answers: with the achievement as the last credential issued for it signed
it, saying that Linkwise no longer offers the module.
"""

from flask import current_app
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain import open_badges
from app.models import Certificate
from app.models_credentials import Credential
from app.services.credential_claims import achievement_facts


def document(module_slug: str) -> dict | None:
    """Return a module's achievement as JSON-LD, in the course or not; None if never issued."""
    facts = achievement_facts(module_slug)
    if facts is not None:
        found = open_badges.achievement(facts)
    else:
        signed = _left_the_course().get(module_slug)
        if signed is None:
            return None
        found = open_badges.no_longer_offered(signed)
    return {"@context": list(open_badges.CONTEXTS), **found}


def _left_the_course() -> dict[str, dict]:
    """Return, per module no longer in the course, its achievement as last signed.

    Read once per catalogue (a content reload brings a new one), with one statement: no
    credential can be issued for a module outside the course, so nothing read goes stale,
    and an address asked for by anyone costs a dictionary look-up, not a search of every
    certificate.
    """
    found = catalogue()
    cached = current_app.extensions.get("linkwise.achievements_left")
    if cached is not None and cached[0] is found:
        return cached[1]
    latest = (
        select(func.max(Credential.id))
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(
            Certificate.module_slug.not_in([m.slug for m in found.modules]),
            # An erased holder's credential keeps no signed text to read.
            Credential.jwt != "",
        )
        .group_by(Certificate.module_slug)
    )
    rows = db.session().execute(
        select(Certificate.module_slug, Credential.jwt)
        .join(Credential, Credential.certificate_id == Certificate.id)
        .where(Credential.id.in_(latest))
    )
    left = {
        slug: open_badges.payload(token)["credentialSubject"]["achievement"] for slug, token in rows
    }
    current_app.extensions["linkwise.achievements_left"] = (found, left)
    return left
