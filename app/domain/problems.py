"""Problems found in course files, reported with their place like a compiler would."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a course file; line 0 means the file as a whole."""

    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line > 0 else self.path
        return f"{place}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        """Return True for an error, False for a warning."""
        return self.severity == "error"


@dataclass
class Problems:
    """Collect problems as files are read, so every mistake is reported, not just the first."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: object, line: int, message: str) -> None:
        """Record an error at a place in a file."""
        self.items.append(Problem(str(path), line, "error", message))

    def warning(self, path: object, line: int, message: str) -> None:
        """Record a warning at a place in a file."""
        self.items.append(Problem(str(path), line, "warning", message))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere."""
        self.items.extend(problems)

    def sorted(self) -> tuple[Problem, ...]:
        """Return the problems ordered by file and line."""
        return tuple(sorted(self.items))

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


def has_errors(problems: Iterable[Problem]) -> bool:
    """Return True if any problem is an error rather than a warning."""
    return any(problem.is_error for problem in problems)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest candidate, or "" if none is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def meant_key(key: str, known: Iterable[str]) -> str | None:
    """Return the known key this one differs from only in capitals or a slip, if any."""
    lowered = {name.lower(): name for name in known}
    if str(key).lower() in lowered:
        return lowered[str(key).lower()]
    near = difflib.get_close_matches(str(key).lower(), list(lowered), n=1, cutoff=0.8)
    return lowered[near[0]] if near else None


def relative_to(problem: Problem, root: str) -> Problem:
    """Return the problem with paths under `root` written relative to it, messages included.

    Loaders name files as they were given, often absolute; people read them from the project.
    """
    prefix = str(root).rstrip("/") + "/"
    return Problem(
        problem.path.removeprefix(prefix),
        problem.line,
        problem.severity,
        problem.message.replace(prefix, ""),
    )


# The attribute naming the course file that was being read when Linkwise itself failed.
FILE_BEING_READ = "linkwise_file_being_read"


@contextmanager
def reading(path: object) -> Iterator[None]:
    """Name `path` on any exception that escapes while it is read, then let it go on.

    A loader never raises for a mistake in a file; one that does has met a case it does
    not handle, and the person who saved the file needs to know which file it was. The
    innermost name is kept: a screen's, not its module folder's.
    """
    try:
        yield
    except Exception as exc:
        if getattr(exc, FILE_BEING_READ, None) is None:
            setattr(exc, FILE_BEING_READ, str(path))
            exc.add_note(f"(while reading {path})")
        raise


def failure_problem(exc: Exception, otherwise: object) -> Problem:
    """Report an exception raised while loading content, at its file if known (else `otherwise`)."""
    path = getattr(exc, FILE_BEING_READ, None) or str(otherwise)
    return Problem(
        path,
        0,
        "error",
        f"Linkwise failed while reading this file ({type(exc).__name__}: {exc}). This is a "
        "fault in Linkwise, not only in the file: the terminal shows the details to report. "
        "Until it is fixed, undo the file's last change, or look in it for a value written "
        "in an unusual way",
    )
