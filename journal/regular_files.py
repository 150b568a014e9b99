"""Reading a file the user placed (an entry, journal.toml, a template, an attachment):
only a regular file, within a size limit, without blocking on a FIFO or a device."""

from __future__ import annotations

import errno
import os
import stat


class TooLarge(OSError, OverflowError):
    """A file over its size limit: an OSError, so every reader that copes with an
    unreadable file copes with this one too."""


def read_regular(path: str, limit: int) -> bytes:
    """A regular file's bytes; FIFOs, devices and sockets are refused without blocking."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.ENODEV, errno.EOPNOTSUPP):  # a socket, a device
            raise IsADirectoryError("not a regular file") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise IsADirectoryError(kind)
        if st.st_size > limit:
            raise TooLarge(f"{st.st_size:,} bytes, over the limit of {limit:,}")
        data = os.read(fd, st.st_size + 1)  # one read for a file that is as its stat says
        if len(data) > st.st_size:  # growing while read: take it in parts, to the limit
            chunks = [data]
            left = limit + 1 - len(data)
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            data = b"".join(chunks)
        if len(data) > limit:
            raise TooLarge(f"over the limit of {limit:,} bytes")
        return data
    finally:
        os.close(fd)
