"""The benchmark's journal generator: deterministic, valid, and shaped like a real journal."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from journal.load.journal import load_journal

_spec = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).resolve().parent.parent / "bench" / "generate.py"
)
generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_module)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_generator_is_deterministic_and_valid(tmp_path):
    generate_module.generate(tmp_path / "a", 90, seed=3)
    generate_module.generate(tmp_path / "b", 90, seed=3)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    journal = load_journal(tmp_path / "a")  # raises on any invalid entry
    assert len(journal.entries) == 90
    wins = sum(e.is_win for e in journal.entries)
    assert 0.55 <= wins / 90 <= 0.85
    assert len({e.domain for e in journal.entries}) >= 6
    assert any(e.follows for e in journal.entries)
    span = (journal.entries[-1].date - journal.entries[0].date).days
    assert 25 <= span <= 35  # N entries over about N/3 days
