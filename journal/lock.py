"""The journal's lock: one build, preview rebuild or publish of a journal at a time.

An advisory lock (flock) on the journal's own folder, so it needs no file of its own and
works where the cache folder cannot be written (a read-only `.journal-cache`, a read-only
checkout). A second command waits for the first and says so; a killed command's lock is
released by the kernel with its process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def journal_lock(root: Path, what: str = "build") -> Iterator[None]:
    """Hold the lock of the journal at `root` for the duration of the block."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"Another build or publish of this journal is running; this {what} waits for it…",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


@contextlib.contextmanager
def journal_lock_if_free(root: Path) -> Iterator[bool]:
    """Hold the lock if no other command holds it now (True), else go on without it
    (False): for work that may be skipped, such as the preview saving its parses on the
    way out while a build runs."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
