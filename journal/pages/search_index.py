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

import hashlib
import json
import os
import posixpath
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Sequence

from journal.load.entry import Entry

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


Terms = tuple[tuple[str, ...], bytes]  # an entry's words (interned) and their scores


def compact(terms: dict[str, int]) -> Terms:
    """About a tenth of a dict's memory; words are shared between entries."""
    words = tuple(sys.intern(w) for w in terms)
    return words, bytes(min(terms[w], 255) for w in words)


def _postings(words: dict[str, array]) -> str:
    return (
        "{"
        + ",".join(
            f"{json.dumps(w, ensure_ascii=False)}:[{','.join(map(str, p))}]"
            for w, p in sorted(words.items())
        )
        + "}"
    )


class SearchIndexer:
    """Builds the index files, and remembers enough to redo only what changed.

    Kept in the page memo, so it outlives the process: per entry its identity and terms,
    and per file a fingerprint that changes exactly when its bytes do, so the memo can
    skip writing (and even comparing) unchanged files. The postings themselves are only
    rebuilt (from the terms, not the entries) when something changed. An edit that leaves
    every entry where it was updates the postings of the words whose score changed and
    re-dumps only their shards; anything else starts the shards over.
    """

    def __init__(self) -> None:
        self.token = os.urandom(6).hex()  # fingerprints never match another memo's
        self.context: tuple | None = None
        self.ids: list[tuple[str, str]] = []
        self.terms: list[Terms] = []
        self.k = 0
        self.keys: list[str] = []  # shard keys, sorted
        self.chunk_ids: dict[int, tuple] = {}
        self.main_hash = ""
        self.versions: dict[str, int] = {}
        self._transient()

    def _transient(self) -> None:
        self.shards: dict[str, dict[str, array]] | None = None
        self.partial = False  # True: self.shards holds only the shards an edit touched
        if not hasattr(self, "links"):
            self.links: dict[str, str] = {}  # kept: links depend only on the context

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("shards", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._transient()

    def _bump(self, path: str) -> None:
        self.versions[path] = self.versions.get(path, 0) + 1

    def _all_shards(self, terms: list[Terms], k: int) -> dict[str, dict[str, array]]:
        shards: dict[str, dict[str, array]] = {}
        for n, (words, scores) in enumerate(terms):
            for word, score in zip(words, scores):  # noqa: B905 - equal by construction
                shard = shards.get(word[:k])
                if shard is None:
                    shard = shards[word[:k]] = {}
                postings = shard.get(word)
                if postings is None:
                    postings = shard[word] = array("i")
                postings.append(n)
                postings.append(score)
        return shards

    def build(
        self,
        entries: Sequence[Entry],
        domain_names: dict[str, str],
        terms_of: Callable[[Entry], dict[str, int]],
        row_of: Callable[[Entry], str],
        link: Callable[[str], str],
        context: tuple,
        previous: Callable[[str], bytes | None] = lambda path: None,
    ) -> tuple[dict[str, str], Callable[[str], bytes]]:
        """(output path -> fingerprint for every search file, a function giving a file's
        bytes). `entries` oldest first; `link` gives a path relative to the search page;
        `previous` gives a file as the last build wrote it, when it is still intact."""
        ids = [(e.path, e.digest) for e in entries]
        known = dict(zip(self.ids, self.terms, strict=True)) if self.ids != ids else {}
        if self.ids == ids:
            terms = self.terms
        else:
            terms = [
                known.get(i) or compact(terms_of(e)) for i, e in zip(ids, entries, strict=True)
            ]
        k = key_length(sum(len(t[0]) for t in terms))
        if context != self.context:
            self.links = {}
        same_places = (
            context == self.context
            and k == self.k
            and len(ids) == len(self.ids)
            and all(a[0] == b[0] for a, b in zip(ids, self.ids, strict=True))
        )
        if same_places and self.ids == ids:
            dirty: set[str] = set()
        elif same_places:
            dirty = self._update(ids, terms, k, previous)
        else:
            self.shards, self.partial = self._all_shards(terms, k), False
            dirty = set(self.shards) | set(self.keys)
        self.context, self.ids, self.terms, self.k = context, ids, terms, k
        if self.shards is not None:
            for key in [key for key, words in self.shards.items() if not words]:
                del self.shards[key]
            if self.partial:  # only the changed shards are in memory
                gone = {key for key in dirty if key not in self.shards}
                self.keys = sorted((set(self.keys) - gone) | set(self.shards))
            else:
                self.keys = sorted(self.shards)
        for key in dirty:
            self._bump(shard_path(key))
        fps = {}
        for key in self.keys:
            path = shard_path(key)
            fps[path] = f"search:{self.token}:{self.versions.setdefault(path, 1)}"
        chunks = -(-len(entries) // CHUNK)
        for c in range(chunks):
            path = chunk_path(c)
            ident = (context, tuple(ids[c * CHUNK : (c + 1) * CHUNK]))
            if self.chunk_ids.get(c) != ident:
                self.chunk_ids[c] = ident
                self._bump(path)
            fps[path] = f"search:{self.token}:{self.versions[path]}"
        for c in [c for c in self.chunk_ids if c >= chunks]:
            del self.chunk_ids[c]
        main = data_script(MAIN, self._main(entries, domain_names, link))
        digest = hashlib.blake2b(main, digest_size=16).hexdigest()
        if digest != self.main_hash:
            self.main_hash = digest
            self._bump(MAIN)
        fps[MAIN] = f"search:{self.token}:{self.versions[MAIN]}"
        self.versions = {p: v for p, v in self.versions.items() if p in fps}

        def data(path: str) -> bytes:
            """A file's bytes, made when asked for (once per change) and not kept."""
            if path == MAIN:
                return main
            name = posixpath.basename(path)
            if name.startswith("d-"):
                c = int(name[2:-3])
                rows = [row_of(e) for e in entries[c * CHUNK : (c + 1) * CHUNK]]
                found = data_script(name, "[" + ",\n".join(rows) + "]")
            else:
                key = bytes.fromhex(name[2:-3]).decode("utf-8")
                if self.shards is None or key not in self.shards:
                    self.shards, self.partial = self._all_shards(self.terms, self.k), False
                found = data_script(name, _postings(self.shards[key]))
            return found

        return fps, data

    def _update(
        self,
        ids: list[tuple[str, str]],
        terms: list[Terms],
        k: int,
        previous: Callable[[str], bytes | None],
    ) -> set[str]:
        """Apply in-place edits to the postings; returns the shard keys that changed.

        Only the shards holding a changed word are needed: from memory, else as the last
        build wrote them, else (nothing to trust) rebuilt from every entry's terms."""
        changes: dict[str, dict[str, list[tuple[int, int | None]]]] = {}  # key: word: (n, score)
        for n, (new_id, old_id) in enumerate(zip(ids, self.ids, strict=True)):
            if new_id == old_id:
                continue
            old = dict(zip(*self.terms[n], strict=True))
            new = dict(zip(*terms[n], strict=True))
            for word in set(old) | set(new):
                if old.get(word) != new.get(word):
                    changes.setdefault(word[:k], {}).setdefault(word, []).append((n, new.get(word)))
        if self.shards is None:
            self.shards, self.partial = {}, True
        for key in changes:
            if key in self.shards:
                continue
            if key not in self.keys:
                self.shards[key] = {}
                continue
            data = previous(shard_path(key)) if self.partial else None
            if data is None:
                self.shards, self.partial = self._all_shards(self.terms, k), False
                break
            loaded = json.loads(data_payload(data))
            self.shards[key] = {w: array("i", p) for w, p in loaded.items()}
        for key, words in changes.items():
            shard = self.shards.setdefault(key, {})
            for word, edits in words.items():
                postings = shard.get(word, array("i"))
                edited = {n for n, _ in edits}
                pairs = [
                    (postings[i], postings[i + 1])
                    for i in range(0, len(postings), 2)
                    if postings[i] not in edited
                ]
                pairs += [(n, score) for n, score in edits if score is not None]
                pairs.sort()
                if pairs:
                    shard[word] = array("i", [x for pair in pairs for x in pair])
                else:
                    shard.pop(word, None)
        return set(changes)

    def _link(self, link: Callable[[str], str], path: str) -> str:
        found = self.links.get(path)
        if found is None:
            found = self.links[path] = link(path)
        return found

    def _main(
        self, entries: Sequence[Entry], domain_names: dict[str, str], link: Callable[[str], str]
    ) -> str:
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
            "shards": {key: self._link(link, shard_path(key)) for key in self.keys},
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
    fps, data = SearchIndexer().build(entries, domain_names, terms_of, row_of, link, ())
    return {path: data(path) for path in fps}


def row(link: str, e: Entry) -> str:
    fields = [link, e.title, e.date.isoformat(), e.kind, e.domain, list(e.tags)]
    return _dumps([*fields, e.lesson or "", e.next or "", e.text])
