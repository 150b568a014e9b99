"""A domain's case: the evidence that you can do it, in figures that never expire.

Pure functions over a domain's `Figures`: all-time counts lead (wins ever, the hardest
win, wins after doubting, lessons applied, setbacks later overcome); recency figures
(strength, streaks) are kept beside their all-time best, never alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from journal.analyse.analytics import Bin, Evidence, Figures, best_strength
from journal.load.entry import Entry
from journal.same import keep_last

DOUBTED = 4  # a win at confidence <= 4: "you doubted, and did it"


@dataclass(frozen=True)
class Case:
    slug: str
    name: str
    wins: int  # ever, every source
    mastery_wins: int
    setbacks: int
    hardest: Entry | None  # the hardest win (else the latest, when no win has a difficulty)
    latest: Entry | None  # the latest win
    doubted: tuple[Entry, ...]  # wins at confidence <= DOUBTED, newest first
    lessons_applied: int  # setbacks with a lesson that a later entry follows
    overcome: tuple[tuple[Entry, Entry], ...]  # (setback, the first win following it), newest first
    underestimated: tuple[Bin, ...]  # confidence bins where the outcome beat the stated chance
    last_mastery: date | None  # the latest mastery win's date
    last_active: date | None  # the latest entry's date
    best_strength: int  # the highest evidence strength ever reached
    best_strength_period: date | None  # the period it was reached in (the latest on a tie)


def hardest_win(wins: Sequence[Entry]) -> Entry | None:
    """The win of highest difficulty, the more recent on a tie; without any rated win,
    the latest win. `wins` in time order."""
    rated = [w for w in wins if w.difficulty is not None]
    if rated:
        return max(rated, key=lambda e: (e.difficulty, e.sort_key))
    return wins[-1] if wins else None


def doubted_wins(wins: Sequence[Entry], threshold: int = DOUBTED) -> list[Entry]:
    """Wins whose confidence beforehand was at most `threshold`, newest first."""
    found = [w for w in wins if w.confidence is not None and w.confidence <= threshold]
    return sorted(found, key=lambda e: e.sort_key, reverse=True)


def overcome(
    entries: Sequence[Entry], applied_by: dict[str, list[Entry]]
) -> list[tuple[Entry, Entry]]:
    """Setbacks among `entries` that a later win follows: (setback, its first such win),
    newest setback first."""
    pairs = []
    for e in entries:
        if e.kind != "setback":
            continue
        win = next((a for a in applied_by.get(e.id, []) if a.is_win), None)
        if win is not None:
            pairs.append((e, win))
    return sorted(pairs, key=lambda p: p[0].sort_key, reverse=True)


def lessons_applied(entries: Sequence[Entry], applied_by: dict[str, list[Entry]]) -> int:
    return sum(1 for e in entries if e.kind == "setback" and e.lesson and applied_by.get(e.id))


@keep_last(lambda f, *args: f.slug)
def case(f: Figures, applied_by: dict[str, list[Entry]]) -> Case:
    wins = [e for e in f.entries if e.is_win]
    mastery = [e for e in wins if e.is_mastery_win]
    best, best_when = best_strength(f.strength_series)
    return Case(
        slug=f.slug,
        name=f.name,
        wins=len(wins),
        mastery_wins=len(mastery),
        setbacks=f.setbacks,
        hardest=hardest_win(wins),
        latest=wins[-1] if wins else None,
        doubted=tuple(doubted_wins(wins)),
        lessons_applied=lessons_applied(f.entries, applied_by),
        overcome=tuple(overcome(f.entries, applied_by)),
        underestimated=tuple(b for b in f.calibration.bins if b.verdict == "under"),
        last_mastery=mastery[-1].date if mastery else None,
        last_active=f.entries[-1].date if f.entries else None,
        best_strength=best,
        best_strength_period=best_when,
    )


def cases(ev: Evidence) -> list[Case]:
    """Every domain's case, the most recently active first (then by name)."""
    found = [case(f, ev.applied_by) for f in ev.domains.values() if f.entries]
    found.sort(key=lambda c: c.name.lower())
    found.sort(key=lambda c: c.last_active or date.min, reverse=True)
    return found
