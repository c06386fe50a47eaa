"""My learning and a module's page, each in one statement: completions, certificates, passes,
assignments, unfinished attempts and what renewing a passed quiz reads (renewal_rows), together;
My learning also whether the mail server refuses the learner's reminder emails, and how many
requests to confirm practice wait for them (shown to a supervisor).

The pages are read on every visit, so each costs the sign-in's statement and this one. The
assignments are those whose target covers the learner (by name, or their team and
profession within their organisation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, func, union_all

from app.domain import assignments as rules
from app.domain.content import Catalogue, Module
from app.domain.dates import uk_day
from app.domain.learning_record import CertificateNamed
from app.domain.quizzes.renewal import Renewal
from app.domain.renewal_dates import RenewalDates, compared
from app.models import Attempt, Certificate, Completion, utcnow
from app.services import (
    learner_rows,
    module_titles,
    passes,
    quiz_standing,
    reminder_failures,
    renewal_rows,
    requests_waiting,
    retired_ratings,
    tagged_rows,
)
from app.services.assignment_standings import Assigned, binding, standing_in
from app.services.learner_rows import SELF
from app.services.learning import ModuleState, module_state
from app.services.rating_reads import aware
from app.services.tagged_rows import branch

_MODULE = bindparam("module_slug")

# text: module; time: the latest pass of its quiz that counts (an assignment that renews
# counts from it).
_COUNTED = (
    branch("passed", text=(Attempt.module_slug,), at=(func.max(Attempt.submitted_at),))
    .where(Attempt.user_id == SELF, passes.COUNTED)
    .group_by(Attempt.module_slug)
)

# texts: module, its title as the attempt started, the quiz's kind; number: id; time: started.
# The learner's attempts in progress: one at a module that has left the course is listed.
_UNFINISHED = branch(
    "unfinished",
    text=(Attempt.module_slug, Attempt.module_title, Attempt.quiz_settings["kind"].as_string()),
    number=(Attempt.id,),
    at=(Attempt.started_at,),
).where(Attempt.user_id == SELF, Attempt.status == "in-progress")

_MY_LEARNING = union_all(
    learner_rows.COMPLETIONS,
    learner_rows.CERTIFICATES,
    _COUNTED,
    learner_rows.ASSIGNMENTS,
    _UNFINISHED,
    renewal_rows.WHO,
    renewal_rows.STANDINGS,
    renewal_rows.CREDENTIALS,
    renewal_rows.PASSES,
    reminder_failures.PERSON_FAILING,
    requests_waiting.COUNT,
)
# With the quiz's attempts and grants, so the page says when every attempt is used.
_MODULE_PAGE = union_all(
    learner_rows.COMPLETIONS.where(Completion.module_slug == _MODULE),
    learner_rows.CERTIFICATES.where(Certificate.module_slug == _MODULE),
    renewal_rows.PASSES.where(Attempt.module_slug == _MODULE),
    quiz_standing.ATTEMPTS,
    quiz_standing.GRANTS,
    *renewal_rows.ONE_MODULE,
)


@dataclass(frozen=True)
class MyModule:
    """A module on the learner's own pages: where they stand, their certificate, any renewal.

    The state counts the module's quiz passed while a pass of it counts (learner_rows
    COMPLETIONS): once every pass's certificate is revoked, the module is to finish again.
    """

    state: ModuleState
    certified: bool
    renewal: Renewal | None = None  # open for renewal now: why and by when; else None
    # When the credential of the learner's latest certificate for the module (the one its
    # certificate page shows) was revoked; None when it stands, or there is none.
    certificate_revoked_on: date | None = None
    # That certificate revoked, the earlier one that still stands: its pass counts, so the
    # module stays completed through it (services/passes.py). None otherwise.
    completed_through: CertificateNamed | None = None
    position: int = 0  # the module's place in the course (module_page), counting from 1
    # The day the credential of the latest certificate that stands is valid until (as signed);
    # None when it records no end, or there is no such credential.
    certificate_until: date | None = None
    certificate_ended: bool = False  # that day has come: the credential has expired


@dataclass(frozen=True)
class Unfinished:
    """A quiz attempt in progress at a module that has left the course: still theirs to
    finish at its own address, which no page of the course links to any more."""

    module_slug: str
    module_title: str  # as the attempt recorded it (module_titles: as last recorded)
    attempt_id: int
    started_on: date


@dataclass(frozen=True)
class Overview:
    """My learning: every module's state, the learner's assignments on a day with their
    module's title, their unfinished attempts at modules no longer in the course, whether
    the mail server refuses their reminder emails (since when), and how many requests to
    confirm practice wait for their decision (requests_waiting)."""

    modules: tuple[MyModule, ...]
    assigned: list[tuple[str, rules.Standing]]
    unfinished: tuple[Unfinished, ...] = ()
    failing: reminder_failures.Failing | None = None
    waiting: int = 0
    # By module: its certificate's valid-until day beside the organisation's renew-by day,
    # where both apply and differ (domain/renewal_dates.py).
    dates: dict[str, RenewalDates] = field(default_factory=dict)


def overview(user_id: int, catalogue: Catalogue, on: date, now: datetime | None = None) -> Overview:
    """Return My learning for a learner on a day (one statement; one more when an assigned
    module, or one with an attempt unfinished that recorded no title, has left the course)."""
    now = now or utcnow()
    known = retired_ratings.known_codes(catalogue)
    found = tagged_rows.read(_MY_LEARNING, user_id=user_id, known=known)
    done, done_at = _completed(found)
    certified = learner_rows.latest_by_module(found)
    standing = learner_rows.standing_by_module(found)
    modules = tuple(
        MyModule(
            module_state(m, frozenset(done.get(m.slug, ()))),
            m.slug in certified,
            _open_renewal(m, found, catalogue, now),
            _revoked_on(certified.get(m.slug)),
            _through(certified.get(m.slug), standing.get(m.slug)),
            certificate_until=_until(standing.get(m.slug)),
            certificate_ended=_ended(standing.get(m.slug), now),
        )
        for m in catalogue.modules
    )
    passed = {row.text[0]: row.at[0] for row in found.get("passed", ())}
    assigned = tuple(
        Assigned(row.text[0], row.day[0], row.number[0]) for row in found.get("assigned", ())
    )
    standings = []
    for rule in binding(assigned):
        module = catalogue.module(rule.module_slug)
        completed = _completed_on(module, passed, done, done_at) if module else None
        standings.append(standing_in(rule, completed, on, catalogue))
    gone = [
        row
        for row in found.get("unfinished", ())
        if catalogue.module(row.text[0]) is None and passes.of_quiz(row.text[2])
    ]
    untitled = [row.text[0] for row in gone if not row.text[1]]
    titles = module_titles.titles_of(
        [*(rule.module_slug for rule in standings), *untitled], catalogue
    )
    unfinished = tuple(
        Unfinished(
            row.text[0], row.text[1] or titles[row.text[0]], row.number[0], uk_day(aware(row.at[0]))
        )
        for row in sorted(gone, key=lambda row: row.number[0])
    )
    assigned = [(titles[s.module_slug], s) for s in rules.in_due_order(standings)]
    until = {mine.state.module.slug: mine.certificate_until for mine in modules}
    dates = {}
    for s in standings:
        if s.completed_on is not None:
            both = compared(until.get(s.module_slug), s.due_on, on)
            if both is not None:
                dates[s.module_slug] = both
    return Overview(
        modules,
        assigned,
        unfinished,
        reminder_failures.failing_of(found),
        requests_waiting.count_of(found),
        dates,
    )


def module_page(
    user_id: int,
    module: Module,
    catalogue: Catalogue,
    *,
    preview: bool = False,
    now: datetime | None = None,
) -> MyModule:
    """Return the learner's state in a module, their certificate and any open renewal."""
    position = catalogue.position(module)
    if preview:
        return MyModule(module_state(module, frozenset(), preview=True), False, position=position)
    now = now or utcnow()
    quiz = module.assessment
    found = tagged_rows.read(
        _MODULE_PAGE, user_id=user_id, module_slug=module.slug, quiz_id=quiz.id if quiz else ""
    )
    done, _ = _completed(found)
    latest = learner_rows.latest_by_module(found).get(module.slug)
    locked = quiz is not None and quiz_standing.status_of(module, found, now).out_of_attempts
    return MyModule(
        module_state(module, frozenset(done.get(module.slug, ())), quiz_locked=locked),
        latest is not None,
        _open_renewal(module, found, catalogue, now),
        _revoked_on(latest),
        _through(latest, learner_rows.standing_by_module(found).get(module.slug)),
        position,
    )


