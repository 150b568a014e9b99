"""The preview's search index after an entry is put in or taken out (numbers after it move
by one) equals the index inverted afresh, over random sequences of changes."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options
from journal.engine import list_site
from journal.memo import Memo
from journal.pages.search import index_site
from tests.conftest import entry, write_journal

WORDS = [
    "river",
    "stone",
    "lantern",
    "orbit",
    "quiet",
    "harbour",
    "maple",
    "ember",
    "violet",
    "tundra",
    "kestrel",
]
DOMAINS = ["running", "piano", "cooking"]


def text(r: random.Random, n: int) -> str:
    return " ".join(r.choice(WORDS) for _ in range(n))


def an_entry(r: random.Random, day: int) -> str:
    return entry(
        f"2026-01-{day:02d}",
        r.choice(["win", "setback"]),
        r.choice(DOMAINS),
        body=text(r, r.randint(1, 12)),
        title=text(r, 2).capitalize(),
        tags=f"[{r.choice(WORDS)}]",
    )


def same_index(a, b) -> bool:
    return (
        a.postings == b.postings
        and list(a.postings) == list(b.postings)
        and a.words == b.words
        and a.count == b.count
        and a.k == b.k
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_after_additions_and_deletions_equals_a_fresh_one(tmp_path: Path, seed: int):
    r = random.Random(seed)
    root = write_journal(
        tmp_path / "j", {f"2026-01-{d:02d}-e.md": an_entry(r, d) for d in range(1, 21, 2)}
    )
    options = Options(today=date(2026, 3, 1), preview=True, drafts=True)
    memo = Memo(None)
    listed = list_site(root, options, memo)
    for _ in range(30):
        files = sorted((root / "entries").glob("*.md"))
        roll = r.random()
        if roll < 0.4 or len(files) < 3:  # one entry put in, anywhere in time
            day = r.randint(1, 28)
            (root / "entries" / f"2026-01-{day:02d}-n{r.randint(0, 999)}.md").write_text(
                an_entry(r, day)
            )
        elif roll < 0.8:  # one taken out
            r.choice(files).unlink()
        else:  # one put in and another edited
            r.choice(files).write_text(an_entry(r, r.randint(1, 28)))
            (
                root / "entries" / f"2026-01-{r.randint(1, 28):02d}-m{r.randint(0, 999)}.md"
            ).write_text(an_entry(r, r.randint(1, 28)))
        listed = list_site(root, options, memo, previous=listed)
        fresh = index_site(listed.site, listed.shown.bodies)
        assert same_index(listed.index, fresh)
