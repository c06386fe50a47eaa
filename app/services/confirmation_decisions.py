"""A supervisor's decision on a request: confirm the practice, or return it with a plan.

A decision is one row per request: a second click or tab finds it already made
(AlreadyDecided) and changes nothing. It is refused plainly, and none is recorded, when its
sender is no longer a supervisor there (NoLongerSupervisor), when the request was closed
undecided (Closed), or when the page it was made on is out of date: it records what that
page showed (the wording, the rating, the answers, how long a confirmation counts).
"""

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app import db, mail
from app.domain.competencies import Duration, valid_for
from app.domain.content import Catalogue
from app.links import absolute_url
from app.models import CompetencyLevel, Organisation, User, utcnow
from app.models import Evidence as EvidenceRow
from app.models_practice import (
    CLOSED_WITHDRAWN,
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationEvidence,
    ConfirmationRequest,
    Supervisor,
)
from app.services import audit, reminder_failures, xapi
from app.services.confirmations import NO_EVIDENCE, Wording, seen_digest
from app.services.knowledge_now import knowledge_now
from app.services.locks import lock_people
from app.services.practice import NotFound, PracticeError
from app.services.ratings import refresh_levels

TEXT_LIMIT = 2000


class AlreadyDecided(Exception):
    """The request was decided already (another tab, or a double click)."""


class Closed(Exception):
    """The request was closed undecided: its supervisor could no longer decide it, its
    learner left or was erased, or the learner withdrew it (`withdrawn`)."""

    def __init__(self, request_id: int, withdrawn: bool = False):
        super().__init__(request_id)
        self.withdrawn = withdrawn


class NoLongerSupervisor(Exception):
    """The person it was sent to is no longer a supervisor of its organisation (no longer
    named one, or gone from it) when their decision would be written: none is."""

    def __init__(self, organisation: str):
        super().__init__(organisation)
        self.organisation = organisation


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


@dataclass(frozen=True)
class Decided:
    """The decision recorded ("confirmed" or "returned"), and whether the learner was
    emailed about it once it had committed."""

    outcome: str
    emailed: bool


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
        return seen_digest(self.wording, self.level, self.score, self.evidence_ids, self.valid_for)


def _shown(request: ConfirmationRequest, catalogue: Catalogue) -> _Shown:
    """Read, in the decision's transaction, the rating and answers the page shows now."""
    session = db.session()
    learner, code = request.user_id, request.competency_code
    competency = catalogue.competency(code)
    if competency is None:
        raise NotFound(request.id)
    # As the request's page showed it: knowledge with no answer in date is not enough.
    level, score, _ = knowledge_now(utcnow())
    stored = session.execute(
        select(level.label("level"), score.label("score")).where(
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


def decide(supervisor_id: int, request_id: int, catalogue: Catalogue, form) -> Decided:
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
    closed = session.execute(
        select(ConfirmationClosure.reason).where(ConfirmationClosure.request_id == request.id)
    ).one_or_none()
    if closed is not None:
        raise Closed(request_id, withdrawn=closed.reason == CLOSED_WITHDRAWN)
    if organisation_of[learner_id] != here:
        raise Closed(request_id)  # a learner no longer in its organisation is not its to decide
    outcome = form.get("outcome", "")
    comments = form.get("comments", "").strip()
    action_plan = form.get("action_plan", "").strip()
    problems = {}
    if outcome not in ("confirmed", "returned"):
        problems["outcome"] = "Select whether you confirm the practice or return it"
    if len(comments) > TEXT_LIMIT:
        problems["comments"] = f"Comments must be {TEXT_LIMIT} characters or fewer"
    if outcome == "returned" and not action_plan:
        problems["action_plan"] = "Enter an action plan for the learner to work on"
    elif len(action_plan) > TEXT_LIMIT:
        problems["action_plan"] = f"Action plan must be {TEXT_LIMIT} characters or fewer"
    elif outcome == "confirmed" and action_plan:
        # A confirmation keeps no action plan: saving would drop what was typed unseen.
        problems["action_plan"] = (
            "An action plan goes with a returned request: remove it, or move it to your comments"
        )
    if problems:
        raise PracticeError(problems)
    supervisor = session.get(User, supervisor_id)
    shown = _shown(request, catalogue)
    if form.get("seen", "") != shown.seen:
        learner_name = session.scalar(select(User.full_name).where(User.id == learner_id))
        raise PracticeError(
            {
                "outcome": f"{learner_name} has new quiz answers since you opened this request, "
                "or their rating, the competency's wording or how long a confirmation counts "
                "has changed. Read the page again, then decide."
            }
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
                action_plan=action_plan,
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
    emailed = mail.send_quietly(
        learner.email,
        "practice_decided",
        name=learner.full_name,
        supervisor=supervisor.full_name,
        competency=f"{code} {catalogue.competency(code).name}",
        confirmed=outcome == "confirmed",
        url=absolute_url("practice.competency", code=code),
    )
    if emailed:
        reminder_failures.address_took_mail(learner_id, learner.email)
    return Decided(outcome, emailed)
