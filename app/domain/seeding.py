"""Demo learners as plain values: who they are, how far they got, what their quizzes earned.

Each learner is drawn from a generator seeded with the run's seed and their running
number, so learner 57 of seed 1 is the same person however the run is split into batches
or commands. Grades follow `domain.quizzes.attempts.grade` and competency levels come from
the real `rate_learner()`, so the stored rows equal what the app would have written.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from .accounts import PROFESSIONS
from .certificate_codes import CODE_ALPHABET, CODE_GROUP_LENGTH, CODE_GROUPS, CODE_PREFIX
from .competencies import Evidence, Rating, rate_learner
from .content import Catalogue, Module, quiz_key
from .quizzes.attempts import select_questions
from .seeded_answers import Answering

# Who takes a social prescribing course: mostly link workers, then the practice team.
PROFESSION_WEIGHTS = {
    "link-worker": 38,
    "practice-nurse": 18,
    "gp": 14,
    "pharmacist": 12,
    "care-coordinator": 8,
    "health-coach": 6,
    "other": 4,
}
assert set(PROFESSION_WEIGHTS) == set(PROFESSIONS), "a profession has no seeding weight"
_PROFESSIONS = list(PROFESSION_WEIGHTS)
# Added up once, as rng.choices adds up weights: the same draw for less work.
_PROFESSION_TOTALS = list(accumulate(PROFESSION_WEIGHTS.values()))

# Names for the register and certificates; any pairing will do.
_FIRST_NAMES = """
    Aisha Alex Amir Ana Ben Bethan Chloe Chidi Dan Deepa Eilidh Emma Fatima Finn Grace Hamza
    Harriet Imran Isla Jack James Jas Kemi Kieran Laura Leon Maya Megan Mohammed Niamh Noah
    Olu Owen Priya Rhys Rosa Ruth Sam Sara Sean Sofia Tom Uma Wei Yusuf Zara Zoe
"""
_SURNAMES = """
    Ahmed Ali Bailey Begum Brown Campbell Chen Clarke Davies Edwards Evans Green Hall Hughes
    Hussain Jackson James Jones Kaur Khan Lewis Martin Morgan Murphy Nguyen O'Brien Okafor
    Patel Phillips Price Roberts Robinson Shah Singh Smith Taylor Thomas Thompson Walker
    Ward White Williams Wilson Wood Wright Young
"""
FIRST_NAMES = tuple(_FIRST_NAMES.split())
SURNAMES = tuple(_SURNAMES.split())

HISTORY = timedelta(days=182)


@dataclass(frozen=True)
class SeededAttempt:
    """A graded go at a module's quiz, with one evidence entry per competency of each question."""

    quiz_id: str
    module_slug: str
    number: int
    selection: list[dict]
    settings: dict  # the quiz settings the attempt was taken under
    started_at: datetime
    submitted_at: datetime
    points: float
    points_possible: float
    percent: int
    passed: bool
    module_title: str  # as the attempt records it when it starts
    # (competency code, question id, question version, score)
    evidence: tuple[tuple[str, str, str, float], ...]
    # (question id, question version, answer as the form sends it, points)
    answers: tuple[tuple[str, str, object, float], ...] = ()


# A seeded learner's rating is exactly what `rate_learner` returns for their evidence.
SeededLevel = Rating


@dataclass(frozen=True)
class SeededLearner:
    """One demo learner and everything they did on the course."""

    number: int
    email: str
    full_name: str
    profession: str
    registration_number: str | None
    created_at: datetime
    last_signed_in_at: datetime
    completions: tuple[tuple[str, str, datetime], ...]  # (module slug, item key, when)
    attempts: tuple[SeededAttempt, ...]
    certificates: tuple[tuple[int, str], ...]  # (index into attempts of the pass, code)
    levels: tuple[SeededLevel, ...]


def learner_email(seed: int, number: int) -> str:
    """Return the address of a seeded learner: unique per seed and running number."""
    return f"learner-{seed}-{number}@example.org"


