"""Build a learner's learning record from their completions, attempts and certificates."""

from collections import defaultdict
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import union_all

from app.domain import reflection
from app.domain.accounts import PROFESSIONS
from app.domain.certificates import content_review
from app.domain.content import Catalogue
from app.domain.credential_validity import credential_status
from app.domain.dates import uk_day
from app.domain.learning_record import (
    CERTIFICATE_EXPIRED,
    CERTIFICATE_REVOKED,
    CertificateNamed,
    LearningRecord,
    ModuleRecord,
    cpd_totals,
    earns_rcgp_credits,
    years_before,
)
from app.domain.progress import module_progress, passed_quiz
from app.models import utcnow
from app.services import learner_rows, passes, tagged_rows
from app.services.quizzes import aware

# What a learning record is built from, after the person: one statement in all.
RECORD_ROWS = (learner_rows.COMPLETIONS, learner_rows.ATTEMPTS, learner_rows.CERTIFICATES)
_RECORD = union_all(learner_rows.PERSON, *RECORD_ROWS)  # built once, its cache key too


def learning_record(user_id: int, catalogue: Catalogue, years: int) -> LearningRecord:
    """Return every module's standing for the learner, with CPD totals (one statement)."""
    found = tagged_rows.read(_RECORD, user_id=user_id)
    return record_from(learner_rows.person_of(found), found, catalogue, years)


def record_from(
    person: learner_rows.Person, found, catalogue: Catalogue, years: int
) -> LearningRecord:
    """Return the person's learning record from their rows (RECORD_ROWS)."""
    done: dict[str, set[str]] = defaultdict(set)
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    for row in found.get("done", ()):
        slug, key = row.text[:2]
        done[slug].add(key)
        day = _day(row.at[0])
        first[slug] = min(first.get(slug, day), day)
        last[slug] = max(last.get(slug, day), day)
    # By module, not by the quiz's id: a graded attempt stays on the record when its quiz
    # file is renamed or deleted.
    graded = [
        attempt
        for attempt in learner_rows.attempts_of(found)
        if attempt.status == "graded"
        and attempt.percent is not None
        and passes.of_quiz(attempt.kind)
    ]
    best: dict[str, int] = {}
    for attempt in graded:
        best[attempt.module_slug] = max(best.get(attempt.module_slug, 0), attempt.percent)
    now = utcnow()
    today = uk_day(now)
    # A module's latest certificate (a renewal's, once renewed) is what its row shows; each
    # earlier one issued within the period is CPD done then, listed after it as its own entry.
    certificates = {
        slug: _certificate(row, now) for slug, row in learner_rows.latest_by_module(found).items()
    }
    standing = {
        slug: _certificate(row, now) for slug, row in learner_rows.standing_by_module(found).items()
    }
    earlier = _earlier_in_period(found, certificates, years_before(today, years), now)
    modules = []
    for module in catalogue.modules:
        # The quiz's completion is among them while a pass of it counts (learner_rows
        # COMPLETIONS): a module whose every pass was revoked is in progress, not completed.
        keys = done.get(module.slug, set())
        progress = module_progress(module.item_keys, keys, passed=passed_quiz(keys))
        certificate = certificates.pop(module.slug, None)
        status = progress.status
        completed_on = through = expired_on = None
        if status == "completed" and certificate is not None:
            completed_on = _day(certificate.issued_at)
            # Its latest certificate revoked, the module stays completed through an earlier
            # one that stands (its pass counts: passes.COMPLETION_STANDS), from that one's day.
            stands = standing.get(module.slug)
            if certificate.revoked_at is not None and stands is not None:
                through = CertificateNamed(stands.code, _day(stands.issued_at))
                completed_on = through.issued_on
            # The certificate it stands on says how current the learning is: once that one
            # has expired, the module is still completed, but its certificate has expired.
            if stands is not None and stands.expired_on is not None:
                status, expired_on = CERTIFICATE_EXPIRED, stands.expired_on
        elif status == "completed" and not module.assessment:
            completed_on = last.get(module.slug)
        modules.append(
            _module_record(
                module.slug,
                module.title,
                module.cpd_minutes,
                status,
                first.get(module.slug),
                completed_on,
                best.get(module.slug),
                certificate,
                completed_through=through,
                certificate_expired_on=expired_on,
            )
        )
        modules.extend(_earlier_records(module.slug, earlier, first, graded))
    # A certificate whose module has left the course stays on the record, as it was issued.
    for slug, certificate in sorted(certificates.items(), key=lambda c: c[1].issued_at):
        modules.append(
            _certified_record(slug, certificate, first.get(slug), best.get(slug), in_course=False)
        )
        modules.extend(_earlier_records(slug, earlier, first, graded, in_course=False))
    modules = tuple(modules)
    return LearningRecord(
        learner_name=person.full_name,
        profession=PROFESSIONS.get(person.profession, person.profession),
        registration_number=person.registration_number,
        generated_on=today,
        modules=modules,
        totals=cpd_totals(modules, today, years, rcgp=earns_rcgp_credits(person.profession)),
        profession_code=person.profession,
    )


