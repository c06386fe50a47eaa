"""A learner's practice page for one competency, and the rows it is made of.

Their stored rating and how it has changed, their self-assessments, their requests for
confirmation and what became of each, the supervisors they may ask, and their quiz evidence
in words: read in one statement (practice_reads.competency_page). A supervisor's pages show
requests and assessments as this page does.
"""

from dataclasses import dataclass
from datetime import datetime

from app import db
from app.domain.competencies import (
    CONFIRMED,
    NOT_STARTED,
    practice_renewal_opens,
    practice_shown,
    renewal_not_due,
    valid_for,
)
from app.domain.competencies.knowledge import why_rated
from app.domain.competencies.met_rules import practice_needed
from app.domain.confirmation_pdf import validity_in_words
from app.domain.content import Catalogue
from app.domain.frameworks import Competency, Framework
from app.models import utcnow
from app.models_practice import (
    CLOSED_LEARNER_ERASED,
    CLOSED_LEARNER_LEFT,
    CLOSED_PROFESSION,
    CLOSED_SUPERVISOR,
    CLOSED_SUPERVISOR_ERASED,
    CLOSED_WITHDRAWN,
)
from app.services import practice_reads, rating_history
from app.services.practice import CONFIDENCE, NotFound, competency_of
from app.services.rating_evidence import (
    AttemptEvidence,
    AttemptTaken,
    EvidenceItem,
    attempt_taken,
    by_attempt,
    evidence_in_words,
)
from app.services.rating_reads import aware
from app.services.supervisors import SupervisorChoice
from app.services.tagged_rows import Row


@dataclass(frozen=True)
class Assessment:
    """One self-assessment as the learner gave it."""

    confidence: int
    stage: str
    reflection: str
    at: datetime

    @property
    def confidence_words(self) -> str:
        """Return the confidence in words."""
        return CONFIDENCE[self.confidence]


@dataclass(frozen=True)
class RequestRecord:
    """A request to a supervisor and, once given, the decision on it (or its closing)."""

    id: int
    code: str
    learner: str
    supervisor: str
    requested_at: datetime
    outcome: str | None
    comments: str
    action_plan: str
    decided_by: str
    decided_at: datetime | None
    closed_at: datetime | None = None  # closed undecided: no one could decide it any more
    supervisor_can_decide: bool = True  # whether its supervisor could decide it now
    learner_erased_at: datetime | None = None  # when its learner's account was erased
    closed_because: str | None = None  # why it was closed (models_practice.CLOSED_*)
    organisation: str = ""  # the organisation it was asked in
    # A confirmation's "Valid until" in words, as its decision recorded it; else empty.
    valid_until: str = ""
    supervisor_erased: bool = False  # whether its supervisor's account has been erased since
    # The competency's name as its decision recorded it (None: undecided, or decided before
    # decisions kept it): a competency renamed or taken out since keeps the name decided on.
    competency_name: str | None = None
    supervisor_id: int | None = None  # whom it asked (None: their account was deleted)
    # A confirmation's end as its decision recorded it (None: no end date, or not recorded:
    # see validity_recorded), for working out whether it still stands.
    ends: datetime | None = None
    validity_recorded: bool = False

    def confirms_until(self, lasts) -> datetime | None:
        """Return when this confirmation stops confirming: its recorded end, else (decided
        before ends were recorded) `lasts` (a Duration, or None: never) after it was given."""
        if self.validity_recorded or self.decided_at is None:
            return self.ends
        return lasts.after(self.decided_at) if lasts else None

    def stands_at(self, moment: datetime, lasts) -> bool:
        """Say whether this is a confirmation given by `moment` that still confirms then."""
        if self.outcome != "confirmed" or self.decided_at is None or self.decided_at > moment:
            return False
        ends = self.confirms_until(lasts)
        return ends is None or ends > moment

    @property
    def closed_by_erasure(self) -> bool:
        """Say whether the request was closed because its learner's account was erased."""
        return self.closed_at is not None and self.closed_because == CLOSED_LEARNER_ERASED

    @property
    def closed_by_leaving(self) -> bool:
        """Say whether the request was closed because its learner left its organisation."""
        return self.closed_at is not None and self.closed_because == CLOSED_LEARNER_LEFT

    @property
    def closed_by_supervisor(self) -> bool:
        """Say whether the request was closed because its supervisor had stopped being one
        there (no longer named, or gone from the organisation; or erased, for a request
        closed before erasure was recorded as its own reason)."""
        return self.closed_at is not None and self.closed_because == CLOSED_SUPERVISOR

    @property
    def closed_by_supervisor_erasure(self) -> bool:
        """Say whether the request was closed because its supervisor's account was erased."""
        return self.closed_at is not None and self.closed_because == CLOSED_SUPERVISOR_ERASED

    @property
    def closed_by_profession(self) -> bool:
        """Say whether the request was closed because its learner changed to a profession
        whose framework does not hold its competency."""
        return self.closed_at is not None and self.closed_because == CLOSED_PROFESSION

    @property
    def withdrawn(self) -> bool:
        """Say whether the learner withdrew the request before anyone decided it."""
        return self.closed_at is not None and self.closed_because == CLOSED_WITHDRAWN

    @property
    def waiting(self) -> bool:
        """Say whether the request waits for a supervisor who can still decide it."""
        return self.outcome is None and self.closed_at is None and self.supervisor_can_decide

    @property
    def stranded(self) -> bool:
        """Say whether the request is undecided and its supervisor can no longer decide it."""
        return self.outcome is None and self.closed_at is None and not self.supervisor_can_decide


