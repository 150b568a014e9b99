"""Journal -> Evidence: pure functions of the entries, the config and today's date."""

from __future__ import annotations

from datetime import date

from journal.analyse.analytics import Evidence
from journal.analyse.analytics import analyse as analyse_entries
from journal.load.journal import Journal


def analyse(journal: Journal, today: date) -> Evidence:
    return analyse_entries(journal.entries, journal.config, today)
