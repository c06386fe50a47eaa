"""A learner's competency profile: their evidence, rated with the framework's method."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import delete, select

from app import db
from app.domain.competencies import Attainment, DomainRollup, Evidence, attainment, domain_rollup
from app.domain.content import Catalogue, Module
from app.domain.frameworks import Competency, Domain, Framework
from app.models import CompetencyLevel
from app.models import Evidence as EvidenceRow
from app.services.upsert import insert_for


@dataclass(frozen=True)
class CompetencyStanding:
    """One competency with its rating and the evidence behind it, newest first."""

    competency: Competency
    attainment: Attainment
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class DomainStanding:
    """A domain, its roll-up and its competencies."""

    domain: Domain
    rollup: DomainRollup
    competencies: tuple[CompetencyStanding, ...]


@dataclass(frozen=True)
class Profile:
    """A learner's standing in one framework, and the modules that would move it on."""

    framework: Framework
    domains: tuple[DomainStanding, ...]
    proficient: int
    total: int
    next_modules: tuple[tuple[Module, tuple[str, ...]], ...]


def profile(user_id: int, catalogue: Catalogue) -> tuple[Profile, ...]:
    """Rate every competency of every framework from the learner's evidence (one query)."""
    rows = db.session().execute(
        select(
            EvidenceRow.competency_code,
            EvidenceRow.score,
            EvidenceRow.recorded_at,
            EvidenceRow.question_id,
            EvidenceRow.quiz_id,
        ).where(EvidenceRow.user_id == user_id)
    )
    by_code: dict[str, list[Evidence]] = defaultdict(list)
    for code, score, at, question_id, quiz_id in rows:
        # SQLite returns naive times; everything is stored in UTC.
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        by_code[code].append(Evidence(score, at, question_id, quiz_id))
    return tuple(_framework_profile(f, by_code, catalogue) for f in catalogue.frameworks)


def _framework_profile(framework: Framework, by_code, catalogue: Catalogue) -> Profile:
    domains = []
    for domain in framework.domains:
        standings = tuple(
            CompetencyStanding(
                c,
                attainment(by_code.get(c.code, ()), framework),
                tuple(sorted(by_code.get(c.code, ()), key=lambda e: e.at, reverse=True)),
            )
            for c in domain.competencies
        )
        rollup = domain_rollup({s.competency.code: s.attainment for s in standings}, domain)
        domains.append(DomainStanding(domain, rollup, standings))
    not_yet = {
        s.competency.code for d in domains for s in d.competencies if not s.attainment.proficient
    }
    next_modules = tuple(
        (module, tuple(code for code in module.competency_codes if code in not_yet))
        for module in catalogue.modules
        if not_yet & set(module.competency_codes)
    )
    proficient = sum(s.attainment.proficient for d in domains for s in d.competencies)
    total = sum(len(d.competencies) for d in domains)
    return Profile(framework, tuple(domains), proficient, total, next_modules)


def refresh_levels(user_id: int, organisation_id: int | None, codes, catalogue: Catalogue) -> None:
    """Re-rate the learner in these competencies from all their evidence; the caller commits."""
    session = db.session()
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    rows = session.execute(
        select(EvidenceRow.competency_code, EvidenceRow.score, EvidenceRow.recorded_at).where(
            EvidenceRow.user_id == user_id, EvidenceRow.competency_code.in_(set(codes))
        )
    )
    for code, score, at in rows:
        evidence[code].append(Evidence(score, at if at.tzinfo else at.replace(tzinfo=UTC)))
    values = []
    for code, found in evidence.items():
        competency = catalogue.competency(code)
        if competency is None:
            continue
        rated = attainment(found, catalogue.framework(competency.framework_id))
        values.append(
            {
                "user_id": user_id,
                "organisation_id": organisation_id,
                "competency_code": code,
                "level": rated.level,
                "score": rated.score,
                "evidence_count": rated.evidence_count,
                "last_evidence_at": max(e.at for e in found),
            }
        )
    if values:
        statement = insert_for(session)(CompetencyLevel).values(values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "competency_code"],
                set_={
                    key: statement.excluded[key]
                    for key in (
                        "organisation_id",
                        "level",
                        "score",
                        "evidence_count",
                        "last_evidence_at",
                    )
                },
            )
        )


def recompute_levels(catalogue: Catalogue) -> int:
    """Re-rate every learner with evidence, one learner per transaction; return how many.

    Run after a rating rule changes, or after upgrading a database whose levels were
    written by an older release. Levels for competencies no framework knows any more go.
    """
    from app.models import User
    from app.services.locks import lock_learner

    session = db.session()
    learners = session.scalars(select(EvidenceRow.user_id).distinct().order_by(EvidenceRow.user_id))
    count = 0
    for user_id in list(learners):
        lock_learner(session, user_id)
        organisation_id = session.scalar(select(User.organisation_id).where(User.id == user_id))
        codes = set(
            session.scalars(
                select(EvidenceRow.competency_code).where(EvidenceRow.user_id == user_id).distinct()
            )
        )
        session.execute(
            delete(CompetencyLevel).where(
                CompetencyLevel.user_id == user_id,
                CompetencyLevel.competency_code.not_in(
                    [code for code in codes if catalogue.competency(code) is not None]
                ),
            )
        )
        refresh_levels(user_id, organisation_id, codes, catalogue)
        session.commit()
        count += 1
    return count
