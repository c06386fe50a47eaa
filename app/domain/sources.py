"""Find the module folders, quiz files and framework files to load, installed or named.

Naming files to check never checks them alone: they are laid over the installed content
(a named module, quiz or framework replaces the installed one of the same name), so rules
that span files, such as one assessment per module, see the site as it would be.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .module_files import (
    MODULE_FILE,
    SCREEN_FILE,
    SCREEN_KNOWN,
    SCREEN_REQUIRED,
    missing_module_file,
)
from .problems import Problem, Problems
from .quiz_files import QUIZ_FOLDER, quiz_files_under
from .quizzes.front_matter import OPTIONAL as QUIZ_OPTIONAL
from .quizzes.front_matter import REQUIRED as QUIZ_REQUIRED

FRAMEWORK_FOLDER = "competencies"
YAML_SUFFIXES = (".yaml", ".yml")
SCREEN_KEYS = frozenset((*SCREEN_REQUIRED, *SCREEN_KNOWN))
# Keys only a quiz has: both have a title.
QUIZ_KEYS = frozenset((*QUIZ_REQUIRED, *QUIZ_OPTIONAL)) - SCREEN_KEYS
FRONT_MATTER_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:")


@dataclass(frozen=True)
class Sources:
    """What to load: module folders, framework files and quiz files.

    `named` holds the files and folders a trainer asked about, or None for everything.
    """

    module_dirs: tuple[Path, ...]
    framework_files: tuple[Path, ...]
    reference_module_dirs: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()
    quiz_files: tuple[Path, ...] = ()
    named: tuple[Path, ...] | None = None

    def is_named(self, path: str | Path) -> bool:
        """Say whether a problem's file is one of the named files or inside a named folder."""
        if self.named is None:
            return True
        resolved = Path(path).resolve()
        return any(resolved == n or resolved.is_relative_to(n) for n in self.named)


def discover(
    paths: Iterable[Path],
    default_competencies_dir: Path,
    default_modules_dir: Path | None = None,
    default_quizzes_dir: Path | None = None,
) -> Sources:
    """Lay the modules, quizzes and frameworks under `paths` over the installed ones.

    The `default_*` folders hold the installed content. A screen file stands for its
    module; a Markdown file outside any module folder is a quiz. Without paths, the
    installed content is checked as a whole.
    """
    installed = _installed(default_competencies_dir, default_modules_dir, default_quizzes_dir)
    paths = [Path(p) for p in paths]
    if not paths:
        return installed
    problems = Problems()
    modules: list[Path] = []
    frameworks: list[Path] = []
    quizzes: list[Path] = []
    named = [p for p in paths if p.exists()]
    # Folders that look like modules but have no module.md, installed or named: each once.
    strays = {_place(p.path): p for p in installed.problems}
    for path in paths:
        if path.is_dir():
            found, stray = _module_folders(path)
            modules += found
            strays.update((_place(p.path), p) for p in stray)
            frameworks += _frameworks_under(path)
            quizzes += quiz_files_under(path)
        elif not path.is_file():
            problems.error(path, 0, "no such file or folder")
        elif path.suffix in YAML_SUFFIXES:
            frameworks.append(path)
        elif path.suffix == ".md" and (path.parent / MODULE_FILE).is_file():
            # A screen file, or module.md itself, stands for its module folder.
            modules.append(path.parent)
            named.append(path.parent)
        elif path.suffix == ".md" and (why := _module_file_missing(path.parent, strays)):
            # A file of a folder with no module.md: the folder is what to fix, and a screen
            # of it is no quiz to report line by line.
            strays.setdefault(_place(path.parent), Problem(str(path.parent), 0, "error", why))
            named.append(path.parent)
        elif path.suffix == ".md" and (why := _screen_elsewhere(path, installed.module_dirs)):
            # Read as a quiz, it would be a score of errors about keys it never needed.
            problems.error(path, 1, why)
        elif path.suffix == ".md" and path.name != "README.md":
            quizzes.append(path)
        else:
            problems.error(path, 0, "not a module, screen, quiz or competency framework file")
    problems.extend(strays.values())
    return Sources(
        module_dirs=_lay_over(installed.module_dirs, modules, lambda p: p.name),
        reference_module_dirs=_unread_modules(strays.values()),
        framework_files=_lay_over(installed.framework_files, frameworks, lambda p: p.stem),
        quiz_files=_lay_over(installed.quiz_files, quizzes, lambda p: p.stem),
        problems=problems.sorted(),
        named=tuple(dict.fromkeys(p.resolve() for p in named)),
    )


def _installed(
    competencies_dir: Path, modules_dir: Path | None, quizzes_dir: Path | None
) -> Sources:
    modules: list[Path] = []
    strays: list[Problem] = []
    if modules_dir is not None and Path(modules_dir).is_dir():
        modules, strays = _module_folders(Path(modules_dir))
    if quizzes_dir is not None:
        strays += _unreadable_entries(Path(quizzes_dir), (".md",))
    strays += _unreadable_entries(Path(competencies_dir), YAML_SUFFIXES)
    return Sources(
        module_dirs=tuple(modules),
        reference_module_dirs=_unread_modules(strays),
        framework_files=tuple(_frameworks_under(Path(competencies_dir))),
        problems=tuple(sorted(strays)),
        quiz_files=tuple(quiz_files_under(Path(quizzes_dir))) if quizzes_dir else (),
    )