class Course:
    """What seeding needs from the catalogue, worked out once per run."""

    def __init__(self, catalogue: Catalogue):
        self.modules = tuple(m for m in catalogue.modules if m.assessment is not None)
        self.all_frameworks = catalogue.frameworks
        self.frameworks = {}
        for competency in catalogue.competencies:
            self.frameworks[competency.code] = catalogue.framework(competency.framework_id)
        # Per question: the question, a fixed difficulty (so every learner meets the same
        # hard questions) and how many separately marked parts it has.
        self.questions = {
            q.id: (q, random.Random(q.id).gauss(-0.9, 0.7), max(1, q.parts))
            for m in self.modules
            for q in m.assessment.questions
        }
        # How learners answer each question, and what each different answer scores.
        self.answering = {
            question_id: Answering(q) for question_id, (q, *_) in self.questions.items()
        }
        # Everything marking a drawn question needs, in one look-up: its difficulty, how
        # learners answer it and what each answer scores, its points and competencies.
        self.marking = {
            question_id: (difficulty, answering.draw, answering.score, q.points, q.competencies)
            for question_id, answering in self.answering.items()
            for q, difficulty, _parts in [self.questions[question_id]]
        }
        self.settings = {m.assessment.id: m.assessment.settings.to_content() for m in self.modules}
        # What a certificate of each module records, as issuing one does
        # (services/credential_claims.py: certified): title, CPD minutes, outcomes, each
        # competency's [code, name], and the clinical reviewer the module names.
        self.certified = {
            m.slug: (
                m.title,
                m.cpd_minutes,
                list(m.learning_outcomes),
                [
                    [code, found.name]
                    for code in m.competency_codes
                    if (found := catalogue.competency(code)) is not None
                ],
                m.provenance.clinical_reviewer if m.provenance else None,
            )
            for m in self.modules
        }
        # Every question version an attempt can refer to, stored before any attempt.
        self.versions = tuple(v for m in self.modules for v in m.assessment.versions.values())


def learners(course: Course, seed: int, first: int, count: int, now: datetime) -> Iterator:
    """Yield `count` learners numbered from `first`, each the same for the same seed."""
    for number in range(first, first + count):
        yield learner(course, seed, number, now)


def learner(course: Course, seed: int, number: int, now: datetime) -> SeededLearner:
    """Draw one learner: profile, progress through each module, attempts and levels."""
    rng = random.Random(f"{seed}:{number}")
    profession = rng.choices(_PROFESSIONS, cum_weights=_PROFESSION_TOTALS)[0]
    created = now - HISTORY * rng.random() ** 0.8
    journey = _Journey(course, rng, created, now)
    for index, module in enumerate(course.modules):
        if journey.clock > now or rng.random() > 0.3 + 0.65 * journey.drive - 0.08 * index:
            continue  # never started this module
        journey.work_through(module)
        journey.clock += timedelta(days=rng.expovariate(1 / 9))
    return SeededLearner(
        number=number,
        email=learner_email(seed, number),
        full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        profession=profession,
        registration_number=_registration_number(rng, profession),
        created_at=created,
        last_signed_in_at=journey.seen,
        completions=tuple(journey.completions),
        attempts=tuple(journey.attempts),
        certificates=tuple(journey.certificates),
        levels=rate(course, journey.attempts, now),
    )


