"""A supervisor's side of practice confirmation: the queue, and one request as they read it.

A supervisor sees only requests addressed to them within their own organisation; any
other request answers as if it did not exist. A decision (confirmation_decisions.py) is one
row per request: a second click or tab finds the decision already made and changes nothing.
A decision sent by someone no longer a supervisor there (no longer named one, or gone from
the organisation, since they opened the request or while it was being written) is refused
plainly, and none is recorded.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from app.domain.competencies import Duration, valid_for
from app.domain.content import Catalogue
from app.domain.frameworks import Competency
from app.domain.paging import asked, clamp
from app.models import utcnow
from app.services import competency_names, practice_reads
from app.services.practice import NotFound
from app.services.practice_page import (
    Assessment,
    RequestRecord,
    assessment,
    evidence,
    request_record,
    standing_confirmation,
)
from app.services.rating_evidence import AttemptEvidence, EvidenceItem, by_attempt
from app.services.rating_reads import aware

# Decided requests listed on a page of the queue; the rest are a page or more away.
DECIDED_PER_PAGE = 25
NO_EVIDENCE = "Not enough evidence"
NOT_RECORDED = "Not recorded (decided before Linkwise kept the rating shown)"


@dataclass(frozen=True)
class Wording:
    """A competency's code, name and statement as a supervisor read them."""

    code: str
    name: str
    statement: str


@dataclass(frozen=True)
class RequestView:
    """One request as the supervisor reads it: before deciding, or as it was decided."""

    record: RequestRecord
    wording: Wording  # as shown now, or as the decision recorded it
    wording_changed: bool  # decided on a wording that is not today's
    now_reads: Wording | None  # today's wording then, if the competency is still there
    learner_profession: str
    level: str  # the knowledge rating shown: now, or when decided
    score: float | None
    evidence: tuple[EvidenceItem, ...]  # every answer now, or those the decision was on
    # The learner's self-assessments shown: every one while it waits, those given by the
    # decision once decided. The one sent with the request; those given after it, newest
    # first (the learner's later word, which the supervisor decides on too); those before.
    sent_with: Assessment | None
    since: tuple[Assessment, ...]
    earlier: tuple[Assessment, ...]  # oldest first
    given_since_decided: bool  # self-assessments given after the decision, not shown
    history: tuple[RequestRecord, ...]  # earlier requests for the same competency
    seen: str  # what the page shows, summed up: a decision is refused if it has changed
    valid_for: Duration | None  # how long a confirmation given now would count (None: no end)
    # A request to renew: the learner's confirmation that stood when they asked (None: not a
    # renewal), and when it ends (None: never). It stands until then whatever is decided.
    renews: RequestRecord | None = None
    renews_until: datetime | None = None
    # While it waits: the framework for the learner's profession now, when the competency
    # is not in it (they changed profession since asking): nothing is left to decide.
    not_in_framework: str | None = None

    @property
    def renewed_has_ended(self) -> bool:
        """Say whether the confirmation this request would renew has ended by now."""
        return self.renews_until is not None and self.renews_until <= utcnow()

    @property
    def attempts(self) -> tuple[AttemptEvidence, ...]:
        """Return the evidence shown grouped by the attempt it was graded in, newest first."""
        return by_attempt(self.evidence)

    @property
    def valid_until_if_confirmed_now(self) -> datetime | None:
        """Until when a confirmation given now would count (None: no end date)."""
        return self.valid_for.after(utcnow()) if self.valid_for else None


# What a request page shows that the learner (or a change of the files) can change while
# it is open, each summed up on its own in the form's `seen`, in this order: a decision
# on a page that no longer shows what is there is refused, saying which of them changed.
SEEN_PARTS = ("wording", "rating", "answers", "assessments", "profession", "validity")


@dataclass(frozen=True)
class Seen:
    """What a request page shows that can change while it is open."""

    wording: Wording
    level: str
    score: float | None
    evidence_ids: tuple[int, ...]  # every quiz answer shown
    assessment_ids: tuple[int, ...]  # every self-assessment shown
    profession: str | None  # the learner's, shown beside their name
    valid_for: Duration | None  # how long a confirmation given now would count

    @property
    def digest(self) -> str:
        """Sum up each part the page shows, for the form to send back."""
        lasts = self.valid_for
        parts = (
            [self.wording.name, self.wording.statement],
            [self.level, self.score],
            sorted(self.evidence_ids),
            sorted(self.assessment_ids),
            self.profession,
            [lasts.months, lasts.days] if lasts else None,
        )
        return "-".join(_summed(part) for part in parts)

    def changed_since(self, seen: str) -> tuple[str, ...]:
        """Name the parts (SEEN_PARTS) that differ from a page's summary; ("page",) when it
        cannot be read (a form sent without it, or from before the parts were kept), since
        which part changed is then unknown."""
        then, now = seen.split("-"), self.digest.split("-")
        if len(then) != len(now):
            return ("page",)
        return tuple(
            name for name, was, is_ in zip(SEEN_PARTS, then, now, strict=True) if was != is_
        )


