"""Demo data for development: one organisation and an account for each role."""

from dataclasses import dataclass

from sqlalchemy import select

from app import db
from app.models import Organisation, User
from app.services import account_admin

DEMO_ORGANISATION = "Demo Primary Care Network"
DEMO_JOIN_CODE = "DEMO2026"
DEMO_ACCOUNTS = (
    ("learner@example.org", "Lee Learner", "learner", "link-worker"),
    ("trainer@example.org", "Tara Trainer", "trainer", "practice-nurse"),
    ("manager@example.org", "Morgan Manager", "manager", "gp"),
    ("admin@example.org", "Alex Admin", "admin", "other"),
)


@dataclass(frozen=True)
class DemoSummary:
    organisation: str
    join_code: str
    emails: tuple[str, ...]
    password: str

    def describe(self) -> str:
        """Return the lines that tell a developer how to sign in."""
        lines = [
            f"Demo organisation: {self.organisation} (join code {self.join_code})",
            f"Demo accounts (password: {self.password}):",
        ]
        lines += [f"  {email}" for email in self.emails]
        return "\n".join(lines)


def seed_accounts(password: str) -> DemoSummary:
    """Create the demo organisation and accounts unless they exist; safe to run twice."""
    session = db.session()
    organisation = session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    ) or account_admin.create_organisation(DEMO_ORGANISATION, DEMO_JOIN_CODE)
    for email, name, role, profession in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            account_admin.create_user(
                email=email,
                full_name=name,
                password=password,
                profession=profession,
                role=role,
                organisation_name=organisation.name,
            )
    return DemoSummary(
        organisation.name, organisation.join_code, tuple(e for e, *_ in DEMO_ACCOUNTS), password
    )
