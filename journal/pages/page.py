"""A page: one output path, the template that makes it, and the exact context it receives.

The page's key is a digest of exactly that (plus the global key), so the render memo can
never serve a page whose inputs changed. Entries enter contexts as views: `Entry` (the
frontmatter only, for lists, neighbours and charts) or `FullEntry` (with the body, only on
pages that show it), and each view is hashed by its own derived key. A template that
reaches for a field its view does not have fails with an undefined-variable error.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass
from typing import Any

from journal.load.entry import Entry, FullEntry

RAW = "@raw"  # a file's bytes as given in context["data"] (assets, static files)


@dataclass(frozen=True)
class Page:
    path: str  # where it goes in the site, relative to its root, with `/`
    template: str  # a Jinja template name, or a builtin renderer such as RAW
    context: dict[str, Any]


class _Fingerprinter(pickle.Pickler):
    """Pickles a page's inputs, writing each entry view as its kind and derived key."""

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is FullEntry:
            return ("F", obj.key, obj.body_key)
        if kind is Entry:
            return ("E", obj.key)
        if kind is frozenset or kind is set:  # iteration order varies by process
            try:
                return ("S", tuple(sorted(obj)))
            except TypeError:
                return ("S", tuple(sorted(obj, key=repr)))
        return None


def fingerprint(*parts: Any) -> str:
    """A digest of everything given; equal digests mean equal inputs.

    No pickle memo: with it, equal values pickle differently when one shares string
    objects and the other does not. Sets are written sorted: their order varies by process.
    """
    buffer = io.BytesIO()
    pickler = _Fingerprinter(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


def page_key(global_key: str, page: Page) -> str:
    if page.template == RAW:  # bytes need no pickling to be keyed
        data = page.context["data"]
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{global_key}\0{page.path}\0".encode("utf-8", "surrogateescape"))
        h.update(data)
        return h.hexdigest()
    return fingerprint(global_key, page.path, page.template, page.context)
