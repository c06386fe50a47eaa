"""Worker processes a command forks, stopped at once, and quietly, by Ctrl+C."""

import multiprocessing
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def forked_pool(workers: int, initializer: Callable, initargs: tuple) -> Iterator:
    """Yield a pool of `workers` forked processes, each started by `initializer(*initargs)`.

    Ctrl+C reaches every process of the terminal's group: each worker printed its own
    KeyboardInterrupt traceback, and leaving the pool waited for every batch still queued.
    The workers now leave Ctrl+C to this process, which cancels what is queued and stops
    them (a batch stopped part way rolls back: each is one transaction).
    """
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        workers, context, initializer=_ignoring_ctrl_c, initargs=(initializer, *initargs)
    )
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _ignoring_ctrl_c(initializer: Callable, *args) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    initializer(*args)


def _stop(pool: ProcessPoolExecutor) -> None:
    # The executor offers no way to stop a task that has begun: its processes are ended.
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()
