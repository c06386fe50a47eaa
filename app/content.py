"""The course catalogue: loaded, rendered and checked once at start-up, then read-only."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app

from app import content_cache
from app.config import PROJECT_ROOT
from app.domain.problems import relative_to
from app.domain.sources import discover

if TYPE_CHECKING:
    from app.domain.catalogue import LoadResult
    from app.domain.content import Catalogue


class ContentError(RuntimeError):
    """The shipped content has errors; the message lists each as PATH:LINE: error: ..."""


# A command's app with errors in the content: what they are (it holds no catalogue).
COMMAND_ERRORS = "linkwise.content_errors"


class ContentHasErrors(RuntimeError):
    """A command needs the course while the content has errors: it acts on none of it.

    Without the files in error the catalogue lacks what they hold (a quiz, a module, a
    framework), and a command acting on it would rate, grade or issue as if those were gone.
    """

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count

    def sentence(self, unchanged: str = "nothing was changed") -> str:
        """Return the one sentence a command says instead of acting."""
        errors = f"{self.count} error{'s' if self.count != 1 else ''}"
        return (
            f"the course content has {errors}: run `linkwise validate`, fix them, "
            f"then run this again; {unchanged}"
        )


def init_app(app: Flask) -> None:
    """Load the catalogue for the app, refusing to start on invalid content.

    The `linkwise` command line in development watches the content instead, so the dev
    server picks up edits and survives broken ones: see app/content_reload.py.
    """
    folders = app.config["CONTENT_DIR"], app.config["COMPETENCIES_DIR"]
    command = app.config.get("CONTENT_FOR_COMMAND")
    if (
        not command
        and app.config.get("WATCH_CONTENT")
        and app.config["LINKWISE_ENV"] == "development"
    ):
        from app import content_reload

        content_reload.init_app(app, *folders)
        return
    result = load(*folders)
    if command:
        # A `linkwise` command other than the server runs in every environment whatever the
        # content (one that lifts a lock or upgrades the database needs none); one that reads
        # the course is refused by catalogue() while it has errors.
        if result.errors:
            root = str(PROJECT_ROOT)
            app.extensions[COMMAND_ERRORS] = tuple(str(relative_to(p, root)) for p in result.errors)
        else:
            app.extensions["linkwise.catalogue"] = result.catalogue
        return
    if result.errors:
        root = str(PROJECT_ROOT)
        raise ContentError("\n".join(str(relative_to(p, root)) for p in result.problems))
    serve(app, result.catalogue)
    # The workers gunicorn forks from a preloaded app open connections of their own.
    app.extensions["linkwise.engine"].dispose()


def serve(app: Flask, catalogue: Catalogue) -> None:
    """Serve this catalogue from now on, recording its competencies' names first.

    A name is kept so that once a trainer takes the competency out of its framework, the
    learner's rating of it is still listed by name (services/competency_names.py).
    """
    from app.services import competency_names

    competency_names.keep(app.extensions["linkwise.engine"], catalogue, app.logger)
    app.extensions["linkwise.catalogue"] = catalogue


def catalogue() -> Catalogue:
    """Return the current app's catalogue; a command's app has none while the content has
    errors, and raises ContentHasErrors instead."""
    found = current_app.extensions.get("linkwise.catalogue")
    if found is None:
        raise ContentHasErrors(len(errors()))
    return found


def errors() -> tuple[str, ...]:
    """Return the newest content's errors: only a development server serves despite them,
    and only a command that needs no course runs despite them."""
    watch = current_app.extensions.get("linkwise.content_watch")
    if watch is not None:
        return watch.errors
    return current_app.extensions.get(COMMAND_ERRORS, ())


def load(content_dir: Path, competencies_dir: Path) -> LoadResult:
    """Load the catalogue under these folders (once per process while files are unchanged)."""
    return _load(
        Path(content_dir), Path(competencies_dir), signature(content_dir, competencies_dir)
    )


@lru_cache(maxsize=8)  # a few versions: tests build many apps, a dev server many edits
def _load(content_dir: Path, competencies_dir: Path, _signature) -> LoadResult:
    modules_dir, quizzes_dir = content_dir / "modules", content_dir / "quizzes"
    # Stored on disk by the hash of every file read: see app/content_cache.py.
    return content_cache.load_sources(discover((), competencies_dir, modules_dir, quizzes_dir))


def signature(*folders: Path) -> tuple:
    """Return every folder's path and every file's path, size and modification time.

    It changes with any edit, and with a folder added or removed on its own: a folder named
    like a screen (`10-dir.md`) is an error until it goes.
    """
    found = []
    for folder in folders:
        files, subfolders = content_cache.entries_under(folder)
        found.extend(subfolders)
        for path in files:
            try:
                stat = os.stat(path)
            except OSError:
                continue  # deleted while we looked: the next look will not see it
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(found)
