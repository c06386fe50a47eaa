"""Practice evidence: self-assessments, requests to a supervisor, and their decisions.

Every row is appended and never edited: a returned request stays returned, and the
learner's next request is a new row. A decision keeps what it was made on (the wording,
the rating shown, the answers seen), so nothing later changes it. Erasure deletes a
learner's rows with the account.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, utcnow


class Supervisor(Base):
    """A person who may confirm the practice of learners in their organisation.

    Named by an administrator, by a manager of the same organisation, or on the command
    line; the audit log keeps who named or removed them, and when.
    """

    __tablename__ = "supervisor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    named_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(default=utcnow)


class SelfAssessment(Base):
    """A learner's own confidence in a competency (1 to 5), with a reflection or example."""

    __tablename__ = "self_assessment"
    __table_args__ = (
        CheckConstraint("confidence BETWEEN 1 AND 5", name="confidence_range"),
        CheckConstraint("stage IN ('before', 'after', 'any')", name="stage_known"),
        Index("ix_self_assessment_user_code", "user_id", "competency_code", "assessed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    competency_code: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[int]
    # Before or after studying the module that develops the competency, so change shows.
    stage: Mapped[str] = mapped_column(String(10), default="any")
    reflection: Mapped[str] = mapped_column(Text, default="")
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConfirmationRequest(Base):
    """A learner asks a named supervisor of their organisation to confirm their practice."""

    __tablename__ = "confirmation_request"
    __table_args__ = (
        Index("ix_confirmation_request_supervisor", "supervisor_id", "requested_at"),
        Index("ix_confirmation_request_user_code", "user_id", "competency_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    competency_code: Mapped[str] = mapped_column(String(40))
    # The self-assessment the learner sent with the request, as it was then.
    self_assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("self_assessment.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConfirmationDecision(Base):
    """A supervisor's answer to a request: confirmed, or returned with an action plan."""

    __tablename__ = "confirmation_decision"
    __table_args__ = (
        CheckConstraint("outcome IN ('confirmed', 'returned')", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One decision per request: a second click or tab collides here instead of adding one.
    request_id: Mapped[int] = mapped_column(
        ForeignKey("confirmation_request.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(String(20))
    comments: Mapped[str] = mapped_column(Text, default="")
    action_plan: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The supervisor's name as signed, kept for the record even if their account goes.
    decided_by_name: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the supervisor was shown when they decided, kept so that later answers and edits
    # to competencies/*.yaml change nothing. The wording of a decision made before these
    # were kept is the wording at upgrade (migration 0025); its rating was not kept (NULL).
    framework_title: Mapped[str | None] = mapped_column(Text)
    competency_name: Mapped[str | None] = mapped_column(Text)
    competency_statement: Mapped[str | None] = mapped_column(Text)
    knowledge_level: Mapped[str | None] = mapped_column(String(100))
    knowledge_score: Mapped[float | None]
    # A confirmation's validity as decided: until when it confirms (None: no end date), from
    # the competency's or framework's valid_for then, so a later edit changes nothing. False
    # `validity_recorded`: decided before this was kept (migration 0032), or returned.
    valid_until: Mapped[datetime | None]
    validity_recorded: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class ConfirmationEvidence(Base):
    """A quiz answer the supervisor was shown when they decided: the decision's evidence."""

    __tablename__ = "confirmation_evidence"

    decision_id: Mapped[int] = mapped_column(
        ForeignKey("confirmation_decision.id", ondelete="CASCADE"), primary_key=True
    )
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True, index=True
    )


# Why a request was closed undecided (confirmation_closure.reason).
CLOSED_SUPERVISOR = "supervisor"  # its supervisor can no longer confirm practice there
CLOSED_LEARNER_ERASED = "learner_erased"  # its learner erased their account
CLOSED_LEARNER_LEFT = "learner_left"  # its learner left the request's organisation
CLOSED_SUPERVISOR_ERASED = "supervisor_erased"  # its supervisor's account was erased
CLOSED_WITHDRAWN = "learner_withdrew"  # its learner withdrew it before anyone decided
# its learner changed profession, and its competency is not in the new one's framework
CLOSED_PROFESSION = "profession_changed"


class ConfirmationClosure(Base):
    """A request closed undecided: nobody can decide it any more, and `reason` says why.

    Written when a supervisor is erased, stops being a supervisor or leaves the
    organisation (or the learner asks someone else instead), when the learner erases their
    account, when the learner leaves the organisation (on their own, removed by a
    manager, or moving to another), when the learner withdraws it, and when the learner
    changes to a profession whose framework does not hold its competency. A closed request
    waits for no one; the learner may ask another supervisor. `reason` is NULL only for a
    row written by hand without one.
    """

    __tablename__ = "confirmation_closure"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("confirmation_request.id", ondelete="CASCADE"), primary_key=True
    )
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(20))
