"""Read quiz files and tie them to their modules and screens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .module_files import ModuleDraft
from .problems import Problems, did_you_mean
from .quizzes import Quiz, parse_quiz
from .textfiles import read_text

QUIZ_FOLDER = "quizzes"
MIN_EVIDENCE = 3


def quiz_files_under(folder: Path) -> list[Path]:
    """Return the quiz files in a folder tree: Markdown files in a `quizzes` folder."""
    if not folder.is_dir():
        return []
    candidates = folder.iterdir() if folder.name == QUIZ_FOLDER else folder.rglob("*.md")
    return sorted(
        p
        for p in candidates
        if p.is_file()
        and p.suffix == ".md"
        and p.parent.name == QUIZ_FOLDER
        and p.name != "README.md"
    )


def read_quizzes(paths: Iterable[Path], known_codes: frozenset[str], problems: Problems) -> dict:
    """Parse every quiz file; return the good ones by id, reporting every problem."""
    quizzes: dict[str, Quiz] = {}
    for path in paths:
        text = read_text(path, problems)
        if text is None:
            continue
        result = parse_quiz(text, path, known_codes)
        problems.extend(result.problems)
        if result.quiz is None:
            continue
        if result.quiz.id in quizzes:
            problems.error(
                path,
                1,
                f"quiz id '{result.quiz.id}' is also used by {quizzes[result.quiz.id].path}",
            )
            continue
        quizzes[result.quiz.id] = result.quiz
    return quizzes


def assessment_for(
    draft: ModuleDraft, quizzes: Mapping[str, Quiz], problems: Problems
) -> Quiz | None:
    """Return the module's end-of-module quiz, checking it covers the module's competencies."""
    found = [q for q in quizzes.values() if q.module == draft.slug and q.kind == "assessment"]
    for extra in found[1:]:
        problems.error(
            extra.path, 1, f"module '{draft.slug}' already has an assessment: {found[0].path}"
        )
    if not found:
        return None
    quiz = found[0]
    check_screens(draft, quiz, problems)
    counts = {code: 0 for _, code in draft.competencies}
    for question in quiz.questions:
        for code in question.competencies:
            counts[code] = counts.get(code, 0) + 1
    for code, count in counts.items():
        if count < MIN_EVIDENCE:
            problems.warning(
                quiz.path,
                1,
                f"competency {code} of module '{draft.slug}' has {count} aligned question"
                f"{'s' * (count != 1)}; at least {MIN_EVIDENCE} are needed to rate it",
            )
    return quiz


def knowledge_check_for(
    draft: ModuleDraft,
    line: int,
    quiz_id: str,
    path: Path,
    quizzes: Mapping[str, Quiz],
    problems: Problems,
) -> Quiz | None:
    """Return the knowledge check a screen names, reporting a wrong or missing one."""
    quiz = quizzes.get(quiz_id)
    if quiz is None:
        hint = did_you_mean(quiz_id, sorted(quizzes))
        problems.error(
            path, line, f"knowledge check '{quiz_id}' is not a quiz in content/quizzes{hint}"
        )
        return None
    if quiz.kind != "knowledge-check":
        problems.error(path, line, f"'{quiz_id}' is an {quiz.kind}, not a knowledge-check")
        return None
    if quiz.module != draft.slug:
        problems.error(path, line, f"knowledge check '{quiz_id}' belongs to module '{quiz.module}'")
        return None
    return quiz


def check_screens(draft: ModuleDraft, quiz: Quiz, problems: Problems) -> None:
    """Report every `Screens:` slug that is not a screen of the quiz's module."""
    slugs = [screen.slug for screen in draft.screens]
    for number, question in enumerate(quiz.questions, 1):
        for slug in question.screens:
            if slug not in slugs:
                problems.error(
                    quiz.path,
                    question.screens_line or question.line,
                    f"question {number} names screen '{slug}' in 'Screens:', which is not a "
                    f"screen of module '{draft.slug}'{did_you_mean(slug, slugs)}",
                )


def check_quiz_modules(
    quizzes: Mapping[str, Quiz], module_slugs: Iterable[str], problems: Problems
) -> None:
    """Report quizzes whose module does not exist."""
    slugs = sorted(set(module_slugs))
    for quiz in quizzes.values():
        if quiz.module not in slugs:
            problems.error(
                quiz.path,
                _module_line(quiz),
                f"module '{quiz.module}' does not exist{did_you_mean(quiz.module, slugs)}",
            )


def _module_line(quiz: Quiz) -> int:
    try:
        lines = Path(quiz.path).read_text("utf-8").splitlines()
    except OSError:
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith("module:")), 1)
