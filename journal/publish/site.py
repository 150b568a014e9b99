"""`journal publish`: the site for a static host, every page sealed under the passphrase.

The same render as `build`, with private entries and drafts left out and a linker that
gives every page but the home page an opaque name (`p/<hmac of its path>.html`). Each page
(and the search files, as two objects) becomes a sealed object `p/<id>.js`, a classic script
so `file://` works; `index.html` is the one page shell: the unlock form, the public keyring
and the sealed manifest of this publish. After unlocking, the shell keeps the key in memory
and opens the other pages itself. Nothing in the output names an entry, date, domain or tag;
see crypto.py for the byte formats.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import posixpath
import re
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import jinja2

from journal.build import Options, SiteBytes, SiteMemo, site_files
from journal.errors import JournalError
from journal.lock import journal_lock
from journal.pages.attachments import attachment_paths
from journal.pages.paths import relative_url
from journal.pages.search_index import MAIN, data_payload, is_search_file, is_text_chunk
from journal.publish import pwa
from journal.publish.crypto import Keyring, SiteKeys, digest, unwrap
from journal.publish.state import PublishState
from journal.workers import map_forked, pool_size
from journal.write import CACHE_DIR, check_target, clean_scratch, scratch_folder, write_folder

SHELL = "index.html"
SHELL_TEMPLATE = "locked.html"
UNLOCK_SCRIPT = "assets/unlock.js"
OBJECTS = "p"
ROBOTS = b"User-agent: *\nDisallow: /\n"
NOT_FOUND = b"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer"><title>Not found</title></head>
<body><main><h1>Not found</h1><p>There is no page here.</p></main></body>
</html>
"""


@dataclass(frozen=True)
class PublishResult:
    entries: int
    files: int
    sequence: int = 0

    def summary(self, out: Path, encrypted: bool) -> str:
        what = "encrypted" if encrypted else "UNENCRYPTED"
        number = f" (publish number {self.sequence})" if self.sequence else ""
        return f"Published {self.entries} entries as {self.files} {what} files in {out}{number}."


# --- the two calls into the build core ---------------------------------------------------------


def _render(
    root: Path, options: Options, linker: Callable[[str], str] | None, kept: SiteMemo | None = None
) -> tuple[int, SiteBytes, list[str]]:
    """(entries shown, logical path -> bytes, the attachments among them): every page,
    search file, theme asset and attachment of the entries shown (and, only when not
    encrypted, the static/ folder). With `kept`, what an earlier publish rendered is kept."""
    shown, files = kept.site_files(options, linker) if kept else site_files(root, options, linker)
    return len(shown.entries), files, attachment_paths(shown)


SCRATCH = "publish-tmp"  # publish's own temporary folders, never a build's


def _write(
    out: Path, files: Mapping[str, bytes], root: Path, copied: Mapping[str, str] | None = None
) -> int:
    """Refuse folders whose loss would hurt, then replace `out` with `files` and `copied`
    (memo objects: copies, never links, so a published file changed in place never
    changes what is kept, and every file has the time of this publish, never the time an
    entry was first sealed), atomically."""
    check_target(out, root, root / CACHE_DIR)
    clean_scratch(out, root / CACHE_DIR, SCRATCH)
    return write_folder(out, files, scratch_folder(out, root / CACHE_DIR, SCRATCH), copied)


# --- sealing -----------------------------------------------------------------------------------


def make_linker(keys: SiteKeys) -> Callable[[str], str]:
    """Logical page path -> the path it has inside the shell. A `#` is part of the path
    (an entry may be named `#1.md`): pages link to pages, never to fragments."""

    def link(path: str) -> str:
        if path == "index.html" or path.startswith("assets/"):
            return path
        ext = posixpath.splitext(path)[1] or ".html"
        return f"{OBJECTS}/{keys.opaque_name(path)}{ext}"

    return link


# The search files are sealed as two objects, each always opened whole and in this order
# whatever the query, so the host learns only that search was opened (README, "What the host
# can and cannot learn"): the index (the main file and every word shard: enough to rank a
# query and draw its results) under the main file's name, which the search page links to;
# then the texts (every text chunk, for the snippets), named in the index.
SEARCH_TEXTS = "search/texts.js"


