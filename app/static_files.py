"""Static files as a browser wants them: compressed, and cached for a year when versioned.

`asset()` in templates adds `?v=<content hash>` to a file's URL, so a versioned URL never
changes meaning: it can be cached as immutable. Text files (the NHS.UK stylesheet alone is
270 KB) go out gzipped to clients that accept it, compressed once per file version.
"""

import gzip
import os
from functools import lru_cache

from flask import Flask, current_app, request
from werkzeug.security import safe_join

COMPRESSIBLE = frozenset(
    {"text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"}
)
YEAR = 365 * 24 * 60 * 60


def init_app(app: Flask) -> None:
    """Serve /static through `static_file` instead of Flask's plain view."""
    app.view_functions["static"] = static_file


def static_file(filename: str):
    """Send a static file, gzipped when it is text the client accepts compressed."""
    response = current_app.send_static_file(filename)
    if request.args.get("v"):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    if response.status_code != 200 or response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:  # its quality: 0 when refused or not named
        return response
    path = safe_join(current_app.static_folder, filename)
    body = _gzipped(path, os.stat(path).st_mtime_ns)
    response.close()  # the file send_static_file opened
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)  # byte ranges of the file, not of this body
    if response.headers.get("ETag"):
        response.set_etag(f"{response.get_etag()[0]}-gzip")
    return response


@lru_cache(maxsize=256)
def _gzipped(path: str, _version: int) -> bytes:
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=9, mtime=0)
