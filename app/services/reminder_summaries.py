"""Each manager's weekly summary of the learning assigned in their teams, sent by the same
run as the reminders (reminders.py): once a week, claimed in `reminder_sent` before it goes,
taken back when it cannot be sent, recorded as a learner's reminder is when the mail server
refuses it.
"""

from datetime import date, timedelta

from sqlalchemy import delete, select

from app import db, mail
from app.domain import assignments as rules
from app.domain.content import Catalogue
from app.links import absolute_url
from app.models import User
from app.models_assignments import MailPreference, ReminderSent
from app.services import compliance, reminder_failures, teams
from app.services.mail_preferences import send_with_unsubscribe
from app.services.upsert import insert_for

SUMMARY = "*weekly-summary*"  # reminder_sent's module for a manager's weekly summary


def send_summaries(
    catalogue: Catalogue, today: date, organisations, *, down: bool = False
) -> tuple[int, int, int, int]:
    """Send each manager their weekly summary, once per week (Monday to Sunday); return how
    many went, how many could not be sent (taken back, so the next run tries again), how
    many were not tried because the mail server was found down, and how many of those not
    sent the mail server refused (recorded, as a learner's reminder is)."""
    session = db.session()
    week = today - timedelta(days=today.weekday())
    managers = session.execute(
        select(
            User.id,
            User.email,
            User.full_name,
            User.organisation_id,
            reminder_failures.IS_FAILING.label("failing"),
        ).where(
            User.role == "manager",
            User.organisation_id.in_(organisations),
            User.erased_at.is_(None),
            User.id.not_in(select(MailPreference.user_id)),
        )
    ).all()
    sent = failed = left = refused = 0
    for manager in managers:
        found = compliance.matrix(
            teams.scope_of(manager.id, manager.organisation_id),
            catalogue,
            compliance.Filters(),
            today,
            page=None,
        )
        if not found.by_module:  # nothing assigned, or only modules no longer offered
            continue
        if down:
            left += _summary_unsent(manager.id, week)
            continue
        claimed = (
            db.session()
            .execute(
                insert_for(session)(ReminderSent)
                .values(user_id=manager.id, module_slug=SUMMARY, kind="summary", due_on=week)
                .on_conflict_do_nothing(index_elements=["user_id", "module_slug", "kind", "due_on"])
                .returning(ReminderSent.id)
            )
            .first()
        )
        if claimed is None:
            session.rollback()
            continue
        session.commit()
        try:
            send_with_unsubscribe(
                manager.id,
                manager.email,
                "manager_summary",
                name=manager.full_name,
                lines=_summary_lines(found),
                failing=found.reminders_failing,
                compliance_url=absolute_url("manage.compliance_page"),
            )
        except mail.MailMaybeSent:
            sent += 1  # the server has it: as for a learner's reminder, not sent twice
            continue
        except mail.MailError as error:
            session.execute(delete(ReminderSent).where(ReminderSent.id == claimed.id))
            if isinstance(error, mail.MailRefused):
                reminder_failures.record(session, manager.id, "summary", error)
                refused += 1
            session.commit()
            failed += 1
            down = isinstance(error, mail.MailServerDown)
            continue
        reminder_failures.delivered(manager)
        sent += 1
    return sent, failed, left, refused


def _summary_unsent(manager_id: int, week: date) -> bool:
    found = db.session().scalar(
        select(ReminderSent.id).where(
            ReminderSent.user_id == manager_id,
            ReminderSent.module_slug == SUMMARY,
            ReminderSent.kind == "summary",
            ReminderSent.due_on == week,
        )
    )
    return found is None


def _summary_lines(found) -> list[str]:
    lines = []
    for index, share in enumerate(found.by_module):
        counts = {status: 0 for status in (rules.OVERDUE, rules.EXPIRED, rules.DUE_SOON)}
        for row in found.rows:
            cell = row.cells[index]
            if cell is not None and cell.status in counts and not cell.compliant:
                counts[cell.status] += 1
        lines.append(
            f"{share.name}: {share.percent}% compliant ({share.compliant} of {share.assigned}); "
            f"{counts[rules.OVERDUE]} overdue, {counts[rules.EXPIRED]} expired, "
            f"{counts[rules.DUE_SOON]} due soon"
        )
    return lines
