"""What a manager reads about one learner, in one statement: the person, team, assignments,
modules, attempts, CPD, quiz standings, competency profile, supervisors' decisions on their
practice and how each rating has changed, and whether the mail server refuses their reminder
emails; the visit is audit-logged by the same statement.

The profile's next steps are the learner's to take: the manager reads them as where the
learner is in each module (`learner_positions`), and what no quiz left can rate, as facts.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from app import db
from app.domain import assignments as rules
from app.domain.content import Catalogue
from app.domain.coverage import OutOfReach
from app.domain.dates import uk_day
from app.domain.learning_record import LearningRecord
from app.domain.renewal_dates import RenewalDates, compared
from app.models import RatingChange, User, utcnow
from app.services import (
    assignment_standings,
    attainment,
    attainment_reads,
    attempt_standings,
    audit,
    learner_positions,
    learner_rows,
    module_titles,
    passes,
    practice_decisions,
    rating_history,
    record,
    reminder_failures,
    retired_ratings,
    tagged_rows,
)
from app.services.teams import Scope, in_scope


@dataclass(frozen=True)
class AttemptRow:
    """One graded attempt at a module's end-of-module quiz (never a knowledge check)."""

    module_title: str
    number: int
    submitted_at: datetime | None
    percent: int | None
    passed: bool | None
    in_course: bool = True  # False once its module has left the course
    now_called: str | None = None  # the module's title now, if renamed since it was taken
    revoked_on: date | None = None  # a pass whose certificate was revoked since: when


@dataclass(frozen=True)
class LearnerView:
    """Everything the drill-down shows beside the competency ratings."""

    team: str | None
    assigned: list[tuple[str, rules.Standing]]  # each with its module's title
    record: LearningRecord
    attempts: list[AttemptRow]
    # By module: the certificate's valid-until day beside the organisation's renew-by day,
    # where both apply and differ (domain/renewal_dates.py).
    dates: dict[str, RenewalDates] = field(default_factory=dict)


@dataclass(frozen=True)
class LearnerPage:
    """The drill-down page: who, their learning, their quiz standings and their profile."""

    person: learner_rows.Person
    view: LearnerView
    attempts: attempt_standings.LearnerAttempts
    profile: attainment.Profile | None  # with no next steps: `positions` says them as facts
    failing: reminder_failures.Failing | None = None  # reminder emails refused, since when
    # Where the learner is in each module their profile points to.
    positions: tuple[learner_positions.ModulePosition, ...] = ()
    # The competencies no quiz left to the learner can rate.
    out_of_reach: tuple[OutOfReach, ...] = ()
    # How each of the learner's ratings has changed, newest first (rating_history).
    history: tuple[rating_history.CompetencyHistory, ...] = ()
    # Each competency's latest decision by a supervisor on its practice, by code.
    decisions: dict[str, practice_decisions.Decision] = field(default_factory=dict)


# Everything the page shows, after the person (read only within the manager's scope).
PAGE_ROWS = tuple(
    dict.fromkeys(
        (
            *record.RECORD_ROWS,
            *attempt_standings.STANDING_ROWS,
            *attainment_reads.PROFILE_ROWS,
            learner_rows.ASSIGNMENTS,
            reminder_failures.PERSON_FAILING,
            rating_history.branch(RatingChange.user_id == learner_rows.SELF),
            practice_decisions.DECISIONS,
        )
    )
)


def learner_page(
    scope: Scope, user_id: int, catalogue: Catalogue, day: date, years: int, *, viewer_id: int
) -> LearnerPage | None:
    """Return the learner's page if they are within the manager's scope, else None; logged."""
    person_in_scope = learner_rows.PERSON.where(in_scope(scope))
    # The visit is recorded by the statement that reads the page, when it finds the person.
    viewed = audit.recorded_where(
        "learner.viewed", User.id, User.id == user_id, in_scope(scope), actor_id=viewer_id
    )
    now = utcnow()
    branches = (person_in_scope, *PAGE_ROWS)
    params = {"user_id": user_id, "now": now, "known": retired_ratings.known_codes(catalogue)}
    # While the database only reads, the page is still shown, the visit logged instead.
    found, recorded = tagged_rows.read_recording(branches, viewed, **params)
    person = learner_rows.person_of(found)
    if person is None:
        return None
    if not recorded:
        db.not_written("learner.viewed", actor=viewer_id, subject=user_id)
    db.session().commit()
    attempts = attempt_standings.attempts_from(person, found, catalogue.modules, now)
    # The quizzes open for renewal now: what they ask about is within the learner's reach.
    renewing = frozenset(quiz.module_slug for quiz in attempts.quizzes if quiz.renewing)
    profile = attainment_reads.profile_from(person.profession, found, catalogue, now, renewing)
    steps = profile.next_modules if profile else ()
    return LearnerPage(
        person,
        learner_view(person, found, catalogue, day, years),
        attempts,
        # The next steps, said to the learner with links into the module, are not the
        # manager's: the page says them as `positions` and `out_of_reach` instead.
        replace(profile, next_modules=(), out_of_reach=()) if profile else None,
        reminder_failures.failing_of(found),
        learner_positions.positions(steps, found, attempts.quizzes),
        profile.out_of_reach if profile else (),
        rating_history.by_competency(
            rating_history.from_rows(found.get(rating_history.KIND, []), catalogue),
            catalogue,
            profile.framework if profile else None,
        ),
        practice_decisions.latest_by_code(found.get(practice_decisions.KIND, ()), now),
    )


