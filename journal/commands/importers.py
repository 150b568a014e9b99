"""`journal import`: entries from jrnl, Day One and CSV exports, written as new files only.

Each source is read into `Imported` records (one per source entry, with its position in
the source for reports), turned into entry text, checked as `journal check` would, and
written to `entries/imported/<source>/` with O_EXCL: an existing file, or an id the
journal already has, is reported and skipped, so importing the same export twice writes
nothing new. Formats, from the tools' own documentation:

- jrnl, `jrnl --export json`: {"tags": {"@tag": count}, "entries": [{"title", "body",
  "date": "YYYY-MM-DD", "time": "HH:MM", "tags": ["@tag"], "starred": bool}]}.
- Day One, "JSON" or "JSON (.zip)" export: {"metadata": {"version": "1.0"}, "entries":
  [{"uuid", "creationDate": "2026-05-03T07:15:00Z" (UTC), "timeZone": "Europe/Paris",
  "text" (Markdown; a photo is `![](dayone-moment://<identifier>)`), "tags": [...],
  "starred": bool, "photos": [{"identifier", "md5", "type": "jpeg"}]}]}; the zip holds
  the JSON at its top level and each photo as photos/<md5>.<type>.
- CSV: a header row; columns by name (date, title, body or text, kind, domain, tags, and
  any other frontmatter key such as difficulty or lesson).

A starred entry gets the tag `starred` (map it with --map-tag like any other tag).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shlex
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

from journal.atomic import WriteError, create_exclusively
from journal.config import RANGE_TEXT, in_range
from journal.errors import JournalError
from journal.load.entry import KNOWN_KEYS, parse_entry
from journal.load.files import ENTRIES_DIR, MAX_ENTRY_BYTES, entry_files, printable
from journal.text import slugify

SOURCES = ("jrnl", "dayone", "csv")
IMPORTED_DIR = "imported"
MAX_EXPORT_BYTES = 256 * 1024 * 1024  # a JSON or CSV export read whole
MAX_PHOTO_BYTES = 64 * 1024 * 1024  # one photo inside a Day One zip
MAX_ZIP_MEMBERS = 200_000
MAX_ZIP_DIRECTORY = 32 * 1024 * 1024  # a zip's list of members, read whole before anything
MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024  # all one import takes from an export: JSON, photos
MAX_JSON_DEPTH = 100  # brackets inside brackets; an export has four or five levels
MAX_IMPORT_ENTRIES = 100_000  # about a minute of checking; decades of daily entries
PHOTO_TYPES = ("jpeg", "jpg", "png", "gif", "webp", "heic", "tiff", "pdf")
MOMENT = re.compile(r"!\[([^\]\n]*)\]\(dayone-moment:/*([A-Za-z0-9-]+)\)")
CSV_FIELDS = ("date", "time", "title", "body", "text", "kind", "domain", "tags")


@dataclass
class Imported:
    """One source entry, read; `where` is its position for reports (`entry 12`, `line 4`)."""

    where: str
    when: date | datetime | None = None
    title: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # kind, domain, difficulty, ...
    photos: list[tuple[str, bytes]] = field(default_factory=list)  # (name in the folder, bytes)
    problems: list[str] = field(default_factory=list)  # reasons it cannot be imported


@dataclass(frozen=True)
class Options:
    domain: str | None = None
    kind: str | None = None  # never implied: an entry with none is asked about
    map_tags: tuple[tuple[str, str, str], ...] = ()  # (tag slug, "domain" | "kind", value)
    dry_run: bool = False


@dataclass
class Report:
    source: str
    file: str
    folder: Path
    written: list[Path] = field(default_factory=list)
    photos: int = 0
    existing: list[str] = field(default_factory=list)  # "where: path already exists"
    warnings: list[str] = field(default_factory=list)  # a domain close to an existing one
    problems: list[str] = field(default_factory=list)  # "FILE: where: what"
    dry_run: bool = False
    # entries that are whole but for a domain or a kind the command can give: said at once
    unset: dict[str, list[str]] = field(default_factory=dict)  # "domain" | "kind" -> where
    command: str = ""  # this import, as typed: the line to repeat with what is missing

    def missing_lines(self) -> list[str]:
        if not self.unset:
            return []
        needs = {"domain": "--domain NAME", "kind": "--kind win (or --kind setback)"}
        alternatives = {
            "domain": "or --map-tag TAG=domain:NAME, or a tag naming a domain you have",
            "kind": "or --map-tag TAG=kind:setback",
        }
        lines = []
        for what in ("domain", "kind"):
            where = self.unset.get(what, [])
            if where:
                listed = ", ".join(where[:10]) + (
                    f" and {len(where) - 10} more" if len(where) > 10 else ""
                )
                lines.append(
                    f"{self.file}: {len(where)} entr{'y has' if len(where) == 1 else 'ies have'} "
                    f"no {what} ({listed}; {alternatives[what]}) (not imported)"
                )
        options = " ".join(needs[w] for w in ("domain", "kind") if self.unset.get(w))
        lines.append(f"To import them: {self.command} {options}".rstrip())
        return lines

    def summary(self) -> str:
        lines = []
        verb = "Would write" if self.dry_run else "Wrote"
        for path in self.written:
            lines.append(f"{'would write' if self.dry_run else 'wrote'} {path}")
        lines += [f"skipped {text}" for text in self.existing]
        lines += self.warnings
        lines += [f"{text} (not imported)" for text in self.problems]
        lines += self.missing_lines()
        photos = f" and {self.photos} photo{'s' * (self.photos != 1)}" if self.photos else ""
        lines.append(
            f"{verb} {len(self.written)} entr{'ies' if len(self.written) != 1 else 'y'}{photos} "
            f"into {self.folder}; skipped {len(self.existing)} that already exist; "
            f"{len(self.problems) + len({w for ws in self.unset.values() for w in ws})} "
            "with problems."
        )
        return "\n".join(lines)


# --- options --------------------------------------------------------------------------------


def parse_map_tag(text: str) -> tuple[str, str, str]:
    """`TAG=domain:NAME` or `TAG=kind:setback` -> (tag slug, field, value)."""
    tag, sep, target = text.partition("=")
    what, colon, value = target.partition(":")
    what, value = what.strip(), value.strip()
    if not sep or not colon or not slugify(tag) or what not in ("domain", "kind") or not value:
        raise JournalError(f"--map-tag {text!r}: expected TAG=domain:NAME or TAG=kind:win|setback")
    if what == "kind" and value not in ("win", "setback"):
        raise JournalError(f"--map-tag {text!r}: the kind must be win or setback")
    return slugify(tag), what, value


# --- reading the sources ---------------------------------------------------------------------
#
# Every way a hostile or broken export can go wrong ends in a JournalError (the whole file
# is refused, nothing is written) or in a problem on one entry (that entry is not written),
# each one line naming the file, the member of a zip and the entry or line.


class _Unreadable(Exception):
    """A zip member or a photo that cannot be taken; the message says why."""


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB" if size >= 1 << 20 else f"{size:,} bytes"


def _label(name: str) -> str:
    """A file or member name as one printable line (undecodable bytes, control characters)."""
    name = printable(name)
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)


def _show(value: str, width: int = 40) -> str:
    """A value quoted for a message: one line, ASCII escapes for what cannot be shown."""
    return repr(value) if len(value) <= width else f"{value[:width]!r}..."


def _kind(value: Any) -> str:
    """A JSON value's kind, for `title is a list, not text`."""
    if isinstance(value, bool):
        return "true or false"
    kinds = {dict: "an object", list: "a list", int: "a number", float: "a number", str: "text"}
    return kinds.get(type(value), "null")