@dataclass(frozen=True)
class PracticePage:
    """Everything the learner's page for one competency shows."""

    competency: Competency
    framework: Framework
    level: str
    practice: str
    asks_for_practice: bool
    assessments: tuple[Assessment, ...]
    requests: tuple[RequestRecord, ...]
    supervisors: tuple[SupervisorChoice, ...]  # whom they may ask: never themselves
    open_request: bool
    evidence: tuple[EvidenceItem, ...]
    supervises: bool = False  # a supervisor of their organisation themselves
    # While practice is "Confirmed": until when, and from when it may be renewed (None: no
    # end, so never); before then the page offers no request to renew it.
    confirmed_until: datetime | None = None
    renewal_opens: datetime | None = None
    renewal_not_due: bool = False
    # The framework of the learner's profession now, when the competency is not in it (one
    # of an earlier profession's framework, earlier_frameworks.py): shown, not added to.
    not_in: Framework | None = None
    # Each change of the rating here, newest first (rating_history).
    history: tuple[rating_history.Change, ...] = ()
    # Why knowledge stands below the top level and what can raise it (None at the top, or
    # before there is a rating).
    level_reason: str | None = None
    # The latest confirmation still in date (None: none), and when it ends (None: never):
    # it stands whatever a supervisor decides on a request to renew it.
    standing: RequestRecord | None = None
    standing_until: datetime | None = None

    @property
    def attempts(self) -> tuple[AttemptEvidence, ...]:
        """Return the quiz evidence grouped by attempt, newest attempt first."""
        return by_attempt(self.evidence)

    @property
    def waiting_request(self) -> RequestRecord | None:
        """Return the request waiting for a supervisor who can decide it, if any."""
        return next((r for r in self.requests if r.waiting), None)