class _Certificate(NamedTuple):
    code: str
    issued_at: datetime
    reflective_account: dict | None
    revoked_at: datetime | None
    module_title: str  # as recorded when it was issued
    cpd_minutes: int  # likewise
    attempt_id: int  # the pass it certifies
    # The day its credential's validity ended, once it has (None while valid, with no end
    # date, or revoked): expired, as its public check says (credential_checks).
    expired_on: date | None
    clinical_reviewer: str | None = None  # as the module named them at issue


def _certificate(row, now: datetime) -> _Certificate:
    revoked_at, valid_until = row.at[1], row.at[2]
    until = aware(valid_until)
    expired = credential_status(revoked_at, until, now) == "expired"
    return _Certificate(
        row.text[1],
        row.at[0],
        row.doc[0],
        revoked_at,
        row.text[2],
        row.number[0],
        row.number[2],
        _day(valid_until) if expired else None,
        row.text[3],
    )


def _earlier_in_period(found, latest: dict[str, _Certificate], since: date, now) -> dict:
    """Return by module its earlier certificates issued on or after `since`, latest first.

    Each with how many later certificates the module has when all of them were revoked (0
    when one still stands).
    """
    earlier: dict[str, list[tuple[_Certificate, int]]] = defaultdict(list)
    later: dict[str, list[_Certificate]] = defaultdict(list)
    # Latest issued first, then the highest id, as learner_rows.latest_by_module orders them.
    rows = sorted(
        found.get("certificate", ()), key=lambda r: (aware(r.at[0]), r.number[1]), reverse=True
    )
    for row in rows:
        certificate = _certificate(row, now)
        slug = row.text[0]
        if certificate.code != latest[slug].code and _day(certificate.issued_at) >= since:
            revoked = all(c.revoked_at is not None for c in later[slug])
            earlier[slug].append((certificate, len(later[slug]) if revoked else 0))
        later[slug].append(certificate)
    return earlier


def _earlier_records(slug, earlier, first, graded, in_course=True) -> list[ModuleRecord]:
    """Return the module's earlier certificates in the period, each an entry of its own."""
    return [
        _certified_record(
            slug,
            certificate,
            first.get(slug),
            _best_until(graded, slug, certificate),
            in_course=in_course,
            renewed=True,
            later_revoked=later_revoked,
        )
        for certificate, later_revoked in earlier.pop(slug, ())
    ]


def _certified_record(slug, certificate: _Certificate, started_on, score, **rest) -> ModuleRecord:
    """A completed module as its certificate recorded it: title, CPD time and the day issued.

    Once the certificate is revoked, the entry is no longer evidence of a completion: it
    says so, with no completed date. Once it has expired, the entry is still a completion
    (its CPD time counts), and says that its certificate has expired.
    """
    revoked = certificate.revoked_at is not None
    status = "completed"
    if revoked:
        status = CERTIFICATE_REVOKED
    elif certificate.expired_on is not None:
        status = CERTIFICATE_EXPIRED
    return _module_record(
        slug,
        certificate.module_title,
        certificate.cpd_minutes,
        status,
        started_on,
        None if revoked else _day(certificate.issued_at),
        score,
        certificate,
        certificate_expired_on=certificate.expired_on,
        **rest,
    )


def _best_until(graded, slug: str, certificate: _Certificate) -> int | None:
    # The best score as it stood when this pass was certified: later attempts came after it.
    submitted = {a.id: a.submitted_at for a in graded}
    until = aware(submitted.get(certificate.attempt_id) or certificate.issued_at)
    scores = [
        a.percent
        for a in graded
        if a.module_slug == slug and a.submitted_at and aware(a.submitted_at) <= until
    ]
    return max(scores, default=None)


def _module_record(
    slug,
    title,
    cpd_minutes,
    status,
    started_on,
    completed_on,
    score,
    certificate,
    in_course=True,
    renewed=False,
    later_revoked=0,
    completed_through=None,
    certificate_expired_on=None,
) -> ModuleRecord:
    """A module on the record; a certified one as its certificate recorded it."""
    return ModuleRecord(
        slug=slug,
        title=certificate.module_title if certificate else title,
        status=status,
        started_on=started_on,
        completed_on=completed_on,
        score_percent=score,
        cpd_minutes=certificate.cpd_minutes if certificate else cpd_minutes,
        certificate_code=certificate.code if certificate else None,
        certificate_revoked_on=_day(certificate.revoked_at)
        if certificate and certificate.revoked_at
        else None,
        reflection_written=bool(certificate and reflection.written(certificate.reflective_account)),
        in_course=in_course,
        renewed=renewed,
        later_revoked=later_revoked,
        issued_on=_day(certificate.issued_at) if certificate else None,
        completed_through=completed_through,
        certificate_expired_on=certificate_expired_on,
        clinical_review=content_review(certificate.clinical_reviewer) if certificate else None,
    )


def _day(moment) -> date:
    return uk_day(aware(moment))