def learner_view(
    person: learner_rows.Person, found, catalogue: Catalogue, day: date, years: int
) -> LearnerView:
    """Return the learner's team, assignments, module record and graded quiz attempts."""
    attempts = learner_rows.attempts_of(found)
    offered = {m.slug: m.title for m in catalogue.modules}
    assigned = [
        assignment_standings.Assigned(row.text[0], row.day[0], row.number[0])
        for row in found.get("assigned", ())
    ]
    # A module gone from the course is named as its attempts recorded it (module_titles).
    gone = module_titles.gone_titles(attempts, offered, (a.module_slug for a in assigned))
    # Quiz results are the module quizzes' attempts: a knowledge check is marked to teach,
    # with no pass mark, so its attempts have no place among them (passes.of_quiz).
    graded = sorted(
        (a for a in attempts if a.status == "graded" and passes.of_quiz(a.kind)),
        key=lambda a: (_aware(a.submitted_at), a.id),
        reverse=True,
    )
    standings = assignment_standings.learner_standings(
        assigned, _completed_on(found, catalogue), catalogue, day
    )
    certified = _certified(found)
    return LearnerView(
        person.team,
        [(offered.get(s.module_slug) or gone[s.module_slug], s) for s in standings],
        record.record_from(person, found, catalogue, years),
        [_attempt_row(a, offered, gone, certified) for a in graded],
        _dates(standings, found, day),
    )


def _dates(standings, found, day: date) -> dict[str, RenewalDates]:
    """Return, by module, the certificate's valid-until day beside the organisation's renew-by
    day: the credential of the latest certificate that stands, the assignment's next due day
    once the module is complete."""
    certified = learner_rows.standing_by_module(found)
    dates = {}
    for found_standing in standings:
        row = certified.get(found_standing.module_slug)
        if found_standing.completed_on is None or row is None or row.at[2] is None:
            continue
        until = uk_day(_aware(row.at[2]))
        both = compared(until, found_standing.due_on, day)
        if both is not None:
            dates[found_standing.module_slug] = both
    return dates


def _completed_on(found, catalogue: Catalogue) -> dict[str, date]:
    # A module with a quiz is complete when its quiz is passed (its latest pass counts, unless
    # its certificate was revoked since: services/passes.py); one without, when every item
    # is done (its last completion counts).
    certified = _certified(found)
    passed: dict[str, datetime] = {}
    for attempt in learner_rows.attempts_of(found):
        at = _aware(attempt.submitted_at)
        revoked = passes.revoked_at(attempt.id, certified.get(attempt.module_slug, ()))
        if attempt.passed and passes.counted(attempt.kind, at, revoked):
            passed[attempt.module_slug] = max(passed.get(attempt.module_slug, at), at)
    done_at = defaultdict(list)
    for row in found.get("done", ()):
        done_at[row.text[0]].append(_aware(row.at[0]))
    completed = {}
    for module in catalogue.modules:
        times = done_at.get(module.slug, [])
        if module.assessment is not None and module.slug in passed:
            completed[module.slug] = uk_day(passed[module.slug])
        elif module.assessment is None and times and len(times) >= len(module.item_keys):
            completed[module.slug] = uk_day(max(times))
    return completed


def _certified(found) -> dict[str, list[tuple[int, datetime | None]]]:
    """Return by module the learner's certificates: (the attempt certified, when revoked)."""
    certified = defaultdict(list)
    for row in found.get("certificate", ()):
        certified[row.text[0]].append((row.number[2], _aware(row.at[1]) if row.at[1] else None))
    return certified


def _attempt_row(attempt, offered: dict[str, str], gone: dict[str, str], certified) -> AttemptRow:
    """Return a graded attempt as the quiz results list it: by the title it was taken under
    (saying what the module is called now, if renamed since), and a pass whose certificate
    was revoked since as such."""
    now = offered.get(attempt.module_slug)
    title = attempt.module_title or now or gone[attempt.module_slug]
    revoked = None
    if attempt.passed:
        at = passes.revoked_at(attempt.id, certified.get(attempt.module_slug, ()))
        if not passes.counted(attempt.kind, _aware(attempt.submitted_at), at):
            revoked = at
    return AttemptRow(
        title,
        attempt.number,
        attempt.submitted_at,
        attempt.percent,
        attempt.passed,
        now is not None,
        now_called=now if now is not None and now != title else None,
        revoked_on=uk_day(revoked) if revoked is not None else None,
    )


def _aware(moment: datetime | None) -> datetime:
    # SQLite hands back naive times; every time we store is UTC. None sorts first.
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
