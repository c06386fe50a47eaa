"""Linkwise: interactive e-learning and competency platform for healthcare professionals."""

from __future__ import annotations

import gc
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING

from app import config as configuration

if TYPE_CHECKING:
    from flask import Flask

_start_up_frozen = False


def _collector_paused(build):
    """Build with Python's cyclic garbage collector paused, then set what was built aside.

    Building the app imports every module and loads the catalogue: some 180,000 objects that
    live as long as the process. The collector scanned them again and again while they were
    made, and once more at exit: a third of the CPU of `create_app()` in a fresh process. One
    pass over the young generation then frees the few cycles start-up discards, and
    gc.freeze() moves the rest out of the collector's sight, as Python's documentation
    advises before a server forks its workers (gunicorn --preload). Frozen once per process:
    tests build an app per test, and later apps are collected as usual.
    """

    @wraps(build)
    def paused(*args, **kwargs):
        global _start_up_frozen
        enabled = gc.isenabled()
        gc.disable()
        try:
            built = build(*args, **kwargs)
            gc.collect(0)
            if not _start_up_frozen:
                gc.freeze()
                _start_up_frozen = True
            return built
        finally:
            if enabled:
                gc.enable()

    return paused


@_collector_paused
def create_app(test_config: dict | None = None) -> Flask:
    """Build the Linkwise app: config, extensions, Jinja, blueprints, commands."""
    # Imported here, not above, so `linkwise validate` (app.cli_content) runs without Flask.
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    project_root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(project_root / "instance"),
        static_folder=str(project_root / "static"),
    )
    app.config.from_mapping(configuration.load(Path(app.instance_path), test_config))
    if app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=1)

    from app import (
        compression,
        content,
        db,
        jinja,
        login,
        mail,
        security,
        statement_thread,
        static_files,
    )

    db.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    login.init_app(app)
    jinja.configure(app)
    content.init_app(app)
    static_files.init_app(app)
    compression.init_app(app)
    statement_thread.init_app(app)

    from app.web import (
        account,
        admin,
        admin_credentials,
        auth,
        author,
        certificates,
        competencies,
        credentials,
        errors,
        gate,
        learn,
        manage,
        my,
        pages,
        practice,
        quiz,
        recovery,
        unsubscribe,
    )

    app.register_blueprint(pages.bp)
    app.register_blueprint(gate.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(recovery.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(competencies.bp)
    app.register_blueprint(quiz.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(credentials.bp)
    app.register_blueprint(my.bp)
    app.register_blueprint(practice.bp)
    app.register_blueprint(practice.supervise)
    app.register_blueprint(author.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_credentials.bp)
    app.register_blueprint(unsubscribe.bp)
    errors.init_app(app)

    from app import cli

    cli.init_app(app)
    return app
