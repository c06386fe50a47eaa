"""Rate limits: the shared limiter, what it says of its storage, and its hooks kept to writes.

Views and services set their limits with `limiter` (app/web/throttles.py, the credential
checks); `in_shared_network` tells the throttles which addresses many people share.
`init_app` is called by `app.security.init_app`, at its place among the request hooks.
"""

import ipaddress
import logging
from functools import wraps

import click
from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name, get_remote_address

# Redis (RATELIMIT_STORAGE_URI) keeps the counts that all processes share. When it cannot
# be reached, each process counts in its own memory until it answers again (the limiter
# looks after 1, 2, 4 ... 32 seconds), so sign-in keeps working and guessing is still
# stopped; an error left over (a count added after the response) is logged, not a 500.
# The counts made in memory meanwhile stay there: back on Redis, a process counts on from
# what Redis holds.
limiter = Limiter(key_func=get_remote_address, in_memory_fallback_enabled=True, swallow_errors=True)
_log = logging.getLogger("linkwise.rate_limits")


class _StorageNews(logging.Handler):
    """Pass on, as one warning line each, what the limiter says of its storage.

    The limiter's own logger ends in a handler that prints nothing. What an operator needs
    is when the counts go to each process's memory, when they go back to Redis, and any
    error swallowed on the way (its cause, not its traceback: an outage repeats it). The
    limiter's other news, such as each limit exceeded, is left out.
    """

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno < logging.WARNING and not message.startswith("Rate limit storage"):
            return
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message}: {type(error).__name__}: {error}"
        _log.warning("rate limits: %s", message)


limiter.logger.setLevel(logging.INFO)  # "Rate limit storage recovered" is an info line
limiter.logger.propagate = False  # what matters is passed on by _StorageNews, once
limiter.logger.addHandler(_StorageNews())


# Said once as the production server starts with the counts in memory, which is legal (one process
# only, as a trial) but, with the README's four gunicorn workers, gives every limit four
# times over and forgets them all at each restart.
MEMORY_IN_PRODUCTION = (
    "rate limits: LINKWISE_RATELIMIT_STORAGE_URI is memory://, so each server process keeps "
    "its own counts of failed sign-ins and other attempts (with 4 gunicorn workers a guesser "
    "gets 4 times every allowance, and a restart forgets them): set it to a Redis address "
    "such as redis://host:6379 in production"
)


def _in_memory(app: Flask) -> bool:
    return str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory")


def _serving() -> bool:
    # A `linkwise` command builds the app inside its click context, and says what it has
    # to say in one sentence; the server (gunicorn) builds it outside any.
    return click.get_current_context(silent=True) is None


