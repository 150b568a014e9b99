"""`journal stats`: the evidence figures as a terminal table or JSON, the same as the site."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any


def journal_stats(root: Path, *, drafts: bool, today: date | None, as_json: bool) -> str:
    """`journal stats`: the figures of the journal's entries (drafts too, with `drafts`)
    on `today` (default: the real today), as JSON or a table."""
    from journal.analyse.analytics import analyse
    from journal.load.journal import load_journal

    journal = load_journal(root).select(drafts=drafts)
    data = analyse(journal.entries, journal.config, today or date.today()).to_json()
    return stats_json(data) if as_json else stats_table(data)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)}%"


def _streak(streak: dict[str, Any]) -> str:
    return f"{streak['current']}/{streak['longest']}"


def stats_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def stats_table(data: dict[str, Any]) -> str:
    """One row per domain and one for all of them; streaks read current/longest periods, and
    strength in the site's words (a figure that is only fading reads as resting)."""
    header = (
        "domain",
        "period",
        "wins",
        "setbacks",
        "mastery",
        "practice",
        "win rate",
        "early→recent",
        "congruence",
        "open lessons",
        "evidence strength",
    )
    rows = []
    for d in data["domains"].values():
        rows.append(
            (
                d["name"],
                d["period"],
                str(d["wins"]),
                str(d["setbacks"]),
                _streak(d["mastery_streak"]),
                _streak(d["practice_streak"]),
                _pct(d["win_rate"]),
                f"{_pct(d['early_win_rate'])}→{_pct(d['recent_win_rate'])}",
                _pct(d["calibration"]["congruence"])
                if d["calibration"]["congruence"] is not None
                else f"({d['calibration']['rated']} rated)",
                str(d["lessons"]["open"]),
                d["strength_words"],
            )
        )
    o = data["overall"]
    rows.append(
        (
            ALL,
            data["period"],
            str(o["wins"]),
            str(o["setbacks"]),
            _streak(o["mastery_streak"]),
            _streak(o["practice_streak"]),
            "",
            "",
            "",
            "",
            o["strength_words"],
        )
    )
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = []
    for n, row in enumerate((header, *rows)):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0 or n == len(rows) - 1:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"Streaks are current/longest {periods_said(data)}, as of {data['today']}.")
    lines.append(
        "Evidence strength is “now” while a period within its half-life met the target, "
        "then resting since its last mastery win; under 10 it is not given as a number. "
        "Congruence needs 5 rated entries."
    )
    return "\n".join(lines) + "\n"


ALL = "all domains"


def periods_said(data: dict[str, Any]) -> str:
    """`weeks for every domain`, or per period: `weeks (Running, all domains), months
    (Python programming) and days (Spanish)`, in the order the table lists them."""
    by_period: dict[str, list[str]] = {}
    for d in data["domains"].values():
        by_period.setdefault(d["period"], []).append(d["name"])
    by_period.setdefault(data["period"], []).append(ALL)
    if len(by_period) == 1:
        return f"{next(iter(by_period))}s for every domain"
    parts = [f"{period}s ({', '.join(names)})" for period, names in by_period.items()]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