SURROGATE = re.compile(r"[\ud800-\udfff]")
NOT_IN_A_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")  # a tab is fine
NOT_IN_A_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


def _text_problem(text: str, what: str, where: re.Pattern[str] | None) -> str | None:
    """Why `text` cannot be written: a lone surrogate (JSON can spell one, UTF-8 cannot
    write it), a NUL, or a character the frontmatter line cannot hold (`where`)."""
    found = SURROGATE.search(text)
    if found:
        return (
            f"{what} holds a lone surrogate U+{ord(found.group()):04X}, which is not text "
            "(expected Unicode characters)"
        )
    if "\0" in text:
        return f"{what} holds a NUL character (expected text without control characters)"
    found = where.search(text) if where is not None else None
    if found:
        expected = "one line of text" if where is NOT_IN_A_LINE else "text"
        return (
            f"{what} holds the control character U+{ord(found.group()):04X} (expected {expected})"
        )
    return None


def _text(raw: dict, key: str, item: Imported, *, what: str = "", line: bool = False) -> str:
    """A text field of a JSON entry, or "" and a problem: a list, a number, a surrogate..."""
    value = raw.get(key)
    if value is None or value == "":
        return ""
    what = what or key
    if not isinstance(value, str):
        item.problems.append(f"{what} is {_kind(value)}, not text")
        return ""
    if len(value) > MAX_ENTRY_BYTES:  # said before any work on it
        item.problems.append(
            f"{what} is {len(value):,} characters, more than an entry holds "
            f"(expected an entry under {_mb(MAX_ENTRY_BYTES)})"
        )
        return ""
    problem = _text_problem(value, what, NOT_IN_A_LINE if line else None)
    if problem:
        item.problems.append(problem)
        return ""
    return value


def _read_limited(path: Path) -> bytes:
    name = _label(path.name)
    try:
        if not path.is_file():
            raise JournalError(f"{name}: not a file; nothing was imported")
        with path.open("rb") as fh:
            data = fh.read(MAX_EXPORT_BYTES + 1)
    except OSError as exc:
        raise JournalError(f"{name}: {exc.strerror or exc}; nothing was imported") from None
    if len(data) > MAX_EXPORT_BYTES:
        raise JournalError(
            f"{name}: larger than {_mb(MAX_EXPORT_BYTES)} (the limit for an export); "
            "nothing was imported"
        )
    return data


JSON_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[\[\]{}]')


