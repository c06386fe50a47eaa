"""`linkwise run`: Flask's development server, whose links name the port it serves.

The app builds its links (those in mail printed on the console, say) from PORT when no
LINKWISE_BASE_URL is set. Flask's `run` serves `--port` whatever PORT says, so a server
started with `--port 5064` printed links to port 5000. This `run` makes the port served
the app's PORT before the app is built, and takes only ports there are.
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
    # Flask's --port takes any whole number and the operating system wraps one past 65535
    # (99999 served on 34463): refuse what is no TCP port.
    command.params = [_ports_only(param) for param in flask_run.params]
    return command


def _ports_only(param: click.Parameter) -> click.Parameter:
    """Return Flask's --port taking the TCP ports only (1 to 65535); any other as it is."""
    if param.name != "port":
        return param
    port = copy.copy(param)
    port.type = click.IntRange(1, 65535)
    return port


run_command = _run_command()
