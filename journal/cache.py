"""Parsed entries cached by file content, never by mtime: a stale cache cannot exist."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from journal import __version__
from journal.load.entry import Parsed
from journal.load.markdown import MARKDOWN_SETTINGS

CACHE_DIR = ".journal-cache"
_FORMAT = f"evidence-journal {__version__} {MARKDOWN_SETTINGS} 4"


class EntryCache:
    """Maps (path, content digest) to the parse result; optionally persisted under the root."""

    def __init__(self, path: Path | None = None):
        self.path = path
        # Each result pickled on its own: saving after one edit pickles one entry and
        # copies the other bytes, instead of pickling ten thousand entries again.
        self.stored: dict[tuple[str, str], bytes] = {}
        self.items: dict[tuple[str, str], Parsed] = {}  # unpickled, as used
        self.dirty = False
        # For a long-running preview: each file's digest when last read, and which files
        # the watcher saw change since. Files not named there are not read again.
        self.known: dict[str, str] = {}
        self.changed: set[str] | None = None  # None: read every file
        self.preread: dict[str, bytes] = {}  # files already read this build (by the stamp)
        self._loaded = path is None  # loaded when first used: a skipped build never needs it

    def _load(self) -> None:
        """An unreadable, corrupt or foreign cache is ignored and rebuilt, never trusted."""
        if self._loaded:
            return
        self._loaded = True
        stored: dict[tuple[str, str], bytes] = {}
        try:
            with open(self.path, "rb") as fh:  # type: ignore[arg-type]
                stamp, count = pickle.load(fh)
                if stamp != _FORMAT:
                    return
                for _ in range(count):
                    key, blob = pickle.load(fh)
                    stored[key] = blob
        except Exception:  # noqa: BLE001 - any damage means: start empty
            return
        self.stored = stored

    def get(self, relpath: str, digest: str) -> Parsed | None:
        self._load()
        key = (relpath, digest)
        parsed = self.items.get(key)
        if parsed is None and key in self.stored:
            try:
                parsed = pickle.loads(self.stored[key])
            except Exception:  # noqa: BLE001 - a damaged item is parsed again
                del self.stored[key]
                return None
            if not isinstance(parsed, Parsed):
                return None
            self.items[key] = parsed
        return parsed

    def put(self, relpath: str, digest: str, parsed: Parsed) -> None:
        self._load()
        self.items[(relpath, digest)] = parsed  # pickled when saved
        self.dirty = True

    def keep_only(self, keys: set[tuple[str, str]]) -> None:
        """Forget entries no longer on disk, so the cache does not grow forever."""
        self._load()
        if set(self.stored) - keys or set(self.items) - keys:
            self.stored = {k: v for k, v in self.stored.items() if k in keys}
            self.items = {k: v for k, v in self.items.items() if k in keys}
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        fresh = [key for key in self.items if key not in self.stored]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        protocol = pickle.HIGHEST_PROTOCOL
        try:  # one record at a time: a first build never holds every entry's pickle at once
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((_FORMAT, len(self.stored) + len(fresh)), fh, protocol=protocol)
                for record in self.stored.items():
                    pickle.dump(record, fh, protocol=protocol)
                for key in fresh:
                    blob = pickle.dumps(self.items[key], protocol=protocol)
                    pickle.dump((key, blob), fh, protocol=protocol)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            return
        self.dirty = False


def default_cache(root: Path) -> EntryCache:
    return EntryCache(root / CACHE_DIR / "entries.pickle")