def _too_deep(text: str) -> int:
    """The line where brackets first nest deeper than MAX_JSON_DEPTH (strings skipped)."""
    depth = 0
    for match in JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif token in "]}":
            depth -= 1
    return 1


def _decoded(data: bytes, name: str, what: str) -> str:
    """The bytes as text (a BOM dropped), or one line saying where they are not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JournalError(
            f"{name}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}), so not {what}; "
            "nothing was imported"
        ) from None


def _json(data: bytes, name: str, what: str) -> Any:
    """The document, or one line saying where and why the bytes are not one."""
    text = _decoded(data, name, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JournalError(
            f"{name}: line {exc.lineno}: not JSON ({exc.msg}), so not {what}; nothing was imported"
        ) from None
    except RecursionError:  # [[[[... deeper than the parser's stack
        raise JournalError(
            f"{name}: line {_too_deep(text)}: brackets nested more than {MAX_JSON_DEPTH} deep "
            f"(expected {what}, a few levels deep); nothing was imported"
        ) from None
    except ValueError:  # an integer longer than Python converts (sys.int_info)
        digits = sys.get_int_max_str_digits()
        found = re.search(rf"\d{{{digits + 1},}}", text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        raise JournalError(
            f"{name}: line {line}: a number of more than {digits} digits (expected {what}, "
            "whose numbers are short); nothing was imported"
        ) from None


def _entries_list(doc: Any, name: str, what: str, key: str) -> list:
    """The `entries` list of an export, or a clear error naming what the file looks like."""
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        found = (
            f"the top level is {_kind(doc)}"
            if not isinstance(doc, dict)
            else f'its "entries" is {_kind(doc["entries"])}'
            if doc.get("entries") is not None
            else ""
        )
        raise JournalError(
            f'{name}: no "entries" list{f" ({found})" if found else ""}, so not {what}; '
            "nothing was imported"
        )
    entries = doc["entries"]
    firsts = [e for e in entries[:20] if isinstance(e, dict)]
    if firsts and not any(key in e for e in firsts):
        other = (
            "a Day One export (use `journal import dayone`)"
            if any("creationDate" in e for e in firsts)
            else "a jrnl export (use `journal import jrnl`)"
            if any("date" in e and "body" in e for e in firsts)
            else "something else"
        )
        raise JournalError(
            f"{name}: its entries have no {key!r}: this looks like {other}, not {what}; "
            "nothing was imported"
        )
    return entries


def _tag_list(value: Any, item: Imported) -> list[str]:
    """Tags: a list of strings (jrnl's `@tag`, Day One's `tag`) or one cell `a, b; c`."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = re.split(r"[,;]", value)
    if not isinstance(value, list):
        item.problems.append(f"tags is {_kind(value)}, not a list of text")
        return []
    tags = []
    for n, raw in enumerate(value, 1):
        if not isinstance(raw, str):
            item.problems.append(f"tag {n} is {_kind(raw)}, not text")
            continue
        problem = _text_problem(raw, f"tag {n}", NOT_IN_A_LINE)
        if problem:
            item.problems.append(problem)
            continue
        tag = raw.strip().lstrip("@#").strip()
        if tag:
            tags.append(tag)
    return tags


def read_jrnl(path: Path) -> Iterator[Imported]:
    name = _label(path.name)
    doc = _json(_read_limited(path), name, "a jrnl JSON export")
    for n, raw in enumerate(_entries_list(doc, name, "a jrnl JSON export", "date"), 1):
        item = Imported(f"entry {n}")
        if not isinstance(raw, dict):
            item.problems.append(f"is {_kind(raw)}, not an object")
            yield item
            continue
        item.when = _jrnl_date(raw.get("date"), raw.get("time"), item)
        item.title = _text(raw, "title", item, line=True).strip()
        item.body = _text(raw, "body", item).strip("\n")
        item.tags = _tag_list(raw.get("tags"), item)
        marked = [f"@{tag}" for tag in item.tags]
        item.title, item.body = (_untag(text, marked) for text in (item.title, item.body))
        if raw.get("starred") is True:
            item.tags.append("starred")
        yield item


def _untag(text: str, tags: list[str]) -> str:
    """jrnl marks tags inline (`Spoke at the @meetup`): they become the entry's tags, and the
    text reads as a sentence (`Spoke at the meetup`). Only the entry's own tags, and only at
    the start of a word, so an address such as a@b.org stays."""
    for tag in sorted({t for t in tags if t.startswith("@") and len(t) > 1}, key=len, reverse=True):
        text = re.sub(rf"(?<![\w@]){re.escape(tag)}(?![\w-])", tag[1:], text)
    return text


def _jrnl_date(day: Any, time: Any, item: Imported) -> date | datetime | None:
    if day is None or day == "":
        item.problems.append("no date")
        return None
    for what, value in (("date", day), ("time", time)):
        if value is not None and not isinstance(value, str):
            item.problems.append(f"{what} is {_kind(value)}, not text (expected YYYY-MM-DD HH:MM)")
            return None
    try:
        when = date.fromisoformat(day)
        if time:
            clock = datetime.strptime(time, "%H:%M").time()
            return datetime.combine(when, clock)
        return when
    except ValueError:
        shown = _show(day) + (f" {_show(time)}" if time else "")
        item.problems.append(f"date {shown} is not YYYY-MM-DD HH:MM")
        return None


