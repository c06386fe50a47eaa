"""A supervisor's side of practice confirmation: the queue, one request, the decision.

A supervisor sees only requests addressed to them within their own organisation; any
other request answers as if it did not exist. A decision is one row per request: a
second click or tab finds the decision already made and changes nothing. A decision sent
by someone no longer a supervisor there (no longer named one, or gone from the
organisation, since they opened the request or while it was being written) is refused
plainly, and none is recorded.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app import db, mail
from app.domain.competencies import Duration, valid_for
from app.domain.content import Catalogue
from app.domain.frameworks import Competency
from app.links import absolute_url
from app.models import CompetencyLevel, Organisation, User, utcnow
from app.models import Evidence as EvidenceRow
from app.models_practice import (
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationEvidence,
    ConfirmationRequest,
    Supervisor,
)
from app.services import audit, practice_reads, xapi
from app.services.attainment import EvidenceItem
from app.services.locks import lock_people
from app.services.practice import NotFound, PracticeError
from app.services.practice_page import (
    Assessment,
    RequestRecord,
    assessment,
    evidence,
    request_record,
)
from app.services.rating_reads import aware
from app.services.ratings import refresh_levels

TEXT_LIMIT = 2000
NO_EVIDENCE = "Not enough evidence"
NOT_RECORDED = "Not recorded (decided before Linkwise kept the rating shown)"


class AlreadyDecided(Exception):
    """The request was decided already (another tab, or a double click)."""


class Closed(Exception):
    """The request was closed undecided: its supervisor could no longer decide it."""


class NoLongerSupervisor(Exception):
    """The person it was sent to is no longer a supervisor of its organisation (no longer
    named one, or gone from it) when their decision would be written: none is."""

    def __init__(self, organisation: str):
        super().__init__(organisation)
        self.organisation = organisation


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
    assessments: tuple[Assessment, ...]
    sent_with: Assessment | None  # the self-assessment sent with the request
    history: tuple[RequestRecord, ...]  # earlier requests for the same competency
    seen: str  # what the page shows, summed up: a decision is refused if it has changed
    valid_for: Duration | None  # how long a confirmation given now would count (None: no end)

    @property
    def valid_until_if_confirmed_now(self) -> datetime | None:
        """Until when a confirmation given now would count (None: no end date)."""
        return self.valid_for.after(utcnow()) if self.valid_for else None


def _seen(
    wording: Wording, level: str, score: float | None, evidence_ids, lasts: Duration | None
) -> str:
    """Sum up what the request page shows, so a decision can tell the page is out of date."""
    validity = [lasts.months, lasts.days] if lasts else None
    shown = [wording.name, wording.statement, level, score, sorted(evidence_ids), validity]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:32]


def wording_of(competency: Competency | None, recorded) -> Wording | None:
    """Return the wording a decision recorded (code, name, statement), else the competency's."""
    if recorded is not None and recorded[1] is not None:
        return Wording(recorded[0], recorded[1], recorded[2] or "")
    if competency is None:
        return None
    return Wording(competency.code, competency.name, competency.statement)


def queue(supervisor_id: int) -> tuple[tuple[RequestRecord, ...], tuple[RequestRecord, ...]]:
    """Return the requests waiting for this supervisor, oldest first, and those they
    decided, newest first (one statement; none unless they supervise there now). A request
    closed undecided waits for no one."""
    found = [request_record(row) for row in practice_reads.queue(supervisor_id)]
    waiting = [r for r in found if r.outcome is None and r.closed_at is None]
    return tuple(reversed(waiting)), tuple(r for r in found if r.outcome is not None)


def _addressed(supervisor_id: int, request_id: int) -> ConfirmationRequest:
    """Return the request if it was sent to this person, whatever they are now (the
    decision then says plainly when they are no longer its supervisor)."""
    request = db.session().scalar(
        select(ConfirmationRequest).where(
            ConfirmationRequest.id == request_id, ConfirmationRequest.supervisor_id == supervisor_id
        )
    )
    if request is None:
        raise NotFound(request_id)
    return request


def view(supervisor_id: int, request_id: int, catalogue: Catalogue) -> RequestView:
    """Return one request addressed to this supervisor, with the learner's evidence in words:
    all of it while it waits, only what the decision was made on once decided."""
    found = practice_reads.request_page(supervisor_id, request_id)
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
    given = tuple(assessment(row) for row in found["assessment"])
    sent = next((row for row in found["assessment"] if row.number[1] == asked.number[2]), None)
    if record.closed_at is not None:
        # Closed undecided (its learner left, say): nothing to decide, so nothing of theirs
        # to read: no answers, rating or reflections.
        given, sent, rows, level, score = (), None, [], NO_EVIDENCE, None
    return RequestView(
        record,
        wording,
        now_reads != wording,
        now_reads,
        profession,
        level,
        score,
        evidence(rows, code, catalogue, framework, now),
        given,
        next((a for a in given if sent and a.at == aware(sent.at[0])), None),
        tuple(request_record(row) for row in found["request"] if row.number[1] != request_id),
        _seen(wording, level, score, (row.number[1] for row in found["evidence"]), lasts),
        lasts,
    )


@dataclass(frozen=True)
class _Shown:
    """What the request page shows now: what a decision records it was made on."""

    framework: str
    wording: Wording
    level: str
    score: float | None
    evidence_ids: tuple[int, ...]
    valid_for: Duration | None  # how long a confirmation counts, by the files now

    @property
    def seen(self) -> str:
        return _seen(self.wording, self.level, self.score, self.evidence_ids, self.valid_for)


