"""Open Badges credentials: what was signed for each certificate, and the keys that signed."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, utcnow


class Credential(Base):
    """The signed Open Badges 3.0 credential issued with one certificate.

    `jwt` is exactly what was signed at issue time and never rewritten: verification,
    downloads and exports hand out these bytes. The id places the credential in the status
    lists (domain/status_list.py), whose bit is set once `revoked_at` is.
    """

    __tablename__ = "credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificate.id", ondelete="CASCADE"), unique=True
    )
    credential_id: Mapped[str] = mapped_column(String(45), unique=True)  # urn:uuid:...
    status_list: Mapped[int]
    status_index: Mapped[int]
    key_id: Mapped[str] = mapped_column(String(64))
    # Empty only while the row is being issued, and after its holder erased their account.
    jwt: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class IssuerKey(Base):
    """A public key that has signed credentials, kept so they verify after a key rotation."""

    __tablename__ = "issuer_key"

    thumbprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    first_used_at: Mapped[datetime] = mapped_column(default=utcnow)
