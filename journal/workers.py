"""The one pool of forked workers (parsing and rendering spread over every core), whose
workers never outlive the build that forked them."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1


def fork_is_safe() -> bool:
    """Forked workers are cheap and inherit everything, but forking while other threads
    run (the preview's server and watcher) can deadlock the child."""
    return os.name == "posix" and threading.active_count() == 1


def pool_size(items: int, minimum: int, workers: int | None = None) -> int:
    """How many workers to spread `items` pieces of work over: 1 (work here, no pool) with
    one core, below `minimum` items (starting workers would cost more than it saves), or
    when forking is not safe."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or items < minimum or not fork_is_safe():
        return 1
    return workers


def map_forked(fn: Callable[[T], R], batches: Iterable[T], workers: int) -> Iterator[R]:
    """fn(batch) for each batch, in order, in `workers` forked processes. `fn` and what it
    reads are inherited by the fork, so only the batches and the results are pickled."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent) as pool:
        yield from pool.map(fn, batches)


def die_with_parent() -> None:
    """Pool initializer: on Linux the kernel kills this worker when its parent dies, even
    by kill -9; and Ctrl-C is left to the parent, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        if os.getppid() == 1:  # the parent died before the line above ran
            os._exit(1)
