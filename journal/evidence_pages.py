"""Bridge from the analytics to the page set; filled in by the evidence layer."""

from __future__ import annotations

from datetime import date
from typing import Any

from .loader import Journal


def analyse_journal(journal: Journal, today: date) -> Any:
    return None


def evidence_pages(evidence: Any) -> dict:
    return {}
