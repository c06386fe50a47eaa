"""Find module folders and framework files under the paths a trainer names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .module_files import MODULE_FILE
from .problems import Problem, Problems

FRAMEWORK_FOLDER = "competencies"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Sources:
    """What to load: module folders, framework files, and modules links may point to."""

    module_dirs: tuple[Path, ...]
    framework_files: tuple[Path, ...]
    reference_module_dirs: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()


def discover(
    paths: Iterable[Path],
    default_competencies_dir: Path,
    default_modules_dir: Path | None = None,
) -> Sources:
    """Find modules (folders holding module.md) and frameworks (YAML in competencies/).

    A screen file stands for its module. Without any framework among the paths, the
    default competencies folder is used so competency codes can still be checked; the
    modules in `default_modules_dir` serve only as targets for links.
    """
    problems = Problems()
    modules: list[Path] = []
    frameworks: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            modules += sorted(p.parent for p in path.rglob(MODULE_FILE) if p.is_file())
            frameworks += _frameworks_under(path)
        elif not path.is_file():
            problems.error(path, 0, "no such file or folder")
        elif path.suffix in YAML_SUFFIXES:
            frameworks.append(path)
        elif path.suffix == ".md" and (path.parent / MODULE_FILE).is_file():
            # A screen file, or module.md itself, stands for its module folder.
            modules.append(path.parent)
        else:
            problems.error(path, 0, "not a module, screen or competency framework file")
    if not frameworks:
        frameworks = _frameworks_under(Path(default_competencies_dir))
    references: list[Path] = []
    if default_modules_dir is not None and Path(default_modules_dir).is_dir():
        references = sorted(p.parent for p in Path(default_modules_dir).rglob(MODULE_FILE))
    return Sources(
        module_dirs=tuple(dict.fromkeys(modules)),
        framework_files=tuple(dict.fromkeys(frameworks)),
        reference_module_dirs=tuple(references),
        problems=problems.sorted(),
    )


def _frameworks_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    if folder.name == FRAMEWORK_FOLDER:
        candidates = folder.iterdir()
    else:
        candidates = (p for p in folder.rglob("*") if p.parent.name == FRAMEWORK_FOLDER)
    return sorted(p for p in candidates if p.is_file() and p.suffix in YAML_SUFFIXES)
