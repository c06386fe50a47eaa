"""How a learner's rating in a competency has changed: each change of standing, in words.

Triggers append to rating_change whenever a rating's standing changes, a rating is first
made or one is taken away (migration 0046). This module reads those rows as plain values,
newest first, each with a sentence saying what caused it in our words. A page folds the read
into the statement it already runs: `branch` is its kind of tagged row (in any layout with
at least six texts, two numbers, a real and a time: see tagged_rows), `from_rows` reads them back.
`history` reads one learner's competency on its own, `export` all of a person's changes.
People read a framework by its title and version, from the frameworks loaded (`named`); the
export keeps the stamp's id and version, as recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, Select, case, cast, literal_column, select

from app import db
from app.domain.competencies.met_rules import practice_needed
from app.domain.competencies.rules_stamp import framework_of
from app.domain.content import Catalogue
from app.domain.frameworks import Framework
from app.models import RatingChange
from app.services import tagged_rows
from app.services.rating_reads import aware
from app.services.tagged_rows import Layout, Row

KIND = "rating-change"

# What each cause (models.RATING_CAUSES) says happened. Quiz answers rate knowledge; only a
# supervisor's decision says anything of practice.
CAUSES = {
    "graded": "Quiz answers marked",
    "self-assessed": "Self-assessment saved",
    "requested": "Confirmation requested",
    "decided": "Supervisor’s decision recorded",
    "withdrawn": "Request withdrawn",
    # Closed because its supervisor, or the learner, could no longer take part in it.
    "closed": "Request closed undecided: no one could decide it any more",
    "revoked": "Certificate revoked: its answers stopped counting",
    "recomputed": "Re-rated by the framework’s rules as they stand and the age of the evidence",
    "seeded": "Demo data",
    "rated": "As rated when Linkwise began keeping this history",
    "removed": "No rating: nothing left counts",
}
# A rating taken away: what took it away (its writer's cause), then why there is no rating.
TAKEN_AWAY = "{cause}. Nothing left counts, so there is no rating"
# A re-rating by another version of the framework the change before it was rated by: the
# row names the framework under what happened, so the versions are enough here.
FRAMEWORK_UPDATED = (
    "Framework updated from version {before} to {after}: re-rated by the new version’s rules"
)
# A re-rating by another framework: the one before named by its title and version (the row
# names the new one, as it does every framework a rating was rated by).
FRAMEWORK_CHANGED = "Framework changed from {before}: re-rated by the new framework’s rules"
# The same version, its rules changed (the rules stamp's digest differs).
RULES_CHANGED = (
    "Framework’s rules changed, its version number ({version}) left as it was:"
    " re-rated by its rules as they now stand"
)

# A rating's standing as the "Met" column says it, worked out by the database: NULL once
# taken away. Literals, so the statement stays one cached shape.
_STANDING = case(
    (RatingChange.level.is_(None), None),
    (RatingChange.met.is_(True), literal_column("'met'")),
    (RatingChange.expired.is_(True), literal_column("'expired'")),
    else_=literal_column("'not-met'"),
)
STANDING_WORDS = {"met": "Met", "expired": "Expired", "not-met": "Not met"}


@dataclass(frozen=True)
class Change:
    """One change of a learner's rating in one competency, and where it stood after."""

    code: str
    changed_at: datetime
    cause: str
    said: str  # what happened, in words
    rules: str | None  # the rules stamp it was rated by ("referrer 0.2 5c1e07a9")
    level: str | None  # None: the rating was taken away
    score: float | None  # percent
    evidence_count: int | None
    practice: str | None
    standing: str | None  # "met", "expired" or "not-met"; None once taken away
    # The framework and version it was rated by as people read them (`named`); "" for none.
    rated_by: str = ""

    @property
    def rated(self) -> bool:
        """Say whether a rating stood after this change (not one taken away)."""
        return self.level is not None

    @property
    def framework(self) -> str:
        """Return the framework's id and version it was rated by ("referrer 0.2"), or nothing:
        as recorded, where `rated_by` is as people read it."""
        return framework_of(self.rules) if self.rules else ""

    @property
    def knowledge(self) -> str:
        """Return the knowledge level with its score, e.g. "Secure (82%)"."""
        if self.level is None:
            return "No rating"
        return self.level if self.score is None else f"{self.level} ({round(self.score)}%)"

    @property
    def standing_words(self) -> str:
        """Return Met, Expired or Not met (nothing once the rating was taken away)."""
        return STANDING_WORDS.get(self.standing, "")


def titles(catalogue: Catalogue) -> dict[str, str]:
    """Return each loaded framework's title by its id, for `named`."""
    return {framework.id: framework.title for framework in catalogue.frameworks}


def named(stamp: str, names: Mapping[str, str]) -> str:
    """Return the framework and version a rules stamp names as people read them, e.g.
    "Social prescribing link worker competencies (Linkwise draft), version 0.2".

    The title is the framework's as loaded now; one no longer loaded keeps its id.
    """
    framework, _, version = framework_of(stamp).partition(" ")
    title = names.get(framework, framework)
    return f"{title}, version {version}" if version else title


