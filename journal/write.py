"""Write: a stream of (path, bytes or object file) becomes the output folder, atomically.

The new site is made whole in a temporary folder beside the memo (or beside the output
folder when they are on different file systems), then swapped with the old one in a
single rename (Linux: renameat2 RENAME_EXCHANGE). At every instant the output folder is
the previous site or the new one, whole, whatever interrupts the build; temporary
folders left by a killed build are removed by the next one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from journal.errors import JournalError

CACHE_DIR = ".journal-cache"  # the journal's cache: the memo and scratch folders

MARKER = ".journal-site"
MARKER_TEXT = b"Built by Evidence Journal; this folder is replaced on every build.\n"
TMP_PREFIX = ".journal-tmp-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


def check_target(out: Path, root: Path, cache: Path | None = None) -> None:
    """Refuse output folders whose loss would hurt: the journal itself or someone else's files."""
    out_r, root_r = out.resolve(), root.resolve()
    if out_r == root_r or root_r.is_relative_to(out_r) or out_r.is_relative_to(root_r / "entries"):
        raise JournalError(f"refusing to build into {out}: it holds the journal's own files")
    if cache is not None and (
        out_r.is_relative_to(cache.resolve()) or cache.resolve().is_relative_to(out_r)
    ):
        raise JournalError(f"refusing to build into {out}: it is the build's cache folder")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise JournalError(f"refusing to build into {out}: it is a file, not a folder")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise JournalError(
            f"refusing to build into {out}: it is not empty and was not made by journal build "
            f"(no {MARKER} file); choose another --out or empty it first"
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(a))


def scratch_folder(out: Path, cache: Path | None, name: str = "tmp") -> Path:
    """Where temporary sites are made: on the output's file system (renames must not cross
    one), inside the memo folder when possible (git-ignored by its .gitignore), in a folder
    of each command's own (`tmp` for builds, `publish-tmp` for publish)."""
    parent = out.resolve().parent
    if cache is not None:
        try:
            (cache / name).mkdir(parents=True, exist_ok=True)
            same_disk = os.stat(cache / name).st_dev == os.stat(parent).st_dev
            if same_disk and os.access(cache / name, os.W_OK | os.X_OK):  # not read-only
                return cache / name
        except OSError:
            pass
    return parent


def _claim(folder: str) -> int | None:
    """An open descriptor holding `folder`'s lock, or None when a running writer holds it."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def clean_scratch(out: Path, cache: Path | None, name: str = "tmp") -> None:
    """Remove what a killed build or publish left behind: only our own temp folders, and
    only those no running writer holds (each writer locks its folder while it fills it)."""
    for folder in {scratch_folder(out, cache, name), out.resolve().parent}:
        with contextlib.suppress(OSError), os.scandir(folder) as items:
            for item in items:
                if item.name.startswith(TMP_PREFIX) and item.is_dir(follow_symlinks=False):
                    fd = _claim(item.path)
                    if fd is None:
                        continue  # another command is writing there
                    try:
                        shutil.rmtree(item.path, ignore_errors=True)
                    finally:
                        os.close(fd)


class SiteWriter:
    """Files go into a fresh temporary folder; commit() swaps it with `out`."""

    def __init__(self, out: Path, scratch: Path):
        self.out = out
        scratch.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=scratch))
        # Locked while it is filled: a build or publish started meanwhile (which removes
        # what killed ones left) leaves it alone. A killed writer's lock dies with it.
        self._lock = os.open(self.tmp, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        os.chmod(self.tmp, DIR_MODE)
        self._dirs: set[str] = {""}
        self.count = 0

    def _folder(self, rel: str) -> str:
        folder = os.path.dirname(rel)
        if folder not in self._dirs:
            os.makedirs(os.path.join(self.tmp, folder), mode=DIR_MODE, exist_ok=True)
            self._dirs.add(folder)
        return os.path.join(self.tmp, rel)

    def put(self, rel: str, data: bytes) -> None:
        path = self._folder(rel)
        with open(path, "wb") as fh:
            fh.write(data)
        self.count += 1

    def link(self, rel: str, source: str | Path) -> None:
        """The bytes of `source` (a memo object) at `rel`: a hard link, else a copy."""
        path = self._folder(rel)
        try:
            os.link(source, path)
        except OSError:
            shutil.copyfile(source, path)
        self.count += 1

    def copy(self, rel: str, source: str | Path) -> None:
        """The bytes of `source` (a memo object) at `rel`, in a file of its own."""
        shutil.copyfile(source, self._folder(rel), follow_symlinks=False)
        self.count += 1

    def commit(self, background: bool = False) -> None:
        """Swap the new site in; the old one is removed (in a thread when `background`:
        the preview's reload need not wait for it; a next build removes what is left)."""
        self.put(MARKER, MARKER_TEXT)
        self.count -= 1
        out = self.out
        old: Path | None = None
        if not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self.tmp, out)
        elif _exchange(self.tmp, out):
            old = self.tmp  # the old site, now at tmp
        else:  # no atomic swap here: the old site is out of place for a moment
            old = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.tmp.parent))
            os.rename(out, old / "old")
            os.rename(self.tmp, out)
        self._unlock()
        if old is None:
            return
        if background:
            threading.Thread(target=shutil.rmtree, args=(old, True), daemon=True).start()
        else:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1


def write_folder(
    out: Path,
    files: Mapping[str, bytes],
    scratch: Path | None = None,
    copied: Mapping[str, str] | None = None,
) -> int:
    """Replace `out` with exactly `files` and `copied` (path -> a memo object whose bytes
    belong there, copied: a file of its own, with its own time), atomically; returns the
    number of files."""
    writer = SiteWriter(out, scratch or out.resolve().parent)
    try:
        if not copied:
            for rel, data in files.items():
                writer.put(rel, data)
        else:  # one order by path, so no file's time tells a copied one from a written one
            for rel in sorted(files.keys() | copied.keys()):
                if rel in copied:
                    writer.copy(rel, copied[rel])
                else:
                    writer.put(rel, files[rel])
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return writer.count
