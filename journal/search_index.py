"""The search index: small enough to open at once, however large the journal.

Loading every entry's text costs a browser about 25 ms per MB, so a 10,000-entry journal
(~17 MB of text) cannot be searched from one file in well under a second. Instead:

- `search-index.js`: per entry (numbered oldest first) its kind and domain, for the
  filters, its title, date and link, to show a result at once, and where the other
  files are;
- `search/w-<hex of prefix>.js` shards: words starting with that prefix -> postings
  [entry number, score, ...], score = the weights of the fields the word is in;
- `search/d-<n>.js` chunks of CHUNK entries each: link, title, date, kind, domain, tags,
  lesson, next and text, loaded only for the snippets of the results on screen.

A query loads the main file, one shard per word, and the chunks of the results it shows.
Entries are numbered oldest first, so a new entry changes the last chunk, the shards of
its words and the main file, and nothing else. Every file is a classic script (file://
has no fetch) that stores its JSON under its file name in `window.__journalSearch`; an
encrypted publish seals the JSON instead (journal/publish.py).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from .entries import Entry

MAIN = "search-index.js"
CHUNK = 10
WEIGHTS = {"title": 100, "lesson": 100, "meta": 10, "next": 5, "text": 1}
WORD = re.compile(r"\w+")
_PREFIX = b"(window.__journalSearch = window.__journalSearch || {})["
_SUFFIX = b";\n"


def data_script(name: str, payload: str) -> bytes:
    return _PREFIX + json.dumps(name).encode() + b"] = " + payload.encode("utf-8") + _SUFFIX


def data_payload(script: bytes) -> bytes:
    """The JSON inside a data script: what an encrypted publish seals."""
    if not (script.startswith(_PREFIX) and script.endswith(_SUFFIX)):
        raise ValueError("not a search data script")
    return script[script.index(b"] = ", len(_PREFIX)) + 4 : -len(_SUFFIX)]


def is_search_file(path: str) -> bool:
    return path == MAIN or path.startswith("search/")


def entry_terms(e: Entry, domain_name: str) -> dict[str, int]:
    """word -> score for one entry; the sum of the weights of the fields holding it."""
    fields = {
        "title": e.title,
        "lesson": e.lesson or "",
        "meta": " ".join([e.domain, domain_name, *e.tags]),
        "next": e.next or "",
        "text": e.text,
    }
    terms: dict[str, int] = defaultdict(int)
    for field, text in fields.items():
        for word in set(WORD.findall(text.lower())):
            terms[word] += WEIGHTS[field]
    return dict(terms)


def key_length(postings: int) -> int:
    """Shard by one, two or three leading characters, so shards stay a few KB to ~100 KB."""
    return 1 if postings < 50_000 else 2 if postings < 2_000_000 else 3


def shard_path(key: str) -> str:
    return f"search/w-{key.encode('utf-8').hex()}.js"


def chunk_path(n: int) -> str:
    return f"search/d-{n}.js"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _postings(words: dict[str, dict[int, int]]) -> str:
    return _dumps({w: [x for n in sorted(p) for x in (n, p[n])] for w, p in sorted(words.items())})


class SearchIndexer:
    """Builds the index files, and keeps them so the next build redoes only what changed.

    An edit that leaves every entry where it was (a body or title edit) updates the
    postings of the words whose score changed and re-dumps only their shards; anything
    else (an entry added, removed or moved, another linker or domain list) starts over.
    `files()` gives each file with a fingerprint that changes exactly when its bytes do,
    so the page memo can skip writing (and even comparing) the unchanged ones.
    """

    def __init__(self) -> None:
        self.token = os.urandom(6).hex()  # fingerprints never match another process's
        self.context: tuple | None = None
        self.ids: list[tuple[str, str]] = []
        self.terms: list[dict[str, int]] = []
        self.k = 0
        self.shards: dict[str, dict[str, dict[int, int]]] = {}
        self.chunks: dict[int, tuple[str, ...]] = {}
        self.out: dict[str, bytes] = {}
        self.versions: dict[str, int] = {}
        self.links: dict[str, str] = {}

    def _put(self, path: str, data: bytes) -> None:
        if self.out.get(path) != data:
            self.out[path] = data
            self.versions[path] = self.versions.get(path, 0) + 1

    def build(
        self,
        entries: Sequence[Entry],
        domain_names: dict[str, str],
        terms_of: Callable[[Entry], dict[str, int]],
        row_of: Callable[[Entry], str],
        link: Callable[[str], str],
        context: tuple,
    ) -> dict[str, tuple[bytes, str]]:
        """All search files: output path -> (bytes, fingerprint). `entries` oldest first;
        `row_of` gives an entry's JSON row, `link` a path relative to the search page."""
        ids = [(e.path, e.digest) for e in entries]
        terms = [terms_of(e) for e in entries]
        k = key_length(sum(len(t) for t in terms))
        same = (
            context == self.context
            and k == self.k
            and len(ids) == len(self.ids)
            and all(a[0] == b[0] for a, b in zip(ids, self.ids, strict=True))
        )
        if same:
            dirty = self._update(ids, terms, k)
        else:
            self.links = {}
            self.chunks = {}
            self.shards = {}
            for n, t in enumerate(terms):
                for word, score in t.items():
                    self.shards.setdefault(word[:k], {}).setdefault(word, {})[n] = score
            dirty = set(self.shards)
        self.context, self.ids, self.terms, self.k = context, ids, terms, k
        for key in dirty:
            words = self.shards.get(key)
            path = shard_path(key)
            if words:
                self._put(path, data_script(posixpath.basename(path), _postings(words)))
            else:
                self.shards.pop(key, None)
        wanted = {shard_path(key) for key in self.shards}
        for start in range(0, len(entries), CHUNK):
            c = start // CHUNK
            rows = tuple(row_of(e) for e in entries[start : start + CHUNK])
            path = chunk_path(c)
            wanted.add(path)
            if self.chunks.get(c) != rows or path not in self.out:
                self.chunks[c] = rows
                self._put(path, data_script(posixpath.basename(path), "[" + ",\n".join(rows) + "]"))
        self._put(MAIN, data_script(MAIN, self._main(entries, domain_names, link)))
        wanted.add(MAIN)
        for path in set(self.out) - wanted:
            del self.out[path]
        return {
            path: (data, f"search:{self.token}:{self.versions[path]}")
            for path, data in self.out.items()
        }

    def _update(self, ids: list[tuple[str, str]], terms: list[dict[str, int]], k: int) -> set[str]:
        dirty: set[str] = set()
        for n, (new_id, old_id) in enumerate(zip(ids, self.ids, strict=True)):
            if new_id == old_id:
                continue
            old, new = self.terms[n], terms[n]
            for word, score in old.items():
                if new.get(word) != score:
                    postings = self.shards[word[:k]][word]
                    del postings[n]
                    if not postings:
                        del self.shards[word[:k]][word]
                    dirty.add(word[:k])
            for word, score in new.items():
                if old.get(word) != score:
                    self.shards.setdefault(word[:k], {}).setdefault(word, {})[n] = score
                    dirty.add(word[:k])
        return dirty

    def _link(self, link: Callable[[str], str], path: str) -> str:
        found = self.links.get(path)
        if found is None:
            found = self.links[path] = link(path)
        return found

    def _main(self, entries: Sequence[Entry], domain_names: dict[str, str], link) -> str:  # noqa: ANN001
        slugs = sorted(domain_names)
        slot = {s: i for i, s in enumerate(slugs)}
        main = {
            "version": 2,
            "count": len(entries),
            "chunk": CHUNK,
            "keyLength": self.k,
            "domains": {s: domain_names[s] for s in slugs},
            "domainList": slugs,
            "kinds": "".join("w" if e.is_win else "s" for e in entries),
            "titles": [e.title for e in entries],
            "dates": [e.date.isoformat() for e in entries],
            "links": [self._link(link, f"entries/{e.id}.html") for e in entries],  # entry_path
            "domainOf": [slot.get(e.domain, -1) for e in entries],
            "shards": {key: self._link(link, shard_path(key)) for key in sorted(self.shards)},
            "docs": [self._link(link, chunk_path(c)) for c in range(-(-len(entries) // CHUNK))],
        }
        return _dumps(main)


def build_index(
    entries: Sequence[Entry],
    domain_names: dict[str, str],
    terms_of: Callable[[Entry], dict[str, int]],
    row_of: Callable[[Entry], str],
    link: Callable[[str], str],
) -> dict[str, bytes]:
    """The files of a fresh index, without fingerprints."""
    built = SearchIndexer().build(entries, domain_names, terms_of, row_of, link, ())
    return {path: data for path, (data, _fp) in built.items()}


def row(link: str, e: Entry) -> str:
    fields = [link, e.title, e.date.isoformat(), e.kind, e.domain, list(e.tags)]
    return _dumps([*fields, e.lesson or "", e.next or "", e.text])
