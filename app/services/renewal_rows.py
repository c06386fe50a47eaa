"""What renewing a passed quiz is worked out from, as branches of a page's one statement.

A passed module quiz opens again for renewal (domain/quizzes/renewal.py) from the learner's
stored ratings in the competencies it assesses, the assignments binding on them for the
module, and the credential issued with the latest pass that counts. Each page that shows a
quiz's standing reads these rows with its own (`tagged_rows`) and calls `renewal_in` per
module. The pass it anchors on is the latest that still counts (`passes.counted`, as
compliance counts): a pass whose certificate was revoked neither closes the quiz nor
anchors its renewal (`pass_standing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam

from app.domain.content import Catalogue, Module
from app.domain.quizzes.renewal import Renewal, StoredRating, renewal
from app.models import Attempt, Certificate, CompetencyLevel, User
from app.models_assignments import Assignment
from app.models_credentials import Credential
from app.services import passes
from app.services.assignment_standings import Assigned, binding
from app.services.learner_rows import ASSIGNMENTS, SELF
from app.services.rating_reads import aware
from app.services.tagged_rows import Row, branch

_MODULE = bindparam("module_slug")

# text: the learner's profession (which framework is theirs).
WHO = branch("who", text=(User.profession,)).where(User.id == SELF)

# text: competency; flags: met, expired; times: met until, due from, practice until. Where
# each rating stands, not its knowledge: renewal reads no more (and no moment to read it at).
STANDINGS = branch(
    "standing",
    text=(CompetencyLevel.competency_code,),
    flag=(CompetencyLevel.met, CompetencyLevel.expired),
    at=(CompetencyLevel.met_until, CompetencyLevel.due_from, CompetencyLevel.practice_until),
).where(CompetencyLevel.user_id == SELF)

# text: module; number: the passing attempt it was issued for; times: valid until, revoked.
# Every certificate, with a credential or not yet: a pass's own certificate decides whether
# a revocation withdraws it (passes.revoked_at).
CREDENTIALS = (
    branch(
        "credential",
        text=(Certificate.module_slug,),
        number=(Certificate.attempt_id,),
        at=(Credential.valid_until, Credential.revoked_at),
    )
    .outerjoin(Credential, Credential.certificate_id == Certificate.id)
    .where(Certificate.user_id == SELF, Certificate.withdrawn_at.is_(None))
)

# text: module; number: attempt id; time: submitted. Every pass of a module's quiz.
PASSES = branch(
    "pass",
    text=(Attempt.module_slug,),
    number=(Attempt.id,),
    at=(Attempt.submitted_at,),
).where(Attempt.user_id == SELF, Attempt.passed.is_(True), passes.KIND == passes.ASSESSMENT)

# Renewal's rows for every module (the person's profession read with them elsewhere)...
EVERY_MODULE = (STANDINGS, ASSIGNMENTS, CREDENTIALS)
# ... and for one module (bound as module_slug), with the profession.
ONE_MODULE = (
    WHO,
    STANDINGS,
    ASSIGNMENTS.where(Assignment.module_slug == _MODULE),
    CREDENTIALS.where(Certificate.module_slug == _MODULE),
)


class Pass(NamedTuple):
    """A passing attempt: its id and when it was submitted."""

    id: int
    submitted_at: datetime


class PassStanding(NamedTuple):
    """A module's latest pass that counts, and any later pass a revocation withdrew."""

    counted: Pass | None
    withdrawn: Pass | None = None  # the latest pass after `counted` that no longer counts
    revoked_at: datetime | None = None  # the latest revocation that withdrew a pass since
    withdrawn_ids: frozenset[int] = frozenset()  # every pass a revocation withdrew