def page(
    user_id: int, profession: str, organisation_id: int | None, code: str, catalogue: Catalogue
) -> PracticePage:
    """Return the learner's page for one competency of their framework (one statement), or
    of another framework they have a practice record in (an earlier profession's)."""
    competency, framework, not_in = _competency_shown(profession, code, catalogue)
    now = utcnow()
    found = practice_reads.competency_page(user_id, organisation_id, code, now)
    if not_in is not None and not (found["request"] or found["assessment"]):
        raise NotFound(code)  # another framework's, and nothing of theirs to show in it
    stored = found["level"][0] if found["level"] else None
    requests = tuple(request_record(row) for row in found["request"])
    until = aware(stored.at[0]) if stored else None
    shown = practice_shown(stored.text[1], until, now) if stored else NOT_STARTED
    confirmed_until = until if shown == CONFIRMED else None
    opens = practice_renewal_opens(confirmed_until, framework.renew_within)
    level = stored.text[0] if stored else "Not enough evidence"
    lasts = valid_for(competency, framework)
    standing = standing_confirmation(requests, lasts, now)
    return PracticePage(
        competency,
        framework,
        level,
        shown,
        practice_needed(competency, framework),
        tuple(assessment(row) for row in found["assessment"]),
        requests,
        tuple(
            SupervisorChoice(r.number[1], r.text[0])
            for r in found["supervisor"]
            if r.number[1] != user_id
        ),
        any(r.waiting for r in requests),
        evidence(found["evidence"], code, catalogue, framework, now),
        any(r.number[1] == user_id for r in found["supervisor"]),
        confirmed_until,
        opens,
        renewal_not_due(shown, until, framework.renew_within, now),
        not_in,
        rating_history.from_rows(found[rating_history.KIND], catalogue).get(code, ()),
        why_rated(level, framework),
        standing,
        standing.confirms_until(lasts) if standing else None,
    )


def _competency_shown(
    profession: str | None, code: str, catalogue: Catalogue
) -> tuple[Competency, Framework, Framework | None]:
    """Return the competency, its framework and, when that is not the framework for the
    profession, the profession's (None when it is)."""
    try:
        return (*competency_of(profession, code, catalogue), None)
    except NotFound:
        competency = catalogue.competency(code)
        current = catalogue.framework_for(profession or "")
        if competency is None or current is None:
            raise
        return competency, catalogue.framework(competency.framework_id), current


def evidence(
    rows: list[Row], code: str, catalogue: Catalogue, framework: Framework, now=None
) -> tuple[EvidenceItem, ...]:
    """Return the quiz evidence read with a practice page, in words, newest first; whether
    each answer still counts is as at `now` (a decision's moment, for what it was shown)."""
    found = [(code, r.real[0], r.at[0], r.text[1], r.text[0], r.doc[0], _attempt(r)) for r in rows]
    return tuple(
        evidence_in_words(db.session(), found, catalogue, framework, now or utcnow())[code]
    )


def _attempt(row: Row) -> AttemptTaken | None:
    """Return the attempt an evidence row was graded in (practice_reads._answers)."""
    attempt_id, number, percent, passed = row.number[2:6]
    return attempt_taken(attempt_id, number, row.at[1], percent, passed, row.flag[0])


def assessment(row: Row) -> Assessment:
    """Return a self-assessment read with a practice page."""
    return Assessment(row.number[2], row.text[0], row.text[1], aware(row.at[0]))


def request_record(row: Row) -> RequestRecord:
    """Return a request, and its decision if given, read with a practice page."""
    code, learner, supervisor, outcome, comments, action_plan, decided_by = row.text[:7]
    closed_because, organisation = row.text[8:10]
    decided = outcome is not None
    return RequestRecord(
        row.number[1],
        code,
        learner,
        supervisor or "A supervisor no longer on Linkwise",
        aware(row.at[0]),
        outcome,
        comments if decided else "",
        action_plan if decided else "",
        decided_by if decided else "",
        aware(row.at[1]) if decided else None,
        None if decided else aware(row.at[2]),
        bool(row.number[3]),
        aware(row.at[3]),
        None if decided else closed_because,
        organisation or "",
        validity_in_words(aware(row.at[4]), bool(row.number[4]), utcnow())
        if outcome == "confirmed"
        else "",
        bool(row.number[5]),
        row.text[10] if decided else None,
        row.number[6],
        aware(row.at[4]) if outcome == "confirmed" else None,
        bool(row.number[4]) if outcome == "confirmed" else False,
    )


def standing_confirmation(
    requests: tuple[RequestRecord, ...], lasts, moment: datetime
) -> RequestRecord | None:
    """Return the latest confirmation among the requests that still confirms at `moment`:
    it stands until its end whatever is decided on a later request (a renewal)."""
    found = [r for r in requests if r.stands_at(moment, lasts)]
    return max(found, key=lambda r: r.decided_at, default=None)
