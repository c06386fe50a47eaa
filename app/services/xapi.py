"""xAPI: record a statement in the outbox, in the transaction of the event it reports.

The hooks below are called from where events happen (one line each); with no learning
record store configured (LINKWISE_LRS_URL unset) they do nothing. `linkwise
send-statements`, or the development server's sender thread, delivers the outbox.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain import xapi
from app.domain.content import Module
from app.models import Certificate, utcnow
from app.models_statements import StatementOutbox
from app.services.upsert import insert_for


def enabled() -> bool:
    """Say whether statements are being recorded for a learning record store."""
    return bool(current_app.config.get("LRS_URL"))


def site() -> xapi.Site:
    """Return the site statements come from."""
    return xapi.Site(current_app.config["BASE_URL"])


def record(statement: dict, session=None) -> None:
    """Add a statement to the outbox, once: the same event recorded again is ignored."""
    session = session or db.session()
    insert = insert_for(session)
    session.execute(
        insert(StatementOutbox)
        .values(statement_id=statement["id"], statement=statement, next_attempt_at=utcnow())
        .on_conflict_do_nothing(index_elements=["statement_id"])
    )


def item_completed(user_id: int, module_slug: str, item_key: str) -> None:
    """Record "completed" when a learner completes a screen (other items report elsewhere)."""
    kind, _, slug = item_key.partition(":")
    if kind != "screen" or not enabled():
        return
    module = catalogue().module(module_slug)
    screen = module.screen(slug) if module else None
    if screen is None:
        return
    ref = xapi.ModuleRef(module.slug, module.title)
    record(xapi.screen_completed(site(), user_id, ref, screen.slug, screen.title, utcnow()))


def knowledge_check_answered(user_id: int, module: Module, quiz, number: int, answers, grade):
    """Record "answered" for each question of a knowledge check answer (attempt `number`)."""
    if not enabled():
        return
    ref = xapi.ModuleRef(module.slug, module.title)
    for marked in grade.marked:
        question = marked.question
        given = answers.get(question.id)
        given = [given] if isinstance(given, str) else list(given or ())
        response = tuple(str(value) for value in given)
        item = xapi.Interaction.of(question, ref, response, marked.fraction)
        record(xapi.check_answered(site(), user_id, ref, quiz.id, number, item, utcnow()))


def quiz_graded(attempt, settings, grade, now) -> None:
    """Record "attempted" and "passed" or "failed" for a graded attempt, and the certificate.

    Everything reported comes from the attempt and the quiz settings it was taken under, so
    a later edit to the quiz file cannot change what a statement says.
    """
    if not enabled():
        return
    module = catalogue().module(attempt.module_slug)
    gone = attempt.module_title or attempt.module_slug  # as the attempt recorded it
    ref = xapi.ModuleRef(attempt.module_slug, module.title if module else gone)
    result = xapi.QuizResult(
        quiz_id=attempt.quiz_id,
        title=settings.title,
        number=attempt.number,
        points=grade.points,
        points_possible=grade.points_possible,
        percent=grade.percent,
        passed=grade.passed,
        pass_mark=settings.pass_mark,
    )
    user_id = attempt.user_id
    record(xapi.quiz_attempted(site(), user_id, ref, result, attempt.started_at or now))
    record(xapi.quiz_graded(site(), user_id, ref, result, now))
    if grade.passed:
        # The certificate this pass earned (a renewal's is its own, not the module's first).
        certified = db.session().scalar(
            select(Certificate.id).where(Certificate.attempt_id == attempt.id)
        )
        if certified is not None:
            minutes = module.cpd_minutes if module else 0
            record(xapi.certificate_issued(site(), user_id, ref, minutes, now))


def certificates_revoked(session, certificate_ids, now) -> None:
    """Record "voided" for the "completed" statement of each of these certificates that was
    recorded, in the revocation's transaction: the LRS then no longer counts the module as
    completed by the certificate. A certificate earned before an LRS was set has none."""
    if not enabled() or not certificate_ids:
        return
    found = session.execute(
        select(Certificate.user_id, Certificate.module_slug, Certificate.issued_at).where(
            Certificate.id.in_(list(certificate_ids))
        )
    ).all()
    ids = {
        xapi.certificate_statement_id(site(), user_id, slug, issued_at): user_id
        for user_id, slug, issued_at in found
    }
    recorded = session.scalars(
        select(StatementOutbox.statement_id).where(StatementOutbox.statement_id.in_(list(ids)))
    ).all()
    for statement_id in sorted(recorded):
        record(xapi.statement_voided(site(), ids[statement_id], statement_id, now), session)


def practice_confirmed(
    user_id: int, code: str, confirmed_by: int, confirmation_id: int | str, at=None
) -> None:
    """Record that a supervisor confirmed the learner's practice in a competency."""
    if not enabled():
        return
    competency = catalogue().competency(code)
    name = competency.name if competency else code
    record(
        xapi.practice_confirmed(
            site(),
            user_id,
            code,
            name,
            confirmed_by,
            at or utcnow(),
            confirmation_id=confirmation_id,
        )
    )
