"""`linkwise run`: Flask's development server, whose links name the port it serves.

The app builds its links (those in mail printed on the console, say) from PORT when no
LINKWISE_BASE_URL is set. Flask's `run` serves `--port` whatever PORT says, so a server
started with `--port 5064` printed links to port 5000. This `run` makes the port served
the app's PORT before the app is built.
"""

import copy
import functools
import os

import click
from flask.cli import run_command as flask_run


def _run_command() -> click.Command:
    """Return Flask's `run`, setting PORT to the port it serves before it builds the app."""
    command = copy.copy(flask_run)
    serve = flask_run.callback

    @functools.wraps(serve)
    def serve_on_port(*args, **kwargs):
        # Set in the environment, not only in this process's app: with --reload the app is
        # built again in a child process, which inherits it.
        os.environ["PORT"] = str(kwargs["port"])
        return serve(*args, **kwargs)

    command.callback = serve_on_port
    return command


run_command = _run_command()