def _zone(name: str) -> tzinfo | None:
    """The IANA time zone `name`, or None when this system does not know it."""
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # not found, not a zone file, not a key at all
        return None


def _local_time(stamp: Any, zone: Any, item: Imported) -> datetime | None:
    """Day One stores UTC; the entry counts on the local date of its own time zone."""
    if stamp is None or stamp == "":
        item.problems.append("no creationDate")
        return None
    if not isinstance(stamp, str):
        item.problems.append(
            f"creationDate is {_kind(stamp)}, not text (expected an ISO 8601 date-time)"
        )
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        item.problems.append(f"creationDate {_show(stamp)} is not an ISO 8601 date-time")
        return None
    if not in_range(moment.date()):  # then the time zone can move it 14 hours, no further
        item.problems.append(f"creationDate {_show(stamp)} is out of range (expected {RANGE_TEXT})")
        return None
    if moment.tzinfo is None:
        return moment.replace(microsecond=0)
    local: tzinfo | None = UTC
    if isinstance(zone, str) and zone:
        local = _zone(zone)
        if local is None:
            item.problems.append(
                f"timeZone {_show(zone)} is not a time zone known here "
                "(expected a name such as Europe/Paris)"
            )
            return None
    elif zone not in (None, ""):
        item.problems.append(
            f"timeZone is {_kind(zone)}, not text (expected a name such as Europe/Paris)"
        )
        return None
    try:
        moment = moment.astimezone(local)
    except (OverflowError, ValueError):
        item.problems.append(f"creationDate {_show(stamp)} is out of range (expected {RANGE_TEXT})")
        return None
    return moment.replace(tzinfo=None, microsecond=0)


# Day One writes deflated members; stored ones are read too. bzip2 and LZMA are refused:
# zipfile unpacks them without a bound on the output of one read, the way of a zip bomb.
ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
METHOD_NAMES = {6: "Implode", 9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "XZ"}
METHOD_NAMES |= {97: "WavPack", 98: "PPMd", 99: "AES encryption"}