def search_bundles(pages: Mapping[str, bytes], link: Callable[[str], str]) -> dict[str, bytes]:
    """Logical name -> one sealed search object: {MAIN: the index, SEARCH_TEXTS: the texts},
    each a JSON object {"bundle": 2, "files": {file name: its JSON}}, the index naming the
    texts object too. Parts are named as search.js will ask for them: by the file name their
    link from the search page would have. Empty when the site has no search files."""
    if not any(is_search_file(path) for path in pages):
        return {}

    def name(path: str) -> bytes:
        return json.dumps(MAIN if path == MAIN else posixpath.basename(link(path))).encode()

    parts: dict[str, list[bytes]] = {MAIN: [], SEARCH_TEXTS: []}
    for path, data in sorted(pages.items()):
        if is_search_file(path):
            into = SEARCH_TEXTS if is_text_chunk(path) else MAIN
            parts[into].append(name(path) + b":" + data_payload(data))
    texts = json.dumps(posixpath.basename(link(SEARCH_TEXTS))).encode()
    return {
        MAIN: b'{"bundle":2,"texts":' + texts + b',"files":{' + b",".join(parts[MAIN]) + b"}}",
        SEARCH_TEXTS: b'{"bundle":2,"files":{' + b",".join(parts[SEARCH_TEXTS]) + b"}}",
    }


def object_script(object_id: str, blob: bytes) -> bytes:
    """A classic script handing its blob to the shell; unlock.js checks it before use."""
    return (
        b'journalSealedObject("' + object_id.encode() + b'","' + base64.b64encode(blob) + b'");\n'
    )


_LINKED = re.compile(rb'(<(?:img|a|source|video|audio)\b[^>]*?\s(?:src|href)=")([^"]*)(")')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def link_attachments(
    page: str, html: bytes, files: Collection[str], link: Callable[[str], str]
) -> bytes:
    """Point a page's links to attachments (written relative to its logical path by the
    Markdown renderer) at their sealed names, relative to where the page is published."""
    if not files:
        return html
    here = posixpath.dirname(page)

    def relink(match: re.Match) -> bytes:
        url = match.group(2).decode("utf-8", "replace").replace("&amp;", "&")
        if not url or url.startswith(("/", "#", "?")) or _SCHEME.match(url):
            return match.group(0)
        path, _, fragment = url.partition("#")
        target = posixpath.normpath(posixpath.join(here, unquote(path.split("?", 1)[0])))
        if target not in files:
            return match.group(0)
        new = relative_url(link(page), link(target)) + (f"#{fragment}" if fragment else "")
        return match.group(1) + new.encode() + match.group(3)

    return _LINKED.sub(relink, html)


def file_type(path: str) -> str:
    """The media type the shell gives an attachment's decrypted bytes (an image, a PDF)."""
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def is_entry_page(path: str) -> bool:
    """An entry's own page (`entries/<id>.html`), as opposed to a list or evidence page."""
    return path.startswith("entries/") and path.endswith(".html") and path.count("/") == 1


@dataclass(frozen=True)
class SealedFile:
    """One sealed object's published file, `p/<id>.js`: its bytes (when sealed now), or
    the memo object holding them (`source`), and the digest of its blob, which the
    manifest lists."""

    object_id: str
    blob: str
    size: int
    data: bytes | None = None
    source: str | None = None


def sealed_objects(
    pages: SiteBytes,
    keys: SiteKeys,
    link: Callable[[str], str],
    epoch: bytes,
    files: Collection[str] = (),
    sequence: int = 0,
    kept: SiteMemo | None = None,
) -> list[SealedFile]:
    """Every HTML page but 404 (a plain file), the two search objects, and every attachment
    of the entries published (`files`), sealed, padded and named like pages, so the host
    learns neither their names nor their kinds.

    Every page that is not an entry's own (home, domains, tags, months, streaks, the failure
    log...) is sealed afresh on every publish (its nonce mixes in the publish `sequence`), so
    all of them change every time: which of them an edit touched would tell a host what
    kind of entry was added (a setback changes the failure log, a win the streaks). The
    rest are sealed under the epoch alone, so the same bytes give the same object: with
    `kept`, one sealed by an earlier publish is copied from it, its page unread (a publish
    after one edit seals the changed entry and the pages sealed afresh, nothing else)."""
    fresh = epoch + b"publish:" + str(sequence).encode()
    attached = digest("\0".join(sorted(files)).encode("utf-8", "surrogateescape"))
    content = pages.digest

    def page(path: str) -> Callable[[], bytes]:
        return lambda: link_attachments(path, pages[path], files, link)

    # (logical name, its bytes when asked, nonce, a digest of the bytes when the object may
    # be kept for the next publish: sealed under the epoch alone; None: sealed afresh)
    jobs: list[tuple[str, Callable[[], bytes], bytes, str | None]] = []
    for logical, bundle in search_bundles(pages, link).items():  # the largest: first
        jobs.append((logical, lambda b=bundle: b, epoch, digest(bundle)))
    for path in pages:
        if path.endswith(".html") and path != "404.html" and path not in files:
            if is_entry_page(path):
                jobs.append((path, page(path), epoch, content(path) + attached))
            else:
                jobs.append((path, page(path), fresh, None))
    for path in files:
        jobs.append((path, lambda p=path: pages[p], epoch, content(path)))

    sealed: list[SealedFile | None] = []
    todo: list[tuple[int, str, str | None]] = []  # (position, object id, key to keep it by)
    for n, (logical, _load, nonce, same) in enumerate(jobs):
        object_id = keys.opaque_name(logical)
        key = f"sealed 1\0{object_id}\0{nonce.hex()}\0{same}" if kept and same else None
        made = kept.kept(key) if kept and key else None
        if made is None:
            sealed.append(None)
            todo.append((n, object_id, key))
        else:
            sealed.append(SealedFile(object_id, made.note, made.size, source=made.source))
    tasks = [(object_id, jobs[n][1], jobs[n][2]) for n, object_id, _key in todo]
    for (n, object_id, key), (script, blob) in zip(todo, seal_many(keys, tasks), strict=True):
        if kept is not None and key is not None:
            made = kept.keep(key, script, blob)
            sealed[n] = SealedFile(object_id, blob, made.size, script, made.source)
        else:
            sealed[n] = SealedFile(object_id, blob, len(script), data=script)
    return sealed  # type: ignore[return-value]


