"""The one speed layer: parsing an entry and rendering a page, memoised by content keys.

Both memo points are pure functions keyed by a digest of exactly what they receive:

- parse: (the parse key, the file's path, its bytes) -> Parsed. The parse key covers this
  package's code and the versions of the Markdown and YAML libraries.
- render: (the global key, a page's path, template and context) -> the page's bytes,
  kept as a content-addressed object file under `objects/`, which the write stage links
  into the new site (a copy where links are impossible).

Objects are kept on shelves, one for each kind of output: `site` (the build's pages),
`publish` (the pages publish seals) and `derived` (publish's sealed entry pages, search and
attachment objects, which are the same bytes for the same page, id and epoch). A build
keeps only what it used on its own shelves and leaves the others as they are, so building
and publishing in turn never throw away each other's work.

Nothing here knows what a page depends on: the key is computed from the page itself
(journal/pages/page.py), so a stale page cannot be written. A damaged, foreign or
missing memo only costs time. `.journal-cache/` holds a `.gitignore` of `*`, so
`git add -A` never takes it (or the temporary site folders inside it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from journal.write import CACHE_DIR  # noqa: F401 - where the memo lives (build imports it here)

if TYPE_CHECKING:
    from journal.load.entry import Parsed

_FORMAT = "evidence-journal memo 7"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Stored:
    """A rendered page's object: its digest, and the size and mtime it was written with."""

    digest: str
    size: int
    mtime_ns: int
    note: str = ""  # what its user keeps beside it (publish: the sealed blob's digest)


