"""Static files as a browser wants them: versioned, compressed, and revalidated cheaply.

`version()` is a hash of a file as it is served; `asset()` in templates puts it in the URL
as `?v=`, and a URL whose version is current is cached for a year as immutable. The
stylesheets, scripts and web manifest name other files (images, the design system's
module, icons): those references are versioned as the file is served, so a change to any
file changes the version of every file that loads it, and nothing is fetched twice.
Text goes out gzipped to clients that accept it, compressed once per version. Every
response carries an ETag for its own bytes, so a browser's revalidation gets a 304.
"""

import hashlib
import mimetypes
import os
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app, request
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from app.compression import accepts_gzip, gzipped

COMPRESSIBLE = frozenset(
    {"text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"}
)
YEAR = 365 * 24 * 60 * 60
# A module's static imports and dynamic import() of relative paths.
IMPORTS = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*(['"])(\.\.?/[^'"]+)\1""")
# Where each kind of text file names another file; group 2 is the reference.
REFERENCES = {
    "text/css": re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)"""),
    "text/javascript": IMPORTS,
    "application/javascript": IMPORTS,
    "application/json": re.compile(r'"src"\s*:\s*(")([^"]+)"'),
}


@dataclass(frozen=True)
class TextFile:
    """A text file as served: its references versioned, gzipped once, hashed for ETag."""

    body: bytes
    gzipped: bytes
    version: str
    modified: float
    sources: tuple[tuple[str, int, int], ...]  # (path, mtime, size): it and each file it names

    def current(self) -> bool:
        """Say whether no file it was built from has changed since."""
        try:
            return all(_stamp(path) == (path, mtime, size) for path, mtime, size in self.sources)
        except OSError:
            return False


_text_files: dict[tuple[str, str], TextFile] = {}


def init_app(app: Flask) -> None:
    """Serve /static through `static_file` instead of Flask's plain view."""
    app.view_functions["static"] = static_file


def static_file(filename: str):
    """Send a static file: gzipped text when accepted, 304 when unchanged, versioned for a year."""
    folder = current_app.static_folder
    path = safe_join(folder, filename)
    if path is None or not os.path.isfile(path):
        raise NotFound()
    mimetype = mimetypes.guess_type(filename)[0]
    text = mimetype in COMPRESSIBLE
    if text:
        response = _text_response(text_file(folder, filename), mimetype)
    else:
        response = current_app.send_static_file(filename)  # answers 304 itself
    if request.args.get("v") and request.args["v"] == version(folder, filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    return response.make_conditional(request) if text else response


def _text_response(text: TextFile, mimetype: str):
    gzip = accepts_gzip()
    response = current_app.response_class(text.gzipped if gzip else text.body, mimetype=mimetype)
    response.vary.add("Accept-Encoding")
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
    # Each encoding is a different set of bytes, so each has its own entity tag.
    response.set_etag(f"{text.version}-gzip" if gzip else text.version)
    response.last_modified = text.modified
    response.cache_control.no_cache = True  # revalidate, as Flask does for its static files
    return response


def version(folder: str, filename: str) -> str | None:
    """Return the version of a static file (a hash of it as served), or None if it is missing."""
    path = safe_join(folder, filename)
    if path is None or not os.path.isfile(path):
        return None
    if mimetypes.guess_type(filename)[0] in COMPRESSIBLE:
        return text_file(folder, filename).version
    return _file_hash(*_stamp(path))


def text_file(folder: str, filename: str, _seen: frozenset = frozenset()) -> TextFile:
    """Return a text file as served, built once per change to it or to a file it names."""
    cached = _text_files.get((folder, filename))
    if cached is not None and cached.current():
        return cached
    path = safe_join(folder, filename)
    stat = os.stat(path)
    with open(path, "rb") as file:
        body = file.read()
    sources = [(path, stat.st_mtime_ns, stat.st_size)]
    pattern = REFERENCES.get(mimetypes.guess_type(filename)[0])
    if pattern is not None:
        body = _versioned_references(body, pattern, folder, filename, _seen | {filename}, sources)
    text = TextFile(
        body=body,
        gzipped=gzipped(body, 9),
        version=hashlib.sha256(body).hexdigest()[:12],
        modified=stat.st_mtime,
        sources=tuple(dict.fromkeys(sources)),
    )
    _text_files[(folder, filename)] = text
    return text


def _versioned_references(body, pattern, folder, filename, seen, sources) -> bytes:
    """Add ?v= to each reference to another static file (relative, existing, not yet loading us)."""

    def versioned(match: re.Match) -> str:
        reference = match[2]
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", reference, re.IGNORECASE) or "?" in reference:
            return match[0]  # another site, data: URL, absolute path, fragment, or versioned
        target = posixpath.normpath(posixpath.join(posixpath.dirname(filename), reference))
        path = safe_join(folder, target)
        if path is None or target in seen or not os.path.isfile(path):
            return match[0]
        if mimetypes.guess_type(target)[0] in COMPRESSIBLE:
            named = text_file(folder, target, seen)
            sources.extend(named.sources)
            tag = named.version
        else:
            sources.append(_stamp(path))
            tag = _file_hash(*_stamp(path))
        start, end = match.start(2) - match.start(), match.end(2) - match.start()
        return f"{match[0][:start]}{reference}?v={tag}{match[0][end:]}"

    return pattern.sub(versioned, body.decode("utf-8")).encode("utf-8")


def _stamp(path: str) -> tuple[str, int, int]:
    # A file's path, modification time and size: a cheap key that changes with any edit.
    stat = os.stat(path)
    return path, stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=1024)
def _file_hash(path: str, _mtime: int, _size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]
