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

Words are stored folded (`fold`): decomposed (NFKD), every combining mark dropped (general
category M), lower-cased, and a few letters that have no decomposition written as their
plain letters, so "gestoria", "Gestoría" and "GESTORÍA" are one word, and so are "strasse"
and "straße", "aero" and "Ærø". search.js folds a query the same way, and a result's
text one character at a time, to mark what matched in the text as written.

A query loads the main file, the shards that can hold its words' prefixes, and the chunks
of the results it shows.
Entries are numbered oldest first, so a new entry changes the last chunk, the shards of
its words and the main file, and nothing else. Every file is a classic script (file://
has no fetch) that stores its JSON under its file name in `window.__journalSearch`; an
encrypted publish seals the JSON instead (journal/publish.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import cache

from journal.load.entry import Entry

MAIN = "search-index.js"
CHUNK = 10
WEIGHTS = {"title": 100, "lesson": 100, "meta": 10, "next": 5, "text": 1}
WORD = re.compile(r"\w+")
# Letters with no decomposition that people type as plain letters, after lower-casing; ß and
# final ς as case folding writes them. search.js has the same table (LETTERS).
LETTERS = str.maketrans(
    {"ß": "ss", "ς": "σ", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
    | {"ı": "i", "ħ": "h", "ŧ": "t"}
)
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


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # rare in texts: emoji, old scripts


@cache
def _marks() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Runs of the first plane's combining marks (general category M, as JavaScript's
    \\p{M}), a bitmap for re, fast; and the same or any character past the first plane,
    where the few other marks are (planes 1 and 14), looked up one by one (_is_mark). Made
    on the first text that is not ASCII, in ~20 ms."""
    ranges: list[tuple[int, int]] = []
    for c in range(0x10000):
        if not _is_mark(chr(c)):
            continue
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    marks = "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)
    return re.compile(f"[{marks}]+"), re.compile(f"[{marks}\U00010000-\U0010ffff]")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _has_marks(text: str) -> bool:
    return any(m[0] < "\U00010000" or _is_mark(m[0]) for m in _marks()[1].finditer(text))


def fold(text: str) -> str:
    """What search compares: NFKD, without combining marks, lower-cased, LETTERS replaced.
    Folding a text character by character and joining gives the same string."""
    if text.isascii():
        return text.lower()
    text = _marks()[0].sub("", unicodedata.normalize("NFKD", text))
    if _ASTRAL.search(text):
        text = _ASTRAL.sub(lambda m: "" if _is_mark(m[0]) else m[0], text)
    return text.lower().translate(LETTERS)


_SPLIT = re.compile(r"[^\w ]")  # folding made a word two ("½" is "1⁄2")


def body_words(text: str, words: str) -> str:
    """A body's folded words, space-separated (some perhaps twice), from its distinct
    lower-case words (`Body.words`, made when the entry is parsed); from the text itself when
    it holds combining marks (text written decomposed, or scripts with vowel signs), which
    split the parser's words."""
    if text.isascii():  # (O(1): Python keeps the flag)
        return words
    if _has_marks(text):
        return " ".join(WORD.findall(fold(text)))
    folded = fold(words)
    return " ".join(WORD.findall(folded)) if _SPLIT.search(folded) else folded


def entry_terms(e: Entry, words: str, domain_name: str) -> dict[str, int]:
    """word -> score for one entry: the sum of the weights of the fields holding it, every
    word folded. `words` are the body's folded words (body_words)."""
    terms: dict[str, int] = dict.fromkeys(words.split(), WEIGHTS["text"])
    fields = (
        ("title", e.title),
        ("lesson", e.lesson or ""),
        ("meta", " ".join([e.domain, domain_name, *e.tags])),
        ("next", e.next or ""),
    )
    for field, text in fields:
        weight = WEIGHTS[field]
        for word in set(WORD.findall(fold(text))):
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
    """The main file's JSON, field by field (as one json.dumps of the dict would write it);
    the fields made from the entries alone are kept for the same entries (the preview
    writes this file again when a shard is made, with the same entries)."""
    fixed = _entry_fields(entries, domain_names)
    fields = {
        "version": _dumps(2),
        "count": _dumps(len(entries)),
        "chunk": _dumps(CHUNK),
        "keyLength": _dumps(k),
        **fixed[2],
        "links": _dumps(list(links)),
        "shards": _dumps(shard_links),
        "docs": _dumps(list(doc_links)),
    }
    order = ("version", "count", "chunk", "keyLength", "domains", "domainList", "kinds")
    order += ("titles", "dates", "links", "domainOf", "shards", "docs")
    return "{" + ",".join(f'"{name}":{fields[name]}' for name in order) + "}"


_ENTRY_FIELDS: list = []  # [(entries, names, fields)]: the last one, held so its id stays


def _entry_fields(entries: Sequence[Entry], domain_names: dict[str, str]) -> tuple:
    last = _ENTRY_FIELDS[0] if _ENTRY_FIELDS else None
    if last is not None and last[0] is entries and last[1] == domain_names:
        return last
    slugs = sorted(domain_names)
    slot = {s: i for i, s in enumerate(slugs)}
    fields = {
        "domains": _dumps({s: domain_names[s] for s in slugs}),
        "domainList": _dumps(slugs),
        "kinds": _dumps("".join("w" if e.is_win else "s" for e in entries)),
        "titles": _dumps([e.title for e in entries]),
        "dates": _dumps([e.date.isoformat() for e in entries]),
        "domainOf": _dumps([slot.get(e.domain, -1) for e in entries]),
    }
    found = (entries, dict(domain_names), fields)
    _ENTRY_FIELDS[:] = [found]
    return found


def row(link: str, e: Entry, text: str) -> str:
    fields = [link, e.title, e.date.isoformat(), e.kind, e.domain, list(e.tags)]
    return _dumps([*fields, e.lesson or "", e.next or "", text])


class SearchIndex:
    """The inverted index of the shown entries, by shard: word -> postings (flat array of
    entry number and score, numbers ascending), the words of each shard sorted.

    Made once by inverting every entry; after an edit that changes only bodies, `updated`
    makes the next one from this one by taking out the edited entries' old terms and
    putting in their new ones, which gives exactly what inverting afresh gives (the
    differential tests build both). This one is left as it was."""

    __slots__ = ("postings", "count", "k", "words")

    def __init__(
        self,
        postings: dict[str, array],
        count: int,
        words: dict[str, list[str]],
    ):
        self.postings = postings
        self.count = count
        self.k = key_length(count)
        self.words = words  # shard key -> its words, sorted

    @classmethod
    def build(
        cls, entries: Sequence[Entry], words_of: Callable[[Entry], str], names: dict[str, str]
    ) -> SearchIndex:
        index, count = invert(entries, words_of, names)
        k = key_length(count)
        postings: dict[str, array] = {}
        words: dict[str, list[str]] = {}
        for word in sorted(index):
            postings[word] = array("i", index[word])
            shard = words.get(word[:k])
            if shard is None:
                words[word[:k]] = [word]
            else:
                shard.append(word)
        return cls(postings, count, words)

    @property
    def layout(self) -> tuple[int, tuple[str, ...]]:
        """What the list of search files depends on: the key length and the shard keys."""
        return self.k, tuple(self.words)

    def shard(self, key: str) -> dict[str, array]:
        return {w: self.postings[w] for w in self.words[key]}

    def updated(
        self, changes: Sequence[tuple[int, dict[str, int], dict[str, int]]]
    ) -> tuple[SearchIndex, set[str]]:
        """The index after entry number n's terms changed from old to new, for each
        (n, old, new), and the keys of the shards that changed. The layout may change (a
        word with a new prefix, the key length): the caller compares `layout`."""
        postings = dict(self.postings)
        words = dict(self.words)
        count = self.count
        touched: set[str] = set()
        copied: set[str] = set()
        for n, old, new in changes:
            count += len(new) - len(old)
            for word in old.keys() - new.keys():
                flat = postings[word] = _own(postings, word, copied)
                i = _find(flat, n)
                del flat[i : i + 2]
                if not flat:
                    del postings[word]
                touched.add(word)
            for word, score in new.items():
                if old.get(word) == score:
                    continue
                flat = postings.get(word)
                if flat is None:
                    postings[word] = array("i", (n, score))
                    copied.add(word)
                else:
                    flat = postings[word] = _own(postings, word, copied)
                    i = _find(flat, n)
                    if i < len(flat) and flat[i] == n:
                        flat[i + 1] = score
                    else:
                        flat[i:i] = array("i", (n, score))
                touched.add(word)
        k = key_length(count)
        if k != self.k:  # another key length: every shard is made again
            return SearchIndex.build_from(postings, count), set()
        keys: set[str] = set()
        for word in touched:
            key = word[:k]
            keys.add(key)
            present = word in postings
            shard = words.get(key)
            if shard is None:
                if present:
                    words[key] = [word]
                continue
            i = bisect_left(shard, word)
            found = i < len(shard) and shard[i] == word
            if present == found:
                continue
            shard = words[key] = list(shard)
            if present:
                shard.insert(i, word)
            else:
                del shard[i]
                if not shard:
                    del words[key]
        if list(words) != sorted(words):  # a new shard went last: keys stay sorted
            words = dict(sorted(words.items()))
        return SearchIndex(postings, count, words), keys

    def renumbered(self, at: int, by: int) -> SearchIndex:
        """The index with the numbers of entries `at` and later moved by `by`: +1 when an
        entry is put in before them, -1 when the one before them was taken out (its terms
        already taken out with `updated`). Words and shards stay; only postings move."""
        postings: dict[str, array] = {}
        for word, flat in self.postings.items():
            if flat[-2] < at:
                postings[word] = flat
                continue
            i = _find(flat, at)
            moved = array("i", flat)
            moved[i::2] = array("i", [n + by for n in flat[i::2]])
            postings[word] = moved
        return SearchIndex(postings, self.count, self.words)

    @classmethod
    def build_from(cls, postings: dict[str, array], count: int) -> SearchIndex:
        k = key_length(count)
        ordered: dict[str, array] = {}
        words: dict[str, list[str]] = {}
        for word in sorted(postings):
            ordered[word] = postings[word]
            words.setdefault(word[:k], []).append(word)
        return cls(ordered, count, words)


def _own(postings: dict[str, array], word: str, copied: set[str]) -> array:
    """The postings of `word`, copied once per update: the earlier index stays whole."""
    if word in copied:
        return postings[word]
    copied.add(word)
    return array("i", postings[word])


def _find(flat: array, n: int) -> int:
    """The position of entry `n` in flat postings (n, score, ...), or where it would go."""
    lo, hi = 0, len(flat) // 2
    while lo < hi:
        mid = (lo + hi) // 2
        if flat[2 * mid] < n:
            lo = mid + 1
        else:
            hi = mid
    return 2 * lo
