"""A learner's practice evidence: rating their own confidence, and asking a supervisor.

Each step is a new row (see `models_practice`); nothing is edited. Every step re-rates
the competency with the one rating function, so the stored rows stay the truth. What the
learner's page for a competency shows is in practice_page.py.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from app import db, mail
from app.domain import dates
from app.domain.competencies import practice_renewal_opens, renewal_not_due
from app.domain.content import Catalogue
from app.domain.frameworks import Competency, Framework
from app.links import absolute_url
from app.models import CompetencyLevel, User, utcnow
from app.models_practice import (
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationRequest,
    SelfAssessment,
    Supervisor,
)
from app.services import audit, reminder_failures
from app.services.locks import lock_learner, lock_people, locked_learner
from app.services.rating_reads import aware
from app.services.ratings import refresh_levels
from app.services.request_closures import close_stranded
from app.services.supervisors import is_supervisor, supervisors_of

CONFIDENCE = {
    1: "Not confident",
    2: "A little confident",
    3: "Fairly confident",
    4: "Confident",
    5: "Very confident",
}
STAGES = {"before": "Before studying the module", "after": "After studying the module"}
REFLECTION_LIMIT = 2000
# A second identical self-assessment this soon is the same click twice.
DOUBLE_CLICK = timedelta(minutes=2)
UPDATES_FOR = timedelta(days=90)


class PracticeError(ValueError):
    """Input to correct: every form field at fault with its message, in the form's order.

    All of a form's problems come at once (the NHS error pattern), never one per send.
    """

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class NotFound(LookupError):
    """No such competency, request or record for this person."""


@dataclass(frozen=True)
class Told:
    """Whom a committed change was to be emailed to, and whether the email went: the page
    says the change was made either way, and that the email was sent only when it was."""

    name: str | None  # None: nobody was to be emailed
    emailed: bool = False


class RenewalNotDue(Exception):
    """The learner's practice is confirmed and its renewal is not due yet (or never is: the
    confirmation has no end), so no supervisor is asked. `notice` says so to the learner."""

    def __init__(self, confirmed_until: datetime | None, renewal_opens: datetime | None):
        super().__init__(confirmed_until, renewal_opens)
        self.confirmed_until = confirmed_until
        self.renewal_opens = renewal_opens

    @property
    def notice(self) -> str:
        """Return, in a sentence, until when practice is confirmed and from when it renews."""
        if self.confirmed_until is None or self.renewal_opens is None:
            return (
                "Your practice is confirmed with no end date, so there is nothing to renew; "
                "no request was sent."
            )
        until, opens = dates.day(self.confirmed_until), dates.day(self.renewal_opens)
        return (
            f"Your practice is confirmed until {until}; you can ask for renewal "
            f"from {opens}. No request was sent."
        )


def _competency_for(user_id: int, code: str, catalogue: Catalogue) -> tuple[Competency, Framework]:
    profession = db.session().scalar(select(User.profession).where(User.id == user_id))
    return competency_of(profession, code, catalogue)


def _still_in_framework(profession: str | None, code: str, catalogue: Catalogue) -> Framework:
    """Return the framework of the profession as read under the learner's lock, or roll back
    and raise NotFound: a change of profession committed while this request waited for the
    lock has closed the requests outside its framework, so nothing is added to one now."""
    try:
        return competency_of(profession, code, catalogue)[1]
    except NotFound:
        db.session().rollback()
        raise


def competency_of(
    profession: str | None, code: str, catalogue: Catalogue
) -> tuple[Competency, Framework]:
    """Return the competency and its framework, if it is of the profession's framework."""
    framework = catalogue.framework_for(profession or "")
    competency = catalogue.competency(code)
    if framework is None or competency is None or competency.framework_id != framework.id:
        raise NotFound(code)
    return competency, framework


def self_assess(user_id: int, code: str, catalogue: Catalogue, form) -> None:
    """Record how confident the learner is, before or after the module, with a reflection."""
    session = db.session()
    _competency_for(user_id, code, catalogue)
    confidence = form.get("confidence", "")
    stage = form.get("stage", "")
    reflection = form.get("reflection", "").strip()
    problems = {}
    if confidence not in {str(n) for n in CONFIDENCE}:
        problems["confidence"] = "Select how confident you are"
    if stage not in STAGES:
        problems["stage"] = "Select whether this is before or after studying the module"
    if len(reflection) > REFLECTION_LIMIT:
        problems["reflection"] = f"Reflection must be {REFLECTION_LIMIT} characters or fewer"
    if problems:
        raise PracticeError(problems)
    lock_learner(session, user_id)
    _still_in_framework(locked_learner(session, user_id).profession, code, catalogue)
    now = utcnow()
    last = session.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.user_id == user_id, SelfAssessment.competency_code == code)
        .order_by(SelfAssessment.assessed_at.desc(), SelfAssessment.id.desc())
        .limit(1)
    )
    same = last and (last.confidence, last.stage, last.reflection) == (
        int(confidence),
        stage,
        reflection,
    )
    if same and aware(last.assessed_at) > now - DOUBLE_CLICK:
        session.rollback()
        return
    session.add(
        SelfAssessment(
            user_id=user_id,
            competency_code=code,
            confidence=int(confidence),
            stage=stage,
            reflection=reflection,
            assessed_at=now,
        )
    )
    session.flush()
    _rerate(user_id, code, catalogue, "self-assessed")
    audit.record(session, "practice.self_assessed", actor_id=user_id, competency=code)
    session.commit()


