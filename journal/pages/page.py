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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from journal.analyse.analytics import Figures
from journal.load.entry import Body, Entry, FullEntry

RAW = "@raw"  # a file's bytes as given in context["data"] (assets, static files)


Late = Callable[[Mapping[str, Body]], dict[str, Any]]


@dataclass(frozen=True)
class Page:
    """`late`, when given, adds what the page shows of entry bodies: it receives the bodies
    by id and returns more context. The bodies it reads are recorded (`resolve`), so an edit
    that changes only a body redoes only the pages that read it (journal/engine.py)."""

    path: str  # where it goes in the site, relative to its root, with `/`
    template: str  # a Jinja template name, or a builtin renderer such as RAW
    context: dict[str, Any]
    late: Late | None = None


class Reads(Mapping[str, Body]):
    """The bodies by id, recording which ones are read."""

    __slots__ = ("bodies", "derived", "read")

    def __init__(self, bodies: Mapping[str, Body], derived: Mapping[str, Any]):
        self.bodies = bodies
        self.derived = derived
        self.read: set[object] = set()

    def part(self, name: str, key: str) -> Any:
        """A part of a value made from every body (the search index's shard `key`),
        recorded as ("name", key): an edit redoes the pages of the parts it changed."""
        self.read.add((name, key))
        return self.derived[name].shard(key)

    def __getitem__(self, key: str) -> Body:
        self.read.add(key)
        return self.bodies[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return self.bodies.get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(key)  # type: ignore[arg-type]
        return key in self.bodies

    def __iter__(self):  # noqa: ANN204 - reading them all: every one counts as read
        self.read.update(self.bodies)
        return iter(self.bodies)

    def __len__(self) -> int:
        self.read.update(self.bodies)
        return len(self.bodies)


def resolve(
    page: Page, bodies: Mapping[str, Body], derived: Mapping[str, Any]
) -> tuple[Page, frozenset[object]]:
    """The page with its late context added, and what it read: body ids and parts."""
    if page.late is None:
        return page, frozenset()
    reads = Reads(bodies, derived)
    context = {**page.context, **page.late(reads)}
    return Page(page.path, page.template, context), frozenset(reads.read)


class Digests(dict):
    """id -> (object, digest), noting which were asked for (`used`)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.used: set[int] = set()

    def get(self, key: int, default: Any = None) -> Any:  # type: ignore[override]
        self.used.add(key)
        return super().get(key, default)

    def __setitem__(self, key: int, value: tuple[Any, str | None]) -> None:
        self.used.add(key)
        super().__setitem__(key, value)


# Analysis results many pages hold whole (a domain's figures on its page, the failure log,
# the home page and the streaks page): each is written as one digest of itself, worked out
# once for as long as the object lives (they are never changed once made).
WHOLE: tuple[type, ...] = (Figures,)


class _Fingerprinter(pickle.Pickler):
    """Pickles a page's inputs, writing each entry view as its kind and derived key.

    A long sequence made only of entries is written as one digest of their keys, and an
    analysis result (WHOLE) as one digest of its pickle, both kept in `lists` (by identity,
    holding the object so the identity stays its own): the same ones appear on many pages,
    and the preview keeps them from one listing to the next."""

    LONG = 16

    def __init__(self, file: io.BytesIO, lists: dict[int, tuple[Any, str | None]], top: Any = None):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True  # no memo: see fingerprint()
        self.lists = lists
        self.top = top  # the object being digested whole, written out here

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is Entry:
            return "E" + obj.key
        if kind is FullEntry:
            return "F" + obj.key + obj.body_key
        if kind is Body:
            return "B" + obj.key
        if kind in WHOLE and obj is not self.top:
            found = self.lists.get(id(obj))
            if found is None:
                buffer = io.BytesIO()
                _Fingerprinter(buffer, self.lists, obj).dump(obj)
                digest = "W" + hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()
                found = self.lists[id(obj)] = (obj, digest)
            return found[1]
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

    def __init__(
        self,
        global_key: str,
        common: dict[str, Any],
        kept: dict[int, tuple[Any, str | None]] | None = None,
        templates: Callable[[str], str] | None = None,
    ):
        """`global_key`: keys.pages_key; `kept`: the digests of lists and analysis results
        the last keys used (`kept()`), each a digest of the object it holds, whatever the
        prefix; `templates`: a template's name -> a digest of the template files it reads
        (template_keys.TemplateKeys), for pages rendered by a template."""
        self.prefix = fingerprint(global_key, common)
        self.lists = Digests(kept or {})
        self.templates = templates or (lambda name: "")

    def kept(self) -> dict[int, tuple[Any, str | None]]:
        """The digests these keys used, for the next keys (the preview's next listing): the
        objects they hold are the listing's own, so holding them costs nothing more."""
        return {i: self.lists[i] for i in self.lists.used if i in self.lists}

    def __call__(self, page: Page) -> str:
        if page.template == RAW:  # bytes need no pickling to be keyed
            h = hashlib.blake2b(digest_size=16)
            h.update(f"{self.prefix}\0{page.path}\0".encode("utf-8", "surrogateescape"))
            h.update(page.context["data"])
            return h.hexdigest()
        # "@..." names a renderer of the program's own (search files), not a template file
        read = "" if page.template.startswith("@") else self.templates(page.template)
        return fingerprint(
            self.prefix, page.path, page.template, read, page.context, lists=self.lists
        )
