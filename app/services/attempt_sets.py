"""An attempt's place in its set of attempts at a module's quiz, and what started the set.

A set starts after each pass (the next attempt renews it) and after the revocation that
withdrew the latest pass; the stored number runs on across sets. Pages name an attempt by
its place (quiz_standing.QuizStatus.attempt_in_words).
"""

from typing import NamedTuple

from app.services import renewal_rows
from app.services.rating_reads import aware

# How a set of attempts a revocation started is told apart from the attempts before it.
SINCE_REVOKED = "since the certificate was revoked"


class Place(NamedTuple):
    """An attempt's place in its set of attempts, and what started the set."""

    place: int
    renewal: bool = False  # the set renews a pass that counts
    # The set started when the certificate of the latest pass was revoked.
    after_revocation: bool = False


def attempts_in_sets(attempts, standing_pass: renewal_rows.PassStanding) -> dict:
    """Return each attempt's Place in its set, by stored number: whether the set renews, or
    a revocation started it.

    A set starts after each pass (the next attempt renews it) and after the revocation that
    withdrew the latest pass: the stored number runs on across sets, the place starts at 1.
    A set renews when a pass before it still counts.
    """
    graded = [a for a in attempts if a.status == "graded"]
    ends = [a.number for a in graded if a.passed]
    counted = [a.number for a in graded if a.passed and a.id not in standing_pass.withdrawn_ids]
    revoked_after = None  # the last attempt graded before the revocation
    if standing_pass.revoked_at is not None:
        before = [a.number for a in graded if aware(a.submitted_at) <= standing_pass.revoked_at]
        ends += before[-1:]
        revoked_after = before[-1] if before else None
    # Numbers run on across a quiz's modules: a renamed module's first attempt is its first.
    first = min((a.number for a in attempts), default=1)
    places = {}
    for attempt in attempts:
        after = max((end for end in ends if end < attempt.number), default=first - 1)
        renewal = any(number < attempt.number for number in counted)
        places[attempt.number] = Place(
            attempt.number - after, renewal, not renewal and after == revoked_after
        )
    return places
