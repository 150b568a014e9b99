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
import re
from array import array
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


def is_text_chunk(path: str) -> bool:
    """A `search/d-<n>.js` file: entry texts, needed only for snippets."""
    return path.startswith("search/d-") and path.endswith(".js")


def entry_terms(e: Entry, words: str, domain_name: str) -> dict[str, int]:
    """word -> score for one entry: the sum of the weights of the fields holding it.
    `words` are the body's distinct lower-case words (made once, when the entry is parsed)."""
    terms: dict[str, int] = dict.fromkeys(words.split(), WEIGHTS["text"])
    fields = (
        ("title", e.title),
        ("lesson", e.lesson or ""),
        ("meta", " ".join([e.domain, domain_name, *e.tags])),
        ("next", e.next or ""),
    )
    for field, text in fields:
        weight = WEIGHTS[field]
        for word in set(WORD.findall(text.lower())):
            terms[word] = terms.get(word, 0) + weight
    return terms


def key_length(postings: int) -> int:
    """Shard by one, two or three leading characters, so shards stay a few KB to ~100 KB."""
    return 1 if postings < 50_000 else 2 if postings < 2_000_000 else 3


def shard_path(key: str) -> str:
    return f"search/w-{key.encode('utf-8').hex()}.js"


def chunk_path(n: int) -> str:
    return f"search/d-{n}.js"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def invert(
    entries: Sequence[Entry], words_of: Callable[[Entry], str], names: dict[str, str]
) -> tuple[dict[str, list[int]], int]:
    """word -> postings [entry number, score, ...] over `entries` (numbered in order), and
    how many postings there are. Each entry's terms are made, added and dropped in turn,
    so the terms of every entry are never held at once. (Scores stay under 255.)"""
    index: dict[str, list[int]] = {}
    get = index.get
    count = 0
    for n, e in enumerate(entries):
        terms = entry_terms(e, words_of(e), names.get(e.domain, ""))
        count += len(terms)
        for word, score in terms.items():
            postings = get(word)
            if postings is None:
                index[word] = [n, score]
            else:
                postings += (n, score)
    return index, count


def shards(index: dict[str, list[int]], k: int) -> dict[str, dict[str, array]]:
    """shard key (a word's first k characters) -> word -> postings, words sorted. Postings
    as arrays: compact, and hashed as one block each when the shard page is keyed."""
    found: dict[str, dict[str, array]] = {}
    for word in sorted(index):
        shard = found.get(word[:k])
        if shard is None:
            shard = found[word[:k]] = {}
        shard[word] = array("i", index[word])
    return found


def postings_json(words: dict[str, array]) -> str:
    return (
        "{"
        + ",".join(
            f"{json.dumps(w, ensure_ascii=False)}:[{','.join(map(str, p))}]"
            for w, p in words.items()
        )
        + "}"
    )


def main_json(
    entries: Sequence[Entry],
    domain_names: dict[str, str],
    k: int,
    links: Sequence[str],
    shard_links: dict[str, str],
    doc_links: Sequence[str],
) -> str:
    slugs = sorted(domain_names)
    slot = {s: i for i, s in enumerate(slugs)}
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
        "links": list(links),
        "domainOf": [slot.get(e.domain, -1) for e in entries],
        "shards": shard_links,
        "docs": list(doc_links),
    }
    return _dumps(main)


def row(link: str, e: Entry, text: str) -> str:
    fields = [link, e.title, e.date.isoformat(), e.kind, e.domain, list(e.tags)]
    return _dumps([*fields, e.lesson or "", e.next or "", text])
