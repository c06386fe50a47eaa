"""Tables and relationships."""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    or_,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.domain.accounts import PROFESSIONS, ROLES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def sqlite_key(columns: list[str], refers_to: list[str], **options) -> ForeignKeyConstraint:
    """Return a foreign key that is a constraint on SQLite and triggers on PostgreSQL.

    On PostgreSQL migration 0022 checks it once a statement instead of once a row, with
    the same refusals (a missing parent; deleting or renumbering a parent still referred
    to) and, given ON DELETE CASCADE, the same cascade.
    """
    return ForeignKeyConstraint(columns, refers_to, **options).ddl_if(dialect="sqlite")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["User"]] = relationship(back_populates="organisation")


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        CheckConstraint(_in("profession", PROFESSIONS), name="profession_known"),
        CheckConstraint("role != 'manager' OR organisation_id IS NOT NULL", name="manager_has_org"),
        # An organisation's learners in name order: the manager's grid and export. With the
        # profession (PostgreSQL), a page deep in the grid is read from the index alone.
        Index(
            "ix_user_account_org_role_name",
            "organisation_id",
            "role",
            "full_name",
            "id",
            postgresql_include=["profession"],
        ),
        # An organisation's learners by profession: the grid's commonest profession and its
        # count of the learners a framework applies to, read from the index alone.
        Index("ix_user_account_org_role_profession", "organisation_id", "role", "profession", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    profession: Mapped[str] = mapped_column(String(40))
    registration_number: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default="learner")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # The healthcare-professional confirmation, kept with the profession given at the time.
    professional_confirmed_at: Mapped[datetime]
    professional_confirmed_as: Mapped[str] = mapped_column(String(40))
    # Rotated on sign-out and password change, which ends every other session of the user.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]
    # Set when the person erased their account: the row stays, anonymised, so their
    # organisation's counts still add up; nothing in it identifies them any more.
    erased_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")


class PendingRegistration(Base):
    """A sign-up waiting for its owner to follow the link emailed to the address."""

    __tablename__ = "pending_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the emailed token: the table alone cannot confirm anyone.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    profession: Mapped[str] = mapped_column(String(40))
    registration_number: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    # Set when the join code given was a team's: the new learner starts in that team.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    professional_confirmed_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what to whom, when and from where: appended, never edited (but erasure)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_kind_at", "kind", "occurred_at"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    # The signed-in user who acted; none for a visitor (see address) or the command line.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The account the event is about, when that is not the actor (a role changed, a
    # learner viewed by their manager).
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # "web" or "cli": a command-line event names the operating-system user in detail.
    via: Mapped[str] = mapped_column(String(10), default="web")
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Completion(Base):
    """One gated item of a module (a screen, later a knowledge check or quiz) a learner finished."""

    __tablename__ = "completion"
    # The unique constraint's index also serves "this learner's completions in this module".
    __table_args__ = (
        UniqueConstraint("user_id", "module_slug", "item_key"),
        # Who completed an item, and when: module completions on the manager's dashboard.
        Index("ix_completion_item_user", "item_key", "user_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    item_key: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last time the learner pressed Next on the screen again: a quiz's retake rule
    # asks for the screens to be gone back over after a failed last attempt.
    last_completed_at: Mapped[datetime | None]


class QuestionVersion(Base):
    """A question exactly as learners were shown it, stored once and named by its hash."""

    __tablename__ = "question_version"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    type_name: Mapped[str] = mapped_column(String(40))
    content: Mapped[dict] = mapped_column(JSON)  # Question.to_content(), with quiz and source
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(Base):
    """One go at a quiz or knowledge check, with its questions and their order frozen."""

    __tablename__ = "attempt"
    # Numbering attempts per learner and quiz makes a second "start" from another tab
    # collide here instead of creating a duplicate attempt.
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        # What evidence refers to: the attempt and its learner (one key to check, not two).
        # A unique index, not a constraint: SQLite adds it without rebuilding the table.
        Index("ix_attempt_id_user", "id", "user_id", unique=True),
        CheckConstraint("status IN ('in-progress', 'graded')", name="status_known"),
        # A quiz's graded attempts in a date range: where item analysis starts. On
        # PostgreSQL the index also holds what it reads, so the wide rows stay unread.
        Index(
            "ix_attempt_quiz_status_submitted",
            "quiz_id",
            "status",
            "submitted_at",
            postgresql_include=["id", "points", "percent", "number"],
        ),
        # Each learner's latest pass per module: the compliance matrix's completions.
        Index(
            "ix_attempt_passed_user_module",
            "user_id",
            "module_slug",
            "submitted_at",
            postgresql_where=text("passed IS true"),
            sqlite_where=text("passed IS 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(100))
    module_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    # [{"question": id, "version": hash, "order": [option ids as shown]}], fixed at the
    # start; the versions are the questions the attempt is answered and graded against.
    selection: Mapped[list] = mapped_column(JSON)
    # The quiz's title, pass mark and reveal rule when the attempt started.
    quiz_settings: Mapped[dict | None] = mapped_column(JSON)
    # Goes up with every save that changes an answer; forms carry the one they showed.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    points: Mapped[float | None]
    points_possible: Mapped[float | None]
    percent: Mapped[int | None]
    passed: Mapped[bool | None]

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )


class Answer(Base):
    """A learner's answer to one question of an attempt, saved as it is given."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        # Checked once a statement on PostgreSQL (migration 0022).
        sqlite_key(["attempt_id"], ["attempt.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(100))
    # {"value": what the learner gave}; a value of null is an answer the learner cleared.
    response: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    points: Mapped[float | None]
    # The attempt's revision when this answer was last saved.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # The version of the question answered, written when the attempt is graded: item
    # analysis groups answers by it.
    question_version: Mapped[str | None] = mapped_column(String(64))

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


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


IN_SOME_STANDING = or_(
    CompetencyLevel.met.is_(True),
    CompetencyLevel.expired.is_(True),
    # Inline, not a bound parameter: a prepared statement's generic plan must still see
    # that the condition is the partial index's own.
    CompetencyLevel.practice == literal_column("'Awaiting confirmation'"),
)


class AttemptGrant(Base):
    """Extra attempts at a quiz: given by a trainer or manager, or opened by the retake rule."""

    __tablename__ = "attempt_grant"
    __table_args__ = (
        CheckConstraint("kind IN ('person', 'retake-rule')", name="kind_known"),
        Index("ix_attempt_grant_user_quiz", "user_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(100))
    extra: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


# Tables kept in their own modules, registered on the same metadata.
from app import (  # noqa: E402, F401
    models_assignments,
    models_counts,
    models_credentials,
    models_practice,
    models_statements,
    models_teams,
)
