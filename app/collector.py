"""Start-up without the garbage collector rescanning what start-up builds."""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_start_up_frozen = False


def collector_paused(build: Callable[P, T]) -> Callable[P, T]:
    """Build with Python's cyclic garbage collector paused, then set what was built aside.

    Building the app imports every module and loads the catalogue: some 180,000 objects that
    live as long as the process. The collector scanned them again and again while they were
    made, and once more at exit: a third of the CPU of `create_app()` in a fresh process.
    gc.freeze() then moves them out of the collector's sight, as Python's documentation
    advises before a server forks its workers (gunicorn --preload): disable early, freeze
    before the fork. The few cycles start-up discards (some 600 objects, 120 KB) are frozen
    with the rest: collecting them first scanned every object built, a tenth of start-up's
    CPU, and left holes in pages the workers share. Frozen once per process: tests build an
    app per test, and later apps are collected as usual. `linkwise validate` loads the
    content the same way, and then only prints and exits.
    """

    @wraps(build)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        global _start_up_frozen
        enabled = gc.isenabled()
        gc.disable()
        try:
            built = build(*args, **kwargs)
            if not _start_up_frozen:
                gc.freeze()
                _start_up_frozen = True
            return built
        finally:
            if enabled:
                gc.enable()

    return paused
