"""Linkwise: interactive e-learning and competency platform for healthcare professionals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app import config as configuration
from app import dataclass_code
from app.collector import collector_paused

# Before any of the app's dataclasses is defined (app/dataclass_code.py).
dataclass_code.install()

if TYPE_CHECKING:
    from flask import Flask


@collector_paused
def create_app(test_config: dict | None = None) -> Flask:
    """Build the Linkwise app: config, extensions, Jinja, blueprints, commands."""
    # Imported here, not above, so `linkwise validate` (app.cli_content) runs without Flask.
    from werkzeug.middleware.proxy_fix import ProxyFix

    from app.flask_app import Linkwise

    project_root = Path(__file__).resolve().parent.parent
    app = Linkwise(
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
        admin_emails,
        admin_organisations,
        admin_people,
        auth,
        author,
        certificates,
        competencies,
        credentials,
        errors,
        gate,
        idle,
        join,
        learn,
        manage,
        my,
        pages,
        practice,
        quiz,
        recovery,
        unsubscribe,
    )

    app.register_blueprint(idle.bp)  # first: its check runs before every other blueprint's
    app.register_blueprint(pages.bp)
    app.register_blueprint(gate.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(recovery.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(join.bp)
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
    app.register_blueprint(admin_organisations.bp)
    app.register_blueprint(admin_emails.bp)
    app.register_blueprint(admin_people.bp)
    app.register_blueprint(unsubscribe.bp)
    errors.init_app(app)

    from app import cli

    cli.init_app(app)
    dataclass_code.save()
    return app