def said(
    cause: str,
    rules: str | None,
    before: str | None,
    taken_away: bool = False,
    names: Mapping[str, str] | None = None,
) -> str:
    """Return what a change says happened, given the rules the change before it was rated by.

    Every change of framework version is appended (migration 0046), so `before` is the
    version the rating had until this change. `names`: each framework's title (`titles`).
    """
    if taken_away and cause != "removed":
        return TAKEN_AWAY.format(cause=CAUSES.get(cause, "Re-rated"))
    if cause == "recomputed" and rules and before and rules != before:
        now, was = framework_of(rules).partition(" "), framework_of(before).partition(" ")
        if now == was:
            return RULES_CHANGED.format(version=now[2])
        # One framework's versions: the row names the framework (`rated_by`).
        if now[0] == was[0] and now[2] and was[2]:
            return FRAMEWORK_UPDATED.format(before=was[2], after=now[2])
        return FRAMEWORK_CHANGED.format(before=named(before, names or {}))
    return CAUSES.get(cause, "Re-rated")


def branch(*where, layout: Layout | None = None) -> Select:
    """Return rating_change rows (`where` says whose) as tagged rows of KIND, in the layout
    given or tagged_rows' usual one.

    Texts: code, cause, rules, level, practice, standing; numbers: id (its place: rows are
    appended in the order they happened), evidence count; real: score; time: changed.
    """
    make = layout.branch if layout is not None else tagged_rows.branch
    return make(
        KIND,
        text=(
            RatingChange.competency_code,
            RatingChange.cause,
            RatingChange.rules,
            RatingChange.level,
            RatingChange.practice,
            _STANDING,
        ),
        number=(RatingChange.id, RatingChange.evidence_count),
        real=(cast(RatingChange.score, Float),),
        at=(RatingChange.changed_at,),
    ).where(*where)


def from_rows(rows: list[Row], catalogue: Catalogue) -> dict[str, tuple[Change, ...]]:
    """Return each competency's changes (read by `branch`), newest first, each framework
    named as the catalogue's frameworks call it."""
    names = titles(catalogue)
    by_code: dict[str, list[Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: row.number[0]):
        by_code[row.text[0]].append(row)
    history = {}
    for code, found in by_code.items():
        changes, before = [], None
        for row in found:
            cause, rules, level, practice, standing = row.text[1:6]
            changes.append(
                Change(
                    code,
                    aware(row.at[0]),
                    cause,
                    said(cause, rules, before, level is None, names),
                    rules,
                    level,
                    row.real[0],
                    row.number[1],
                    practice,
                    standing,
                    named(rules, names) if rules else "",
                )
            )
            before = rules
        history[code] = tuple(reversed(changes))
    return history


_ONE = Layout(text=6, number=2, real=1, at=1)


def history(user_id: int, code: str, catalogue: Catalogue) -> tuple[Change, ...]:
    """Return the learner's changes of rating in one competency, newest first (one statement)."""
    found = _ONE.read(
        [
            branch(
                RatingChange.user_id == user_id,
                RatingChange.competency_code == code,
                layout=_ONE,
            )
        ]
    )
    return from_rows(found.get(KIND, []), catalogue).get(code, ())


@dataclass(frozen=True)
class CompetencyHistory:
    """One competency's changes of rating, newest first, with its name where it has one."""

    code: str
    name: str | None  # None: in no framework now
    changes: tuple[Change, ...]
    # Whether its met rule asks a supervisor to confirm practice (unknown once it is in no
    # framework: then its practice is shown, as recorded).
    asks_for_practice: bool = True


def by_competency(
    history: dict[str, tuple[Change, ...]], catalogue: Catalogue, framework: Framework | None
) -> tuple[CompetencyHistory, ...]:
    """Return the history of each competency of the framework, in its order, then of each
    competency in no framework now (taken out since it was rated), by code.

    Another framework's competencies are left out: the learner's answers rate them too,
    but they count for nothing in this framework, and its pages do not show them.
    """
    if framework is None:
        return ()
    order = {c.code: place for place, c in enumerate(framework.competencies)}
    codes = [code for code in history if code in order or catalogue.competency(code) is None]
    codes.sort(key=lambda code: (code not in order, order.get(code, 0), code))
    return tuple(_kept(catalogue, code, history[code]) for code in codes)


def _kept(catalogue: Catalogue, code: str, changes: tuple[Change, ...]) -> CompetencyHistory:
    competency = catalogue.competency(code)
    if competency is None:
        return CompetencyHistory(code, None, changes)
    framework = catalogue.framework(competency.framework_id)
    return CompetencyHistory(code, competency.name, changes, practice_needed(competency, framework))


def export(user_id: int) -> list[dict]:
    """Return every change of the person's ratings as recorded, for their copy of their data:
    by competency, oldest first."""
    found = db.session().scalars(
        select(RatingChange)
        .where(RatingChange.user_id == user_id)
        .order_by(RatingChange.competency_code, RatingChange.id)
    )
    return [
        {
            "competency": change.competency_code,
            "changed_at": aware(change.changed_at).isoformat(),
            "cause": change.cause,
            # The framework and version it was rated by, and the whole rules stamp (the
            # digest tells one version's rules apart when they changed under it).
            "framework": framework_of(change.rules) if change.rules else None,
            "rules": change.rules,
            "level": change.level,
            "score": change.score,
            "evidence_count": change.evidence_count,
            "practice": change.practice,
            "met": change.met,
            "expired": change.expired,
        }
        for change in found
    ]
