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
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from journal.errors import JournalError
from journal.load.entry import KNOWN_KEYS, parse_entry
from journal.load.files import ENTRIES_DIR, entry_files
from journal.text import slugify

SOURCES = ("jrnl", "dayone", "csv")
IMPORTED_DIR = "imported"
MAX_EXPORT_BYTES = 256 * 1024 * 1024  # a JSON or CSV export read whole
MAX_PHOTO_BYTES = 64 * 1024 * 1024  # one photo inside a Day One zip
MAX_ZIP_MEMBERS = 200_000
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
    kind: str = "win"
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
    problems: list[str] = field(default_factory=list)  # "FILE: where: what"
    dry_run: bool = False

    def summary(self) -> str:
        lines = []
        verb = "Would write" if self.dry_run else "Wrote"
        for path in self.written:
            lines.append(f"{'would write' if self.dry_run else 'wrote'} {path}")
        lines += [f"skipped {text}" for text in self.existing]
        lines += [f"{text} (not imported)" for text in self.problems]
        photos = f" and {self.photos} photo{'s' * (self.photos != 1)}" if self.photos else ""
        lines.append(
            f"{verb} {len(self.written)} entr{'ies' if len(self.written) != 1 else 'y'}{photos} "
            f"into {self.folder}; skipped {len(self.existing)} that already exist; "
            f"{len(self.problems)} with problems."
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


def _read_limited(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise JournalError(f"{path}: not a file; nothing was imported")
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise JournalError(f"{path}: larger than 256 MB; nothing was imported")
        return path.read_bytes()
    except OSError as exc:
        raise JournalError(f"{path}: {exc.strerror or exc}; nothing was imported") from None


def _json(data: bytes, name: str, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise JournalError(f"{name}: not UTF-8 text, so not {what}; nothing was imported") from None
    except json.JSONDecodeError as exc:
        raise JournalError(
            f"{name}: line {exc.lineno}: not JSON ({exc.msg}), so not {what}; nothing was imported"
        ) from None


def _entries_list(doc: Any, name: str, what: str, key: str) -> list:
    """The `entries` list of an export, or a clear error naming what the file looks like."""
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise JournalError(f'{name}: no "entries" list, so not {what}; nothing was imported')
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


def _tag_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,;]", value)
    if not isinstance(value, list):
        return []
    return [str(t).strip().lstrip("@#").strip() for t in value if str(t).strip().lstrip("@#")]


def read_jrnl(path: Path) -> Iterator[Imported]:
    doc = _json(_read_limited(path), path.name, "a jrnl JSON export")
    for n, raw in enumerate(_entries_list(doc, path.name, "a jrnl JSON export", "date"), 1):
        item = Imported(f"entry {n}")
        if not isinstance(raw, dict):
            item.problems.append("not an object")
            yield item
            continue
        item.when = _jrnl_date(raw.get("date"), raw.get("time"), item)
        item.title = str(raw.get("title") or "").strip()
        item.body = str(raw.get("body") or "").strip("\n")
        item.tags = _tag_list(raw.get("tags"))
        if raw.get("starred") is True:
            item.tags.append("starred")
        yield item


def _jrnl_date(day: Any, time: Any, item: Imported) -> date | datetime | None:
    if not day:
        item.problems.append("no date")
        return None
    try:
        when = date.fromisoformat(str(day))
        if time:
            clock = datetime.strptime(str(time), "%H:%M").time()
            return datetime.combine(when, clock)
        return when
    except ValueError:
        item.problems.append(f"date {day!r} {time or ''} is not YYYY-MM-DD HH:MM".rstrip())
        return None


def _local_time(stamp: Any, zone: Any, item: Imported) -> datetime | None:
    """Day One stores UTC; the entry counts on the local date of its own time zone."""
    if not stamp:
        item.problems.append("no creationDate")
        return None
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        item.problems.append(f"creationDate {stamp!r} is not an ISO 8601 date-time")
        return None
    if moment.tzinfo is None:
        return moment.replace(microsecond=0)
    try:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(str(zone))) if zone else moment
    except (ImportError, ValueError, KeyError, OSError):
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None, microsecond=0)


