"""Where templates come from: the journal's own templates/ over the defaults shipped with
the package. Light to import: a build with nothing changed needs only this."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path


def default_templates() -> Path:
    """The repo's templates/ when run from a checkout, else the copy inside the wheel."""
    checkout = Path(__file__).resolve().parent.parent / "templates"
    if (checkout / "base.html").is_file():
        return checkout
    return Path(str(resources.files("journal") / "_templates"))


def template_dirs(root: Path) -> list[Path]:
    """Lookup order: the journal's own templates/ first, then the defaults."""
    own = root / "templates"
    defaults = default_templates()
    dirs = [own] if own.is_dir() and own.resolve() != defaults.resolve() else []
    return [*dirs, defaults]


def templates_digest(dirs: Sequence[Path]) -> str:
    """Every template and asset file by name and content: part of the global key."""
    h = hashlib.blake2b(digest_size=16)
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
