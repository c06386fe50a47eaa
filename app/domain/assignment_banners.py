"""The banner a manager reads after assigning learning, in words (services/assignments.py
returns what was done: assignments.Assigned)."""

from app.domain import dates
from app.domain.assignments import EXPIRED, NO_LONGER_OFFERED, OVERDUE, RENEWALS

# Lines named one by one in a banner, at most: past these, how many more.
NAMED_IN_BANNER = 5


def assigned_message(done) -> tuple[str, str]:
    """Return the banner after assigning and its kind: what was added, what was there already,
    which assignments asked for again with other terms stay as they were, and which learners
    another assignment of the module binds sooner (services.assignments.Assigned)."""
    added, already = done.added, done.already
    if not added:  # another tab, a double click or the same form sent at once made them
        were = "it was" if already == 1 else f"all {already} were"
        message = f"Nothing was added: {were} already assigned."
    else:
        message = f"{added} assignment{'s' if added != 1 else ''} added."
        if already:
            message += f" {already} {'was' if already == 1 else 'were'} already assigned."
    message += _kept_words(done.kept, already) + _earlier_words(done.earlier)
    # An assignment asked for with other terms was not changed: a warning, not a success.
    return message, "success" if added and not done.kept else "warning"


def _terms(due_on, renew_months: int | None) -> str:
    return f"due {dates.day(due_on)}, {_renewing(renew_months) or 'not renewing'}"


def _renewing(renew_months: int | None) -> str:
    if not renew_months:
        return ""
    named = RENEWALS.get(renew_months)
    return f"renewing {named.lower()}" if named else f"renewing every {renew_months} months"


def _more(lines: list[str]) -> list[str]:
    """Return the first lines a banner names, and how many more there are, if any."""
    left = len(lines) - NAMED_IN_BANNER
    return lines[:NAMED_IN_BANNER] + ([f"and {left} more like these"] if left > 0 else [])


def _kept_words(kept, already: int) -> str:
    """Say which assignments asked for again with another due date or renewal stay as they
    were, with their dates, and how to change one."""
    if not kept:
        return ""
    lines = [f"“{k.module_title}” for {k.who}, {_terms(k.due_on, k.renew_months)}" for k in kept]
    if len(kept) == 1:
        said = f" {'It' if already == 1 else 'One of them'} stays as it was: {lines[0]}."
    else:
        they = "They" if already == len(kept) else f"{len(kept)} of them"
        said = f" {they} stay as they were: {'; '.join(_more(lines))}."
    return said + (
        " To give an assignment a new due date or renewal, withdraw it from the list below, "
        "then assign it again."
    )


def _earlier_words(earlier) -> str:
    """Say which learners named another assignment of the module binds sooner, and that its
    date or renewal still applies to them."""
    lines = _more([_earlier_line(e) for e in earlier])
    return f" {'; '.join(lines)}." if lines else ""


def _earlier_line(e) -> str:
    dated = f"an assignment to {e.due_through}, due {dates.day(e.due_on)}" if e.due_on else ""
    renewing = _renewing(e.renew_months)
    if dated and renewing and e.due_through == e.renew_through:
        through = f"{dated} and {renewing}"
    elif renewing:
        one = "one" if dated else "an assignment"
        through = ", and ".join(filter(None, (dated, f"{one} to {e.renew_through}, {renewing}")))
    else:
        through = dated
    applies = (
        "that earlier date and shorter renewal still apply"
        if dated and renewing
        else f"that {'earlier date' if dated else 'shorter renewal'} still applies"
    )
    return f"{e.learner} already has “{e.module_title}” through {through}: {applies}"


def placed_message(full_name: str, left: str | None, assigned) -> str:
    """Return the banner after a manager places a learner in a team: the team they left, if
    any, and what the team's assignments now ask of them and by when (`assigned`: module
    title and Standing, soonest due first)."""
    message = f"{full_name} is now in this team"
    message += f" and has left {left}." if left else "."
    if not assigned:
        return f"{message} Nothing is assigned to this team."
    return f"{message} Assigned here: {'; '.join(_asked(t, s) for t, s in assigned)}."


def joined_message(joined: str, assigned) -> str:
    """Return what a learner who joined by a code is told: where they joined (`joined`, a
    sentence without its full stop), then what is assigned to them there and by when
    (`assigned`: module title and Standing, soonest due first), as `placed_message` tells
    their manager."""
    if not assigned:
        return f"{joined}. Nothing is assigned to you there yet."
    return f"{joined}. Assigned to you: {'; '.join(_asked(t, s) for t, s in assigned)}."


def _asked(title: str, found) -> str:
    if found.status == NO_LONGER_OFFERED:
        return f"{title}, no longer in the course: nothing to do"
    if found.status == EXPIRED:
        return f"{title}, expired on {dates.day(found.due_on)}: to do again now"
    if found.completed_on is not None:
        renew = f", renew by {dates.day(found.due_on)}" if found.due_on else ""
        return f"{title}, complete{renew}"
    if found.status == OVERDUE:
        return f"{title}, was due {dates.day(found.due_on)}: overdue"
    return f"{title}, due by {dates.day(found.due_on)}"


def reach_words(earlier: int, own_dates: int, *, named: bool) -> tuple[str, ...]:
    """Return what an assignment's row says of the learners for whom its date is not the one
    counted: those an earlier date from another assignment binds, and those who came under it
    (joined its team or organisation, or took its profession) after it fell due and have a later
    date of their own."""
    found = []
    if earlier and named:
        found.append(
            "This date does not count for them: an earlier date from another assignment applies"
        )
    elif earlier:
        found.append(
            f"This date does not count for {reach_learners(earlier)}: an earlier date from "
            "another assignment applies"
        )
    if own_dates:
        has = "has a later date" if own_dates == 1 else "have later dates"
        late = f"{reach_learners(own_dates)} came under it after it was due"
        found.append(f"{late} and {has} of their own")
    return tuple(found)


def reach_learners(count: int, the: str = "") -> str:
    """Return "1 learner", "3 learners" ("the 3 learners" with `the`)."""
    words = "1 learner" if count == 1 else f"{count} learners"
    return f"{the} {words}" if the else words