class Memo:
    """Parse results by file content and page bytes by page key; persisted under `folder`
    (None: kept in memory only, objects not written).

    On disk: `site.json`, the last build's record (small: a build with nothing changed
    reads only this); `parsed.log`, parse results appended one pickle record at a time
    (a save after one edit appends one record; compacted when mostly garbage);
    `pages.pickle`, shelf -> key -> object. `shelves`: the ones this memo's user owns (the
    first is `pages`), which `finish` trims to what was used."""

    def __init__(
        self, folder: Path | None = None, parse_key: str = "", shelves: tuple[str, ...] = ("site",)
    ):
        self.folder = folder
        self.parse_key = parse_key
        self.shelves = shelves
        self._parsed: dict[str, Parsed] | None = None if folder else {}
        self._shelves: dict[str, dict[str, Stored]] | None = None if folder else {}
        self._logged: set[str] = set()  # parse keys already in parsed.log
        self._log_records = 0
        self._used_parsed: set[str] = set()
        self._last_keys: dict[str, tuple[bytes, str]] | None = None  # see keep_keys
        self._used: dict[str, set[str]] = {name: set() for name in shelves}
        self._site: dict | None = None  # the last build: its inputs' key and its output
        self._site_set = False  # set by this process: save writes it down
        self.dirty = False
        self._trimmed = False  # finish() trimmed the shelves: save writes them down
        if folder is not None:
            self._site = self._read_site()

    # --- persistence ---------------------------------------------------------------------

    def _read_site(self) -> dict | None:
        try:
            data = json.loads((self.folder / "site.json").read_text(encoding="utf-8"))  # type: ignore[operator]
            ok = isinstance(data, dict) and data.get("format") == _FORMAT and "key" in data
            return data if ok else None
        except (OSError, ValueError):
            return None

    @property
    def site(self) -> dict | None:
        """The record of the last build: its inputs' key and its output."""
        return self._site

    @site.setter
    def site(self, record: dict | None) -> None:
        self._site, self._site_set = record, True

    @property
    def parsed(self) -> dict[str, Parsed]:
        """Loaded when first needed: a build with nothing changed never reads it."""
        if self._parsed is None:
            from journal.load.entry import Parsed

            self._parsed = {}
            try:
                with open(self.folder / "parsed.log", "rb") as fh:  # type: ignore[operator]
                    if pickle.load(fh) != (_FORMAT, self.parse_key):
                        raise ValueError("another format or parse key")
                    while True:  # each record pickled on its own: a fresh reader for each
                        try:
                            key, parsed = pickle.load(fh)
                        except EOFError:
                            break
                        if isinstance(parsed, Parsed):
                            self._parsed[key] = parsed
                            self._log_records += 1
            except Exception:  # noqa: BLE001 - any damage: what was read stays, rest is redone
                self._log_records = 1 << 60  # and the log is written afresh on save
            self._logged = set(self._parsed)
        return self._parsed

    @property
    def pages(self) -> dict[str, Stored]:
        """The first of this memo's own shelves: page key -> object."""
        return self.shelf(self.shelves[0])

    def shelf(self, name: str) -> dict[str, Stored]:
        if self._shelves is None:
            self._shelves = {}
            try:
                with open(self.folder / "pages.pickle", "rb") as fh:  # type: ignore[operator]
                    fmt, shelves = pickle.load(fh)
                if fmt == _FORMAT and isinstance(shelves, dict):
                    self._shelves = shelves
            except Exception:  # noqa: BLE001 - any damage means: render again
                pass
        return self._shelves.setdefault(name, {})

    def prepare(self) -> None:
        """Make the folder (with its .gitignore) before a build writes objects into it."""
        if self.folder is None:
            return
        for name in ("objects", "templates"):  # the folders the memo writes into
            folder = self.folder / name
            in_the_way = folder.is_symlink() or (folder.exists() and not folder.is_dir())
            if self.folder.is_dir() and in_the_way:
                _remove(folder)  # a file or link where the memo keeps a folder: ours
        (self.folder / "objects").mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.is_file():
            ignore.write_text("# made by journal build: nothing here belongs in git\n*\n")
        # A folder that exists but cannot be written to (read-only, full) is found now, not
        # halfway through a build: one file made and removed in each place the memo writes.
        for where in (self.folder, self.folder / "objects"):
            probe = where / f".probe-{os.getpid()}"
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
            os.unlink(probe)

    def forget(self) -> None:
        """After a failed save: remove the memo's records (a folder where a record belongs
        too), so the next build starts without them and writes them afresh."""
        for name in ("site.json", "pages.pickle", "parsed.log"):
            _remove(self.folder / name)  # type: ignore[operator]

    def keep_all(self) -> None:
        """A build that changed nothing keeps everything (and has nothing to save)."""
        self._used_parsed = set()
        self._used = {name: set() for name in self.shelves}

    def finish(self, pages: bool = True) -> None:
        """After a build: keep only what it used, so the memo never outgrows the journal
        (other users' shelves are left as they are). `pages=False` (the preview, which
        keeps its pages in memory): parses only."""
        self._parsed = {k: v for k, v in self.parsed.items() if k in self._used_parsed}
        if pages:
            for name, used in self._used.items():
                shelf = self.shelf(name)
                self._shelves[name] = {k: v for k, v in shelf.items() if k in used}  # type: ignore[index]
            self._trimmed = True
        self._used_parsed = set()
        self._used = {name: set() for name in self.shelves}
        self.dirty = True

    def save(self) -> None:
        """Write the memo down; objects no page refers to any more are removed."""
        if self.folder is None or not self.dirty:
            return
        parsed = self.parsed
        log = self.folder / "parsed.log"
        if self._log_records > 2 * len(parsed) + 100 or not log.exists():
            self._rewrite_log(log, parsed)
        else:
            with open(log, "ab") as fh:
                for key in parsed.keys() - self._logged:
                    pickle.dump((key, parsed[key]), fh, protocol=pickle.HIGHEST_PROTOCOL)
                    self._log_records += 1
            self._logged |= parsed.keys()
        if self._site_set or not (self.folder / "site.json").exists():
            # not the preview's: what it read at start may be older than what is there now
            site = json.dumps({**(self._site or {}), "format": _FORMAT}).encode()
            self._replace(self.folder / "site.json", site)
            self._site_set = False
        self.dirty = False
        if not self._trimmed:  # the preview's: what it loaded may be older than what is there
            return
        self._replace(self.folder / "pages.pickle", pickle.dumps((_FORMAT, self._shelves)))
        self._trimmed = False
        self._collect_garbage()

    def _rewrite_log(self, log: Path, parsed: dict[str, Parsed]) -> None:
        tmp = log.with_name("parsed.log.tmp")
        _remove(tmp)
        with open(tmp, "wb") as fh:
            pickle.dump((_FORMAT, self.parse_key), fh)
            for key, value in parsed.items():
                pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, log)
        self._logged, self._log_records = set(parsed), len(parsed)

    @staticmethod
    def _replace(path: Path, data: bytes) -> None:
        tmp = path.with_name(path.name + ".tmp")
        _remove(tmp)
        tmp.write_bytes(data)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)  # a folder where a record belongs: ours to replace
        os.replace(tmp, path)

    def _collect_garbage(self) -> None:
        self.shelf(self.shelves[0])
        keep = {s.digest for shelf in self._shelves.values() for s in shelf.values()}  # type: ignore[union-attr]
        top = self.folder / "objects"  # type: ignore[operator]
        with contextlib.suppress(OSError), os.scandir(top) as shards:
            for shard in shards:
                with os.scandir(shard.path) as objects:
                    for obj in objects:
                        if shard.name + obj.name not in keep:
                            with contextlib.suppress(OSError):
                                os.unlink(obj.path)

    # --- parse ---------------------------------------------------------------------------

    def keep_keys(self) -> None:
        """Remember each file's last bytes and parse key: for the preview, which hands the
        same bytes object again for every file it did not read again (not for a build,
        which would hold every file's bytes until it ends)."""
        if self._last_keys is None:
            self._last_keys = {}

    def _parse_key(self, relpath: str, data: bytes) -> str:
        """The key of a file's parse, hashed from its path and bytes; with keep_keys, the
        last one when given the very same bytes object."""
        last = self._last_keys.get(relpath) if self._last_keys is not None else None
        if last is not None and last[0] is data:
            return last[1]
        key = digest(relpath.encode("utf-8", "surrogateescape") + b"\0" + data)
        if self._last_keys is not None:
            self._last_keys[relpath] = (data, key)
        return key

    def parse(self, relpath: str, data: bytes, parse: Callable[[str, bytes], Parsed]) -> Parsed:
        key = self._parse_key(relpath, data)
        self._used_parsed.add(key)
        found = self.parsed.get(key)
        if found is None:
            found = self.parsed[key] = parse(relpath, data)
        return found

    def known_parse(self, relpath: str, data: bytes) -> Parsed | None:
        key = self._parse_key(relpath, data)
        found = self.parsed.get(key)
        if found is not None:
            self._used_parsed.add(key)
        return found

    def add_parse(self, relpath: str, data: bytes, parsed: Parsed) -> None:
        key = self._parse_key(relpath, data)
        self._used_parsed.add(key)
        self.parsed[key] = parsed

    # --- render --------------------------------------------------------------------------

    def object_path(self, object_digest: str) -> str:
        return os.path.join(self.folder, "objects", object_digest[:2], object_digest[2:])  # type: ignore[arg-type]

    def page(self, key: str) -> str | None:
        """The object holding the bytes of the page with this key, if it is intact."""
        found = self.found(key)
        return None if found is None else found[0]

    def found(self, key: str, shelf: str = "") -> tuple[str, Stored] | None:
        """(path, record) of the object kept under `key` on `shelf` (default: the first of
        this memo's own), if it is intact: same size and mtime as when it was written."""
        name = shelf or self.shelves[0]
        stored = self.shelf(name).get(key)
        if stored is None or self.folder is None:
            return None
        path = self.object_path(stored.digest)
        try:
            st = os.stat(path)
        except OSError:
            return None
        if (st.st_size, st.st_mtime_ns) != (stored.size, stored.mtime_ns):
            return None
        self._used[name].add(key)
        return path, stored

    def remember(self, key: str, stored: Stored, shelf: str = "") -> None:
        name = shelf or self.shelves[0]
        self._used[name].add(key)
        self.shelf(name)[key] = stored