def pass_standing(
    module_slug: str, seen: Iterable[Pass], found: dict[str, list[Row]]
) -> PassStanding:
    """Return the latest of these passes of the module's quiz that counts, and what was withdrawn.

    A pass counts unless a revocation withdrew it (passes.counted, from the `credential`
    branch): the rule compliance and assignments count by.
    """
    certified = [
        (row.number[0], aware(row.at[1]))
        for row in found.get("credential", ())
        if row.text[0] == module_slug
    ]
    standing, withdrawn = PassStanding(None), set()
    for seen_pass in sorted(seen, key=lambda p: (p.submitted_at, p.id)):
        revoked = passes.revoked_at(seen_pass.id, certified)
        if passes.counted(passes.ASSESSMENT, seen_pass.submitted_at, revoked):
            standing = PassStanding(seen_pass)
        else:
            withdrawn.add(seen_pass.id)
            latest = standing.revoked_at
            standing = PassStanding(
                standing.counted, seen_pass, revoked if latest is None else max(latest, revoked)
            )
    return standing._replace(withdrawn_ids=frozenset(withdrawn))


def profession_of(found: dict[str, list[Row]]) -> str | None:
    """Return the learner's profession, as the `who` branch read it."""
    rows = found.get("who", ())
    return rows[0].text[0] if rows else None


def latest_passes(found: dict[str, list[Row]]) -> dict[str, Pass]:
    """Return each module's latest pass that counts, from the `pass` and `credential` branches."""
    seen: dict[str, list[Pass]] = {}
    for row in found.get("pass", ()):
        seen.setdefault(row.text[0], []).append(Pass(row.number[0], aware(row.at[0])))
    latest = {slug: pass_standing(slug, found_passes, found) for slug, found_passes in seen.items()}
    return {slug: standing.counted for slug, standing in latest.items() if standing.counted}


def assessed_codes(module: Module) -> frozenset[str]:
    """Return the competencies a module's quiz assesses."""
    if module.assessment is None:
        return frozenset()
    return frozenset(code for q in module.assessment.questions for code in q.competencies)


def stored_ratings(
    found: dict[str, list[Row]], codes: Iterable[str], catalogue: Catalogue
) -> list[StoredRating]:
    """Return the learner's stored ratings in these competencies, from the `standing` branch."""
    wanted = set(codes)
    ratings = []
    for row in found.get("standing", ()):
        code = row.text[0]
        if code not in wanted:
            continue
        competency = catalogue.competency(code)
        met_until, due_from, practice_until = (aware(at) for at in row.at)
        ratings.append(
            StoredRating(
                competency.name if competency else code,
                bool(row.flag[0]),
                met_until,
                due_from,
                bool(row.flag[1]),
                practice_until,
            )
        )
    return ratings


def renewal_in(
    module: Module,
    profession: str | None,
    latest: Pass | None,
    found: dict[str, list[Row]],
    catalogue: Catalogue,
    now: datetime,
) -> Renewal | None:
    """Say whether the learner's latest pass of the module's quiz is open for renewal now.

    `latest` is the latest pass that counts (pass_standing); `found` holds the rows of
    EVERY_MODULE or ONE_MODULE; None when there is no pass or nothing would reopen it.
    """
    if latest is None or module.assessment is None:
        return None
    framework = catalogue.framework_for(profession or "")
    codes = assessed_codes(module)
    if framework is not None:
        codes &= {c.code for c in framework.competencies}
    else:
        codes = frozenset()
    assigned = tuple(
        Assigned(row.text[0], row.day[0], row.number[0])
        for row in found.get("assigned", ())
        if row.text[0] == module.slug
    )
    rules = binding(assigned) if assigned else []
    valid_until = next(
        (
            aware(row.at[0])
            for row in found.get("credential", ())
            if row.text[0] == module.slug and row.number[0] == latest.id and row.at[1] is None
        ),
        None,
    )
    return renewal(
        passed_at=latest.submitted_at,
        ratings=stored_ratings(found, codes, catalogue),
        assignment=rules[0] if rules else None,
        valid_until=valid_until,
        renew_within=framework.renew_within if framework else None,
        now=now,
    )


def open_for_renewal(
    found: dict[str, list[Row]], profession: str | None, catalogue: Catalogue, now: datetime
) -> frozenset[str]:
    """Return the modules whose latest pass that counts is open for renewal now.

    From the rows of the `pass` branch and of EVERY_MODULE.
    """
    opened = set()
    for slug, latest in latest_passes(found).items():
        module = catalogue.module(slug)
        if module is None:
            continue
        found_renewal = renewal_in(module, profession, latest, found, catalogue, now)
        if found_renewal is not None and found_renewal.open:
            opened.add(slug)
    return frozenset(opened)
