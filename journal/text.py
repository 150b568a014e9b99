"""Small text helpers shared by the loader, the analytics and the templates."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=65536)
def slugify(value: str) -> str:
    """`Public speaking` -> `public-speaking`; keeps non-Latin letters, drops accents."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub("-", text).strip("-_").replace("_", "-")


def title_from_id(entry_id: str) -> str:
    """`2026-05-01-first-5k` -> `First 5k`: the fallback title."""
    text = re.sub(r"^\d{4}-\d{2}-\d{2}[-_ ]*", "", entry_id) or entry_id
    text = re.sub(r"[-_]+", " ", text).strip()
    return text[:1].upper() + text[1:] if text else entry_id


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def reads_as_slug(label: str) -> bool:
    """`public-speaking`, `running`: a name written as a slug (no capital, no space), which
    a person would not write as the name they read."""
    return label == label.lower() and not any(ch.isspace() for ch in label)


def humanise(label: str) -> str:
    """`public-speaking` -> `Public speaking`: hyphens and underscores become spaces, and the
    first letter a capital."""
    text = " ".join(re.sub(r"[-_]+", " ", label).split())
    return text[:1].upper() + text[1:] if text else label
