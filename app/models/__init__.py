"""Tables and relationships, by topic, all on one metadata.

Each topic's module holds its tables; every name is offered here too, so
`from app.models import User` reads the same whichever module defines it.
"""

from app.models.accounts import AuditEvent, Organisation, PendingRegistration, User
from app.models.base import Base, sqlite_key, utcnow
from app.models.learning import Answer, Attempt, AttemptGrant, Completion, QuestionVersion
from app.models.record import (
    IN_SOME_STANDING,
    IN_SOME_STANDING_SQL,
    RATING_COLUMNS,
    Certificate,
    CompetencyLevel,
    CompetencyName,
    Evidence,
    RatingChange,
    RevokedPass,
)

__all__ = [
    "IN_SOME_STANDING",
    "IN_SOME_STANDING_SQL",
    "RATING_COLUMNS",
    "Answer",
    "Attempt",
    "AttemptGrant",
    "AuditEvent",
    "Base",
    "Certificate",
    "CompetencyLevel",
    "CompetencyName",
    "Completion",
    "Evidence",
    "Organisation",
    "PendingRegistration",
    "QuestionVersion",
    "RatingChange",
    "RevokedPass",
    "User",
    "sqlite_key",
    "utcnow",
]

# Tables kept in their own modules, registered on the same metadata.
from app import (  # noqa: E402, F401
    models_assignments,
    models_counts,
    models_credentials,
    models_mail,
    models_practice,
    models_statements,
    models_teams,
)
