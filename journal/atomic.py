"""The two ways the tool writes a user's file: replace it whole, or create it new.

`replace_atomically` (and `replace_all` for several files) writes the new bytes to a temp
file beside the real file (a symlink is followed: its target changes, the link stays), with
the original's mode (and owner, where allowed), syncs it, then renames it over the target in
one step: a reader sees the old bytes or the new, never a mix, and nothing else changes. A
file its owner made read-only is refused, though the rename alone would be allowed.
`create_exclusively` makes a file that must not exist yet (O_EXCL: the check and the
creation are one step; a dangling symlink counts as existing). `replace_or_create` is the
one or the other, by whether the file is there.

A file that cannot be written (permission denied, read-only file system, full disk,
quota) is a WriteError: one line naming the path and saying that nothing was changed; no
temp file is left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from journal.errors import JournalError

REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large",
}
# What a full disk, a read-only folder or a quota raise: the user's to fix, never a bug.
WRITE_ERRNOS = frozenset(REASONS)


def reason(exc: OSError) -> str:
    """Why a write failed, in a few words: `permission denied`, `no space left on device`."""
    if exc.errno in REASONS:
        return REASONS[exc.errno]
    return (exc.strerror or str(exc)).lower()


class WriteError(JournalError):
    """A file could not be written; nothing was changed."""

    def __init__(self, path: Path | str, why: str, outcome: str = "nothing was changed"):
        self.path, self.reason = Path(path), why
        super().__init__(f"{path}: cannot be written ({why}); {outcome}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _fill(fd: int, data: bytes) -> None:
    """`data` written to a new file's descriptor and synced; the descriptor is closed."""
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk too; best effort (not every system can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def real_path(path: Path) -> Path:
    """The file a path names once every symlink is followed: the one a write changes."""
    return Path(os.path.realpath(path))


def blocked(path: Path) -> tuple[str, Path] | None:
    """Why replacing or creating `path` would fail, checked without changing anything:
    (reason, what is in the way: the real file or its folder), or None."""
    real = real_path(path)
    why = folder_blocked(real.parent)
    if why is not None:
        return why, real.parent
    if os.path.lexists(real) and not os.access(real, os.W_OK):
        return _denied(real), real
    return None


def blocked_text(path: Path) -> str | None:
    """Why `path` cannot be written, in words for a one-line error, or None."""
    found = blocked(path)
    if found is None:
        return None
    why, where = found
    if where == real_path(path):
        return f"{why}: the file is read-only" if why == REASONS[errno.EACCES] else why
    return f"{why}: the folder {where} cannot be changed"


def folder_blocked(folder: Path) -> str | None:
    """Why no file can be made in `folder`, or None: a temp file is made there and removed
    at once, which also catches what os.access cannot see (ACLs, a read-only mount)."""
    if not os.path.isdir(folder):
        return "no such folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return _denied(folder)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".journal-probe-", suffix=".tmp")
    except OSError as exc:
        return reason(exc)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    return None


def _denied(path: Path) -> str:
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return REASONS[errno.EROFS]
    except OSError:
        pass
    return REASONS[errno.EACCES]


def _stage(path: Path, data: bytes) -> tuple[str, Path]:
    """A synced temp file holding `data` beside the real file, with its mode and owner:
    (temp path, real path). A WriteError when it cannot be made; no temp file is left."""
    real = real_path(path)
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:  # a dangling link: its target is made, with the usual mode
        st = None
    except OSError as exc:
        raise WriteError(path, reason(exc)) from None
    if st is not None and not os.access(real, os.W_OK):  # made read-only: a "keep out"
        raise WriteError(path, f"{_denied(real)}: the file is read-only")
    try:
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(path, reason(exc)) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            if st is not None and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root, or a group one belongs to
                    os.fchown(fd, st.st_uid, st.st_gid)
            os.fchmod(fd, st.st_mode & 0o7777 if st is not None else 0o666 & ~_umask())
        finally:
            os.close(fd)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(path, reason(exc)) from None
        raise
    return tmp, real


def replace_all(changes: Sequence[tuple[Path, bytes]]) -> None:
    """Replace several files together: every new text is first written and synced to a temp
    file beside its real file; only when all are written are they renamed into place. A
    full disk or a refused folder therefore changes none of them (WriteError). Two paths
    leading to the same file must bring the same bytes."""
    wanted: dict[Path, tuple[Path, bytes]] = {}
    for path, data in changes:
        real = real_path(path)
        if real in wanted and wanted[real][1] != data:
            raise JournalError(
                f"{path} and {wanted[real][0]} are the same file; nothing was changed"
            )
        wanted[real] = (path, data)
    staged: list[tuple[str, Path, Path]] = []
    try:
        for path, data in wanted.values():
            tmp, real = _stage(path, data)
            staged.append((tmp, real, path))
        for done, (tmp, real, path) in enumerate(staged):
            try:
                os.replace(tmp, real)
            except OSError as exc:
                changed = ", ".join(str(p) for _, _, p in staged[:done]) or "none"
                raise JournalError(
                    f"{path}: cannot be written ({reason(exc)}); changed before it: {changed}"
                ) from None
        for folder in {real.parent for _, real, _ in staged}:
            _sync_folder(folder)
    finally:
        for tmp, _, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def replace_atomically(path: Path, data: bytes) -> None:
    """`data` under the same name in one step, through a symlink (the link stays); the
    file's mode is kept. WriteError, with the file as it was, when it cannot be written."""
    replace_all([(path, data)])


def create_exclusively(path: Path, data: bytes, mode: int = 0o644) -> None:
    """A new file holding `data`, whole from the first instant anyone can see it: written
    under a hidden temporary name beside it (names starting with `.` are never entries),
    then linked to its name, which fails when the name is taken (a dangling symlink too:
    nothing is ever written through a link here). WriteError when it cannot be written,
    with nothing left behind. Where hard links are not allowed, O_EXCL on the name itself."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        fd = os.open(tmp, _NEW_FILE, mode)
    except OSError as exc:
        raise WriteError(path, reason(exc), "nothing was written") from None
    try:
        _fill(fd, data)
        try:
            os.link(tmp, path, follow_symlinks=False)
        except FileExistsError as exc:  # named by the file in the way, not the temp file
            raise FileExistsError(exc.errno, exc.strerror, str(path)) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            _create_in_place(path, data, mode)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
            raise WriteError(path, reason(exc), "nothing was written") from None
        raise
    os.unlink(tmp)
    _sync_folder(path.parent)


def _create_in_place(path: Path, data: bytes, mode: int) -> None:
    """O_EXCL on the name itself, for file systems without hard links."""
    fd = os.open(path, _NEW_FILE, mode)
    try:
        _fill(fd, data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def replace_or_create(path: Path, data: bytes) -> None:
    """A file the tool owns the whole of (a keyring, an export the user asked to replace):
    replaced atomically where a file (or a link to one) is there, else created exclusively,
    so one that appears meanwhile is never overwritten (FileExistsError)."""
    if os.path.lexists(path):
        replace_atomically(path, data)
    else:
        create_exclusively(path, data)