def _unpack(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str) -> bytes:
    """A member's bytes, at most `limit` of them; _Unreadable says why not."""
    if info.flag_bits & 0x1:
        raise _Unreadable("is encrypted (expected an export saved without a password)")
    if info.compress_type not in ZIP_METHODS:
        method = METHOD_NAMES.get(info.compress_type)
        raise _Unreadable(
            f"is compressed with method {info.compress_type}{f' ({method})' if method else ''}, "
            "which is not unpacked here (expected stored or deflated, as Day One writes)"
        )
    if info.file_size > limit:
        raise _Unreadable(
            f"unpacks to {_mb(info.file_size)}, more than the {_mb(limit)} limit for {what}"
        )
    try:
        fh = zf.open(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        raise _Unreadable("is damaged: its header does not match the zip's directory") from None
    except (NotImplementedError, RuntimeError):  # strong encryption, patched data, ...
        raise _Unreadable("uses a zip feature that is not read here (flag bits 5, 6)") from None
    try:
        with fh:
            data = fh.read(limit + 1)  # zipfile stops at the declared size, checked above
    except zipfile.BadZipFile:
        raise _Unreadable("is damaged: its data does not match its CRC-32 checksum") from None
    except (EOFError, zlib.error, OSError, ValueError):
        raise _Unreadable("is damaged: its compressed data is cut short or corrupt") from None
    if len(data) > limit:
        raise _Unreadable(f"unpacks to more than the {_mb(limit)} limit for {what}")
    return data


class _Export:
    """Where the JSON and the photos come from, a zip or the folder of a JSON file, and how
    much has been taken from it: every JSON and every photo (as often as entries use it,
    for each is a file written) count towards MAX_IMPORT_BYTES, so a zip bomb or one photo
    shown by a million entries stops there, said once per entry it stops."""

    def __init__(self, zf: zipfile.ZipFile | None = None, folder: Path = Path(".")):
        self.zf, self.folder = zf, folder
        self.taken = 0
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.cache: dict[str, bytes | str] = {}  # photo name -> its bytes, or why not
        if zf is not None:
            for info in zf.infolist():
                parts = info.filename.split("/")
                if len(parts) >= 2 and parts[-2] == "photos" and not info.is_dir():
                    self.members[parts[-1].lower()] = info

    def take(self, size: int) -> None:
        """Count `size` bytes taken, or _Unreadable when they pass MAX_IMPORT_BYTES."""
        if self.taken + size > MAX_IMPORT_BYTES:
            raise _Unreadable(
                f"would take this import past {_mb(MAX_IMPORT_BYTES)} of data, the limit "
                "for one import (expected a smaller export)"
            )
        self.taken += size

    def photo(self, md5: str, kind: str) -> bytes:
        """The photo's bytes, checked against its md5; _Unreadable says why not."""
        name = f"{md5}.{kind}".lower()
        if name not in self.cache:
            try:
                data = self._photo(md5, kind)
                if hashlib.md5(data).hexdigest() != md5.lower():  # noqa: S324 - its own name
                    raise _Unreadable("does not match its md5")
                self.cache[name] = data
            except _Unreadable as exc:
                self.cache[name] = str(exc)
        found = self.cache[name]
        if isinstance(found, str):
            raise _Unreadable(found)
        self.take(len(found))
        return found

    def _photo(self, md5: str, kind: str) -> bytes:
        if self.zf is not None:
            info = self.members.get(f"{md5}.{kind}".lower())
            if info is None:
                raise _Unreadable("is not in the export")
            return _unpack(self.zf, info, MAX_PHOTO_BYTES, "a photo")
        path = self.folder / "photos" / f"{md5}.{kind}"
        try:
            if not path.is_file():
                raise _Unreadable("is not in the export")
            with path.open("rb") as fh:
                data = fh.read(MAX_PHOTO_BYTES + 1)
        except OSError as exc:
            raise _Unreadable(f"cannot be read ({exc.strerror or exc})") from None
        if len(data) > MAX_PHOTO_BYTES:
            raise _Unreadable(f"is larger than the {_mb(MAX_PHOTO_BYTES)} limit for a photo")
        return data


def _zip_directory_size(path: Path) -> int | None:
    """The size of a zip's central directory from its end record (zip64 too), or None when
    the file has no end record (not a zip, or a truncated one)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - (22 + 0xFFFF + 20)))
            tail = fh.read()
            at = tail.rfind(b"PK\x05\x06")
            if at < 0 or len(tail) - at < 22:
                return None
            (directory,) = struct.unpack_from("<L", tail, at + 12)
            if directory == 0xFFFFFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
                (where,) = struct.unpack_from("<Q", tail, at - 20 + 8)
                fh.seek(where)
                record = fh.read(56)
                if record[:4] == b"PK\x06\x06" and len(record) == 56:
                    (directory,) = struct.unpack_from("<Q", record, 40)
            return directory
    except (OSError, ValueError, OverflowError):
        return None


def _open_zip(path: Path, name: str) -> zipfile.ZipFile:
    what = "a Day One JSON (.zip) export"
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise JournalError(f"{name}: {exc.strerror or exc}; nothing was imported") from None
    directory = _zip_directory_size(path)
    if directory is None:
        found = (
            "a truncated or damaged zip (it starts as one but has no directory at its end)"
            if head.startswith(b"PK")
            else "not a zip (it neither starts nor ends as one)"
        )
        raise JournalError(f"{name}: {found}, so not {what}; nothing was imported")
    if directory > MAX_ZIP_DIRECTORY:
        raise JournalError(
            f"{name}: its zip directory is {_mb(directory)}, more than the "
            f"{_mb(MAX_ZIP_DIRECTORY)} limit (expected an export of at most "
            f"{MAX_ZIP_MEMBERS:,} files); nothing was imported"
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, OverflowError):
        raise JournalError(
            f"{name}: not a readable zip (its directory is damaged), so not {what}; "
            "nothing was imported"
        ) from None
    if len(zf.infolist()) > MAX_ZIP_MEMBERS:
        zf.close()
        raise JournalError(
            f"{name}: {len(zf.infolist()):,} files, more than the {MAX_ZIP_MEMBERS:,} limit "
            f"for {what}; nothing was imported"
        )
    return zf


def _is_zip(path: Path) -> bool:
    """A zip by its name, its first bytes or its end record: Day One's JSON (.zip) export."""
    if path.suffix.lower() == ".zip":
        return True
    try:
        with path.open("rb") as fh:
            if fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06"):
                return True
    except OSError:
        return False
    return path.is_file() and _zip_directory_size(path) is not None


def read_dayone(path: Path) -> Iterator[Imported]:
    """Day One's JSON, or its JSON (.zip): every journal in it (Journal.json, Travel.json,
    ... at the top), their photos from the zip's photos/ folder."""
    what = "a Day One JSON export"
    name = _label(path.name)
    if not path.is_file() or not _is_zip(path):
        doc = _json(_read_limited(path), name, what)
        yield from _dayone_entries(doc, name, "", _Export(folder=path.parent))
        return
    with _open_zip(path, name) as zf:
        tops = sorted(
            (i for i in zf.infolist() if i.filename.endswith(".json") and "/" not in i.filename),
            key=lambda i: i.filename,
        )
        if not tops:
            raise JournalError(
                f"{name}: no .json file at the top of the zip, so not {what} "
                "(.zip); nothing was imported"
            )
        for first, second in zip(tops, tops[1:], strict=False):
            if first.filename == second.filename:
                raise JournalError(
                    f"{name}: {_label(first.filename)}: in the zip twice (expected each "
                    "journal once); nothing was imported"
                )
        export = _Export(zf)
        for info in tops:
            member = _label(info.filename)
            try:
                data = _unpack(zf, info, MAX_EXPORT_BYTES, "an export's JSON")
                export.take(len(data))
            except _Unreadable as exc:
                raise JournalError(f"{name}: {member}: {exc}; nothing was imported") from None
            doc = _json(data, f"{name}: {member}", what)
            yield from _dayone_entries(doc, f"{name}: {member}", f"{member}: ", export)


def _dayone_entries(doc: Any, name: str, prefix: str, export: _Export) -> Iterator[Imported]:
    for n, raw in enumerate(_entries_list(doc, name, "a Day One JSON export", "creationDate"), 1):
        item = Imported(f"{prefix}entry {n}")
        if not isinstance(raw, dict):
            item.problems.append(f"is {_kind(raw)}, not an object")
            yield item
            continue
        item.when = _local_time(raw.get("creationDate"), raw.get("timeZone"), item)
        text = _text(raw, "text", item).replace("\r\n", "\n")
        item.title, item.body = _split_title(text)
        problem = _text_problem(item.title, "title (the first line)", NOT_IN_A_LINE)
        if problem:
            item.problems.append(problem)
        item.tags = _tag_list(raw.get("tags"), item)
        if raw.get("starred") is True:
            item.tags.append("starred")
        item.body = _dayone_photos(item, raw.get("photos"), export)
        yield item


def _split_title(text: str) -> tuple[str, str]:
    """Day One shows an entry's first line as its title: it becomes `title:`, not a line."""
    lines = text.strip("\n").split("\n")
    for i, line in enumerate(lines):
        plain = MOMENT.sub("", line).strip()
        if plain:
            title = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>])", r"\1", plain.lstrip("#").strip())
            rest = [*lines[:i], *lines[i + 1 :]] if MOMENT.search(line) is None else lines
            return title, "\n".join(rest).strip("\n")
    return "", text.strip("\n")


