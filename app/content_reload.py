"""In development, content is re-read when a file changes, and broken content never stops
the site: it keeps the last catalogue that had no errors and shows the errors on every page.
So does content that makes Linkwise itself fail while reading it: that is shown as an error
in the file it was reading, and tried again once a file changes.

A server that starts (or is restarted by the reloader) while the content has errors has no
such catalogue: it serves none of the course, and the box says so rather than claim an
earlier version. A course with a file left out would be another course (a quiz without its
module, a module without the framework its codes are in), so none of it is shown.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app, render_template, request

from app.config import PROJECT_ROOT
from app.domain.catalogue import LoadResult
from app.domain.content import Catalogue
from app.domain.problems import failure_problem, relative_to

EXTENSION = "linkwise.content_watch"
# The areas whose pages show the course. With no version of it to show, they would leave
# things out and state it as fact ("no longer in the course", "no framework applies to
# this profession"), so they wait for the content to be fixed instead.
SHOW_THE_COURSE = frozenset(
    ("learn", "quiz", "my", "certificates", "competencies", "practice", "supervise")
    + ("manage", "author")
)


class ContentWatch:
    """The content folders' last seen state, and the errors of the newest version."""

    def __init__(self, content_dir: Path, competencies_dir: Path, signature: tuple) -> None:
        self.folders = (Path(content_dir), Path(competencies_dir))
        self.signature = signature
        self.errors: tuple[str, ...] = ()
        # Whether a catalogue without errors has been served since the server started.
        self.kept_version = False
        self.lock = threading.Lock()

    def refresh(self) -> None:
        """Load the content again if any file was added, changed or deleted since last time."""
        from app import content

        signature = content.signature(*self.folders)
        if signature == self.signature:
            return
        with self.lock:
            if signature == self.signature:
                return
            # Recorded before loading: a load that fails is not tried again on every request,
            # but once a file changes, as content with errors is.
            self.signature = signature
            self.apply(current_app, load(current_app, self.folders))

    def apply(self, app: Flask, result: LoadResult) -> None:
        """Serve the result if it has no errors; otherwise keep the catalogue and show why."""
        had_errors = bool(self.errors)
        self.errors = tuple(str(relative_to(p, str(PROJECT_ROOT))) for p in result.errors)
        if result.catalogue is not None:
            from app import content

            content.serve(app, result.catalogue)
            self.kept_version = True
            if had_errors:
                app.logger.warning("The content's errors are fixed; the site shows it again.")
            return
        app.extensions.setdefault("linkwise.catalogue", Catalogue((), ()))
        if self.kept_version:
            shown = "the site shows the last version without any until they are fixed"
        else:
            shown = "the site shows none of the course until they are fixed"
        app.logger.error("The content has errors; %s:\n%s", shown, "\n".join(self.errors))


def load(app: Flask, folders: tuple[Path, Path]) -> LoadResult:
    """Load the content; an exception raised doing so is reported as an error in the content.

    The traceback goes to the terminal, for the report; the page names the file.
    """
    from app import content

    try:
        return content.load(*folders)
    except Exception as exc:
        app.logger.exception("Linkwise failed while reading the content:")
        return LoadResult(None, (failure_problem(exc, folders[0]),))


def init_app(app: Flask, content_dir: Path, competencies_dir: Path) -> None:
    """Serve the content, and re-read it before any request after a change."""
    from app import content

    folders = (Path(content_dir), Path(competencies_dir))
    watch = ContentWatch(*folders, content.signature(*folders))
    watch.apply(app, load(app, folders))
    app.extensions[EXTENSION] = watch
    app.before_request(watch.refresh)
    app.before_request(lambda: _without_a_course(watch))
    app.context_processor(
        lambda: {"content_errors": watch.errors, "content_kept_version": watch.kept_version}
    )


def _without_a_course(watch: ContentWatch):
    """Answer a page that shows the course with a page saying it cannot, while the server
    has no version of the course to show (it started on content with errors)."""
    if not watch.errors or watch.kept_version:
        return None
    if request.blueprint in SHOW_THE_COURSE or request.endpoint == "account.download_data":
        return render_template("content_unavailable.html"), 503
    return None
