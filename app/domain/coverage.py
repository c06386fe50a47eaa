"""How many assessment questions give evidence for each competency, and whether that is enough.

A learner is rated on a competency once they have answered enough different questions
aligned with it (`enough_evidence`, the rating's own rule). A pool asks `pick` of its
questions, drawn at random, so a question in a pool may never be asked: what counts is what
one attempt at each of the course's assessments is *sure* to ask. A question outside any
pool always is; from a pool, only as many aligned questions as it must draw once every
other question it holds is drawn. Coverage says that, and beside it what an attempt may ask
at most, so a pool's questions never make a competency look rated when it may not be.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from .competencies.knowledge import enough_evidence, questions_needed
from .content import Catalogue
from .frameworks import AttainmentSettings, Competency
from .problems import Problem
from .quizzes import Quiz
from .quizzes.model import QuestionGroup


@dataclass(frozen=True)
class AlignedQuestion:
    """An assessment question aligned with a competency, and the pool it is drawn from."""

    quiz_id: str
    question_id: str
    pool: tuple[int, int] | None = None  # (how many the pool asks, how many it holds)


@dataclass(frozen=True)
class Asked:
    """How many different questions aligned with a competency one attempt asks."""

    sure: int = 0  # every attempt asks at least these
    possible: int = 0  # the most any one attempt asks

    def __add__(self, other: Asked) -> Asked:
        return Asked(self.sure + other.sure, self.possible + other.possible)


@dataclass(frozen=True)
class Coverage:
    """One competency, the assessment questions aligned with it, and whether that is enough."""

    competency: Competency
    questions: tuple[AlignedQuestion, ...]
    asked: Asked
    settings: AttainmentSettings

    @property
    def minimum(self) -> int:
        """Return how many different aligned questions a rating needs."""
        return questions_needed(self.settings)

    @property
    def enough(self) -> bool:
        """Say whether what the course is sure to ask is enough to rate the competency."""
        return enough_evidence(self.asked.sure, self.settings)

    @property
    def more_needed(self) -> int:
        """Return how many more questions the course must be sure to ask to rate it."""
        return max(0, self.minimum - self.asked.sure)


def asked_in(quiz: Quiz) -> dict[str, Asked]:
    """Return, for each competency a quiz's questions align with, what one attempt asks."""
    found: dict[str, Asked] = {}
    for item in quiz.items:
        if not isinstance(item, QuestionGroup):
            for code in dict.fromkeys(item.competencies):
                found[code] = found.get(code, Asked()) + Asked(1, 1)
            continue
        held = len(item.questions)
        drawn = min(item.pick, held)
        aligned = Counter(code for q in item.questions for code in dict.fromkeys(q.competencies))
        for code, count in aligned.items():
            # Drawn after every question not aligned with it, the pool still asks the rest.
            sure = max(0, drawn - (held - count))
            found[code] = found.get(code, Asked()) + Asked(sure, min(drawn, count))
    return found


def coverage(catalogue: Catalogue) -> tuple[Coverage, ...]:
    """Count every assessment question aligned with each competency of every framework, and
    what one attempt at each assessment of the course is sure to ask, and may ask at most."""
    aligned: dict[str, list[AlignedQuestion]] = {}
    asked: dict[str, Asked] = {}
    for module in catalogue.modules:
        quiz = module.assessment
        if quiz is None:
            continue
        for item in quiz.items:
            group = isinstance(item, QuestionGroup)
            pool = (min(item.pick, len(item.questions)), len(item.questions)) if group else None
            for question in item.questions if group else (item,):
                for code in question.competencies:
                    aligned.setdefault(code, []).append(AlignedQuestion(quiz.id, question.id, pool))
        for code, count in asked_in(quiz).items():
            asked[code] = asked.get(code, Asked()) + count
    return tuple(
        Coverage(c, tuple(aligned.get(c.code, ())), asked.get(c.code, Asked()), f.attainment)
        for f in catalogue.frameworks
        for c in f.competencies
    )


@dataclass(frozen=True)
class OutOfReach:
    """A competency a learner is not rated in that no quiz left to them can rate: they have
    passed every quiz asking about it, none of those is open for renewal, and a passed quiz
    is taken again only to renew."""

    competency: Competency
    # The course's quizzes are not sure to ask enough to rate it: what it needs is more
    # questions, not more from the learner.
    course_short: bool
    questions_needed: int