class _Photos:
    """Day One photo files by md5: from the zip, or from photos/ beside the JSON."""

    def __init__(self, zf: zipfile.ZipFile | None, folder: Path | None):
        self.zf, self.folder = zf, folder
        self.names = {}
        if zf is not None:
            for info in zf.infolist():
                parts = info.filename.split("/")
                if len(parts) >= 2 and parts[-2] == "photos" and not info.is_dir():
                    self.names[parts[-1].lower()] = info

    def get(self, md5: str, kind: str) -> bytes | None:
        name = f"{md5}.{kind}".lower()
        if self.zf is not None:
            info = self.names.get(name)
            if info is None or info.file_size > MAX_PHOTO_BYTES:
                return None
            with self.zf.open(info) as fh:
                data = fh.read(MAX_PHOTO_BYTES + 1)
            return data if len(data) <= MAX_PHOTO_BYTES else None
        if self.folder is None:
            return None
        path = self.folder / "photos" / f"{md5}.{kind}"
        try:
            if path.is_file() and path.stat().st_size <= MAX_PHOTO_BYTES:
                return path.read_bytes()
        except OSError:
            return None
        return None


def read_dayone(path: Path) -> Iterator[Imported]:
    what = "a Day One JSON export"
    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise JournalError(
                f"{path.name}: not a readable zip ({exc}); nothing was imported"
            ) from None
        with zf:
            if len(zf.infolist()) > MAX_ZIP_MEMBERS:
                raise JournalError(f"{path.name}: too many files for a Day One export")
            tops = sorted(
                i for i in zf.infolist() if i.filename.endswith(".json") and "/" not in i.filename
            )
            if not tops:
                raise JournalError(
                    f"{path.name}: no .json file at the top of the zip, so not {what} "
                    "(.zip); nothing was imported"
                )
            photos = _Photos(zf, None)
            for info in sorted(tops, key=lambda i: i.filename):
                if info.file_size > MAX_EXPORT_BYTES:
                    raise JournalError(f"{path.name}: {info.filename} is larger than 256 MB")
                name = f"{path.name}: {info.filename}"
                doc = _json(zf.read(info), name, what)
                yield from _dayone_entries(doc, name, photos)
        return
    doc = _json(_read_limited(path), path.name, what)
    yield from _dayone_entries(doc, path.name, _Photos(None, path.parent))


def _dayone_entries(doc: Any, name: str, photos: _Photos) -> Iterator[Imported]:
    for n, raw in enumerate(_entries_list(doc, name, "a Day One JSON export", "creationDate"), 1):
        item = Imported(
            f"entry {n}" if ": " not in name else f"{name.split(': ', 1)[1]}: entry {n}"
        )
        if not isinstance(raw, dict):
            item.problems.append("not an object")
            yield item
            continue
        item.when = _local_time(raw.get("creationDate"), raw.get("timeZone"), item)
        text = str(raw.get("text") or "").replace("\r\n", "\n")
        item.title, item.body = _split_title(text)
        item.tags = _tag_list(raw.get("tags"))
        if raw.get("starred") is True:
            item.tags.append("starred")
        item.body = _dayone_photos(item, raw.get("photos"), photos)
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


