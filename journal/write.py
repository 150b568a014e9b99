"""Put a rendered site on disk: only changed bytes are written, and never over user files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection, Iterator, MutableMapping
from pathlib import Path

from journal.errors import JournalError

MARKER = ".journal-site"
MARKER_TEXT = b"Built by Evidence Journal; this folder is replaced on every build.\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Temp files and folders are created private (0600/0700); published files must be readable.
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


def check_target(out: Path, root: Path) -> None:
    """Refuse output folders whose loss would hurt: the journal itself or someone else's files."""
    out_r, root_r = out.resolve(), root.resolve()
    if out_r == root_r or root_r.is_relative_to(out_r) or out_r.is_relative_to(root_r / "entries"):
        raise JournalError(f"refusing to build into {out}: it holds the journal's own files")
    if out.exists() and not out.is_dir():
        raise JournalError(f"refusing to build into {out}: it is a file, not a folder")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise JournalError(
            f"refusing to build into {out}: it is not empty and was not made by journal build "
            f"(no {MARKER} file); choose another --out or empty it first"
        )


class FreshFolder(MutableMapping):
    """A first build's pages, written as they are rendered into a sibling temp folder and
    renamed into place at the end: the whole site never sits in memory, and a failed
    build leaves `out` as it was. Only the names are kept."""

    def __init__(self, out: Path):
        self.out = out
        self.tmp: Path | None = None
        self.names: set[str] = set()
        self._dirs: set[str] = set()

    def __setitem__(self, rel: str, data: bytes) -> None:
        if self.tmp is None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}-", dir=self.out.parent))
            os.chmod(self.tmp, DIR_MODE)
        folder = os.path.dirname(rel)
        if folder not in self._dirs:
            os.makedirs(os.path.join(self.tmp, folder), exist_ok=True)
            self._dirs.add(folder)
        with open(os.path.join(self.tmp, rel), "wb") as fh:
            fh.write(data)
        self.names.add(rel)

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self.names or self.tmp is None:
            raise KeyError(rel)
        return (self.tmp / rel).read_bytes()

    def __delitem__(self, rel: str) -> None:
        raise TypeError("pages of a fresh build are not removed")

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.names))

    def __len__(self) -> int:
        return len(self.names)

    def commit(self) -> int:
        """Put the folder in place; returns the number of files written."""
        if self.tmp is None:
            self[MARKER] = MARKER_TEXT
            self.names.discard(MARKER)
        (self.tmp / MARKER).write_bytes(MARKER_TEXT)  # type: ignore[operator]
        if self.out.exists():  # an empty folder
            self.out.rmdir()
        os.replace(self.tmp, self.out)  # type: ignore[arg-type]
        self.tmp = None
        return len(self.names)

    def abort(self) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def is_fresh(out: Path) -> bool:
    return not out.exists() or (out.is_dir() and not any(out.iterdir()))


def _write_fresh(pages: dict[str, bytes], out: Path) -> None:
    """First build: write everything into a sibling temp folder, then rename it into place."""
    folder = FreshFolder(out)
    try:
        for rel, data in pages.items():
            folder[rel] = data
        folder.commit()
    except BaseException:
        folder.abort()
        raise


def _replace(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_site(pages: dict[str, bytes], out: Path, keep: Collection[str] = ()) -> tuple[int, int]:
    """Sync `out` to `pages` (plus `keep`, left as they are); returns (written, removed)."""
    if (not out.exists() or not any(out.iterdir())) and not keep:
        _write_fresh(pages, out)
        return len(pages), 0
    top = str(out)
    written = removed = 0
    for rel, data in pages.items():
        path = os.path.join(top, rel)
        try:
            if os.path.getsize(path) == len(data):
                with open(path, "rb") as fh:
                    if fh.read() == data:
                        continue
        except OSError:
            pass
        if os.path.isdir(path):
            shutil.rmtree(path)
        _replace(Path(path), data)
        written += 1
    wanted = set(pages) | set(keep) | {MARKER}
    for dirpath, _dirnames, filenames in os.walk(top, topdown=False):
        rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in filenames:
            if prefix + name not in wanted:
                os.unlink(os.path.join(dirpath, name))
                removed += 1
        if dirpath != top and not os.listdir(dirpath):
            os.rmdir(dirpath)
    if not os.path.exists(os.path.join(top, MARKER)):
        (out / MARKER).write_bytes(MARKER_TEXT)
    return written, removed
