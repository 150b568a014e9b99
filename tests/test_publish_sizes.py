"""Sizes tell nothing about content: every entry page of a normal journal, win or setback,
is published at one size. Run with -s to print the histogram README quotes."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench.generate import generate
from journal.publish import crypto
from journal.publish.crypto import SiteKeys
from journal.publish.site import publish
from tests.test_publish import PASS
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture

REPO = Path(__file__).resolve().parent.parent
KIND = re.compile(r"^kind:\s*(\w+)", re.MULTILINE)


def histogram(root: Path, out: Path) -> dict[str, Counter]:
    """Published file size of each entry's page, by kind; and of every other object."""
    ring = crypto.create_keyring(PASS)
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    keys = SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    sizes = {p.stem: p.stat().st_size for p in (out / "p").glob("*.js")}
    found: dict[str, Counter] = {"win": Counter(), "setback": Counter(), "other": Counter()}
    for path in sorted((root / "entries").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if path.name.startswith(("_", ".")) or "draft: true" in text or "private: true" in text:
            continue
        kind = KIND.search(text).group(1)
        if kind == "plan":
            continue  # an open plan has no page: it counts nowhere
        found[kind][sizes.pop(keys.opaque_name(f"entries/{path.stem}.html"))] += 1
    found["other"].update(sizes.values())
    return found


def show(name: str, found: dict[str, Counter]) -> None:
    print(f"\n{name}: published size of p/<id>.js (bytes) -> number of objects")
    for kind, counts in found.items():
        print(f"  {kind:8}", ", ".join(f"{size}: {n}" for size, n in sorted(counts.items())))


@pytest.mark.parametrize("journal", ["sample", "generated-300"])
def test_entry_pages_have_one_size_whatever_their_kind(tmp_path, journal):
    root = tmp_path / "j"
    if journal == "sample":
        shutil.copytree(REPO / "entries", root / "entries")
        shutil.copy(REPO / "journal.toml", root / "journal.toml")
    else:
        generate(root, 300)
    found = histogram(root, tmp_path / "out")
    show(journal, found)
    assert sum(found["win"].values()) > 10 and sum(found["setback"].values()) > 5
    entry_sizes = set(found["win"]) | set(found["setback"])
    # one bucket: 4 KiB of padded plaintext, sealed (+29), in base64 (x4/3), in its script
    assert entry_sizes == {5552}