def _remove(path: Path) -> None:
    """Remove a file, link or folder of the memo's own, if there is one."""
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def store_object(folder: Path, data: bytes) -> tuple[Path, Stored]:
    """Write a page's bytes as a content-addressed object (kept if already there whole).

    Created with O_EXCL first: on a first build every object is new, and this costs one
    open, the writes and one stat, where looking first cost three more calls a page."""
    name = digest(data)
    path = folder / "objects" / name[:2] / name[2:]
    for _ in range(3):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileNotFoundError:  # the shard's folder is not there yet
            path.parent.mkdir(exist_ok=True)
            continue
        except NotADirectoryError:  # a file where the shard's folder belongs: the memo's own
            _remove(path.parent)
            continue
        except FileExistsError:
            found = _intact(path, data)
            if found is not None:
                return path, Stored(name, *found)
            _remove(path)  # never write through a link into a published site
            continue
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            st = os.fstat(fd)
        finally:
            os.close(fd)
        return path, Stored(name, st.st_size, st.st_mtime_ns)
    raise OSError(f"{path}: cannot be written")


def read_object(path: str, stored: Stored) -> bytes | None:
    """The bytes of a kept object, or None (and the object let go, so the next run makes
    it again) when they are not the ones recorded: changed in place, through a hard link
    of a build's site/, with its size and mtime kept."""
    try:
        with open(path, "rb", opener=_no_follow) as fh:
            data = fh.read(stored.size + 1)
    except OSError:
        return None
    if len(data) == stored.size and digest(data) == stored.digest:
        return data
    with contextlib.suppress(OSError):
        os.unlink(path)
    return None