def _summed(part) -> str:
    return hashlib.sha256(json.dumps(part).encode()).hexdigest()[:12]


def wording_of(competency: Competency | None, recorded) -> Wording | None:
    """Return the wording a decision recorded (code, name, statement), else the competency's."""
    if recorded is not None and recorded[1] is not None:
        return Wording(recorded[0], recorded[1], recorded[2] or "")
    if competency is None:
        return None
    return Wording(competency.code, competency.name, competency.statement)


@dataclass(frozen=True)
class Queue:
    """A supervisor's queue: every request waiting for them, and one page of those decided."""

    waiting: tuple[RequestRecord, ...]  # oldest first
    decided: tuple[RequestRecord, ...]  # this page's, latest decision first
    gone: dict[str, str | None]  # a waiting competency since taken out: the name it last had
    page: int
    pages: int
    total: int  # how many they decided


def queue(supervisor_id: int, catalogue: Catalogue, page: int = 1) -> Queue:
    """Return the requests waiting for this supervisor, oldest first, and a page of those
    they decided, latest decision first (one statement, however many they decided; none
    unless they supervise there now). A competency of a waiting request since taken out of
    the framework costs a statement more, for the name it last had; a page past the last
    costs one more, to read the last. A request closed undecided waits for no one."""
    page = asked(page)
    found = practice_reads.queue(supervisor_id, DECIDED_PER_PAGE, page)
    total = found["decided_count"][0].number[0] if found["decided_count"] else 0
    pages = max(1, -(-total // DECIDED_PER_PAGE))
    if page > pages:
        page = clamp(page, pages)
        found = practice_reads.queue(supervisor_id, DECIDED_PER_PAGE, page)
    waiting = [request_record(row) for row in found["request"]]
    return Queue(
        tuple(reversed(waiting)),
        tuple(request_record(row) for row in found["decided"]),
        competency_names.names_gone((r.code for r in waiting), catalogue),
        page,
        pages,
        total,
    )


def view(supervisor_id: int, request_id: int, catalogue: Catalogue) -> RequestView:
    """Return one request addressed to this supervisor, with the learner's evidence in words:
    all of it while it waits, only what the decision was made on once decided."""
    found = practice_reads.request_page(supervisor_id, request_id, utcnow())
    asked = next((row for row in found["request"] if row.number[1] == request_id), None)
    if asked is None:
        raise NotFound(request_id)
    record = request_record(asked)
    code, profession = asked.text[0], asked.text[7]
    competency = catalogue.competency(code)
    framework = (
        catalogue.framework(competency.framework_id)
        if competency
        else catalogue.framework_for(profession or "")
    )
    decision = found["decision"][0] if found["decision"] else None
    if record.outcome is not None and decision is not None:
        wording = wording_of(competency, (code, *decision.text[1:3]))
        now_reads = wording_of(competency, None)
        level, score = decision.text[3] or NOT_RECORDED, decision.real[0]
        rows, now = found["seen"], record.decided_at
    else:
        now_reads = wording = wording_of(competency, None)
        stored = found["level"][0] if found["level"] else None
        level, score = (stored.text[0], stored.real[0]) if stored else (NO_EVIDENCE, None)
        rows, now = found["evidence"], None
    if wording is None or framework is None:
        raise NotFound(request_id)
    lasts = valid_for(competency, framework) if competency else None
    decided_at = record.decided_at
    given = [
        row for row in found["assessment"] if decided_at is None or aware(row.at[0]) <= decided_at
    ]
    if record.closed_at is not None:
        # Closed undecided (its learner left, say): nothing to decide, so nothing of theirs
        # to read: no answers, rating or reflections.
        given, rows, level, score = [], [], NO_EVIDENCE, None
    sent_id = asked.number[2]
    sent = next((assessment(row) for row in given if row.number[1] == sent_id), None)
    after = [
        assessment(r)
        for r in given
        if aware(r.at[0]) > record.requested_at and r.number[1] != sent_id
    ]
    before = [
        assessment(r)
        for r in given
        if aware(r.at[0]) <= record.requested_at and r.number[1] != sent_id
    ]
    shown = Seen(
        wording,
        level,
        score,
        tuple(row.number[1] for row in found["evidence"]),
        tuple(row.number[1] for row in found["assessment"]),
        profession,
        lasts,
    )
    history = tuple(request_record(row) for row in found["request"] if row.number[1] != request_id)
    renews = standing_confirmation(history, lasts, record.requested_at)
    now_for = catalogue.framework_for(profession or "")
    moved_on = (
        record.outcome is None
        and record.closed_at is None
        and competency is not None
        and (now_for is None or now_for.id != competency.framework_id)
    )
    return RequestView(
        record,
        wording,
        now_reads != wording,
        now_reads,
        profession,
        level,
        score,
        evidence(rows, code, catalogue, framework, now),
        sent,
        tuple(reversed(after)),
        tuple(before),
        len(given) < len(found["assessment"]) and record.closed_at is None,
        history,
        shown.digest,
        lasts,
        renews,
        renews.confirms_until(lasts) if renews else None,
        (now_for.title if now_for else "no framework") if moved_on else None,
    )
