"""Reminder emails about assigned learning that is due soon, overdue or expired.

`send_reminders` is safe to run as often as a timer likes: each reminder (learner, module,
status, due date) is written to `reminder_sent` under a unique key before the email goes,
in the learner's own transaction, so a second run, or two at once, finds nothing new and
sends nothing. A learner hears once per module when it comes due soon, once when it is
overdue, and once when it expires. An email that cannot be sent takes its rows back out,
so the next run tries again; one whose address the mail server refused is also recorded
(reminder_failures.py) for the learner's managers to see, until an email goes through or
the address changes. Each manager gets one summary a week (the first run of the week
sends it: reminder_summaries.py), of the learners and modules in their teams.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from app import db, mail
from app.domain import assignments as rules
from app.domain.content import Catalogue
from app.links import absolute_url
from app.models import Organisation, User
from app.models_assignments import Assignment, MailPreference, ReminderSent
from app.models_teams import TeamMember
from app.services import reminder_failures
from app.services.assignment_standings import (
    LEARNER,
    completion_dates,
    learner_rules,
    standing_in,
)
from app.services.mail_preferences import send_with_unsubscribe
from app.services.reminder_summaries import send_summaries
from app.services.upsert import insert_for

REMINDED = (rules.DUE_SOON, rules.OVERDUE, rules.EXPIRED)
REFUSED = -2  # what _remind returns for an email the mail server refused (-1: not sent)


@dataclass(frozen=True)
class ReminderRun:
    """What one run sent."""

    emails: int
    reminders: int
    failed: int
    summaries: int = 0
    left: int = 0  # not tried once the mail server was found down; the next run sends them
    # Of those failed, refused by the mail server (an address, mostly) and recorded: learners'
    # reminders (their managers see it) and managers' weekly summaries (the manager sees it);
    # administrators see both (emails_refused.py).
    refused: int = 0
    summaries_refused: int = 0
    deferred: bool = False  # the server that stopped the run answered "not now" (4xx)

    def describe(self) -> str:
        """Return the line the command prints."""
        return (
            f"sent {self.emails} reminder email{'s' if self.emails != 1 else ''} "
            f"about {self.reminders} module{'s' if self.reminders != 1 else ''}"
            + f"; {self.summaries} weekly manager summar{'ies' if self.summaries != 1 else 'y'}"
            + (
                f"; {self.failed} email{'s' if self.failed != 1 else ''} could not be sent "
                "and will be tried again by the next run"
                if self.failed
                else ""
            )
            + (
                f"; the mail server refused {self.refused} "
                f"address{'es' if self.refused != 1 else ''} (recorded: managers and "
                "administrators see whose reminder emails are failing)"
                if self.refused
                else ""
            )
            + (
                f"; the mail server refused {self.summaries_refused} "
                + (
                    "managers' weekly summaries"
                    if self.summaries_refused != 1
                    else "manager's weekly summary"
                )
                + " (recorded: administrators see it, as the manager does on their account "
                "page)"
                if self.summaries_refused
                else ""
            )
        )

    def unseen(self) -> int:
        """Return how many emails failed that no one is shown: the mail server could not be
        reached or failed otherwise. Any of them fails the command; emails refused and
        recorded do not (administrators see them all, a learner's managers theirs), or a
        cron job would report failure every run until one person's address is fixed."""
        return self.failed - self.refused - self.summaries_refused

    def left_line(self) -> str | None:
        """Return the line saying what was left unsent when the mail server went down."""
        if self.failed and self.left:
            why = "asked to be tried later" if self.deferred else "could not be reached"
            return (
                f"the mail server {why}, so {self.left} more "
                f"email{'s were' if self.left != 1 else ' was'} not tried: "
                "the next run sends them"
            )
        return None


def send_reminders(catalogue: Catalogue, today: date) -> ReminderRun:
    """Email every learner with newly due soon, overdue or expired assigned modules."""
    session = db.session()
    emails = reminders = failed = left = refused = 0
    down = False  # the mail server could not be reached: try no more, count what is left
    deferred = False  # ... or it asked to be tried later (a 4xx reply)
    organisations = session.scalars(
        select(Organisation.id).where(
            Organisation.id.in_(select(Assignment.organisation_id).distinct())
        )
    ).all()
    for organisation_id in organisations:
        learners = session.execute(
            select(
                *LEARNER,
                User.email,
                User.full_name,
                reminder_failures.IS_FAILING.label("failing"),
            )
            .outerjoin(TeamMember, TeamMember.user_id == User.id)
            .where(
                User.organisation_id == organisation_id,
                User.role == "learner",
                User.erased_at.is_(None),
                User.id.not_in(select(MailPreference.user_id)),
            )
            .order_by(User.id)
        ).all()
        bound = learner_rules(organisation_id, [tuple(r)[: len(LEARNER)] for r in learners])
        done = completion_dates(User.organisation_id == organisation_id, catalogue)
        for learner in learners:
            due = [
                found
                for rule in bound[learner.id]
                for found in [
                    standing_in(rule, done.get((learner.id, rule.module_slug)), today, catalogue)
                ]
                if found.status in REMINDED
            ]
            if down:
                left += bool(due) and _has_news(learner.id, due)
                continue
            try:
                sent = _remind(learner, due, catalogue, today) if due else None
            except mail.MailServerDown as error:
                down, sent = True, -1
                deferred = isinstance(error, mail.MailDeferred)
            if sent is None:
                continue
            emails, reminders, failed, refused = (
                emails + (sent > 0),
                reminders + max(sent, 0),
                failed + (sent < 0),
                refused + (sent == REFUSED),
            )
    summaries, summaries_failed, summaries_left, summaries_refused = send_summaries(
        catalogue, today, organisations, down=down
    )
    return ReminderRun(
        emails,
        reminders,
        failed + summaries_failed,
        summaries,
        left + summaries_left,
        refused,
        summaries_refused,
        deferred,
    )


def _has_news(user_id: int, due: list[rules.Standing]) -> bool:
    """Say whether a run would email the learner: some of their reminders are not yet sent."""
    return any(
        db.session().scalar(
            select(ReminderSent.id).where(
                ReminderSent.user_id == user_id,
                ReminderSent.module_slug == found.module_slug,
                ReminderSent.kind == found.status,
                ReminderSent.due_on == found.due_on,
            )
        )
        is None
        for found in due
    )


def _remind(learner, due: list[rules.Standing], catalogue: Catalogue, today: date) -> int | None:
    """Claim the learner's new reminders and email them; return how many went, None when
    there are none, -1 when the email could not be sent, REFUSED when the mail server
    refused it (recorded)."""
    session = db.session()
    insert = insert_for(session)
    claimed = []
    for found in rules.in_due_order(due):
        row = session.execute(
            insert(ReminderSent)
            .values(
                user_id=learner.id,
                module_slug=found.module_slug,
                kind=found.status,
                due_on=found.due_on,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "module_slug", "kind", "due_on"])
            .returning(ReminderSent.id)
        ).first()
        if row is not None:
            claimed.append((row.id, found))
    if not claimed:
        session.rollback()
        return None
    session.commit()
    lines = [
        (
            catalogue.module(found.module_slug).title,
            rules.LABELS[found.status][0],
            rules.in_words(found, today).removeprefix("Assigned to you").lstrip(":, "),
        )
        for _, found in claimed
    ]
    try:
        send_with_unsubscribe(
            learner.id,
            learner.email,
            "reminder",
            name=learner.full_name,
            lines=lines,
            learning_url=absolute_url("learn.my_learning"),
        )
    except mail.MailMaybeSent:
        # The server has the whole message and went quiet: counted as sent (the claims
        # stay), as emailing it again every run could send the learner the same one twice.
        return len(claimed)
    except mail.MailError as error:
        session.execute(delete(ReminderSent).where(ReminderSent.id.in_([i for i, _ in claimed])))
        if isinstance(error, mail.MailRefused):
            # With the claims taken back, in one transaction: the run may stop at any later
            # learner, and what this one's managers are shown must not depend on it.
            reminder_failures.record(session, learner.id, "reminder", error)
        session.commit()
        if isinstance(error, mail.MailServerDown):
            raise
        return REFUSED if isinstance(error, mail.MailRefused) else -1
    reminder_failures.delivered(learner)
    return len(claimed)
