"""The sharded search index, in Python: scores, shards and what a new entry changes."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

from journal.load.entry import WORD, Body, Entry, FullEntry
from journal.pages.page import resolve
from journal.pages.search import BUILTINS, index_site, search_pages
from journal.pages.search_index import (
    CHUNK,
    data_payload,
    data_script,
    entry_terms,
)
from journal.render import Renderer


def make(n: int, title: str, text: str, kind: str = "win", **kw) -> FullEntry:
    words = " ".join(sorted(set(WORD.findall(text.lower()))))
    return FullEntry.of(_meta(n, title, kind, **kw), Body("", text, words))


def _meta(n: int, title: str, kind: str, **kw) -> Entry:
    return Entry(
        id=f"e{n}",
        path=f"entries/e{n}.md",
        date=date(2026, 1, 1 + n),
        time=None,
        kind=kind,
        domain=kw.get("domain", "running"),
        domain_label="Running",
        title=title,
        tags=tuple(kw.get("tags", ())),
        difficulty=None,
        confidence=None,
        source="mastery",
        attribution=None,
        lesson=kw.get("lesson"),
        next=None,
        follows=None,
        draft=False,
        private=False,
    )


def index_of(entries):
    """The index files the search pages of a journal of these entries render to."""
    bodies = {e.id: Body(e.body_html, e.text, _words(e.text)) for e in entries}
    site = SimpleNamespace(
        entries=tuple(entries),
        journal=SimpleNamespace(bodies=bodies),
        domains=[SimpleNamespace(slug="running", name="Running")],
    )
    renderer = Renderer(None, {}, None, data_files=BUILTINS)  # no templates: data files
    index = index_site(site, bodies)
    pages = [resolve(p, bodies, {"search": index})[0] for p in search_pages(site, index.layout)]
    return {p.path: renderer.render(p) for p in pages if p.path != "search.html"}


def _words(text):
    return " ".join(sorted(set(WORD.findall(text.lower()))))


def payload(files, path):
    return json.loads(data_payload(files[path]))


def test_terms_add_up_the_weights_of_the_fields_holding_them():
    e = make(0, "Morning run", "Ran before work. Ran again.", tags=["easy"])
    # title 100; domain slug, name and tags 10; text 1 (once, however often it occurs)
    assert entry_terms(e, _words(e.text), "Running") == {
        "morning": 100,
        "run": 100,
        "running": 10,
        "easy": 10,
        "ran": 1,
        "before": 1,
        "work": 1,
        "again": 1,
    }
    s = make(1, "Missed the run", "Overslept, the run was gone.", "setback", lesson="Sleep early")
    terms = entry_terms(s, _words(s.text), "Running")
    assert terms["run"] == 101 and terms["the"] == 101 and terms["sleep"] == 100


def test_shards_hold_postings_of_entry_number_and_score():
    entries = [
        make(0, "Morning run", "Ran before work."),
        make(1, "Missed the run", "Overslept.", "setback", lesson="Sleep early"),
    ]
    files = index_of(entries)
    main = payload(files, "search-index.js")
    assert main["keyLength"] == 1 and main["count"] == 2
    assert main["kinds"] == "ws" and main["titles"] == ["Morning run", "Missed the run"]
    assert main["links"] == ["entries/e0.html", "entries/e1.html"]
    assert main["domainOf"] == [0, 0] and main["domainList"] == ["running"]
    shard_r = payload(files, main["shards"]["r"])
    assert shard_r == {"ran": [0, 1], "run": [0, 100, 1, 100], "running": [0, 10, 1, 10]}
    assert main["shards"]["r"] == "search/w-72.js"  # "r" as UTF-8 hex
    docs = payload(files, main["docs"][0])
    assert [d[1] for d in docs] == ["Morning run", "Missed the run"]
    assert docs[1][6] == "Sleep early" and docs[1][8] == "Overslept."


def test_a_new_entry_changes_its_shards_the_last_chunk_and_the_main_file_only():
    old = [make(i, f"Entry {i}", "steady pace") for i in range(CHUNK + 2)]
    before = index_of(old)
    after = index_of([*old, make(CHUNK + 2, "Hill repeats", "steady legs")])
    changed = {p for p in after if after[p] != before.get(p)}
    main = payload(after, "search-index.js")
    assert changed == {
        "search-index.js",
        main["docs"][1],  # the chunk of entries 10-12
        main["shards"]["h"],  # hill
        main["shards"]["r"],  # repeats, and "running" (the domain) gained a posting
        main["shards"]["s"],  # steady
        main["shards"]["l"],  # legs (a new shard)
    }
    assert main["docs"][0] not in changed


def test_data_scripts_round_trip():
    script = data_script("w-72.js", '{"a":[1,2]}')
    assert script.startswith(b"(window.__journalSearch")
    assert data_payload(script) == b'{"a":[1,2]}'
