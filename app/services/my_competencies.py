"""A learner's competencies page in one statement: ratings, evidence and supervisors' replies.

The statement (my_competencies_rows.PAGE) names each row's kind first; this module sorts
the rows into the profile, the supervisors' recent replies and the requests waiting.
"""

from __future__ import annotations

from app import db
from app.domain.content import Catalogue
from app.models import utcnow
from app.services import my_competencies_rows, renewal_rows, retired_ratings
from app.services.attainment import Profile, StoredLevel, build_profile
from app.services.practice import UPDATES_FOR
from app.services.practice_page import RequestRecord
from app.services.rating_evidence import attempt_taken, evidence_in_words
from app.services.rating_reads import aware
from app.services.retired_confirmations import Confirmation
from app.services.tagged_rows import Row


def page(
    user_id: int, full_name: str, profession: str, catalogue: Catalogue, now=None
) -> tuple[Profile | None, tuple[RequestRecord, ...], int]:
    """Return the learner's profile, supervisors' recent replies and the requests waiting
    for their own decision as a supervisor (one statement)."""
    now = now or utcnow()
    framework = catalogue.framework_for(profession or "")
    codes = [c.code for c in framework.competencies] if framework else []
    known = retired_ratings.known_codes(catalogue)
    parameters = {"user_id": user_id, "codes": codes, "known": known, "now": now}
    parameters["since"] = now - UPDATES_FOR
    session = db.session()
    stored, evidence, replies, waiting, passed, confirmed, retired = {}, [], [], 0, set(), [], []
    renewal_found: dict[str, list[Row]] = {}
    for (
        kind,
        code,
        t1,
        t2,
        t3,
        t4,
        t5,
        t6,
        number,
        whole,
        f1,
        f2,
        at1,
        at2,
        at3,
        response,
        day,
    ) in session.connection().execute(my_competencies_rows.PAGE, parameters):
        if kind == "level":
            stored[code] = StoredLevel(t1, t2, number, whole, f1, f2, at1, at2, at3)
        elif kind == "evidence":
            attempt = attempt_taken(t3, t4, at2, t5, f1, f2)  # my_competencies_rows.PAGE
            evidence.append((whole, (code, number, at1, t2, t1, response, attempt)))
        elif kind == "waiting":
            waiting = whole
        elif kind == "passed":
            passed.add(code)
        elif kind == "confirmation":
            confirmed.append(Confirmation(whole, code, t1, t2, aware(at1)))
        elif kind == "retired-level":
            retired.append(
                retired_ratings.from_page_row(code, t1, t2, t3, number, whole, at1, at2, at3)
            )
        elif kind in _RENEWAL_KINDS:
            row = Row(kind, (code,), (whole,), (), (), (at1, at2, at3), (day,), ())
            renewal_found.setdefault(kind, []).append(row)
        else:
            replies.append(
                RequestRecord(
                    whole,
                    code,
                    full_name,
                    t1 or "A supervisor no longer on Linkwise",
                    aware(at1),
                    t2,
                    t3 or "",
                    t4 or "",
                    t5 or "",
                    aware(at2),
                    competency_name=t6,
                )
            )
    # Newest first, as the learner reads them (replies by when they were decided); ties in
    # the order they were recorded.
    evidence.sort(key=lambda found: found[0])
    evidence.sort(key=lambda found: aware(found[1][2]), reverse=True)
    replies.sort(key=lambda r: (r.decided_at, r.id), reverse=True)
    if framework is None:
        return None, tuple(replies), waiting
    words = evidence_in_words(session, [row for _, row in evidence], catalogue, framework, now)
    renewal_found["standing"] = [_standing(code, level) for code, level in stored.items()]
    renewing = renewal_rows.open_for_renewal(renewal_found, profession, catalogue, now)
    profile = build_profile(
        framework, stored, words, catalogue, now, frozenset(passed), renewing, confirmed, retired
    )
    return profile, tuple(replies), waiting


# The renewal branches' kinds, read as renewal_rows' own rows are (a module, a number, times
# and a day, in their order).
_RENEWAL_KINDS = ("pass", "credential", "assigned")


def _standing(code: str, level: StoredLevel) -> Row:
    """Return a stored rating as renewal_rows' `standing` branch reads it."""
    times = (level.met_until, level.due_from, level.practice_until)
    return Row("standing", (code,), (), (), (level.met, level.expired), times, (), ())
