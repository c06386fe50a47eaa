"""Build a learner's learning record from their completions, attempts and certificates."""

from collections import defaultdict
from datetime import UTC, date

from sqlalchemy import func, select

from app import db
from app.domain import reflection
from app.domain.accounts import PROFESSIONS
from app.domain.content import Catalogue
from app.domain.learning_record import LearningRecord, ModuleRecord, cpd_totals
from app.domain.progress import module_progress
from app.models import Attempt, Certificate, Completion, User, utcnow


def learning_record(user_id: int, catalogue: Catalogue, years: int) -> LearningRecord:
    """Return every module's standing for the learner, with CPD totals (four queries)."""
    session = db.session()
    user = session.get(User, user_id)
    done: dict[str, set[str]] = defaultdict(set)
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    for slug, key, at in session.execute(
        select(Completion.module_slug, Completion.item_key, Completion.completed_at).where(
            Completion.user_id == user_id
        )
    ):
        done[slug].add(key)
        day = _day(at)
        first[slug] = min(first.get(slug, day), day)
        last[slug] = max(last.get(slug, day), day)
    best = dict(
        session.execute(
            select(Attempt.quiz_id, func.max(Attempt.percent))
            .where(Attempt.user_id == user_id, Attempt.status == "graded")
            .group_by(Attempt.quiz_id)
        ).all()
    )
    certificates = {
        c.module_slug: c
        for c in session.scalars(
            select(Certificate).where(
                Certificate.user_id == user_id, Certificate.withdrawn_at.is_(None)
            )
        )
    }
    modules = []
    for module in catalogue.modules:
        progress = module_progress(module.item_keys, done.get(module.slug, set()))
        certificate = certificates.get(module.slug)
        completed_on = None
        if certificate is not None:
            completed_on = _day(certificate.issued_at)
        elif progress.status == "completed" and not module.assessment:
            completed_on = last.get(module.slug)
        modules.append(
            ModuleRecord(
                slug=module.slug,
                title=module.title,
                status=progress.status,
                started_on=first.get(module.slug),
                completed_on=completed_on,
                score_percent=best.get(module.assessment.id) if module.assessment else None,
                cpd_minutes=module.cpd_minutes,
                certificate_code=certificate.code if certificate else None,
                reflection_written=bool(
                    certificate and reflection.written(certificate.reflective_account)
                ),
            )
        )
    modules = tuple(modules)
    today = utcnow().date()
    return LearningRecord(
        learner_name=user.full_name,
        profession=PROFESSIONS.get(user.profession, user.profession),
        registration_number=user.registration_number,
        generated_on=today,
        modules=modules,
        totals=cpd_totals(modules, today, years),
    )


def _day(moment) -> date:
    # SQLite hands back naive times; every time we store is UTC.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).date()