def _shown(request: ConfirmationRequest, catalogue: Catalogue) -> _Shown:
    """Read, in the decision's transaction, the rating and answers the page shows now."""
    session = db.session()
    learner, code = request.user_id, request.competency_code
    competency = catalogue.competency(code)
    if competency is None:
        raise NotFound(request.id)
    stored = session.execute(
        select(CompetencyLevel.level, CompetencyLevel.score).where(
            CompetencyLevel.user_id == learner, CompetencyLevel.competency_code == code
        )
    ).one_or_none()
    evidence_ids = session.scalars(
        select(EvidenceRow.id).where(
            EvidenceRow.user_id == learner, EvidenceRow.competency_code == code
        )
    ).all()
    framework = catalogue.framework(competency.framework_id)
    return _Shown(
        framework.title,
        Wording(competency.code, competency.name, competency.statement),
        stored.level if stored else NO_EVIDENCE,
        stored.score if stored else None,
        tuple(sorted(evidence_ids)),
        valid_for(competency, framework),
    )


def decide(supervisor_id: int, request_id: int, catalogue: Catalogue, form) -> str:
    """Confirm the practice, or return the request with comments and an action plan.

    The decision records what the page showed: the wording, the rating and the answers,
    and a confirmation until when it is valid (by valid_for as the files say now). A
    form from a page shown before the learner's latest answers (the `seen` summary differs)
    is refused, so a supervisor never confirms on answers they were not shown.
    """
    session = db.session()
    request = _addressed(supervisor_id, request_id)
    learner_id, code = request.user_id, request.competency_code
    # The supervisor's lock and the learner's, in id order (locks.lock_people): the
    # supervisor's removal or leaving, and the learner's erasure or leaving, which close
    # this request, lock them so too (request_closures.lock_for_closing), and never cross
    # a decision: whichever comes second finds the first's work done.
    organisation_of = lock_people(session, User.id.in_((supervisor_id, learner_id)))
    decided = select(ConfirmationDecision.id).where(ConfirmationDecision.request_id == request.id)
    if session.scalar(decided) is not None:
        raise AlreadyDecided(request_id)
    named_in = select(Supervisor.organisation_id).where(Supervisor.user_id == supervisor_id)
    here = request.organisation_id
    if not (session.scalar(named_in) == organisation_of[supervisor_id] == here):
        name = session.scalar(select(Organisation.name).where(Organisation.id == here))
        raise NoLongerSupervisor(name or "")
    closed = select(ConfirmationClosure.request_id).where(
        ConfirmationClosure.request_id == request.id
    )
    if session.scalar(closed) is not None or organisation_of[learner_id] != here:
        raise Closed(request_id)  # a learner no longer in its organisation is not its to decide
    outcome = form.get("outcome", "")
    if outcome not in ("confirmed", "returned"):
        raise PracticeError("outcome", "Select whether you confirm the practice or return it")
    comments = form.get("comments", "").strip()
    action_plan = form.get("action_plan", "").strip()
    if outcome == "returned" and not action_plan:
        raise PracticeError("action_plan", "Enter an action plan for the learner to work on")
    for field, value in (("comments", comments), ("action_plan", action_plan)):
        if len(value) > TEXT_LIMIT:
            raise PracticeError(field, f"Keep this to {TEXT_LIMIT} characters or fewer")
    supervisor = session.get(User, supervisor_id)
    shown = _shown(request, catalogue)
    if form.get("seen", "") != shown.seen:
        learner_name = session.scalar(select(User.full_name).where(User.id == learner_id))
        raise PracticeError(
            "outcome",
            f"{learner_name} has new quiz answers since you opened this request, or their "
            "rating, the competency's wording or how long a confirmation counts has changed. "
            "Read the page again, then decide.",
        )
    decided_at = utcnow()
    # Recorded now, so that a later edit of valid_for changes no confirmation given.
    confirmed = outcome == "confirmed"
    lasts = shown.valid_for if confirmed else None
    try:
        with session.begin_nested():
            decision = ConfirmationDecision(
                request_id=request.id,
                outcome=outcome,
                comments=comments,
                action_plan=action_plan if outcome == "returned" else "",
                decided_by=supervisor_id,
                decided_by_name=supervisor.full_name,
                decided_at=decided_at,
                framework_title=shown.framework,
                competency_name=shown.wording.name,
                competency_statement=shown.wording.statement,
                knowledge_level=shown.level,
                knowledge_score=shown.score,
                valid_until=lasts.after(decided_at) if lasts else None,
                validity_recorded=confirmed,
            )
            session.add(decision)
            session.flush()
            if shown.evidence_ids:
                session.execute(
                    insert(ConfirmationEvidence),
                    [{"decision_id": decision.id, "evidence_id": i} for i in shown.evidence_ids],
                )
    except IntegrityError:
        session.rollback()
        raise AlreadyDecided(request_id) from None
    if confirmed:
        # In the decision's transaction: the statement is saved exactly when the decision is.
        xapi.practice_confirmed(learner_id, code, supervisor_id, request.id, decided_at)
    learner = session.get(User, learner_id)
    refresh_levels(learner_id, learner.organisation_id, {code}, catalogue)
    audit.record(
        session,
        f"practice.{outcome}",
        actor_id=supervisor_id,
        subject_id=learner_id,
        competency=code,
        request=request_id,
    )
    session.commit()
    mail.send_quietly(
        learner.email,
        "practice_decided",
        name=learner.full_name,
        supervisor=supervisor.full_name,
        competency=f"{code} {catalogue.competency(code).name}",
        confirmed=outcome == "confirmed",
        url=absolute_url("practice.competency", code=code),
    )
    return outcome
