"""The sharded search index, in Python: scores, shards and what a new entry changes."""

from __future__ import annotations

import json
import pickle
from datetime import date

from journal.load.entry import Entry
from journal.pages.search_index import (
    CHUNK,
    SearchIndexer,
    build_index,
    data_payload,
    data_script,
    entry_terms,
    row,
    shard_path,
)


def make(n: int, title: str, text: str, kind: str = "win", **kw) -> Entry:
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
        body_html="",
        text=text,
        digest=f"d{n}:{title}:{text}",
    )


def index_of(entries):
    return build_index(
        entries,
        {"running": "Running"},
        lambda e: entry_terms(e, "Running"),
        lambda e: row(f"entries/{e.id}.html", e),
        lambda path: path,
    )


def payload(files, path):
    return json.loads(data_payload(files[path]))


def test_terms_add_up_the_weights_of_the_fields_holding_them():
    e = make(0, "Morning run", "Ran before work. Ran again.", tags=["easy"])
    # title 100; domain slug, name and tags 10; text 1 (once, however often it occurs)
    assert entry_terms(e, "Running") == {
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
    terms = entry_terms(s, "Running")
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


def test_the_incremental_indexer_gives_what_a_fresh_one_gives():
    """Edits that keep every entry in place are applied to the kept postings; the files
    must be byte-identical to a fresh build's, and only changed files get a new
    fingerprint, also after the indexer went through a pickle (a new process)."""
    indexer = SearchIndexer()

    written: dict[str, bytes] = {}  # the "output folder": what the last run gave
    last: dict[str, str] = {}  # and the fingerprints it had (the page memo)

    def run(entries):
        fps, data = indexer.build(
            entries,
            {"running": "Running"},
            lambda e: entry_terms(e, "Running"),
            lambda e: row(f"entries/{e.id}.html", e),
            lambda path: path,
            (),
            written.get,  # the files as last written: a new process starts from these
        )
        # like a build with a memo: only files with a new fingerprint are asked for
        files = {p: written[p] if last.get(p) == fp else data(p) for p, fp in fps.items()}
        written.clear()
        written.update(files)
        last.clear()
        last.update(fps)
        return fps, files

    entries = [make(i, f"Entry {i}", "steady pace") for i in range(CHUNK + 2)]
    first, _ = run(entries)
    again, _ = run(entries)
    assert again == first  # nothing changed: same fingerprints
    entries[3] = make(3, "Entry 3", "quick pace, then zebra strides")  # body edit
    entries[11] = make(11, "Renamed", "steady pace")  # title edit
    entries[5] = make(5, "Entry 5", "quick pace")  # two edits sharing a new word
    indexer = pickle.loads(pickle.dumps(indexer))  # as the memo outlives a build
    second, files = run(entries)
    assert files == index_of(entries)
    changed = {p for p in second if second[p] != first.get(p)}
    main = payload(files, "search-index.js")
    assert indexer.partial  # only the touched shards were read back
    assert changed == {
        "search-index.js",  # the title
        main["docs"][0],
        main["docs"][1],
        main["shards"]["q"],  # quick (new)
        main["shards"]["z"],  # zebra (a new shard)
        main["shards"]["s"],  # steady left entry 3; strides arrived
        main["shards"]["t"],  # then
        main["shards"]["e"],  # "entry" left entry 11's title
        main["shards"]["r"],  # renamed
        main["shards"]["1"],  # "11" left with the old title
    }
    # removing the last word of a shard removes its file
    entries[3] = make(3, "Entry 3", "steady pace")
    third, files = run(entries)
    assert shard_path("z") not in third and shard_path("q") in third  # entry 5: "quick"
    assert files == index_of(entries)
    # a new entry (not in place): everything is rebuilt, and still the same as fresh
    entries.append(make(20, "Brand new", "zebra again"))
    _, files = run(entries)
    assert files == index_of(entries)


def test_data_scripts_round_trip():
    script = data_script("w-72.js", '{"a":[1,2]}')
    assert script.startswith(b"(window.__journalSearch")
    assert data_payload(script) == b'{"a":[1,2]}'
