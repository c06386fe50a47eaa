"""The course catalogue: loaded, rendered and checked once at start-up, then read-only."""

from functools import cache
from pathlib import Path

from flask import Flask, current_app

from app.domain.catalogue import LoadResult, load_sources
from app.domain.content import Catalogue
from app.domain.sources import discover


class ContentError(RuntimeError):
    """The shipped content has errors; the message lists each as PATH:LINE: error: ..."""


def init_app(app: Flask) -> None:
    """Load the catalogue for the app, refusing to start on invalid content."""
    result = load(app.config["CONTENT_DIR"], app.config["COMPETENCIES_DIR"])
    if result.errors:
        raise ContentError("\n".join(str(problem) for problem in result.problems))
    app.extensions["linkwise.catalogue"] = result.catalogue


def catalogue() -> Catalogue:
    """Return the current app's catalogue."""
    return current_app.extensions["linkwise.catalogue"]


def load(content_dir: Path, competencies_dir: Path) -> LoadResult:
    """Load the catalogue under these folders (once per process while files are unchanged)."""
    return _load(
        Path(content_dir), Path(competencies_dir), _signature(content_dir, competencies_dir)
    )


@cache
def _load(content_dir: Path, competencies_dir: Path, _signature) -> LoadResult:
    modules_dir, quizzes_dir = content_dir / "modules", content_dir / "quizzes"
    sources = discover(
        [modules_dir, quizzes_dir, competencies_dir], competencies_dir, modules_dir, quizzes_dir
    )
    return load_sources(sources)


def _signature(*folders: Path) -> tuple:
    # Every file's path, size and modification time: a cheap key that changes with any edit.
    return tuple(
        (str(path), stat.st_size, stat.st_mtime_ns)
        for folder in folders
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file() and (stat := path.stat())
    )
