"""A page: one output path, the template that makes it, and the exact context it receives.

The page's key is a digest of exactly that (plus the global key), so the render memo can
never serve a page whose inputs changed. Entries enter contexts as views: `Entry` (the
frontmatter only, for lists, neighbours and charts) or `FullEntry` (with the body, only on
pages that show it; the search texts take the `Body` itself), and each is hashed by its
own derived key. A template that
reaches for a field its view does not have fails with an undefined-variable error.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass
from typing import Any

from journal.load.entry import Body, Entry, FullEntry

RAW = "@raw"  # a file's bytes as given in context["data"] (assets, static files)


@dataclass(frozen=True)
class Page:
    path: str  # where it goes in the site, relative to its root, with `/`
    template: str  # a Jinja template name, or a builtin renderer such as RAW
    context: dict[str, Any]


class _Fingerprinter(pickle.Pickler):
    """Pickles a page's inputs, writing each entry view as its kind and derived key.

    A long sequence made only of entries is written as one digest of their keys, kept for
    the build in `lists` (by identity, holding the sequence so the identity stays its
    own): the same lists appear on many pages."""

    LONG = 16

    def __init__(self, file: io.BytesIO, lists: dict[int, tuple[Any, str | None]]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True  # no memo: see fingerprint()
        self.lists = lists

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is Entry:
            return "E" + obj.key
        if kind is FullEntry:
            return "F" + obj.key + obj.body_key
        if kind is Body:
            return "B" + obj.key
        if (kind is tuple or kind is list) and len(obj) > self.LONG and type(obj[0]) is Entry:
            found = self.lists.get(id(obj))
            if found is None:
                digest = None
                if all(type(e) is Entry for e in obj):
                    joined = "".join([e.key for e in obj]).encode()
                    digest = "L" + hashlib.blake2b(joined, digest_size=16).hexdigest()
                found = self.lists[id(obj)] = (obj, digest)
            return found[1]
        if kind is frozenset or kind is set:  # iteration order varies by process
            try:
                return ("S", tuple(sorted(obj)))
            except TypeError:
                return ("S", tuple(sorted(obj, key=repr)))
        return None


def fingerprint(*parts: Any, lists: dict[int, tuple[Any, str | None]] | None = None) -> str:
    """A digest of everything given; equal digests mean equal inputs.

    No pickle memo: with it, equal values pickle differently when one shares string
    objects and the other does not. Sets are written sorted: their order varies by process.
    """
    buffer = io.BytesIO()
    _Fingerprinter(buffer, {} if lists is None else lists).dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


class PageKeys:
    """The keys of one build's pages: what every page receives (`common`) under the
    global key, then each page's own path, template and context."""

    def __init__(self, global_key: str, common: dict[str, Any]):
        self.prefix = fingerprint(global_key, common)
        self.lists: dict[int, tuple[Any, str | None]] = {}

    def __call__(self, page: Page) -> str:
        if page.template == RAW:  # bytes need no pickling to be keyed
            h = hashlib.blake2b(digest_size=16)
            h.update(f"{self.prefix}\0{page.path}\0".encode("utf-8", "surrogateescape"))
            h.update(page.context["data"])
            return h.hexdigest()
        return fingerprint(self.prefix, page.path, page.template, page.context, lists=self.lists)