def init_app(app: Flask) -> None:
    """Switch on rate limiting, with a bounded wait on Redis, for writes that may be limited."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # The limiter is one object for the process, and Flask-Limiter takes an app's "enabled"
    # from the limiter when the app's config does not say: an app made with limits off
    # would leave every later app in the process without them.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    if app.config.get("LINKWISE_ENV") == "production" and _in_memory(app) and _serving():
        _log.warning(MEMORY_IN_PRODUCTION)
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "valkey")):
        # Without these a hung Redis holds each limited request for the client's default
        # (5 s) and then fails it. Each call waits the timeout at most to connect or for an
        # answer; the request that finds Redis gone makes two (its count, then, counting in
        # memory, whether Redis is back), as the README says. Not split finer: on a busy
        # machine a slow answer would send a worker to its own memory for no outage.
        timeout = app.config["RATELIMIT_TIMEOUT"]
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        )
    _limit_writes_only(app, limiter.init_app)


# Methods that only read. Every rate limit the app sets counts POSTs (app/web/throttles.py,
# the credential checks) and none applies to every request: a read has no limit to check.
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_LIMITS_FOR_EVERY_REQUEST = (
    "RATELIMIT_DEFAULT",
    "RATELIMIT_APPLICATION",
    "RATELIMIT_META",
    "RATELIMIT_IN_MEMORY_FALLBACK",
)


def _limit_writes_only(app: Flask, init_limiter) -> None:
    """Run `init_limiter(app)`, then skip the hooks it added where no limit can apply.

    The limiter's three hooks (before, after, teardown) look for limits on every request:
    about 6% of a screen, and 4% of a quiz submit, whose view has none. They run for a
    request that may write to a view the limiter limits (see _may_be_limited); a limit
    set for every request (a RATELIMIT_DEFAULT, say) keeps every hook for every request.
    """
    kinds = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")
    before = {kind: len(getattr(app, kind).get(None, ())) for kind in kinds}
    init_limiter(app)
    if any(app.config.get(name) for name in _LIMITS_FOR_EVERY_REQUEST):
        return
    for kind, count in before.items():
        hooks = getattr(app, kind).get(None, [])
        hooks[count:] = [
            _when_limited(hook, passes=kind == "after_request_funcs") for hook in hooks[count:]
        ]


def _when_limited(hook, *, passes: bool):
    """Wrap a limiter hook to run only where a limit may apply; elsewhere an after-request
    hook hands the response back and the others do nothing."""

    @wraps(hook)
    def when_limited(*args):
        current = request._get_current_object()  # one look-up, not one per attribute
        read = current.method in _READS
        if (read and not _reads_limited(current.endpoint)) or not _may_be_limited(current.endpoint):
            return args[0] if passes else None
        return hook(*args)

    return when_limited


# The qualified names of the few views a limit counts reads of (limit_reads), and whether
# each endpoint is one of them (decided once, as _marked is).
_READ_VIEWS: set[str] = set()
_reads_marked: dict[str | None, bool] = {}


def limit_reads(view):
    """Mark a view whose GETs a limit counts (a link that looks something up, such as a
    join code): its reads keep the limiter's hooks, which make the deductions a limit's
    deduct_when asks for after the response. Every other read goes without them."""
    _READ_VIEWS.add(get_qualified_name(view))
    return view


def _reads_limited(endpoint: str | None) -> bool:
    found = _reads_marked.get(endpoint)
    if found is None:
        view = current_app.view_functions.get(endpoint or "")
        found = _reads_marked[endpoint] = (
            view is not None and get_qualified_name(view) in _READ_VIEWS
        )
    return found


# Endpoint -> whether the limiter marked its view (decided once: views are decorated, and
# blueprints limited, while the app is built, before it serves).
_marked: dict[str | None, bool] = {}


def _may_be_limited(endpoint: str | None) -> bool:
    """Say whether a limit may apply to a write to this endpoint.

    A view limited by a decorator checks its limit in that decorator; the hooks add the
    deductions that depend on the response (deduct_when) and clear the limiter's
    per-request state after it. So they are needed where the limiter marked the view (as
    Flask-Limiter's own hook decides: by the view's qualified name), where it has learnt
    that a view calls a limited function (a hint), or where a blueprint has limits; and
    where any of this cannot be told (a newer Flask-Limiter), always.
    """
    found = _marked.get(endpoint)
    if found is None:
        found = _marked[endpoint] = _is_marked(endpoint)
    return found or limiter.limit_manager.has_hints(endpoint or "")


def _is_marked(endpoint: str | None) -> bool:
    marked = getattr(limiter, "_marked_for_limiting", None)
    blueprint_limits = getattr(limiter.limit_manager, "_blueprint_limits", None)
    if marked is None or blueprint_limits is None or blueprint_limits:
        return True
    view = current_app.view_functions.get(endpoint or "")
    return view is None or get_qualified_name(view) in marked


def in_shared_network(address: str) -> bool:
    """Say whether an address is in a network the deployment lists as shared by many people."""
    networks = current_app.config["SHARED_NETWORKS"]
    if not networks:
        return False
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return False
    if found.version == 6 and found.ipv4_mapped is not None:  # ::ffff:10.0.0.1 is 10.0.0.1
        found = found.ipv4_mapped
    return any(found in network for network in networks)