def _dayone_photos(item: Imported, raw: Any, export: _Export) -> str:
    """Each photo to <entry id>/<n>.<type> (named later), its moment link rewritten;
    photos the text does not show are added at the end."""
    if raw is None:
        return item.body
    if not isinstance(raw, list):
        item.problems.append(f"photos is {_kind(raw)}, not a list")
        return item.body
    by_id: dict[str, str] = {}
    for n, photo in enumerate((p for p in raw if isinstance(p, dict)), 1):
        md5, kind = photo.get("md5"), photo.get("type") or "jpeg"
        md5 = md5 if isinstance(md5, str) else ""
        kind = kind.lower() if isinstance(kind, str) else ""
        ident = photo.get("identifier") if isinstance(photo.get("identifier"), str) else md5
        if not re.fullmatch(r"[0-9a-fA-F]{32}", md5) or kind not in PHOTO_TYPES:
            item.problems.append(f"photo {n} has no md5 or an unknown type {_show(kind)}")
            continue
        try:
            data = export.photo(md5, kind)
        except _Unreadable as exc:
            item.problems.append(f"photo {n} ({md5}.{kind}) {exc}")
            continue
        name = f"photo-{n}.{'jpg' if kind == 'jpeg' else kind}"
        item.photos.append((name, data))
        by_id[ident] = name
    numbers = {name: i for i, (name, _) in enumerate(item.photos, 1)}
    shown: set[str] = set()

    def link(match: re.Match) -> str:
        name = by_id.get(match.group(2))
        if name is None:
            return ""
        shown.add(name)
        return f"![{match.group(1) or f'Photo {numbers[name]}'}](@PHOTOS@/{name})"

    body = MOMENT.sub(link, item.body)
    extra = [
        f"![Photo {i}](@PHOTOS@/{name})"
        for i, (name, _) in enumerate(item.photos, 1)
        if name not in shown
    ]
    return "\n\n".join(part for part in (body.strip("\n"), *extra) if part)


def read_csv(path: Path) -> Iterator[Imported]:
    name = _label(path.name)
    text = _decoded(_read_limited(path), name, "a CSV file")
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise JournalError(
            f"{name}: line {line}: holds a NUL byte, so not a CSV file; nothing was imported"
        )
    limit = csv.field_size_limit(MAX_EXPORT_BYTES)  # a long body is one cell; the file is bounded
    try:
        yield from _csv_rows(name, csv.reader(io.StringIO(text, newline=""), strict=True))
    finally:
        csv.field_size_limit(limit)


