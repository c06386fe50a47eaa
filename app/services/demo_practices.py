"""Demo practices for the demo PCN: teams, a practice manager, learners spread, assignments."""

from datetime import timedelta

from sqlalchemy import select

from app import db
from app.domain.content import Catalogue
from app.models import Organisation, User
from app.models_teams import Team, TeamMember
from app.services import account_admin, accounts, assignments, team_managers, teams

PRACTICES = (
    ("Elm Street Surgery", "ELMSTRT1"),
    ("Riverside Medical Centre", "RIVERMC2"),
    ("Hillview Practice", "HILLVW34"),
)
PRACTICE_MANAGER = ("practice.manager@example.org", "Priya Patel")


def seed_practices(organisation_name: str, password: str, catalogue: Catalogue) -> list[str]:
    """Add the practices, a practice manager of the first, and assignments; safe to rerun."""
    session = db.session()
    org = session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    made = []
    for name, code in PRACTICES:
        team = session.scalar(select(Team).where(Team.organisation_id == org.id, Team.name == name))
        made.append(
            team or teams.create_team(org.id, name, actor_id=None, via="cli", join_code=code)
        )
    email, full_name = PRACTICE_MANAGER
    if accounts.user_by_email(email) is None:
        account_admin.create_user(
            email=email,
            full_name=full_name,
            password=password,
            profession="other",
            role="manager",
            organisation_name=org.name,
        )
    team_managers.set_manager_teams(email, [made[0].name], org.id)
    placed = set(session.scalars(select(TeamMember.user_id)))
    learners = session.scalars(
        select(User.id)
        .where(User.organisation_id == org.id, User.role == "learner")
        .order_by(User.id)
    ).all()
    for index, user_id in enumerate(learners):
        if user_id not in placed:
            session.add(TeamMember(user_id=user_id, team_id=made[index % len(made)].id))
    session.commit()
    today = assignments.today()
    modules = catalogue.modules
    scope = teams.Scope(org.id)
    wanted = [
        assignments.Request(tuple(m.slug for m in modules[:2]), today + timedelta(days=21), 36),
        assignments.Request((modules[2].slug,), today - timedelta(days=7), team_id=made[0].id),
        assignments.Request(
            (modules[-1].slug,), today + timedelta(days=120), profession="link-worker"
        ),
    ]
    for asked in wanted:
        assignments.assign(scope, None, asked, catalogue, via="cli")
    db.refresh_statistics()  # the new team members, before the matrix is first asked for
    return [
        f"Practices: {', '.join(f'{t.name} (join code {t.join_code})' for t in made)}",
        f"Practice manager of {made[0].name}: {email}",
        f"{len(learners)} learners spread across the practices; modules assigned with due dates",
    ]
