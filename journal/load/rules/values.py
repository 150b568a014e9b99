"""How the rules read a YAML value: as one line of text, as a date, or by its kind's name."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def scalar_text(value: Any) -> str | None:
    """A string (stripped) or a number as text; None for anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def as_date(value: Any) -> tuple[date, str | None] | None:
    """(date, "HH:MM" or None) of a date, a date-time or ISO 8601 text; None if neither."""
    if isinstance(value, datetime):
        return value.date(), value.strftime("%H:%M")
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text), None
            moment = datetime.fromisoformat(text)
            return moment.date(), moment.strftime("%H:%M")
        except ValueError:
            return None
    return None


def kind_name(value: Any) -> str:
    """What a value is, in the words of a YAML reader: mapping, list, boolean, int..."""
    return {dict: "mapping", list: "list", bool: "boolean"}.get(type(value), type(value).__name__)
