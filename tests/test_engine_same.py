"""The preview's early cut-off: `Same` says "equal" only for equal values, `keep_last`
returns a kept result only for the same arguments, and `updated_sources` lists entry files
exactly as reading them all afresh would."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from markupsafe import Markup

from journal.load.files import read_sources, updated_sources
from journal.load.model import Entry
from journal.same import Same, keep_last
from tests.conftest import entry, write_journal


def an_entry(**changes) -> Entry:
    fields = {
        "id": "2026-01-02-run",
        "path": "entries/2026-01-02-run.md",
        "date": date(2026, 1, 2),
        "time": None,
        "kind": "win",
        "domain": "running",
        "domain_label": "Running",
        "title": "Ran",
        "tags": (),
        "difficulty": 3,
        "confidence": 5,
        "source": "mastery",
        "attribution": None,
        "lesson": None,
        "next": None,
        "follows": None,
        "draft": False,
        "private": False,
    }
    fields.update(changes)
    return Entry(**{k: v for k, v in fields.items() if k in Entry.__dataclass_fields__})


@dataclass(frozen=True)
class Pair:
    left: object
    right: object


class NoEquality:
    pass


def test_equal_values_are_the_same():
    same = Same(by_key=(Entry,))
    assert same({"a": [1, (2, "x")], "b": None}, {"a": [1, (2, "x")], "b": None})
    assert same(Pair([1] * 20, {"k": date(2026, 1, 1)}), Pair([1] * 20, {"k": date(2026, 1, 1)}))
    assert same(an_entry(), an_entry())  # two parses of one file: equal keys
    assert same(frozenset({1, 2}), frozenset({2, 1}))


@pytest.mark.parametrize(
    "a, b",
    [
        (1, 1.0),  # renders "1" and "1.0"
        (True, 1),
        ("<b>", Markup("<b>")),  # escaped, and not
        ([1, 2], (1, 2)),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # a template iterates in this order
        ([1, 2, 3], [1, 2]),
        ([float("nan")], [float("nan")]),
        (Pair(1, 2), Pair(1, 3)),
        ([0] * 30 + [1], [0] * 30 + [2]),  # a long list, remembered: the last element counts
    ],
)
def test_different_values_are_not(a, b):
    assert not Same()(a, b)
    assert not Same()(b, a)


def test_an_entry_is_compared_by_its_key_which_covers_every_field():
    same = Same(by_key=(Entry,))
    assert not same(an_entry(), an_entry(title="Ran far"))
    assert not same(an_entry(), an_entry(confidence=5.0))  # equal numbers, other text
    assert not same(an_entry(), an_entry(tags=("hills",)))


def test_objects_without_an_equality_of_their_own_are_not_trusted():
    thing = NoEquality()
    assert Same()(thing, thing)  # the very same object
    assert not Same()(NoEquality(), NoEquality())


def test_closures_are_the_same_when_what_they_hold_is():
    def make(value, extra=()):
        def late(bodies):
            return (value, extra)

        return late

    same = Same()
    assert same(make([1, 2]), make([1, 2]))
    assert not same(make([1, 2]), make([1, 3]))
    assert not same(make(1), make(1.0))
    assert not same(make(1), lambda bodies: (1, ()))  # another function's code


def test_keep_last_returns_the_kept_result_only_for_the_same_arguments():
    calls = []

    @keep_last(lambda name, *args: name)
    def work(name, values):
        calls.append(name)
        return [name, *values]

    first = work("a", [1, 2])
    assert work("a", [1, 2]) is first  # equal arguments: the kept object
    assert calls == ["a"]
    changed = work("a", [1, 2.0])  # equal numbers of another type: worked out again
    assert changed == ["a", 1, 2.0] and changed is not first
    assert work("b", [1, 2]) == ["b", 1, 2]
    assert calls == ["a", "a", "b"]
    assert work("a", [1, 2.0]) is changed


# --- entry files read again one by one, as a full read would list them ------------------------


def journal(tmp_path: Path) -> Path:
    return write_journal(
        tmp_path / "j",
        {
            "2026-01-01-a.md": entry("2026-01-01"),
            "z/2026-01-02-b.md": entry("2026-01-02"),
            "b/2026-01-03-c.md": entry("2026-01-03"),
            "b/c/2026-01-04-d.md": entry("2026-01-04"),
            "zz.md": entry("2026-01-05"),
        },
    )


def test_updated_sources_list_files_as_read_sources_does(tmp_path):
    root = journal(tmp_path)
    before = read_sources(root)
    # the order is the folders' walk: a folder's files before its subfolders
    assert [rel for rel, _ in before.entries] == [
        "entries/2026-01-01-a.md",
        "entries/zz.md",
        "entries/b/2026-01-03-c.md",
        "entries/b/c/2026-01-04-d.md",
        "entries/z/2026-01-02-b.md",
    ]
    (root / "entries/b/2026-01-03-c.md").write_text(entry("2026-01-03", title="Edited"))
    (root / "entries/b/c/2026-01-04-d.md").unlink()
    (root / "entries/a/new").mkdir(parents=True)
    (root / "entries/a/new/2026-01-06-e.md").write_text(entry("2026-01-06"))
    (root / "entries/0.md").write_text(entry("2026-01-07"))
    edited = {
        "entries/b/2026-01-03-c.md",
        "entries/b/c/2026-01-04-d.md",
        "entries/a/new/2026-01-06-e.md",
        "entries/0.md",
    }
    assert updated_sources(root, before, edited) == read_sources(root)


@pytest.mark.parametrize(
    "rel",
    [
        "entries/.hidden.md",  # names read_sources skips
        "entries/_draft/x.md",
        "entries/x.txt",
        "journal.toml",
    ],
)
def test_updated_sources_leaves_odd_cases_to_a_full_read(tmp_path, rel):
    root = journal(tmp_path)
    before = read_sources(root)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text("x")
    assert updated_sources(root, before, {rel}) is None


def test_updated_sources_leaves_links_to_folders_and_unreadable_files_to_a_full_read(tmp_path):
    root = journal(tmp_path)
    before = read_sources(root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text(entry("2026-01-09"))
    os.symlink(elsewhere, root / "entries" / "linked")
    assert updated_sources(root, before, {"entries/linked/x.md"}) is None
    os.mkfifo(root / "entries" / "fifo.md")
    assert updated_sources(root, before, {"entries/fifo.md"}) is None
    os.remove(root / "entries" / "fifo.md")
    (root / "entries" / "big.md").write_bytes(b"x" * (8 * 1024 * 1024 + 1))
    assert updated_sources(root, before, {"entries/big.md"}) is None


def test_keep_last_lets_go_of_keys_no_longer_listed():
    made = []

    @keep_last(lambda name, value: name)
    def page(name: str, value: list) -> tuple:
        made.append(name)
        return (name, len(value))

    kept = page("a", [1, 2])
    assert page("a", [1, 2]) is kept  # equal arguments: the very same result
    page("b", [3])
    page.keep_only({"a"})
    assert page("a", [1, 2]) is kept
    page("b", [3])
    assert made == ["a", "b", "b"]  # b was let go, so it is worked out again
