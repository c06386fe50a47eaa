"""Tables of what a learner has achieved: certificates, evidence and competency ratings."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, sqlite_key, utcnow


class Certificate(Base):
    """The CPD certificate a learner earns by passing a module's quiz."""

    __tablename__ = "certificate"
    # One a passing attempt: a learner holds several for a module once they renew it, and
    # every reader that looks one up by learner and module takes the latest (migration 0034).
    __table_args__ = (Index("ix_certificate_user_module", "user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    # The pass it certifies: two tabs submitting one attempt never make two certificates.
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The learner's reflective account, by heading (see domain/reflection.py).
    reflective_account: Mapped[dict] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    # Set when the holder erased their account: the public check then says so.
    withdrawn_at: Mapped[datetime | None]
    # What it certifies, as it stood at issue and as its credential signed it: a later edit
    # to the module, its competencies or the holder's account never changes a certificate.
    # (Certificates issued before migration 0024 were filled in by it: see its docstring.)
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_profession: Mapped[str] = mapped_column(String(40))
    holder_registration_number: Mapped[str | None] = mapped_column(String(40))
    module_title: Mapped[str] = mapped_column(Text)
    cpd_minutes: Mapped[int]
    learning_outcomes: Mapped[list] = mapped_column(JSON)  # [outcome, ...]
    competencies: Mapped[list] = mapped_column(JSON)  # [[code, name], ...]
    # The module's clinical_reviewer as its file said it at issue ("Awaiting ..." while the
    # review is to come); None if issued before it was recorded (migration 0047).
    clinical_reviewer: Mapped[str | None] = mapped_column(Text)


class Evidence(Base):
    """One graded answer as evidence for one competency, written with the grade."""

    __tablename__ = "evidence"
    __table_args__ = (
        # Read by learner only (and most reads by competency): dashboards count the
        # competency_level rows made from it. Also a graded question is evidence once per
        # competency, however often it is submitted: one index for both, one fewer for each
        # row a grade inserts (uq_evidence_user_id).
        UniqueConstraint("user_id", "competency_code", "attempt_id", "question_id"),
        # The attempt, and that it is the learner's: the learner exists as the attempt's does.
        # One key checked per row instead of two (a grade writes some twenty rows).
        sqlite_key(
            ["attempt_id", "user_id"], ["attempt.id", "attempt.user_id"], ondelete="CASCADE"
        ),
        # On PostgreSQL triggers check these keys, and the one above, once a statement
        # (migration 0022): a grade writes some twenty rows.
        sqlite_key(["organisation_id"], ["organisation.id"]),
        sqlite_key(["question_version"], ["question_version.hash"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    organisation_id: Mapped[int | None]
    competency_code: Mapped[str] = mapped_column(String(40))
    quiz_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    question_version: Mapped[str | None] = mapped_column(String(64))
    attempt_id: Mapped[int]
    score: Mapped[float]  # fraction of the question's points earned, 0 to 1
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RevokedPass(Base):
    """A pass a revocation withdrew: its answers no longer count as evidence.

    Written in the revocation's transaction (services/credential_revocations.py), one row for
    each pass it withdrew by the rule compliance counts by (services/passes.py), so ratings
    read evidence without these attempts' answers (services/rating_reads.py) by an anti-join
    on this table: rows only where a certificate was revoked, so a grade's read of the
    learner's evidence pays next to nothing for it. The attempt, its answers and its evidence
    stay as they were written (migration 0045).
    """

    __tablename__ = "revoked_pass"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True
    )
    # Whose pass it was: a read of one learner's evidence looks up theirs alone, so its cost
    # stays the same however many passes erasures and revocations withdraw.
    user_id: Mapped[int] = mapped_column(index=True)
    revoked_at: Mapped[datetime]  # when the revocation that withdrew it was made


# Met (due for renewal or not), expired, or awaiting a supervisor's confirmation: every
# standing but "not met", which is also what a learner with no rating shows. Spelt as
# SQLAlchemy renders IN_SOME_STANDING, so each database sees the query match its index.
IN_SOME_STANDING_SQL = "met IS {true} OR expired IS {true} OR practice = 'Awaiting confirmation'"
# The columns of competency_level that a rating fills, in the order its writers list them.
RATING_COLUMNS = (
    "level",
    "score",
    "evidence_count",
    "last_evidence_at",
    "practice",
    "met",
    "met_until",
    "due_from",
    "expired",
    "practice_until",
    "knowledge_until",
)


class CompetencyLevel(Base):
    """A learner's current rating in one competency, as `rate_learner` worked it out.

    Derived from `evidence` and practice steps by the one rating function; stored so
    dashboards over thousands of learners count and page in SQL instead of re-rating
    everyone on every view, and so every page shows the same rating. `level` is the
    knowledge rating; `practice` the supervisor workflow's status; `met` the framework's
    rule when rated, which lapses at `met_until` (renewal is due from `due_from`), as a
    confirmed practice does at `practice_until` (read through `practice_shown`), and
    knowledge with no answer left in date at `knowledge_until` (read through
    `knowledge_shown`, or `knowledge_now` in SQL).
    """

    __tablename__ = "competency_level"
    __table_args__ = (
        UniqueConstraint("user_id", "competency_code"),
        Index("ix_competency_level_org_code", "organisation_id", "competency_code", "level"),
        # Each learner's count at a level, in learner order: "sort by competencies reached".
        Index(
            "ix_competency_level_org_level_user",
            "organisation_id",
            "level",
            "user_id",
            "competency_code",
        ),
        # Learners by the competencies they have met: "sort by competencies met" and the
        # met, due soon and expired filters; met rows are few beside the rest.
        Index("ix_competency_level_org_met_user", "organisation_id", "met", "user_id"),
        # The ratings in some standing besides "not met", few beside the rest: the compliance
        # matrix's competency columns read these alone (see IN_SOME_STANDING).
        Index(
            "ix_competency_level_org_standing",
            "organisation_id",
            "competency_code",
            postgresql_where=text(IN_SOME_STANDING_SQL.format(true="true")),
            sqlite_where=text(IN_SOME_STANDING_SQL.format(true="1")),
        ),
        # A re-rating updates a learner's rows in place: room on their page for the new
        # versions (PostgreSQL).
        # Checked once a statement on PostgreSQL (migration 0022).
        sqlite_key(["organisation_id"], ["organisation.id"]),
        sqlite_key(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        {"postgresql_with": {"fillfactor": 80}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    organisation_id: Mapped[int | None]
    competency_code: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(40))
    score: Mapped[float | None]
    evidence_count: Mapped[int]
    last_evidence_at: Mapped[datetime | None]
    practice: Mapped[str] = mapped_column(
        String(30), default="Not started", server_default="Not started"
    )
    met: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    met_until: Mapped[datetime | None]
    due_from: Mapped[datetime | None]
    expired: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    rated_at: Mapped[datetime | None]
    # When a "Confirmed" practice stops confirming (None: it does not, or not confirmed):
    # pages say "Confirmation expired" from then on, before the next re-rating.
    practice_until: Mapped[datetime | None]
    # When the last answer the knowledge rating counted expires (None: none, or never):
    # pages show the rating a learner with no answer in date gets from then on.
    knowledge_until: Mapped[datetime | None]
    # What made the latest writer rate it (RATING_CAUSES), and the rules it was rated by (a
    # rules stamp, "referrer 0.2 9ca750aa": domain/competencies/rules_stamp.py; None: not
    # recorded): a change of standing copies both into rating_change (migration 0046).
    cause: Mapped[str] = mapped_column(String(30), default="rated", server_default="rated")
    rules: Mapped[str | None] = mapped_column(Text)


class RatingChange(Base):
    """A learner's standing in one competency from a moment on, appended, never rewritten.

    competency_level holds the rating as it stands; each time its standing (knowledge
    level, practice status, met, expired) changes, or a rating is first made or taken
    away, a database trigger appends the new standing here with what caused it and the
    framework version it was rated by (migration 0046), whichever code wrote the rating.
    So a rating a grade, a supervisor or a framework's earlier rules gave stays on record
    after a later re-rating. A rating taken away (nothing left to rate) has no level.
    """

    __tablename__ = "rating_change"
    __table_args__ = (Index("ix_rating_change_user_code", "user_id", "competency_code", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    competency_code: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime]
    cause: Mapped[str] = mapped_column(String(30))
    rules: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[float | None]
    evidence_count: Mapped[int | None]
    practice: Mapped[str | None] = mapped_column(String(30))
    met: Mapped[bool | None]
    expired: Mapped[bool | None]


# What a rating_change's cause records: who or what re-rated the competency.
RATING_CAUSES = (
    "graded",  # a quiz attempt's answers were graded
    "self-assessed",  # the learner assessed their own practice
    "requested",  # the learner asked a supervisor to confirm
    "decided",  # a supervisor confirmed or returned the request
    "withdrawn",  # the learner withdrew the request
    "closed",  # the request closed undecided (its supervisor gone)
    "revoked",  # a certificate was revoked and its pass stopped counting
    "recomputed",  # linkwise recompute-levels: the rules as they now stand, and time
    "seeded",  # demo data
    "rated",  # written before causes were recorded
    "removed",  # nothing left to rate (the trigger's, on a rating deleted)
)


IN_SOME_STANDING = or_(
    CompetencyLevel.met.is_(True),
    CompetencyLevel.expired.is_(True),
    # Inline, not a bound parameter: a prepared statement's generic plan must still see
    # that the condition is the partial index's own.
    CompetencyLevel.practice == literal_column("'Awaiting confirmation'"),
)


class CompetencyName(Base):
    """A name a competency had in a framework file, and when Linkwise saw it there.

    A competency lives in `competencies/*.yaml`; once a trainer takes it out, a learner's
    rating of it would have only its code. Each time the frameworks load for serving, every
    competency's name is recorded here (services/competency_names.py): a name changed in the
    file adds a row, so the latest `last_seen_at` of a code is the name it last had.
    """

    __tablename__ = "competency_name"

    competency_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    framework_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
