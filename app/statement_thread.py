"""The development server's xAPI sender: a thread that empties the outbox every few seconds.

Production runs `linkwise send-statements` from cron or a systemd timer instead, so web
workers never hold up on the learning record store. The thread starts with the first
request the development server answers, so other `linkwise` commands never start it.
"""

from __future__ import annotations

import threading

from flask import Flask

from app import db
from app.services import statement_sender

INTERVAL_SECONDS = 5.0


def init_app(app: Flask) -> None:
    """Start the sender with the first request, in development with an LRS configured."""
    if not (
        app.config.get("LRS_URL")
        and app.config["LINKWISE_ENV"] == "development"
        and app.config.get("WATCH_CONTENT")
    ):
        return
    started = threading.Event()

    def start_once() -> None:
        if started.is_set():
            return
        started.set()
        stop = threading.Event()
        app.extensions["linkwise.statement_thread"] = stop
        threading.Thread(
            target=_run, args=(app, stop), name="linkwise-statements", daemon=True
        ).start()

    app.before_request(start_once)


def _run(app: Flask, stop: threading.Event) -> None:
    while not stop.wait(INTERVAL_SECONDS):
        with app.app_context():
            try:
                report = statement_sender.send_due()
            except Exception:  # a sender that dies would silently stop all delivery
                app.logger.exception("sending xAPI statements failed; trying again shortly")
                continue
            finally:
                db.session().close()
            if report.sent or report.problem:
                app.logger.info("xAPI: %s", report.describe())