def _csv_rows(name: str, reader: Any) -> Iterator[Imported]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise JournalError(f"{name}: empty, no header row; nothing was imported") from None
    except csv.Error as exc:
        raise JournalError(f"{name}: line 1: not CSV ({exc}); nothing was imported") from None
    if "date" not in header:
        raise JournalError(
            f"{name}: line 1: the header has no `date` column (it has "
            f"{', '.join(_label(h) for h in header if h) or 'nothing'}); expected a header row "
            "naming date, title, body, kind, domain, tags; nothing was imported"
        )
    known = set(CSV_FIELDS) | set(KNOWN_KEYS)
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise JournalError(
            f"{name}: line 1: unknown column{'s' * (len(unknown) > 1)} "
            f"{', '.join(_label(h) for h in unknown)} (expected {', '.join(CSV_FIELDS)} "
            "or a frontmatter key); nothing was imported"
        )
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise JournalError(
            f"{name}: line 1: the column {twice[0]} is named twice (expected each column "
            "once); nothing was imported"
        )
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise JournalError(
                f"{name}: line {start}: not CSV from this row on ({exc}); nothing was imported"
            ) from None
        if not any(cell.strip() for cell in row):
            continue
        item = Imported(f"line {start}")
        if len(row) > len(header):
            item.problems.append(f"{len(row)} cells for {len(header)} columns")
        values = {
            h: cell.strip() for h, cell in zip(header, row, strict=False) if h and cell.strip()
        }
        for key, value in values.items():  # body: any text; tags: checked one by one below
            where = NOT_IN_A_VALUE if key not in ("title", "date", "time") else NOT_IN_A_LINE
            problem = None if key in ("body", "text", "tags") else _text_problem(value, key, where)
            if problem:
                item.problems.append(problem)
        item.when = _jrnl_date(values.pop("date", None), values.pop("time", None), item)
        item.title = values.pop("title", "")
        item.body = values.pop("body", "") or values.pop("text", "")
        values.pop("text", None)
        item.tags = _tag_list(values.pop("tags", ""), item)
        item.fields = values
        yield item


READERS: dict[str, Callable[[Path], Iterable[Imported]]] = {
    "jrnl": read_jrnl,
    "dayone": read_dayone,
    "csv": read_csv,
}


# --- writing ----------------------------------------------------------------------------------


def _apply(item: Imported, options: Options, domains: Collection[str] = ()) -> dict[str, Any]:
    """The frontmatter: defaults, then a tag naming one of the journal's `domains` (slugs),
    then mapped tags, then the source's own columns."""
    meta: dict[str, Any] = {"kind": options.kind, "domain": options.domain}
    tags: list[str] = []
    seen: set[str] = set()
    mapped: dict[str, set[str]] = {"domain": set(), "kind": set()}
    rules = {}
    for tag, what, value in options.map_tags:
        rules.setdefault(tag, []).append((what, value))
    for tag in item.tags:
        slug = slugify(tag)
        found = rules.get(slug)
        if found:
            for what, value in found:
                mapped[what].add(value)
        elif slug not in seen:
            seen.add(slug)
            tags.append(tag)
    named = sorted({slugify(t) for t in tags} & set(domains))
    if len(named) == 1 and not mapped["domain"]:  # a tag that names a domain is its domain
        meta["domain"] = named[0]
        tags = [t for t in tags if slugify(t) != named[0]]
    for what, values in mapped.items():
        if len(values) > 1:
            item.problems.append(
                f"its tags map to {len(values)} {what}s: {', '.join(sorted(values))}"
            )
        elif values:
            meta[what] = values.pop()
    for key, value in item.fields.items():
        meta[key] = value
    meta = {
        "date": item.when,
        "kind": meta.pop("kind"),
        "domain": meta.pop("domain"),
        "title": item.title or None,
        "tags": tags or None,
        **meta,
    }
    return {k: v for k, v in meta.items() if v not in (None, "")}


def _scalar(value: Any) -> Any:
    """CSV cells are text: numbers and flags become what the loader expects."""
    if isinstance(value, str):
        if re.fullmatch(r"-?\d{1,18}", value):  # longer stays text: `journal check` says so
            return int(value)
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
    return value


