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


def build_index(
    entries: Sequence[Entry],
    domain_names: dict[str, str],
    terms_of: Callable[[Entry], dict[str, int]],
    row_of: Callable[[Entry], str],
    link: Callable[[str], str],
    entry_link: Callable[[Entry], str],
) -> dict[str, bytes]:
    """All search files, by output path. `entries` oldest first; `row_of` gives an entry's
    JSON row for the chunks, `link` a file's path relative to the search page."""
    slugs = sorted(domain_names)
    slot = {s: i for i, s in enumerate(slugs)}
    per_entry = [terms_of(e) for e in entries]
    total = sum(len(t) for t in per_entry)
    k = key_length(total)
    shards: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for n, terms in enumerate(per_entry):
        for word, score in terms.items():
            shards[word[:k]][word] += (n, score)
    files: dict[str, bytes] = {}
    shard_links = {}
    for key in sorted(shards):
        words = shards[key]
        path = shard_path(key)
        files[path] = data_script(
            posixpath.basename(path), _dumps({w: words[w] for w in sorted(words)})
        )
        shard_links[key] = link(path)
    chunk_links = []
    for start in range(0, len(entries), CHUNK):
        path = chunk_path(start // CHUNK)
        rows = ",\n".join(row_of(e) for e in entries[start : start + CHUNK])
        files[path] = data_script(posixpath.basename(path), "[" + rows + "]")
        chunk_links.append(link(path))
    main = {
        "version": 2,
        "count": len(entries),
        "chunk": CHUNK,
        "keyLength": k,
        "domains": {s: domain_names[s] for s in slugs},
        "domainList": slugs,
        "kinds": "".join("w" if e.is_win else "s" for e in entries),
        "titles": [e.title for e in entries],
        "dates": [e.date.isoformat() for e in entries],
        "links": [entry_link(e) for e in entries],
        "domainOf": [slot.get(e.domain, -1) for e in entries],
        "shards": shard_links,
        "docs": chunk_links,
    }
    files[MAIN] = data_script(MAIN, _dumps(main))
    return files


def row(link: str, e: Entry) -> str:
    fields = [link, e.title, e.date.isoformat(), e.kind, e.domain, list(e.tags)]
    return _dumps([*fields, e.lesson or "", e.next or "", e.text])
