"""Stamps: what a build with nothing changed compares, without reading any file.

`inputs_key` covers every file under entries/ (entries, photos and anything that may
become one) by name, size, inode and its modification and change times: a write always
moves the change time (ctime), which no program can set back, so an edited file shows
even when its size and mtime were kept. `outputs_stamp` does the same for the site, so
a site touched by anyone is built again. Everything else (templates, static files,
journal.toml, options, today, this program) is in the global key the caller passes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def inputs_key(global_key: str, out: Path, root: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{global_key}\0{out.resolve()}\0".encode())
    top = root / "entries"
    h.update(f"{top.is_dir()}\0{top.is_symlink()}\0".encode())
    for dirpath, dirnames, filenames in os.walk(top, onerror=lambda exc: h.update(b"!")):
        dirnames.sort()
        h.update(os.path.relpath(dirpath, top).encode("utf-8", "surrogateescape") + b"/\n")
        for name in dirnames:  # links to folders and unreadable ones too (their warnings)
            h.update(b"d" + name.encode("utf-8", "surrogateescape") + _seen(dirpath, name, False))
        for name in sorted(filenames):
            h.update(b"f" + name.encode("utf-8", "surrogateescape") + _seen(dirpath, name, True))
    return h.hexdigest()


def _seen(folder: str, name: str, follow: bool) -> bytes:
    try:
        st = os.stat(os.path.join(folder, name), follow_symlinks=follow)
    except OSError as exc:
        return f"\0unreadable {exc.errno}\n".encode()
    return f"\0{st.st_mode}:{st.st_size}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}\n".encode()


def outputs_stamp(out: Path) -> str:
    """Every file under `out` by path, size and mtime: a site touched by anyone shows."""
    h = hashlib.blake2b(digest_size=16)

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as it:
            items = sorted(it, key=lambda d: d.name)
        for item in items:
            if item.is_dir(follow_symlinks=False):
                walk(item.path, prefix + item.name + "/")
            else:
                st = item.stat(follow_symlinks=False)
                h.update(f"{prefix}{item.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())

    try:
        walk(str(out), "")
    except OSError:
        return ""
    return h.hexdigest()