def _module_folders(root: Path) -> tuple[list[Path], list[Problem]]:
    """Return the module folders under root (those with a module.md), and an error at each
    other folder that looks like a module (`missing_module_file`) outside any module."""
    modules: list[Path] = []
    strays = []
    # One walk, folders and files as the directory entries say: no stat per file. A
    # folder inside a module (its pictures, say) is the module's, never a module of its own.
    for folder, _, files in os.walk(root):
        path = Path(folder)
        strays += _unreadable_entries(path, (".md", *YAML_SUFFIXES))
        if MODULE_FILE in files:
            modules.append(path)
        elif path.name not in (QUIZ_FOLDER, FRAMEWORK_FOLDER) and not any(
            path.is_relative_to(module) for module in modules
        ):
            why = missing_module_file(files)
            if why is not None:
                strays.append(Problem(folder, 0, "error", why))
    return sorted(modules), strays


def _unread_modules(strays: Iterable[Problem]) -> tuple[Path, ...]:
    """Return the folders reported as modules without a module.md (the folder itself, line
    0, is the place of that error), so that links and quizzes naming them are not reported
    again: renaming module.md is one mistake, reported once, at the folder."""
    return tuple(sorted({Path(p.path) for p in strays if p.line == 0 and Path(p.path).is_dir()}))


def _module_file_missing(folder: Path, strays: dict[Path, Problem]) -> str | None:
    """Say why a folder is a module with no module.md, when a file of it is named to check.

    Installed, any folder like a module is one (`strays`); elsewhere a quiz may be named
    anything and kept anywhere, so only a file named nearly module.md beside it says so.
    """
    known = strays.get(_place(folder))
    if known is not None:
        return known.message
    if folder.name == QUIZ_FOLDER:
        return None
    try:
        names = [p.name for p in folder.iterdir() if p.is_file()]
    except OSError:
        return None
    if missing_module_file(name for name in names if not SCREEN_FILE.match(name)) is None:
        return None
    return missing_module_file(names)


def _screen_elsewhere(path: Path, module_dirs: Iterable[Path]) -> str | None:
    """Say why a screen named to check outside any module folder is not checked, if it is one.

    It is one when its front matter has no quiz key and either the file is named like a
    screen (02-medical-routes.md) or every key is a screen's. A screen is read only as part
    of its module (its links, its knowledge check and its place in the module depend on it),
    so the message names the installed screen of the same name, where there is one.
    """
    keys = _front_matter_keys(path)
    if not keys or keys & QUIZ_KEYS or not (SCREEN_FILE.match(path.name) or keys <= SCREEN_KEYS):
        return None
    same = [str(folder / path.name) for folder in module_dirs if (folder / path.name).is_file()]
    if len(same) == 1:
        where = f"save it in place of {same[0]}, the screen of this name, and name that file"
    elif same:
        where = f"save it in its module's folder (screens of this name: {', '.join(same)})"
    else:
        where = "save it in its module's folder, beside module.md, and name it there"
    return (
        "this is a screen, not a quiz: a screen is checked only as part of its module, from "
        f"inside the module's folder (the folder with module.md); {where}"
    )


def _front_matter_keys(path: Path) -> frozenset[str]:
    """Return the top-level keys of a Markdown file's front matter, or none if unreadable."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].rstrip() != "---":
        return frozenset()
    keys = []
    for line in lines[1:]:
        if line.rstrip() == "---":
            return frozenset(keys)
        if found := FRONT_MATTER_KEY.match(line):
            keys.append(found[1])
    return frozenset()  # front matter never closed: leave it to the quiz checks


def _lay_over(installed: Iterable[Path], named: list[Path], name_of) -> tuple[Path, ...]:
    # Installed files keep their place and named ones come after, so a clash between a
    # named file and an installed one is reported at the named file.
    named = list(dict.fromkeys(named))
    resolved = {p.resolve() for p in named}
    replaced = {name_of(p) for p in named}
    kept = [p for p in installed if p.resolve() in resolved or name_of(p) not in replaced]
    kept_resolved = {p.resolve() for p in kept}
    return tuple(kept + [p for p in named if p.resolve() not in kept_resolved])


def _unreadable_entries(folder: Path, suffixes: tuple[str, ...]) -> list[Problem]:
    """Return an error at each entry named like a content file that is no file to read.

    A link to a file that has gone, or a folder named like a screen, would otherwise drop
    out of the course without a word. Hidden names (an editor's lock and swap files) are
    not content.
    """
    found = []
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(suffixes):
            continue
        if entry.is_dir():
            why = "is a folder, not a file, so nothing in it is read: rename it or move it"
        elif entry.is_file():
            continue
        elif entry.is_symlink():
            target = _target(entry.path)
            why = (
                f"is a link to {target}, which does not exist, so it is not read: fix or remove it"
            )
        else:
            why = "is not a file, so it is not read: replace it with a file or remove it"
        found.append(Problem(entry.path, 1, "error", why))
    return found


def _target(link: str) -> str:
    try:
        return os.readlink(link)
    except OSError:
        return "a file"


def _place(path: str | Path) -> Path:
    # Where an entry is, its folder resolved but not the entry: two broken links to the
    # same missing file are two problems.
    path = Path(path)
    return path.parent.resolve() / path.name


def _frameworks_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    if folder.name == FRAMEWORK_FOLDER:
        candidates = folder.iterdir()
    else:
        candidates = (p for p in folder.rglob("*") if p.parent.name == FRAMEWORK_FOLDER)
    return sorted(p for p in candidates if p.is_file() and p.suffix in YAML_SUFFIXES)
