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

from journal.build import Options, site_files
from journal.errors import JournalError
from journal.lock import journal_lock
from journal.pages.attachments import attachment_paths
from journal.pages.paths import relative_url
from journal.pages.search_index import MAIN, data_payload, is_search_file, is_text_chunk
from journal.publish import pwa
from journal.publish.crypto import Keyring, SiteKeys, digest, unwrap
from journal.publish.state import PublishState
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
    root: Path, options: Options, linker: Callable[[str], str] | None
) -> tuple[int, dict, list[str]]:
    """(entries shown, logical path -> bytes, the attachments among them): every page,
    search file, theme asset and attachment of the entries shown (and, only when not
    encrypted, the static/ folder)."""
    shown, files = site_files(root, options, linker)
    return len(shown.entries), files, attachment_paths(shown)


SCRATCH = "publish-tmp"  # publish's own temporary folders, never a build's


def _write(out: Path, files: dict[str, bytes], root: Path) -> int:
    """Refuse folders whose loss would hurt, then replace `out` with `files`, atomically."""
    check_target(out, root, root / CACHE_DIR)
    clean_scratch(out, root / CACHE_DIR, SCRATCH)
    return write_folder(out, files, scratch_folder(out, root / CACHE_DIR, SCRATCH))


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


def sealed_objects(
    pages: Mapping[str, bytes],
    keys: SiteKeys,
    link: Callable[[str], str],
    epoch: bytes,
    files: Collection[str] = (),
    sequence: int = 0,
) -> dict[str, bytes]:
    """Object id -> blob: every HTML page but 404 (a plain file), the two search objects,
    and every attachment of the entries published (`files`), sealed, padded and named like
    pages, so the host learns neither their names nor their kinds.

    Every page that is not an entry's own (home, domains, tags, months, streaks, the failure
    log...) is sealed afresh on every publish (its nonce mixes in the publish `sequence`), so
    all of them change every time: which of them an edit touched would tell a host what
    kind of entry was added (a setback changes the failure log, a win the streaks)."""
    fresh = epoch + b"publish:" + str(sequence).encode()

    def seal(path: str, data: bytes) -> bytes:
        object_id = keys.opaque_name(path)
        return keys.seal(object_id, data, epoch if is_entry_page(path) else fresh)

    objects = {
        keys.opaque_name(path): seal(path, link_attachments(path, data, files, link))
        for path, data in pages.items()
        if path.endswith(".html") and path != "404.html" and path not in files
    }
    for logical, bundle in search_bundles(pages, link).items():
        objects[keys.opaque_name(logical)] = keys.seal(keys.opaque_name(logical), bundle, epoch)
    for path in files:
        objects[keys.opaque_name(path)] = keys.seal(keys.opaque_name(path), pages[path], epoch)
    return objects


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
    count, pages, attachments = _render(root, options, link)
    state = PublishState.load(root, ring.build)
    if reseal_all:
        state = state.resealed()
    state = state.next(int(time.time() * 1000))
    objects = sealed_objects(pages, keys, link, state.epoch, attachments, state.sequence)
    manifest = {
        "publish": state.sequence,
        "home": keys.opaque_name("index.html"),
        "objects": {object_id: digest(blob) for object_id, blob in sorted(objects.items())},
        # attachments: shown by the shell from their decrypted bytes, with this media type
        "files": {keys.opaque_name(path): file_type(path) for path in sorted(attachments)},
    }
    files = {f"{OBJECTS}/{i}.js": object_script(i, blob) for i, blob in objects.items()}
    files.update({path: data for path, data in pages.items() if path.startswith("assets/")})
    files[UNLOCK_SCRIPT] = _publish_template(root, "unlock.js")
    theme = pwa.theme_colours(files.get("assets/style.css", b""))
    files[SHELL] = shell(root, ring, keys.seal_manifest(manifest), theme)
    files["robots.txt"] = ROBOTS
    files["404.html"] = NOT_FOUND
    files[".nojekyll"] = b""
    files.update(pwa.app_files(root, files, state.sequence))  # on a phone, offline (issue 26)
    _write(out, files, root)
    state.save(root)
    return PublishResult(count, len(files), state.sequence)


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
