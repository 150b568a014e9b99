"""Shared helpers: write a small journal from a dict of {filename: text}."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.chromium import browser, page, playwright_instance  # noqa: F401 - shared fixtures


def write_journal(root: Path, files: dict[str, str], config: str | None = None) -> Path:
    """Files go under entries/ unless their name starts with '/' (then: the journal root)."""
    (root / "entries").mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "journal.toml").write_text(textwrap.dedent(config), encoding="utf-8")
    for name, text in files.items():
        path = root / name.lstrip("/") if name.startswith("/") else root / "entries" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def entry(
    date: str, kind: str = "win", domain: str = "running", body: str = "Body.", **meta
) -> str:
    """An entry's text; extra keyword arguments become frontmatter lines."""
    lines = ["---", f"date: {date}", f"kind: {kind}", f"domain: {domain}"]
    for key, value in meta.items():
        lines.append(f"{key}: {value}")
    lines += ["---", "", body, ""]
    return "\n".join(lines)


@pytest.fixture
def make_journal(tmp_path):
    def make(files: dict[str, str], config: str | None = None) -> Path:
        return write_journal(tmp_path / "j", files, config)

    return make
