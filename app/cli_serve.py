"""`linkwise run`: Flask's development server, whose links name the port it serves.

The app builds its links (those in mail printed on the console, say) from PORT when no
LINKWISE_BASE_URL is set. Flask's `run` serves `--port` whatever PORT says, so a server
started with `--port 5064` printed links to port 5000. This `run` makes the port served
the app's PORT before the app is built, and takes only ports there are.

With the reloader (`--reload`, as `make run` starts it) the app is built once, in the child
process that serves it: the parent only restarts that child when a file changes, and its own
build of the app was never used (it took as long as the child's and printed each message the
app prints on starting, such as the content's errors, a second time). A wrong setting still
stops the command with its one sentence and exit status 1, said by the child now, after the
server's banner.
"""

import copy
import functools
import os

import click
from flask.cli import ScriptInfo, get_debug_flag
from flask.cli import run_command as flask_run
from werkzeug.serving import is_running_from_reloader

from app.cli_errors import SetupError


def _run_command() -> click.Command:
    """Return Flask's `run`, setting PORT to the port it serves before it builds the app."""
    command = copy.copy(flask_run)
    serve = flask_run.callback

    @functools.wraps(serve)
    def serve_on_port(*args, **kwargs):
        # Set in the environment, not only in this process's app: with --reload the app is
        # built in a child process, which inherits it.
        os.environ["PORT"] = str(kwargs["port"])
        reload = kwargs["reload"] if kwargs["reload"] is not None else get_debug_flag()
        if reload:
            _build_in_the_child_only(click.get_current_context().ensure_object(ScriptInfo))
        return serve(*args, **kwargs)

    command.callback = serve_on_port
    # Flask's --port takes any whole number and the operating system wraps one past 65535
    # (99999 served on 34463): refuse what is no TCP port.
    command.params = [_ports_only(param) for param in flask_run.params]
    return command


class _ServedByTheChild:
    """Stands in for the app in the reloader's parent process, which serves no request."""

    debug = False  # Flask's run sets it from --debug, as on the app

    def __call__(self, environ, start_response):
        raise RuntimeError("the reloader's parent process serves no requests")


def _build_in_the_child_only(info: ScriptInfo) -> None:
    """Have the app built in the reloader's child process only, once.

    In the child a setup problem (SetupError: a wrong setting) stops the server with its one
    sentence and exit status 1, as when the parent built the app first, and the parent stops
    with it. Any other error (a slip in the code) goes to Flask's `run`, which prints it and
    serves it until a file changes: at the first start too, where the parent's build used to
    stop the command.
    """
    if not is_running_from_reloader():
        info.create_app = _ServedByTheChild
        return
    try:
        info.load_app()  # kept by info: Flask's run serves this app
    except SetupError:
        raise
    except Exception as error:  # Flask's run meets it again, without building a second time
        info.create_app = functools.partial(_fail, error)


def _fail(error: Exception):
    """Raise the error building the app met (in place of building it again)."""
    raise error


def _ports_only(param: click.Parameter) -> click.Parameter:
    """Return Flask's --port taking the TCP ports only (1 to 65535); any other as it is."""
    if param.name != "port":
        return param
    port = copy.copy(param)
    port.type = click.IntRange(1, 65535)
    return port


run_command = _run_command()