def _revoked_on(certificate) -> date | None:
    """Return the day a certificate's credential was revoked (a CERTIFICATES row), if it was."""
    revoked = certificate.at[1] if certificate is not None else None
    return uk_day(aware(revoked)) if revoked is not None else None


def _until(standing) -> date | None:
    """Return the day a standing certificate's credential is valid until (CERTIFICATES row)."""
    until = standing.at[2] if standing is not None else None
    return uk_day(aware(until)) if until is not None else None


def _ended(standing, now: datetime) -> bool:
    """Say whether a standing certificate's credential (CERTIFICATES row) has expired."""
    until = standing.at[2] if standing is not None else None
    return until is not None and aware(until) <= now


def _through(latest, standing) -> CertificateNamed | None:
    """Return the certificate that stands when the latest (CERTIFICATES rows) was revoked."""
    if latest is None or standing is None or latest.at[1] is None:
        return None
    return CertificateNamed(standing.text[1], uk_day(aware(standing.at[0])))


def _open_renewal(module: Module, found, catalogue: Catalogue, now: datetime) -> Renewal | None:
    """Return the module's renewal if its latest pass is open for renewal now, else None."""
    latest = renewal_rows.latest_passes(found).get(module.slug)
    profession = renewal_rows.profession_of(found)
    found_renewal = renewal_rows.renewal_in(module, profession, latest, found, catalogue, now)
    return found_renewal if found_renewal is not None and found_renewal.open else None


def _completed(found) -> tuple[dict[str, set[str]], dict[str, list]]:
    done: dict[str, set[str]] = defaultdict(set)
    done_at: dict[str, list] = defaultdict(list)
    for row in found.get("done", ()):
        slug, key = row.text[:2]
        done[slug].add(key)
        done_at[slug].append(row.at[0])
    return done, done_at


def _completed_on(module: Module, passed, done, done_at) -> date | None:
    # A module with a quiz is complete when it is passed; one without, when every item is done.
    if module.assessment is not None:
        at = passed.get(module.slug)
    elif len(done.get(module.slug, ())) >= len(module.item_keys):
        at = max(aware(at) for at in done_at[module.slug])
    else:
        at = None
    return uk_day(aware(at)) if at is not None else None