def _dayone_photos(item: Imported, raw: Any, photos: _Photos) -> str:
    """Each photo to <entry id>/<n>.<type> (named later), its moment link rewritten;
    photos the text does not show are added at the end."""
    if not isinstance(raw, list):
        return item.body
    by_id: dict[str, str] = {}
    for n, photo in enumerate((p for p in raw if isinstance(p, dict)), 1):
        md5, kind = str(photo.get("md5") or ""), str(photo.get("type") or "jpeg").lower()
        ident = str(photo.get("identifier") or md5)
        if not re.fullmatch(r"[0-9a-fA-F]{32}", md5) or kind not in PHOTO_TYPES:
            item.problems.append(f"photo {n} has no md5 or an unknown type {kind!r}")
            continue
        data = photos.get(md5, kind)
        if data is None:
            item.problems.append(f"photo {n} ({md5}.{kind}) is not in the export")
            continue
        if hashlib.md5(data).hexdigest() != md5.lower():  # noqa: S324 - Day One's own name
            item.problems.append(f"photo {n} ({md5}.{kind}) does not match its md5")
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
    data = _read_limited(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JournalError(
            f"{path.name}: not UTF-8 text, so not a CSV file; nothing was imported"
        ) from None
    if "\0" in text:
        raise JournalError(f"{path.name}: holds NUL bytes, so not a CSV file; nothing was imported")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise JournalError(f"{path.name}: empty, no header row; nothing was imported") from None
    except csv.Error as exc:
        raise JournalError(f"{path.name}: line 1: not CSV ({exc})") from None
    if "date" not in header:
        raise JournalError(
            f"{path.name}: line 1: the header has no `date` column (it has "
            f"{', '.join(h for h in header if h) or 'nothing'}); expected a header row naming "
            "date, title, body, kind, domain, tags; nothing was imported"
        )
    known = set(CSV_FIELDS) | set(KNOWN_KEYS)
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise JournalError(
            f"{path.name}: line 1: unknown column{'s' * (len(unknown) > 1)} "
            f"{', '.join(unknown)} (expected {', '.join(CSV_FIELDS)} or a frontmatter key); "
            "nothing was imported"
        )
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise JournalError(f"{path.name}: line {reader.line_num}: not CSV ({exc})") from None
        if not any(cell.strip() for cell in row):
            continue
        item = Imported(f"line {reader.line_num}")
        if len(row) > len(header):
            item.problems.append(f"{len(row)} cells for {len(header)} columns")
        values = {
            h: cell.strip() for h, cell in zip(header, row, strict=False) if h and cell.strip()
        }
        item.when = _jrnl_date(values.pop("date", None), values.pop("time", None), item)
        item.title = values.pop("title", "")
        item.body = values.pop("body", "") or values.pop("text", "")
        values.pop("text", None)
        item.tags = _tag_list(values.pop("tags", ""))
        item.fields = values
        yield item


READERS: dict[str, Callable[[Path], Iterable[Imported]]] = {
    "jrnl": read_jrnl,
    "dayone": read_dayone,
    "csv": read_csv,
}


# --- writing ----------------------------------------------------------------------------------


def _apply(item: Imported, options: Options) -> dict[str, Any]:
    """The frontmatter: defaults, then mapped tags, then the source's own columns."""
    meta: dict[str, Any] = {"kind": options.kind, "domain": options.domain}
    tags = []
    mapped: dict[str, set[str]] = {"domain": set(), "kind": set()}
    rules = {}
    for tag, what, value in options.map_tags:
        rules.setdefault(tag, []).append((what, value))
    for tag in item.tags:
        found = rules.get(slugify(tag))
        if found:
            for what, value in found:
                mapped[what].add(value)
        elif slugify(tag) not in (slugify(t) for t in tags):
            tags.append(tag)
    for what, values in mapped.items():
        if len(values) > 1:
            item.problems.append(
                f"its tags map to {len(values)} {what}s: {', '.join(sorted(values))}"
            )
        elif values:
            meta[what] = values.pop()
    for key, value in item.fields.items():
        meta[key] = value
    if not meta.get("domain"):
        item.problems.append(
            "no domain (give --domain, a domain column, or --map-tag TAG=domain:NAME)"
        )
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
        if re.fullmatch(r"-?\d+", value):
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
    report = Report(source, path.name, folder.relative_to(root), dry_run=options.dry_run)
    items = list(READERS[source](path))  # a bad or foreign file fails before anything is written
    taken = {p.stem: p for p in entry_files(root)} if (root / ENTRIES_DIR).is_dir() else {}
    planned: set[str] = set()
    for item in items:
        meta = _apply(item, options) if item.when is not None else {}
        if item.problems:
            report.problems.append(f"{path.name}: {item.where}: {'; '.join(item.problems)}")
            continue
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
            report.existing.append(f"{path.name}: {item.where}: {taken[entry_id]} already exists")
            continue
        parsed = parse_entry(rel, text.encode("utf-8"))
        errors = [p for p in parsed.problems if p.severity == "error"]
        if errors:
            reasons = "; ".join(p.message for p in errors)
            report.problems.append(f"{path.name}: {item.where}: {reasons}")
            continue
        if not options.dry_run:
            try:
                _write(folder, entry_id, text, item.photos)
            except FileExistsError as exc:
                report.existing.append(f"{path.name}: {item.where}: {exc.filename} already exists")
                continue
        report.written.append(target.relative_to(root))
        report.photos += len(item.photos)
    return report


def _create(path: Path, data: bytes) -> None:
    """A new file or FileExistsError; O_EXCL makes the check and the write one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError:
        path.unlink(missing_ok=True)
        raise


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
    except OSError as exc:
        for p in made:
            p.unlink(missing_ok=True)
        raise JournalError(f"{exc.filename}: {exc.strerror or exc}; import stopped") from None


def run(
    root: Path,
    source: str,
    file: Path,
    *,
    domain: str | None = None,
    kind: str = "win",
    map_tags: Iterable[str] = (),
    dry_run: bool = False,
) -> tuple[str, int]:
    """What `journal import` prints, and its exit status: 1 when an entry was not imported
    for a problem (an entry that already exists is not a problem)."""
    options = Options(domain, kind, tuple(parse_map_tag(m) for m in map_tags), dry_run)
    report = import_file(root, source, file, options)
    return report.summary(), 1 if report.problems else 0
