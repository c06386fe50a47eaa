"""Loaded content kept on disk, so start-up and `linkwise validate` skip unchanged content.

Rendering every screen's Markdown is most of what loading content costs. A load's result
(the catalogue, or none, and every error and warning with its file and line) is stored under
`instance/content-cache/`, named by a hash of everything the load reads: each file's bytes
(not its time), the folders and files asked about, the code that reads and renders them and
the versions of the libraries it uses. Any change to any of these is a miss and a full load,
so a stored result is always the one a full load would give. LINKWISE_CONTENT_CACHE names
another folder, or `off` to always load in full.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

from app.config import PROJECT_ROOT
from app.domain.sources import Sources

SETTING = "LINKWISE_CONTENT_CACHE"
FORMAT = b"linkwise-content-cache-1"
KEEP = 8  # stored results kept: a few content versions, and the test suite's many folders
LIBRARIES = ("Markdown", "nh3", "PyYAML")
CODE = PROJECT_ROOT / "app" / "domain"  # everything that reads, renders and checks content


def cache_dir() -> Path | None:
    """Return the folder results are stored in, or None when the cache is off."""
    setting = os.environ.get(SETTING, "").strip()
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else PROJECT_ROOT / "instance" / "content-cache"


def load_sources(sources: Sources):
    """Load content as `catalogue.load_sources` does, from the stored result when unchanged."""
    folder = cache_dir()
    key = _key(sources) if folder is not None else None
    if key is None:
        return _full_load(sources)
    path = folder / f"{key}.pickle"
    try:
        with path.open("rb") as stored:
            return pickle.load(stored)
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or unreadable entry is a miss: load in full and replace it
        pass
    result = _full_load(sources)
    _store(folder, path, result)
    return result


def _full_load(sources: Sources):
    from app.domain.catalogue import load_sources as full_load

    return full_load(sources)


def _key(sources: Sources) -> str | None:
    """Hash everything the load reads; None if a file cannot be read (no caching then)."""
    digest = hashlib.blake2b(FORMAT, digest_size=20)
    parts = [sys.version, os.getcwd(), *(_version(name) for name in LIBRARIES), repr(sources)]
    digest.update("\0".join(parts).encode("utf-8", "surrogateescape"))
    try:
        for path in files_under(CODE):
            if path.endswith(".py"):
                _add_file(digest, path)
        for folder in (*sources.module_dirs, *sources.reference_module_dirs):
            for path in files_under(folder):
                _add_file(digest, path)
        for path in (*sources.framework_files, *sources.quiz_files):
            _add_file(digest, path)
    except OSError:
        return None
    return digest.hexdigest()


def files_under(folder: str | Path) -> list[str]:
    """Return the path of every file under folder, sorted, as Path.rglob and is_file() find them.

    Directory entries already say which are files and folders: a Path and a stat for each,
    as rglob and is_file() cost, were a third of starting the app from stored content.
    """
    return entries_under(folder)[0]


def entries_under(folder: str | Path) -> tuple[list[str], list[str]]:
    """Return the paths of every file and of every folder under folder, each list sorted."""
    files, folders = [], []
    pending = [os.fspath(folder)]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):  # rglob enters no symlinked folder
                    pending.append(entry.path)
                    folders.append(entry.path)
                elif entry.is_file():
                    files.append(entry.path)
    return sorted(files), sorted(folders)


def _add_file(digest, path: str | Path) -> None:
    digest.update(f"\0{path}\0".encode("utf-8", "surrogateescape"))
    with open(path, "rb") as file:
        digest.update(hashlib.blake2b(file.read(), digest_size=20).digest())


def _version(name: str) -> str:
    try:
        return f"{name}={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name}=none"


def _frozen(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


def _store(folder: Path, path: Path, result) -> None:
    """Write the result beside the others atomically; drop all but the newest few."""
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as file:
            temporary = Path(file.name)
            pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = copyreg.dispatch_table.copy()
            pickler.dispatch_table[MappingProxyType] = lambda m: (_frozen, (dict(m),))
            pickler.dump(result)
        os.replace(temporary, path)
        stored = sorted(folder.glob("*.pickle"), key=_modified, reverse=True)
        for old in stored[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        # A read-only instance folder, or a result that cannot be stored, costs only speed.
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
