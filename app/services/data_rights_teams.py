"""A person's teams, assignments and reminders, for the data export (see data_rights.py)."""

from sqlalchemy import select

from app import db
from app.domain.dates import iso_utc
from app.models import Organisation, User
from app.models_assignments import Assignment, MailPreference, ReminderFailure, ReminderSent
from app.models_teams import Leaver, Team, TeamManager, TeamMember


def export(user: User) -> dict:
    """Return the person's team, managed teams, leavings, assignments and reminders."""
    session = db.session()
    team = session.scalar(
        select(Team.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user.id)
    )
    mine = Assignment.user_id == user.id
    return {
        "team": team,
        "teams_managed": list(
            session.scalars(
                select(Team.name)
                .join(TeamManager, TeamManager.team_id == Team.id)
                .where(TeamManager.user_id == user.id)
            )
        ),
        "organisations_left": [
            {"organisation": name, "team": team, "team_recorded": recorded, "left_at": iso_utc(at)}
            for name, team, recorded, at in session.execute(
                select(Organisation.name, Leaver.team_name, Leaver.team_recorded, Leaver.left_at)
                .join(Organisation, Organisation.id == Leaver.organisation_id)
                .where(Leaver.user_id == user.id)
                .order_by(Leaver.id)
            )
        ],
        "assigned_to_you_by_name": [
            {
                "module": a.module_slug,
                "due_on": a.due_on.isoformat(),
                "renew_months": a.renew_months,
            }
            for a in session.scalars(select(Assignment).where(mine).order_by(Assignment.id))
        ],
        "reminders_sent": [
            {
                "module": r.module_slug,
                "kind": r.kind,
                "due_on": r.due_on.isoformat(),
                "sent_at": iso_utc(r.sent_at),
            }
            for r in session.scalars(
                select(ReminderSent)
                .where(ReminderSent.user_id == user.id)
                .order_by(ReminderSent.id)
            )
        ],
        # Spells of reminder emails the mail server refused: open ones are shown to managers.
        "reminders_not_delivered": [
            {
                "email": f.kind,
                "refused": f.refused,
                "mail_server_said": f.reply,
                "times": f.failures,
                "first_failed_at": iso_utc(f.first_failed_at),
                "last_failed_at": iso_utc(f.last_failed_at),
                "resolved_at": iso_utc(f.resolved_at),
                "resolved_how": f.resolved_how,
            }
            for f in session.scalars(
                select(ReminderFailure)
                .where(ReminderFailure.user_id == user.id)
                .order_by(ReminderFailure.id)
            )
        ],
        "unsubscribed_from_reminders_at": iso_utc(
            session.scalar(
                select(MailPreference.unsubscribed_at).where(MailPreference.user_id == user.id)
            )
        ),
    }
