"""Find module folders and framework files under the paths a trainer names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .module_files import MODULE_FILE
from .problems import Problem, Problems
from .quiz_files import QUIZ_FOLDER, quiz_files_under

FRAMEWORK_FOLDER = "competencies"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Sources:
    """What to load: module folders, framework files, and modules links may point to."""

    module_dirs: tuple[Path, ...]
    framework_files: tuple[Path, ...]
    reference_module_dirs: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()
    quiz_files: tuple[Path, ...] = ()


def discover(
    paths: Iterable[Path],
    default_competencies_dir: Path,
    default_modules_dir: Path | None = None,
    default_quizzes_dir: Path | None = None,
) -> Sources:
    """Find modules (folders holding module.md) and frameworks (YAML in competencies/).

    A screen file stands for its module. Without any framework among the paths, the
    default competencies folder is used so competency codes can still be checked; the
    modules in `default_modules_dir` serve only as targets for links. Quizzes are Markdown
    files in a `quizzes` folder; without any among the paths, `default_quizzes_dir` is read
    so screens' knowledge checks can be checked.
    """
    problems = Problems()
    modules: list[Path] = []
    frameworks: list[Path] = []
    quizzes: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            modules += sorted(p.parent for p in path.rglob(MODULE_FILE) if p.is_file())
            frameworks += _frameworks_under(path)
            quizzes += quiz_files_under(path)
        elif not path.is_file():
            problems.error(path, 0, "no such file or folder")
        elif path.suffix in YAML_SUFFIXES:
            frameworks.append(path)
        elif path.suffix == ".md" and path.parent.name == QUIZ_FOLDER:
            quizzes.append(path)
        elif path.suffix == ".md" and (path.parent / MODULE_FILE).is_file():
            # A screen file, or module.md itself, stands for its module folder.
            modules.append(path.parent)
        else:
            problems.error(path, 0, "not a module, screen or competency framework file")
    if not frameworks:
        frameworks = _frameworks_under(Path(default_competencies_dir))
    if not quizzes and default_quizzes_dir is not None:
        quizzes = quiz_files_under(Path(default_quizzes_dir))
    references: list[Path] = []
    if default_modules_dir is not None and Path(default_modules_dir).is_dir():
        references = sorted(p.parent for p in Path(default_modules_dir).rglob(MODULE_FILE))
    return Sources(
        module_dirs=tuple(dict.fromkeys(modules)),
        framework_files=tuple(dict.fromkeys(frameworks)),
        reference_module_dirs=tuple(references),
        problems=problems.sorted(),
        quiz_files=tuple(dict.fromkeys(quizzes)),
    )


def _frameworks_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    if folder.name == FRAMEWORK_FOLDER:
        candidates = folder.iterdir()
    else:
        candidates = (p for p in folder.rglob("*") if p.parent.name == FRAMEWORK_FOLDER)
    return sorted(p for p in candidates if p.is_file() and p.suffix in YAML_SUFFIXES)