class _Journey:
    """One learner's way through the modules, kept in time order and never past `now`."""

    def __init__(self, course: Course, rng: random.Random, created: datetime, now: datetime):
        self.course, self.rng, self.now = course, rng, now
        self.ability = rng.gauss(0.0, 1.0)
        self.drive = rng.random()
        self.clock = created + timedelta(minutes=rng.uniform(1, 2 * 24 * 60))
        self.seen = created
        self.completions: list[tuple[str, str, datetime]] = []
        self.attempts: list[SeededAttempt] = []
        self.certificates: list[tuple[int, str]] = []

    def work_through(self, module: Module) -> None:
        """Complete screens in order, then take the quiz until passed, out of tries or bored."""
        rng, keys = self.rng, module.screen_item_keys
        stop_at = len(keys)
        # A module of one screen has no part way through it.
        if rng.random() < 0.45 * (1 - self.drive) and len(keys) > 1:
            stop_at = rng.randrange(1, len(keys))  # part way through the screens
        for key in keys[:stop_at]:
            self.clock += timedelta(minutes=rng.uniform(1, 12))
            if self.clock > self.now:
                return
            self.completions.append((module.slug, key, self.clock))
            self.seen = self.clock
        if stop_at < len(keys) or rng.random() < 0.2 * (1 - self.drive):
            return  # screens unfinished, or finished and the quiz not tried yet
        quiz = module.assessment
        for number in range(1, (quiz.max_attempts or 3) + 1):
            started = self.clock + timedelta(minutes=rng.uniform(0, 30))
            submitted = started + timedelta(minutes=rng.uniform(4, 25))
            if submitted > self.now:
                return
            # Each retake comes after revising, so the learner does a little better.
            ability = self.ability + 0.45 * (number - 1)
            attempt = _attempt(self.course, module, rng, ability, number, started, submitted)
            self.attempts.append(attempt)
            self.seen = self.clock = submitted
            if attempt.passed:
                self.completions.append((module.slug, quiz_key(quiz.id), submitted))
                self.certificates.append((len(self.attempts) - 1, _certificate_code(rng)))
                return
            if rng.random() < 0.25:
                return  # gave up after failing
            self.clock += timedelta(hours=rng.uniform(0.5, 24 * 7))


def _attempt(course, module: Module, rng, ability, number, started, submitted) -> SeededAttempt:
    """Mark each drawn question as a learner of this ability would answer it."""
    quiz = module.assessment
    selection = select_questions(quiz, rng)
    evidence = []
    answers = []
    points = possible = 0.0
    for entry in selection:
        question_id, version = entry["question"], entry["version"]
        difficulty, draw, score, worth, codes = course.marking[question_id]
        answer = draw(1 / (1 + math.exp(-1.7 * (ability - difficulty))), rng)
        fraction = score(answer)
        answers.append((question_id, version, answer, fraction * worth))
        points += fraction * worth
        possible += worth
        evidence += [(code, question_id, version, fraction) for code in codes]
    # The same rounding as grade(): 0.1 + 0.2 points out of 0.3 is 100%, not 99%.
    percent = math.floor(round(points * 100 / possible, 9)) if possible else 0
    return SeededAttempt(
        quiz_id=quiz.id,
        module_slug=module.slug,
        number=number,
        selection=selection,
        settings=course.settings[quiz.id],
        started_at=started,
        submitted_at=submitted,
        points=points,
        points_possible=possible,
        percent=percent,
        passed=percent >= quiz.pass_mark,
        module_title=module.title,
        evidence=tuple(evidence),
        answers=tuple(answers),
    )


def rate(course: Course, attempts, now: datetime) -> tuple[Rating, ...]:
    """Rate every competency the attempts gave evidence for, as grading would."""
    found: dict[str, list[Evidence]] = defaultdict(list)
    for attempt in attempts:
        # Evidence values are immutable, so one per question and score serves every code.
        # Built as stored evidence is, unchecked: scores are the questions' own marks (0 to
        # 1) and the times are aware, as the rows the seeder writes must be.
        shared: dict[tuple, Evidence] = {}
        for code, question, _version, score in attempt.evidence:
            key = (question, score)
            if key not in shared:
                at, quiz = attempt.submitted_at, attempt.quiz_id
                shared[key] = Evidence.stored(score, at, question, quiz)
            found[code].append(shared[key])
    return rate_learner(course.all_frameworks, found, {}, now)


def _registration_number(rng, profession: str) -> str | None:
    if profession == "gp":
        return f"GMC {rng.randrange(2_000_000, 7_999_999)}"
    if profession == "practice-nurse":
        return f"{rng.randrange(10, 99)}{rng.choice('ABCDEFGHJ')}{rng.randrange(1000, 9999)}E"
    if profession == "pharmacist":
        return f"GPhC {rng.randrange(2_000_000, 2_299_999)}"
    return None


def _certificate_code(rng) -> str:
    symbols = "".join(rng.choices(CODE_ALPHABET, k=CODE_GROUPS * CODE_GROUP_LENGTH))
    groups = [symbols[i : i + CODE_GROUP_LENGTH] for i in range(0, len(symbols), CODE_GROUP_LENGTH)]
    return "-".join([CODE_PREFIX, *groups])