def _yaml(value: Any) -> str:
    """One frontmatter value on one line: dates as ISO 8601, lists in flow style."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = yaml.safe_dump(
        [_scalar(value)], default_flow_style=True, allow_unicode=True, width=1 << 16
    )
    return text.strip()[1:-1]


def entry_text(meta: dict[str, Any], body: str) -> str:
    head = "".join(f"{key}: {_yaml(value)}\n" for key, value in meta.items())
    return f"---\n{head}---\n\n{body.strip()}\n" if body.strip() else f"---\n{head}---\n"


def _name(item: Imported) -> str:
    day = item.when.date() if isinstance(item.when, datetime) else item.when
    from journal.commands.scaffold import short_slug

    try:
        slug = short_slug(item.title) if item.title else ""
    except JournalError:
        slug = ""
    if not slug:  # no title (or one without letters): named after its first words
        words = slugify(" ".join(item.body.split()[:8]).replace("@PHOTOS@", ""))
        slug = short_slug(words) if words else "entry"
    return f"{day.isoformat()}-{slug}"  # type: ignore[union-attr]


def import_file(root: Path, source: str, path: Path, options: Options) -> Report:
    """Read `path` as `source`, then write every entry that is new, checked and complete."""
    if source not in READERS:
        raise JournalError(f"unknown source {source!r} (expected {', '.join(SOURCES)})")
    folder = root / ENTRIES_DIR / IMPORTED_DIR / source
    name = _label(path.name)  # printed: one line, whatever bytes the file name holds
    report = Report(source, name, folder.relative_to(root), dry_run=options.dry_run)
    items = []  # a bad or foreign file fails before anything is written
    for item in READERS[source](path):
        if len(items) == MAX_IMPORT_ENTRIES:
            raise JournalError(
                f"{name}: more than {MAX_IMPORT_ENTRIES:,} entries, the limit for one import "
                "(expected an export of fewer entries, such as one period at a time); "
                "nothing was imported"
            )
        items.append(item)
    taken = {p.stem: p for p in entry_files(root)} if (root / ENTRIES_DIR).is_dir() else {}
    from journal.commands.domains import domain_counts, near_domain_warning

    domains = domain_counts(root)
    named = domains if source == "jrnl" else {}  # jrnl's @tags: one may name the domain
    planned: set[str] = set()
    for item in items:
        meta = _apply(item, options, named) if item.when is not None else {}
        if item.problems:
            report.problems.append(f"{name}: {item.where}: {'; '.join(item.problems)}")
            continue
        missing = [what for what in ("domain", "kind") if not meta.get(what)]
        if missing:  # said once for all of them, with the command that imports them
            for what in missing:
                report.unset.setdefault(what, []).append(item.where)
            continue
        near = near_domain_warning(root, str(meta["domain"]), domains)
        if near and near not in report.warnings:
            report.warnings.append(near)
        entry_id = _name(item)
        base, n = entry_id, 2
        while entry_id in planned:  # two source entries with the same date and title
            entry_id, n = f"{base}-{n}", n + 1
        planned.add(entry_id)
        target = folder / f"{entry_id}.md"
        rel = target.relative_to(root).as_posix()
        body = item.body.replace("@PHOTOS@", entry_id)
        text = entry_text(meta, body)
        if entry_id in taken:
            there = _label(_relative(taken[entry_id], root))
            report.existing.append(f"{name}: {item.where}: {there} already exists")
            continue
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # the readers let none through; never a traceback if one did
            report.problems.append(f"{name}: {item.where}: holds a lone surrogate, not text")
            continue
        if len(data) > MAX_ENTRY_BYTES:
            report.problems.append(
                f"{name}: {item.where}: is {len(data):,} bytes, over the limit of "
                f"{MAX_ENTRY_BYTES:,} (expected an entry under {_mb(MAX_ENTRY_BYTES)})"
            )
            continue
        parsed = parse_entry(rel, data)
        errors = [p for p in parsed.problems if p.severity == "error"]
        if errors:
            reasons = "; ".join(p.message for p in errors)
            report.problems.append(f"{name}: {item.where}: {reasons}")
            continue
        if not options.dry_run:
            try:
                _write(folder, entry_id, text, item.photos)
            except FileExistsError as exc:
                there = _label(_relative(Path(exc.filename), root))
                report.existing.append(f"{name}: {item.where}: {there} already exists")
                continue
        report.written.append(target.relative_to(root))
        report.photos += len(item.photos)
    return report


def _relative(path: Path, root: Path) -> str:
    """A path under the journal as the user sees it, relative to the journal's root."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _create(path: Path, data: bytes) -> None:
    """A new file, whole from the first instant, or FileExistsError (journal/atomic.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    create_exclusively(path, data)


def _write(folder: Path, entry_id: str, text: str, photos: list[tuple[str, bytes]]) -> None:
    """The photos first, in the entry's own folder, then the entry: a file already there
    stops this entry (what was made for it is removed), never overwritten."""
    entry = folder / f"{entry_id}.md"
    if entry.exists():
        raise FileExistsError(0, "exists", str(entry))
    made: list[Path] = []
    try:
        for name, data in photos:
            target = folder / entry_id / name
            _create(target, data)
            made.append(target)
        _create(entry, text.encode("utf-8"))
    except FileExistsError:
        for p in made:
            p.unlink(missing_ok=True)
        raise
    except (OSError, WriteError) as exc:
        for p in made:
            p.unlink(missing_ok=True)
        if isinstance(exc, WriteError):
            raise JournalError(f"{exc.path}: {exc.reason}; import stopped") from None
        raise JournalError(f"{exc.filename}: {exc.strerror or exc}; import stopped") from None


def run(
    root: Path,
    source: str,
    file: Path,
    *,
    domain: str | None = None,
    kind: str | None = None,
    map_tags: Iterable[str] = (),
    dry_run: bool = False,
) -> tuple[str, int]:
    """What `journal import` prints, and its exit status: 1 when an entry was not imported
    for a problem (an entry that already exists is not a problem)."""
    map_tags = tuple(map_tags)
    options = Options(domain, kind, tuple(parse_map_tag(m) for m in map_tags), dry_run)
    report = import_file(root, source, file, options)
    words = ["journal", "import", source, str(file)]
    words += ["--domain", domain] if domain else []
    words += ["--kind", kind] if kind else []
    for rule in map_tags:
        words += ["--map-tag", rule]
    words += ["--dry-run"] if dry_run else []
    report.command = " ".join(shlex.quote(_label(w)) for w in words)
    text = report.summary()
    return text, 1 if report.problems or report.unset else 0