def out_of_reach(
    unrated: Iterable[Competency],
    catalogue: Catalogue,
    passed: Collection[str],
    renewing: Collection[str] = (),
) -> tuple[OutOfReach, ...]:
    """Return the unrated competencies whose every module with a quiz the learner has
    passed (`passed` names those modules) and none is open for renewal (`renewing` names
    those), saying whether the course asks enough.

    A renewal is an attempt like any other, whose answers give new evidence: a competency
    one of whose quizzes is open for renewal is within reach of it.
    """
    stuck = [
        competency
        for competency in unrated
        if (modules := [m for m in catalogue.modules_for(competency.code) if m.assessment])
        and all(m.slug in passed and m.slug not in renewing for m in modules)
    ]
    if not stuck:
        return ()
    rows = {row.competency.code: row for row in coverage(catalogue)}
    return tuple(OutOfReach(c, not rows[c.code].enough, rows[c.code].minimum) for c in stuck)


def coverage_problems(catalogue: Catalogue) -> list[Problem]:
    """Warn, once for each competency, where what the course is sure to ask cannot rate it,
    then where one module's assessment cannot rate a competency the module lists.

    At the first assessment of a module that lists the competency, where questions are
    added; at the competency's line in its framework file when no such module lists it.
    """
    problems = []
    short = set()
    lines_by_path: dict[str, dict[str, int]] = {}
    for framework in catalogue.frameworks:
        lines_by_path[framework.path] = _code_lines(framework.path)
    for row in coverage(catalogue):
        if row.enough:
            continue
        code = row.competency.code
        short.add(code)
        assessed = [m for m in catalogue.modules_for(code) if m.assessment]
        if assessed:
            where = assessed[0].assessment.path
            problems.append(Problem(where, 1, "warning", _too_few(row)))
            continue
        framework = catalogue.framework(row.competency.framework_id)
        line = lines_by_path.get(framework.path, {}).get(code, 1)
        listing = [m.slug for m in catalogue.modules_for(code)]
        where = (
            f"only module{'s' * (len(listing) > 1)} without an assessment list it "
            f"({', '.join(listing)})"
            if listing
            else "no module lists it"
        )
        problems.append(
            Problem(
                framework.path,
                line,
                "warning",
                f"competency {code} cannot be rated: {where}, so no assessment question "
                "gives evidence for it",
            )
        )
    return problems + module_coverage_problems(catalogue, short)


def module_coverage_problems(catalogue: Catalogue, short: Collection[str]) -> list[Problem]:
    """Warn, at a module's assessment, of each competency the module lists that an attempt
    at that assessment is not sure to ask enough about to rate on its own.

    The rating pools evidence from every quiz, so the course may cover a competency while a
    new module's quiz asks one question on it: a learner who takes only that module is then
    never rated on it. Competencies in `short` already have their warning for the whole
    course, which adding questions here also answers: they are not warned of again.
    """
    problems = []
    for module in catalogue.modules:
        quiz = module.assessment
        if quiz is None:
            continue
        asked = asked_in(quiz)
        for code in module.competency_codes:
            competency = catalogue.competency(code)
            if code in short or competency is None:
                continue
            settings = catalogue.framework(competency.framework_id).attainment
            here = asked.get(code, Asked())
            if not enough_evidence(here.sure, settings):
                problems.append(
                    Problem(quiz.path, 1, "warning", _short_here(module, code, here, settings))
                )
    return problems


def _short_here(module, code: str, here: Asked, settings: AttainmentSettings) -> str:
    sure, needed = here.sure, questions_needed(settings)
    drawn = f" (up to {here.possible} as pools draw)" if here.possible > sure else ""
    return (
        f"module '{module.slug}' lists competency {code}, but an attempt at this assessment is "
        f"sure to ask {sure} different question{'s' * (sure != 1)} aligned with it{drawn}, "
        f"and {needed} are needed to rate it: a learner who takes only this module is never "
        f"rated on it; add questions on {code} here, or take it off the module's "
        "`competencies`"
    )


def _too_few(row: Coverage) -> str:
    sure, possible, needed = row.asked.sure, row.asked.possible, row.minimum
    distinct = len({(q.quiz_id, q.question_id) for q in row.questions})
    # With pools, several attempts may draw enough between them; without, none can.
    outcome = "may never be rated" if distinct >= needed else "cannot be rated"
    pooled = any(q.pool for q in row.questions)
    drawn = f" (up to {possible} as pools draw)" if possible > sure else ""
    fix = "add questions outside pools, or have a pool pick more" if pooled else "add questions"
    return (
        f"competency {row.competency.code} {outcome}: an attempt at each assessment is sure "
        f"to ask {sure} different question{'s' * (sure != 1)} aligned with it{drawn}, and "
        f"{needed} are needed to rate it; {fix}"
    )


def _code_lines(path: str) -> dict[str, int]:
    # The framework's own loader keeps no line per competency; find each "code:" line.
    try:
        text = Path(path).read_text("utf-8-sig")  # as the framework was loaded
    except (OSError, UnicodeDecodeError):  # changed since: its lines are unknown
        return {}
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key, _, value = line.strip().removeprefix("- ").partition(":")
        if key == "code":
            found[value.strip().strip("'\"")] = number
    return found