SEAL_PARALLEL_MIN = 400  # objects; below this, forking workers costs more than it saves
_SEALING: tuple[SiteKeys, list] | None = None


def seal_many(
    keys: SiteKeys, tasks: list[tuple[str, Callable[[], bytes], bytes]]
) -> list[tuple[bytes, str]]:
    """(the object's script, the digest of its blob) for each (object id, its bytes when
    asked, nonce), in order: in forked workers when there are many (a first publish seals
    10,000 objects; zlib and AES release no lock worth sharing a process for)."""
    global _SEALING
    workers = pool_size(len(tasks), SEAL_PARALLEL_MIN)
    if workers == 1:
        return [_seal_one(keys, *task) for task in tasks]
    size = -(-len(tasks) // (workers * 8))
    bounds = [(i, min(i + size, len(tasks))) for i in range(0, len(tasks), size)]
    _SEALING = (keys, tasks)
    try:
        return [made for chunk in map_forked(_seal_slice, bounds, workers) for made in chunk]
    finally:
        _SEALING = None


def _seal_slice(bounds: tuple[int, int]) -> list[tuple[bytes, str]]:
    keys, tasks = _SEALING  # type: ignore[misc]
    return [_seal_one(keys, *task) for task in tasks[bounds[0] : bounds[1]]]


def _seal_one(
    keys: SiteKeys, object_id: str, load: Callable[[], bytes], nonce: bytes
) -> tuple[bytes, str]:
    blob = keys.seal(object_id, load(), nonce)
    return object_script(object_id, blob), digest(blob)


def _publish_template(root: Path, name: str) -> bytes:
    """The journal's own templates/publish/NAME first, then the default."""
    own = root / "templates" / "publish" / name
    if own.is_file():
        return own.read_bytes()
    checkout = Path(__file__).resolve().parents[2] / "templates" / "publish" / name
    if checkout.is_file():
        return checkout.read_bytes()
    packaged = resources.files("journal") / "_templates" / "publish" / name
    if packaged.is_file():
        return packaged.read_bytes()
    raise JournalError(f"templates/publish/{name} is missing")  # pragma: no cover


def shell(
    root: Path, ring: Keyring, manifest: bytes, theme: Mapping[str, str] | None = None
) -> bytes:
    """The one page shell: unlock form, keyring and this publish's sealed manifest (and the
    theme colours of its top bar, issue 26)."""
    template = jinja2.Template(_publish_template(root, SHELL_TEMPLATE).decode("utf-8"))
    ring_json = json.dumps(json.loads(ring.to_json()), separators=(",", ":"))
    page = template.render(
        keyring=ring_json,
        manifest=base64.b64encode(manifest).decode("ascii"),
        assets="assets/",
        theme=theme or {},
    )
    if not _POLICY.search(page):
        # A journal's own shell replaces the default one, policy included: without it, an
        # entry's markup could run script next to the key (the sanitiser is one layer only).
        raise JournalError(
            f"templates/publish/{SHELL_TEMPLATE}:1: has no Content-Security-Policy "
            '(expected the default shell\'s <meta http-equiv="Content-Security-Policy"> '
            "with script-src 'self', before any script)"
        )
    return page.encode("utf-8")


_POLICY = re.compile(
    r"<meta\s[^>]*http-equiv=\"Content-Security-Policy\"[^>]*content=\"[^\"]*"
    r"script-src 'self'[^\"]*\"[^>]*>(?:(?!<script).)*<script",
    re.IGNORECASE | re.DOTALL,
)


def publish(
    root: Path,
    out: Path,
    *,
    ring: Keyring | None,
    passphrase: str | None,
    today: date | None = None,
    reseal_all: bool = False,
) -> PublishResult:
    """Encrypted unless `ring` is None (then `--public`: the plain site, minus private and
    drafts). A wrong passphrase raises before anything is written."""
    if ring is not None and passphrase is None:
        raise JournalError("publishing encrypted needs the passphrase")
    try:
        with journal_lock(root, "publish"):  # builds wait for it, and it for them
            if ring is None:
                count, pages, _files = _render(root, Options(private=False, today=today), None)
                return PublishResult(count, _write(out, pages, root))
            return _publish_sealed(root, out, ring, passphrase, today, reseal_all)  # type: ignore[arg-type]
    except OSError as exc:
        raise JournalError(
            f"{exc.filename or out}: {exc.strerror or exc} (nothing was published; "
            f"{out} is left as it was)"
        ) from None


def _publish_sealed(
    root: Path, out: Path, ring: Keyring, passphrase: str, today: date | None, reseal_all: bool
) -> PublishResult:
    keys = SiteKeys.derive(unwrap(ring, passphrase), ring.build)
    link = make_linker(keys)
    options = Options(private=False, encrypted=True, today=today)
    kept = SiteMemo(root)
    count, pages, attachments = _render(root, options, link, kept)
    state = PublishState.load(root, ring.build)
    if reseal_all:
        state = state.resealed()
    state = state.next(int(time.time() * 1000))
    sealed = sealed_objects(pages, keys, link, state.epoch, attachments, state.sequence, kept)
    # written in the order of their opaque names (write_folder: by path): the files' times,
    # kept by a tar or `rsync -a`, then tell neither an entry from a list nor kept from new
    ordered = sorted(sealed, key=lambda s: s.object_id)
    manifest = {
        "publish": state.sequence,
        "home": keys.opaque_name("index.html"),
        "objects": {s.object_id: s.blob for s in ordered},
        # attachments: shown by the shell from their decrypted bytes, with this media type
        "files": {keys.opaque_name(path): file_type(path) for path in sorted(attachments)},
    }
    objects = {f"{OBJECTS}/{s.object_id}.js": s for s in ordered}
    files = {path: s.data for path, s in objects.items() if s.data is not None}
    copied = {path: s.source for path, s in objects.items() if s.data is None and s.source}
    files.update({path: pages[path] for path in pages if path.startswith("assets/")})
    files[UNLOCK_SCRIPT] = _publish_template(root, "unlock.js")
    theme = pwa.theme_colours(files.get("assets/style.css", b""))
    files[SHELL] = shell(root, ring, keys.seal_manifest(manifest), theme)
    files["robots.txt"] = ROBOTS
    files["404.html"] = NOT_FOUND
    files[".nojekyll"] = b""
    shell_files = {p: d for p, d in files.items() if not p.startswith(OBJECTS + "/")}
    sizes = {path: (s.size, s.blob) for path, s in objects.items()}
    files.update(pwa.app_files(root, shell_files, sizes, state.sequence))  # issue 26
    _write(out, files, root, copied)  # type: ignore[arg-type]
    state.save(root)
    kept.save()
    return PublishResult(count, len(files) + len(copied), state.sequence)


_OBJECT = re.compile(rb'^journalSealedObject\("([0-9a-f]{24})","([A-Za-z0-9+/=]*)"\);\n$')
_MANIFEST = re.compile(rb'id="journal-manifest">([A-Za-z0-9+/=]+)</script>')


def read_published(out: Path) -> tuple[bytes, dict[str, bytes]]:
    """A published folder's sealed manifest and objects (id -> blob): for checks and tests."""
    found = _MANIFEST.search((out / SHELL).read_bytes())
    if found is None:
        raise JournalError(f"{out / SHELL}: no sealed manifest")
    objects = {}
    for path in sorted((out / OBJECTS).glob("*.js")):
        match = _OBJECT.match(path.read_bytes())
        if match is None:
            raise JournalError(f"{path}: not a sealed object")
        objects[match.group(1).decode()] = base64.b64decode(match.group(2))
    return base64.b64decode(found.group(1)), objects
