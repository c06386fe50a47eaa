"""A supervisor's decision on a request: confirm the practice, or return it with a plan.

A decision is one row per request: a second click or tab finds it already made
(AlreadyDecided) and changes nothing. It is refused plainly, and none is recorded, when its
sender is no longer a supervisor there (NoLongerSupervisor), when the request was closed
undecided (Closed), or when the page it was made on is out of date (PageChanged): it
records what that page showed (the wording, the rating, the answers, how long a
confirmation counts), and the page showed the learner's self-assessments too.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app import db, mail
from app.domain.competencies import valid_for
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
    SelfAssessment,
    Supervisor,
)
from app.services import audit, reminder_failures, xapi
from app.services.confirmations import NO_EVIDENCE, Seen, Wording
from app.services.knowledge_now import knowledge_now
from app.services.locks import lock_people
from app.services.practice import NotFound, PracticeError
from app.services.rating_reads import aware
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
    named one, or gone from it) when their decision would be written: none is. `earlier`
    is the decision they had made on it before, if any (a second click that arrived after
    their removal): its outcome and when, which stands."""

    def __init__(self, organisation: str, earlier: tuple[str, datetime] | None = None):
        super().__init__(organisation)
        self.organisation = organisation
        self.earlier = earlier


class NotInFramework(PracticeError):
    """The request's competency is not in the framework for the learner's profession now
    (they changed it since asking): nothing is left to decide, and none is recorded."""


class PageChanged(PracticeError):
    """The page the decision was made on no longer shows what is there: none is recorded,
    and the page is shown again as it is now, saying what changed."""


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
    # Whose request, on what: the learner's name and the competency as decided on.
    learner: str = ""
    competency: str = ""


def _shown(request: ConfirmationRequest, catalogue: Catalogue) -> tuple[str, Seen]:
    """Read, in the decision's transaction, the framework's title and what the page shows
    now that can change: the rating, the answers, the self-assessments, the profession."""
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
    assessment_ids = session.scalars(
        select(SelfAssessment.id).where(
            SelfAssessment.user_id == learner, SelfAssessment.competency_code == code
        )
    ).all()
    profession = session.scalar(select(User.profession).where(User.id == learner))
    framework = catalogue.framework(competency.framework_id)
    return (
        framework.title,
        Seen(
            Wording(competency.code, competency.name, competency.statement),
            stored.level if stored else NO_EVIDENCE,
            stored.score if stored else None,
            tuple(sorted(evidence_ids)),
            tuple(sorted(assessment_ids)),
            profession,
            valid_for(competency, framework),
        ),
    )


def _in_learners_framework(request: ConfirmationRequest, catalogue: Catalogue) -> None:
    """Refuse a decision on a competency outside the framework for the learner's profession
    as it stands under their lock. A change of profession closes such requests with it
    (request_closures.close_outside_framework); this holds for any it did not close."""
    competency = catalogue.competency(request.competency_code)
    if competency is None:
        return  # taken out of the files: refused as not found when what was shown is read
    learner, profession = (
        db.session()
        .execute(select(User.full_name, User.profession).where(User.id == request.user_id))
        .one()
    )
    framework = catalogue.framework_for(profession or "")
    if framework is None or framework.id != competency.framework_id:
        now = f" ({framework.title})" if framework is not None else ""
        raise NotInFramework(
            {
                "outcome": f"Your decision was not recorded: {competency.code} is not in the "
                f"framework for {learner}'s profession now{now}, so there is nothing to decide."
            }
        )


def what_changed(learner: str, parts: tuple[str, ...]) -> str:
    """Say what changed on a request's page since it was opened (confirmations.SEEN_PARTS)."""
    said = {
        "answers": f"{learner} has new quiz answers",
        "assessments": f"{learner} has given a new self-assessment",
        "rating": "the knowledge rating has changed",
        "profession": f"{learner}'s profession has changed",
        "wording": "the competency's wording has changed",
        "validity": "how long a confirmation counts has changed",
    }
    found = [words for part, words in said.items() if part in parts] or ["the page has changed"]
    listed = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} and {found[-1]}"
    return (
        f"Since you opened this request, {listed}. Your decision was not recorded: read the "
        "page again, as it is now, then decide."
    )


def decide(supervisor_id: int, request_id: int, catalogue: Catalogue, form) -> Decided:
    """Confirm the practice, or return the request with comments and an action plan.

    The decision records what the page showed: the wording, the rating and the answers,
    and a confirmation until when it is valid (by valid_for as the files say now). A
    form from a page shown before the learner's latest answers or self-assessments (the
    `seen` summary differs) is refused, so a supervisor never decides on what they were not
    shown. Whether the sender still supervises there is asked first, so a second click that
    arrives after their removal is told that, not sent to a page they may no longer see.
    """
    session = db.session()
    request = _addressed(supervisor_id, request_id)
    learner_id, code = request.user_id, request.competency_code
    # The supervisor's lock and the learner's, in id order (locks.lock_people): the
    # supervisor's removal or leaving, and the learner's erasure or leaving, which close
    # this request, lock them so too (request_closures.lock_for_closing), and never cross
    # a decision: whichever comes second finds the first's work done.
    organisation_of = lock_people(session, User.id.in_((supervisor_id, learner_id)))
    decided = session.execute(
        select(ConfirmationDecision.outcome, ConfirmationDecision.decided_at).where(
            ConfirmationDecision.request_id == request.id
        )
    ).one_or_none()
    named_in = select(Supervisor.organisation_id).where(Supervisor.user_id == supervisor_id)
    here = request.organisation_id
    if not (session.scalar(named_in) == organisation_of[supervisor_id] == here):
        name = session.scalar(select(Organisation.name).where(Organisation.id == here))
        earlier = (decided.outcome, aware(decided.decided_at)) if decided else None
        raise NoLongerSupervisor(name or "", earlier)
    if decided is not None:
        raise AlreadyDecided(request_id)
    closed = session.execute(
        select(ConfirmationClosure.reason).where(ConfirmationClosure.request_id == request.id)
    ).one_or_none()
    if closed is not None:
        raise Closed(request_id, withdrawn=closed.reason == CLOSED_WITHDRAWN)
    if organisation_of[learner_id] != here:
        raise Closed(request_id)  # a learner no longer in its organisation is not its to decide
    _in_learners_framework(request, catalogue)
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
    framework_title, shown = _shown(request, catalogue)
    changed = shown.changed_since(form.get("seen", ""))
    if changed:
        learner_name = session.scalar(select(User.full_name).where(User.id == learner_id))
        raise PageChanged({"outcome": what_changed(learner_name, changed)})
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
                framework_title=framework_title,
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
    refresh_levels(learner_id, learner.organisation_id, {code}, catalogue, cause="decided")
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
        competency=catalogue.called(code),
        confirmed=outcome == "confirmed",
        url=absolute_url("practice.competency", code=code),
    )
    if emailed:
        reminder_failures.address_took_mail(learner_id, learner.email)
    return Decided(outcome, emailed, learner.full_name, f"{code} {shown.wording.name}")
