"""Read quiz files and tie them to their modules and screens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .link_checks import check_links
from .markdown import InternalLink
from .module_files import ModuleDraft, screen_slugs_in
from .outcomes import check_outcome_numbers
from .problems import Problems, did_you_mean
from .quizzes import Quiz, parse_quiz
from .quizzes.drafts import QuestionTargets
from .textfiles import read_text

QUIZ_FOLDER = "quizzes"


@dataclass(frozen=True)
class QuizFile:
    """What a quiz file says it is (even when its questions have errors), and its quiz if any."""

    path: Path
    id: str
    module: str | None
    kind: str | None
    quiz: Quiz | None
    links: tuple[InternalLink, ...] = ()  # its texts' `screen:` and `module:` links
    # The outcomes and screens each question names, read even when the file has errors.
    targets: tuple[QuestionTargets, ...] = ()


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


def read_quizzes(
    paths: Iterable[Path],
    known_codes: frozenset[str],
    problems: Problems,
    module_codes: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, QuizFile]:
    """Parse every quiz file; return each by id, reporting every problem.

    A file with errors is still returned (without its quiz), so checks that span files
    report against what it says it is rather than claiming it does not exist.
    """
    found: dict[str, QuizFile] = {}
    for path in map(Path, paths):
        text = read_text(path, problems)
        if text is None:
            continue
        result = parse_quiz(text, path, known_codes, module_codes)
        problems.extend(result.problems)
        settings = result.settings
        quiz_id = settings.get("id") or path.stem
        if quiz_id in found:
            problems.error(path, 1, f"quiz id '{quiz_id}' is also used by {found[quiz_id].path}")
            continue
        found[quiz_id] = QuizFile(
            path,
            quiz_id,
            settings.get("module"),
            settings.get("kind"),
            result.quiz,
            result.links,
            result.targets,
        )
    return found


def good_quizzes(files: Mapping[str, QuizFile]) -> dict[str, Quiz]:
    """Return the quizzes that loaded without errors, by id."""
    return {quiz_id: f.quiz for quiz_id, f in files.items() if f.quiz is not None}


def assessment_for(
    draft: ModuleDraft, files: Mapping[str, QuizFile], problems: Problems
) -> Quiz | None:
    """Return the module's end-of-module quiz, checking its outcomes and screens.

    Of two or more, the one named `<module>-assessment.md` (else the first by name) is the
    assessment, and each other is the newcomer the error is reported at. The outcomes and
    screens its questions name are checked even when the file has other errors. Whether
    the course's quizzes ask enough about each competency is checked across all of them,
    once the catalogue is built (coverage.coverage_problems).
    """
    own_name = f"{draft.slug}-assessment"
    found = sorted(
        (f for f in files.values() if f.module == draft.slug and f.kind == "assessment"),
        key=lambda f: (Path(f.path).stem != own_name, str(f.path)),
    )
    for extra in found[1:]:
        problems.error(
            extra.path,
            _key_line(extra.path, "kind"),
            f"module '{draft.slug}' already has an assessment, {found[0].path}: "
            "a module has one assessment at most",
        )
    if not found:
        return None
    check_outcome_numbers(draft, found[0].path, found[0].targets, problems)
    check_screens(draft, found[0].path, found[0].targets, problems)
    return found[0].quiz


def knowledge_check_for(
    draft: ModuleDraft,
    line: int,
    quiz_id: str,
    path: Path,
    files: Mapping[str, QuizFile],
    problems: Problems,
    placed: dict[str, Path],
) -> Quiz | None:
    """Return the knowledge check a screen names, reporting a wrong, missing or reused one,
    and its questions' outcomes and screens as an assessment's are.

    `placed` records which screen each knowledge check is on so far.
    """
    found = files.get(quiz_id)
    if found is None:
        hint = did_you_mean(quiz_id, sorted(files))
        problems.error(path, line, f"knowledge check '{quiz_id}' is not a quiz file{hint}")
        return None
    if found.kind is not None and found.kind != "knowledge-check":
        problems.error(path, line, f"'{quiz_id}' is an {found.kind}, not a knowledge-check")
        return None
    if found.module is not None and found.module != draft.slug:
        problems.error(
            path, line, f"knowledge check '{quiz_id}' belongs to module '{found.module}'"
        )
        return None
    if quiz_id in placed:
        problems.error(
            path,
            line,
            f"knowledge check '{quiz_id}' is already on {placed[quiz_id]}: "
            "a knowledge check goes on one screen only",
        )
        return None
    placed[quiz_id] = path
    check_outcome_numbers(draft, found.path, found.targets, problems)
    check_screens(draft, found.path, found.targets, problems)
    return found.quiz


def check_screens(
    draft: ModuleDraft, path: str | Path, questions: Iterable[QuestionTargets], problems: Problems
) -> None:
    """Report every `Screens:` slug that is not a screen of the quiz's module."""
    # A screen file that failed to read still promises its slug by its name: its own error
    # is the one to fix, not every question that points at it.
    slugs = sorted({screen.slug for screen in draft.screens} | screen_slugs_in(draft.folder))
    for question in questions:
        for slug in question.screens:
            if slug not in slugs:
                problems.error(
                    path,
                    question.screens_line or question.line,
                    f"question {question.number} names screen '{slug}' in 'Screens:', which "
                    f"is not a screen of module '{draft.slug}'{did_you_mean(slug, slugs)}",
                )


def unplaced_knowledge_checks(
    files: Mapping[str, QuizFile],
    module_slugs: Iterable[str],
    placed: Mapping[str, Path],
    problems: Problems,
) -> None:
    """Warn about knowledge checks of existing modules that no screen shows."""
    slugs = set(module_slugs)
    for quiz_id, found in files.items():
        if found.kind == "knowledge-check" and found.module in slugs and quiz_id not in placed:
            problems.warning(
                found.path,
                1,
                f"knowledge check '{quiz_id}' is on no screen, so learners never see it: add "
                f"'knowledge_check: {quiz_id}' to the front matter of the screen it checks",
            )


def check_quiz_modules(
    files: Mapping[str, QuizFile], module_slugs: Iterable[str], problems: Problems
) -> None:
    """Report quizzes whose module does not exist."""
    slugs = sorted(set(module_slugs))
    for found in files.values():
        if found.module is not None and found.module not in slugs:
            problems.error(
                found.path,
                _key_line(found.path, "module"),
                f"module '{found.module}' does not exist{did_you_mean(found.module, slugs)}",
            )


def check_quiz_links(
    files: Mapping[str, QuizFile], screens_by_module: Mapping[str, set[str]], problems: Problems
) -> None:
    """Report each link in a quiz's text to a screen or module that does not exist."""
    for found in files.values():
        # A quiz whose own module is missing says so once, at its `module:` line, rather
        # than once more for each of its links to "a screen of this module".
        own = found.module if isinstance(found.module, str) else ""
        known = own in screens_by_module
        links = [link for link in found.links if known or link.module_slug != own]
        check_links(found.path, links, screens_by_module, problems)


def _key_line(path: Path, key: str) -> int:
    # The quiz keeps no line per front matter key; find the key's own line.
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError:
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 1)
