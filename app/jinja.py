"""All template wiring: the NHS.UK loader, undefined handling, asset paths, globals."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, url_for
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from app import content
from app.domain.accounts import PROFESSIONS
from app.security import csp_nonce

NHSUK_ASSETS = "nhsuk"  # folder under static/ that the build fills from npm


def configure(app: Flask) -> None:
    """Set the loader, undefined handling and globals; call before any template renders."""
    # Set on the environment itself: extensions (Flask-WTF) have already created it.
    env = app.jinja_env
    env.loader = ChoiceLoader(
        [
            FileSystemLoader(Path(app.root_path) / "templates"),
            PackageLoader("nhsuk_frontend_jinja"),
        ]
    )
    env.undefined = ChainableUndefined
    env.globals.update(
        service_name="Linkwise",
        professions=PROFESSIONS,
        asset=asset_url,
        competency_named=lambda code: content.catalogue().competency(code),
        nhsuk_asset_path=lambda: url_for("static", filename=f"{NHSUK_ASSETS}/assets"),
    )
    app.context_processor(lambda: {"cspNonce": csp_nonce()})
    env.filters["profession"] = lambda code: PROFESSIONS.get(code, code)


def asset_url(filename: str) -> str:
    """Return a static file's URL with a content hash, so it can be cached for a year."""
    return url_for(
        "static", filename=filename, v=_content_hash(current_app.static_folder, filename)
    )


@cache
def _content_hash(static_folder: str, filename: str) -> str:
    path = Path(static_folder) / filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except FileNotFoundError:
        return "missing"