def request_confirmation(
    user_id: int, code: str, catalogue: Catalogue, supervisor: str
) -> Told | None:
    """Ask a named supervisor of the learner's organisation to confirm their practice.

    Return the supervisor asked and whether they were emailed (once the request has
    committed), or None when no request was written: none is while another waits for one who
    can still decide it (a second click or tab). A request its supervisor can no longer
    decide is closed first, so the learner can ask someone else. Practice confirmed and not
    yet due for renewal is not asked about again (RenewalNotDue), whatever page sent it.
    """
    session = db.session()
    _competency_for(user_id, code, catalogue)
    learner = session.get(User, user_id)
    choices = {str(s.id): s for s in supervisors_of(learner.organisation_id or 0, besides=user_id)}
    chosen = supervisor in choices and is_supervisor(int(supervisor))
    # The learner's lock and the supervisor's, in id order, as a decision and a removal
    # take them (locks.lock_people); then whether they may still ask, which a removal or
    # leaving that came first has changed, so no request waits on someone who cannot decide.
    # With no supervisor chosen, the learner's alone: a renewal not due is said first.
    people = (user_id, int(supervisor)) if chosen else (user_id,)
    organisation_of = lock_people(session, User.id.in_(people))
    # The profession as it is now, under the lock a change of profession takes: one that
    # came first closed the requests outside its framework, and none is written after it.
    profession = session.scalar(select(User.profession).where(User.id == user_id))
    framework = _still_in_framework(profession, code, catalogue)
    # Under the learner's lock a confirmation committed before (a supervisor deciding while
    # this form's page was open) is read as it stands: one not due for renewal stops here.
    _refuse_renewal_not_due(user_id, code, framework)
    if not chosen:
        session.rollback()
        raise PracticeError({"supervisor": "Select the supervisor to ask"})
    asked = choices[supervisor]
    here = learner.organisation_id
    named_in = select(Supervisor.organisation_id).where(Supervisor.user_id == int(supervisor))
    if not (organisation_of.get(user_id) == here == organisation_of.get(int(supervisor))) or (
        session.scalar(named_in) != here
    ):
        session.rollback()
        raise PracticeError(
            {"supervisor": f"{asked.name} is no longer a supervisor here: select who to ask"}
        )
    close_stranded(
        ConfirmationRequest.user_id == user_id,
        ConfirmationRequest.competency_code == code,
        actor_id=user_id,
        catalogue=catalogue,
    )
    waiting = select(ConfirmationRequest.id).where(
        ConfirmationRequest.user_id == user_id,
        ConfirmationRequest.competency_code == code,
        ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
        ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
    )
    if session.scalar(waiting.limit(1)) is not None:
        session.rollback()  # already asked: a second click or tab adds nothing
        return None
    latest = session.scalar(
        select(SelfAssessment.id)
        .where(SelfAssessment.user_id == user_id, SelfAssessment.competency_code == code)
        .order_by(SelfAssessment.assessed_at.desc(), SelfAssessment.id.desc())
        .limit(1)
    )
    request = ConfirmationRequest(
        user_id=user_id,
        organisation_id=learner.organisation_id,
        supervisor_id=int(supervisor),
        competency_code=code,
        self_assessment_id=latest,
        requested_at=utcnow(),
    )
    session.add(request)
    session.flush()
    _rerate(user_id, code, catalogue, "requested")
    audit.record(
        session,
        "practice.requested",
        actor_id=user_id,
        subject_id=int(supervisor),
        competency=code,
        request=request.id,
    )
    session.commit()
    person = session.get(User, int(supervisor))
    emailed = mail.send_quietly(
        person.email,
        "practice_requested",
        name=person.full_name,
        learner=learner.full_name,
        competency=f"{code} {catalogue.competency(code).name}",
        url=absolute_url("supervise.request_view", request_id=request.id),
    )
    if emailed:
        reminder_failures.address_took_mail(person.id, person.email)
    return Told(person.full_name, emailed)


def _refuse_renewal_not_due(user_id: int, code: str, framework: Framework) -> None:
    """Roll back and raise RenewalNotDue when the learner's stored practice is a confirmation
    not yet due for renewal (read as the learner's page reads it). Call under their lock."""
    session = db.session()
    stored = session.execute(
        select(CompetencyLevel.practice, CompetencyLevel.practice_until).where(
            CompetencyLevel.user_id == user_id, CompetencyLevel.competency_code == code
        )
    ).one_or_none()
    if stored is None:
        return
    until = aware(stored.practice_until)
    if renewal_not_due(stored.practice, until, framework.renew_within, utcnow()):
        session.rollback()
        raise RenewalNotDue(until, practice_renewal_opens(until, framework.renew_within))


def _rerate(user_id: int, code: str, catalogue: Catalogue, cause: str) -> None:
    organisation_id = db.session().scalar(select(User.organisation_id).where(User.id == user_id))
    refresh_levels(user_id, organisation_id, {code}, catalogue, cause=cause)