def _intact(path: Path, data: bytes) -> tuple[int, int] | None:
    """(size, mtime) of the object at `path` if it holds exactly `data` (a page with the
    same bytes as another, or one left whole by a killed build), not through a link."""
    try:
        with open(path, "rb", opener=_no_follow) as fh:
            if fh.read() == data:
                st = os.fstat(fh.fileno())
                return st.st_size, st.st_mtime_ns
    except OSError:
        pass
    return None


def _no_follow(file: str, flags: int) -> int:
    return os.open(file, flags | os.O_NOFOLLOW)


def open_memo(root: Path, shelves: tuple[str, ...] = ("site",)) -> Memo:
    """The journal's memo, or an in-memory one where the cache folder cannot be used."""
    from journal.keys import parse_key

    folder = root / CACHE_DIR
    try:
        memo = Memo(folder, parse_key(), shelves)
        memo.prepare()  # raises where the folder cannot be written to (read-only, full)
        return memo
    except OSError as exc:
        if not (folder.exists() and not folder.is_dir()):  # a file: the loader says so
            print(
                f"{CACHE_DIR}:1: cannot be used ({exc.strerror}); {_doing(shelves)[0]} "
                "without a cache [warning]",
                file=sys.stderr,
            )
        return Memo(None, parse_key(), shelves)


def save_memo(memo: Memo) -> None:
    """Save the memo after the new site is in place; a failure here is a warning that says
    so (the site is built, the next build starts without the memo), never an error."""
    try:
        memo.save()
    except OSError as exc:
        memo.forget()
        _, done, command = _doing(memo.shelves)
        print(
            f"{CACHE_DIR}:1: the memo could not be saved ({exc.strerror or exc}); the site "
            f"was {done}, and the next {command} starts without it [warning]",
            file=sys.stderr,
        )


def _doing(shelves: tuple[str, ...]) -> tuple[str, str, str]:
    """What the memo's user is doing, for its warnings: a build's or a publish's words."""
    if "publish" in shelves:
        return "publishing", "published", "publish"
    return "building", "built", "build"
