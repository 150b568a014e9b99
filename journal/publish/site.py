"""`journal publish`: the site for a static host, every page sealed under the passphrase.

The same render as `build`, with private entries and drafts left out and a linker that
gives every page but the home page an opaque name (`p/<hmac of its path>.html`). Each page
then becomes a generic shell: an unlock form, the public keyring, and the sealed page.
Nothing in the output names an entry, date, domain or tag; see journal/crypto.py.
"""

from __future__ import annotations

import base64
import json
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from journal.build import Options, render_journal
from journal.cache import EntryCache
from journal.errors import JournalError
from journal.pages.search_index import MAIN, data_payload, is_search_file
from journal.publish.crypto import Keyring, SiteKeys, TamperedObject, unwrap
from journal.render import collect_assets, make_env, template_dirs
from journal.write import check_target, write_site

SHELL_TEMPLATE = "publish/locked.html"
UNLOCK_SCRIPT = "assets/unlock.js"
PLAIN_PATHS = {"index.html"}  # where hosts look first; it is a shell like every other page
ROBOTS = b"User-agent: *\nDisallow: /\n"
NOT_FOUND = b"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer"><title>Not found</title></head>
<body><main><h1>Not found</h1><p>There is no page here.</p></main></body>
</html>
"""
_PAYLOAD = re.compile(
    rb'id="journal-payload">([A-Za-z0-9+/=]*)</script>|\] = "([A-Za-z0-9+/=]*)";\n'
)


@dataclass(frozen=True)
class PublishResult:
    entries: int
    files: int
    written: int
    removed: int

    def summary(self, out: Path, encrypted: bool) -> str:
        what = "encrypted" if encrypted else "UNENCRYPTED"
        return (
            f"Published {self.entries} entries as {self.files} {what} files in {out} "
            f"({self.written} written, {self.removed} removed)."
        )


def make_linker(keys: SiteKeys) -> Callable[[str], str]:
    """Logical page path -> published path; fragments are kept."""

    def link(path: str) -> str:
        target, hash_, fragment = path.partition("#")
        if target in PLAIN_PATHS or target.startswith("assets/"):
            return path
        ext = posixpath.splitext(target)[1] or ".html"
        return f"p/{keys.opaque_name(target)}{ext}{hash_}{fragment}"

    return link


def search_bundle(pages: Mapping[str, bytes], link: Callable[[str], str]) -> bytes:
    """Every search file as one JSON object {file name: its JSON}: the index is one sealed
    object, opened in memory after unlocking. Parts are named as search.js will ask for
    them: by the file name their link from the search page would have."""
    parts = [
        json.dumps(MAIN if path == MAIN else posixpath.basename(link(path))).encode()
        + b":"
        + data_payload(data)
        for path, data in sorted(pages.items())
        if is_search_file(path)
    ]
    return b'{"bundle":1,"files":{' + b",".join(parts) + b"}}"


def _asset_prefix(object_id: str) -> str:
    return "../" * object_id.count("/") + "assets/"


def _existing_blob(out: Path, object_id: str) -> bytes | None:
    try:
        data = (out / object_id).read_bytes()
    except OSError:
        return None
    match = _PAYLOAD.search(data)
    return (match.group(1) or match.group(2)) if match else None


def _reuse(keys: SiteKeys, object_id: str, old_b64: bytes | None, plaintext: bytes) -> bytes | None:
    """The blob already published for this object, if it still holds exactly this plaintext:
    re-encrypting would change every file on every publish (fresh nonces)."""

    if old_b64 is None:
        return None
    try:
        blob = base64.b64decode(old_b64, validate=True)
        return old_b64 if keys.open(object_id, blob) == plaintext else None
    except (ValueError, TamperedObject):
        return None


def seal_site(
    pages: dict[str, bytes], keys: SiteKeys, ring: Keyring, root: Path, out: Path
) -> dict[str, bytes]:
    """Rendered pages (already at their published paths) -> shells, sealed data and assets."""

    shell = make_env(root).get_template(SHELL_TEMPLATE)
    ring_json = json.dumps(json.loads(ring.to_json()), separators=(",", ":"))
    published: dict[str, bytes] = {}
    for object_id, plaintext in pages.items():
        if object_id.startswith("assets/"):
            published[object_id] = plaintext
            continue
        old = _existing_blob(out, object_id)
        payload = _reuse(keys, object_id, old, plaintext)
        if payload is None:
            payload = base64.b64encode(keys.seal(object_id, plaintext))
        if object_id.endswith(".html"):
            published[object_id] = shell.render(
                keyring=ring_json, payload=payload.decode("ascii"), assets=_asset_prefix(object_id)
            ).encode("utf-8")
        else:  # a data script: a classic script, so it loads from file:// too
            published[object_id] = (
                b"(window.__journalSealed = window.__journalSealed || {})["
                + json.dumps(object_id).encode()
                + b'] = "'
                + payload
                + b'";\n'
            )
    published[UNLOCK_SCRIPT] = _unlock_script(root)
    published["robots.txt"] = ROBOTS
    published["404.html"] = NOT_FOUND
    published[".nojekyll"] = b""
    return published


def _unlock_script(root: Path) -> bytes:
    for folder in template_dirs(root):
        path = folder / "publish" / "unlock.js"
        if path.is_file():
            return path.read_bytes()
    raise JournalError("templates/publish/unlock.js is missing")  # pragma: no cover


def publish(
    root: Path,
    out: Path,
    *,
    ring: Keyring | None,
    passphrase: str | None,
    today: date | None = None,
    cache: EntryCache | None = None,
) -> PublishResult:
    """Encrypted unless `ring` is None (then `--public`: the plain site, minus private and
    drafts). A wrong passphrase raises before anything is written."""
    check_target(out, root)
    theme = collect_assets(root, static=ring is None)
    if ring is None:
        rendered = render_journal(root, Options(private=False, today=today), cache, assets=theme)
        written, removed = write_site(rendered.pages, out)
        n = len(rendered.pages)
        return PublishResult(len(rendered.journal.entries), n, written, removed)
    if passphrase is None:
        raise JournalError("publishing encrypted needs the passphrase")
    keys = SiteKeys.derive(unwrap(ring, passphrase), ring.build)
    link = make_linker(keys)
    rendered = render_journal(
        root,
        Options(private=False, encrypted=True, today=today),
        cache,
        linker=link,
        assets=theme,
    )
    kept = {
        path: data
        for path, data in rendered.pages.items()
        if path != "404.html" and (path.endswith(".html") or path.startswith("assets/"))
    }
    at_published_paths = {
        (path if path.startswith("assets/") else link(path)): data for path, data in kept.items()
    }
    at_published_paths[link(MAIN)] = search_bundle(rendered.pages, link)
    files = seal_site(at_published_paths, keys, ring, root, out)
    written, removed = write_site(files, out)
    return PublishResult(len(rendered.journal.entries), len(files), written, removed)
