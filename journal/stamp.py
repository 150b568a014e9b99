"""Skip a build that would change nothing: the last build's inputs and outputs, stamped.

A warm build with nothing changed still has to prove that nothing changed: it hashes
every input (entries, config, templates, static files, the tool's own code, the options
and today's date) and the size and mtime of every output file, and compares both with
what the last build recorded. That costs a fraction of loading the caches, analysing
and fingerprinting pages, so a build that would write nothing stops here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from journal import __version__
from journal.cache import CACHE_DIR
from journal.errors import Problem
from journal.load.entry import entry_paths

STAMP_FILE = "last-build.json"
_CODE = Path(__file__).resolve().parent


def inputs_key(
    root: Path, out: Path, settings: str, template_digest: str
) -> tuple[str, dict[str, bytes]]:
    """The key, and every entry file's bytes by relative path, in order (so a build that
    goes ahead neither lists nor reads them again)."""
    h = hashlib.blake2b(digest_size=16)
    read: dict[str, bytes] = {}

    def add(*parts: object) -> None:
        for part in parts:
            h.update(str(part).encode("utf-8", "surrogateescape") + b"\0")

    add(__version__, settings, out.resolve(), template_digest)
    for path in sorted(_CODE.glob("*.py")):
        add(path.name)
        h.update(path.read_bytes())
    config = root / "journal.toml"
    add(config.read_bytes() if config.is_file() else b"-")
    for file, rel in entry_paths(root):
        add(rel)
        try:
            with open(file, "rb") as fh:
                data = read[rel] = fh.read()
        except OSError:
            read[rel] = None  # type: ignore[assignment]  # listed; read_all reports it
            data = b"\0unreadable"
        h.update(data)
    static = root / "static"
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file():
                add(path.relative_to(static).as_posix())
                h.update(path.read_bytes())
    return h.hexdigest(), read


def outputs_stamp(out: Path) -> str:
    """Every file under `out` by path, size and mtime: any change by anyone shows."""
    h = hashlib.blake2b(digest_size=16)

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as it:
            items = sorted(it, key=lambda d: d.name)
        for item in items:
            if item.is_dir(follow_symlinks=False):
                walk(item.path, prefix + item.name + "/")
            else:
                st = item.stat(follow_symlinks=False)
                h.update(f"{prefix}{item.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())

    walk(str(out), "")
    return h.hexdigest()


def _path(root: Path) -> Path:
    return root / CACHE_DIR / STAMP_FILE


def unchanged_since_last(root: Path, out: Path, key: str) -> dict | None:
    """What the last build recorded, if its inputs were these and its outputs are intact."""
    try:
        data = json.loads(_path(root).read_text(encoding="utf-8"))
        if data.get("inputs") != key or not out.is_dir():
            return None
        if data.get("outputs") != outputs_stamp(out):
            return None
        data["warnings"] = tuple(Problem(**p) for p in data.get("warnings", []))
        return data
    except (OSError, ValueError, TypeError):
        return None


def record(
    root: Path, out: Path, key: str, entries: int, files: int, warnings: tuple[Problem, ...]
) -> None:
    data = {
        "inputs": key,
        "outputs": outputs_stamp(out),
        "entries": entries,
        "files": files,
        "warnings": [asdict(p) for p in warnings],
    }
    path = _path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass


def forget(root: Path) -> None:
    with contextlib.suppress(OSError):
        _path(root).unlink()
