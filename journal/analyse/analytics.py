"""Pure analytics over entries: streaks, evidence strength, rates, calibration, lessons.

Nothing here reads files or knows about templates; the site and `journal stats`
both call `analyse()`, so they always show the same figures.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any, NamedTuple

from journal.config import Config, PeriodConfig
from journal.load.entry import Entry
from journal.same import keep_last
from journal.text import humanise, reads_as_slug

BINS = ((1, 3), (4, 6), (7, 8), (9, 10))
EXPECTS_SUCCESS = 6  # confidence >= 6 reads as "expected to manage it"
MIN_RATED = 5
EARLY = 10
CONTROLLABLE = ("effort", "strategy", "preparation")
EXTERNAL = ("circumstances", "luck")

# --- periods ----------------------------------------------------------------------------------


def period_start(day: date, cfg: PeriodConfig) -> date:
    if cfg.period == "day":
        return day
    if cfg.period == "month":
        return day.replace(day=1)
    back = (day.weekday() - cfg.week_start) % 7
    return day - timedelta(days=min(back, (day - date.min).days))  # year 1's first week


def period_days(cfg: PeriodConfig) -> int:
    """Days in a day or week period (a month's vary: see next_period)."""
    return 1 if cfg.period == "day" else 7


def next_period(start: date, cfg: PeriodConfig) -> date | None:
    """The start of the period after the one starting at `start`; None past year 9999."""
    if cfg.period == "month":
        if (start.year, start.month) == (9999, 12):
            return None
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    step = timedelta(days=period_days(cfg))
    return None if (date.max - start) < step else start + step


def is_rest_period(start: date, cfg: PeriodConfig) -> bool:
    """A period is rest only when every one of its days is declared rest."""
    if not cfg.rest:
        return False
    following = next_period(start, cfg)
    days = (following - start).days if following else (date.max - start).days + 1
    return all(start + timedelta(days=i) in cfg.rest for i in range(days))


def periods_between(first: date, last: date, cfg: PeriodConfig) -> list[date]:
    """Period starts from the period of `first` through the period of `last`."""
    start: date | None = period_start(first, cfg)
    end = period_start(last, cfg)
    out = []
    while start is not None and start <= end:
        out.append(start)
        start = next_period(start, cfg)  # None: the calendar ends in year 9999
    return out


# --- streaks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    current: int = 0
    longest: int = 0
    longest_start: date | None = None
    longest_end: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "longest": self.longest,
            "longest_start": self.longest_start.isoformat() if self.longest_start else None,
            "longest_end": self.longest_end.isoformat() if self.longest_end else None,
        }


def streak(dates: Iterable[date], cfg: PeriodConfig, today: date, target: int = 1) -> Streak:
    """Consecutive periods holding at least `target` counting entries.

    Rest periods are skipped entirely: a run continues across them, and entries
    inside them neither extend it nor start one. Today's period, while it has no
    counting entry yet, does not break the current streak. Dates after today are
    ignored. On a tie the most recent run is the longest.
    """
    by_period: dict[date, list[date]] = defaultdict(list)
    for day in dates:
        if day <= today:
            by_period[period_start(day, cfg)].append(day)
    if not by_period:
        return Streak()
    periods = [p for p in periods_between(min(by_period), today, cfg) if not is_rest_period(p, cfg)]
    longest = run = 0
    run_first: date | None = None
    best: tuple[date | None, date | None] = (None, None)
    for p in periods:
        days = by_period.get(p)
        if days and len(days) >= target:
            if run == 0:
                run_first = min(days)
            run += 1
            if run >= longest:
                longest, best = run, (run_first, max(days))
        else:
            run = 0
    current = 0
    today_period = period_start(today, cfg)
    for i, p in enumerate(reversed(periods)):
        if len(by_period.get(p, ())) >= target:
            current += 1
        elif i == 0 and p == today_period:
            continue  # today's period is not over yet
        else:
            break
    return Streak(current, longest, best[0], best[1])


# --- strength ---------------------------------------------------------------------------------


def strength_series(
    mastery_days: Iterable[date], first_day: date, cfg: PeriodConfig, today: date
) -> list[tuple[date, float]]:
    """s = m·s_prev + (1 − m)·v per period, skipping rest; v = 1 when the period holds
    `cfg.target` mastery wins; today's period counts once it does."""
    m = 0.5 ** (1 / cfg.half_life)
    wins_in = Counter(period_start(d, cfg) for d in mastery_days if d <= today)
    with_win = {p for p, n in wins_in.items() if n >= cfg.target}
    today_period = period_start(today, cfg)
    s = 0.0
    series = []
    if first_day > today:
        return series
    for p in periods_between(first_day, today, cfg):
        if is_rest_period(p, cfg):
            continue
        v = 1.0 if p in with_win else 0.0
        if p == today_period and not v:
            break
        s = m * s + (1 - m) * v
        series.append((p, s))
    return series


def strength(series: Sequence[tuple[date, float]]) -> int:
    return round(100 * series[-1][1]) if series else 0


def best_strength(series: Sequence[tuple[date, float]]) -> tuple[int, date | None]:
    """The highest strength (0-100) ever reached and its period, the latest on a tie."""
    best, when = 0, None
    for period, s in series:
        value = round(100 * s)
        if value >= best and value > 0:
            best, when = value, period
    return best, when


# What the strength figure says, in words that never read as nothing (DOMAIN.md: evidence
# never expires). "now" while one of the latest H periods of the series (H = the half-life,
# rounded up; rest periods are not in the series) met the target; past that, the figure is
# only the fading of older evidence, so it reads as resting since the last mastery win of
# the last period that met the target. A figure under FLOOR is never written as a number,
# now or best: a live one reads as its last mastery win ("recent"). "target not met":
# mastery wins, but no period ever held `target` of them. "no mastery win": none at all.
NOW, RECENT, RESTING, UNMET, NONE = (
    "now",
    "recent",
    "resting",
    "target not met",
    "no mastery win",
)
FLOOR = 10


@dataclass(frozen=True)
class Recency:
    state: str = NONE
    strength: int = 0  # round(100 · s) today, as defined
    best: int = 0  # the highest it ever reached...
    best_period: date | None = None  # ...and the period (the latest on a tie)
    since: date | None = None  # resting: the last mastery win of the last period meeting target
    last_mastery: date | None = None  # the latest mastery win, whatever its period held
    window: int = 0  # H rounded up: how many periods back a met target still reads "now"

    @property
    def shows_best(self) -> bool:
        return self.best >= FLOOR and self.best_period is not None

    def words(self, cfg: PeriodConfig, fmt: Callable[[date], str] = date.isoformat) -> str:
        """The figure in words, as the site writes it (without its markup)."""
        if self.state == NOW:
            text = f"{self.strength}/100 now"
        elif self.state == RECENT:
            text = f"last mastery win {fmt(self.last_mastery)}"
        elif self.state == RESTING:
            text = f"resting since {fmt(self.since)}"
        elif self.state == UNMET:
            text = f"target of {cfg.target} a {cfg.period} not yet met"
        else:
            return "no mastery win yet"
        if self.shows_best:
            text += f" · best {self.best}/100 ({period_name(self.best_period, cfg.period, fmt)})"
        if self.state in (RESTING, UNMET) and self.last_mastery != self.since:
            text += f" · last mastery win {fmt(self.last_mastery)}"
        return text

    def to_json(self, cfg: PeriodConfig) -> dict[str, Any]:
        return {
            "strength_state": self.state,
            "strength_words": self.words(cfg),
            "strength_best": self.best,
            "strength_best_period": _iso(self.best_period),
            "resting_since": _iso(self.since),
            "last_mastery_win": _iso(self.last_mastery),
        }


def period_name(start: date, period: str, fmt: Callable[[date], str] = date.isoformat) -> str:
    """`week of 16 Nov 2026`, `November 2026` or the day itself."""
    if period == "month":
        return start.strftime("%B %Y")
    return f"week of {fmt(start)}" if period == "week" else fmt(start)


def recency(
    mastery_days: Sequence[date], series: Sequence[tuple[date, float]], cfg: PeriodConfig
) -> Recency:
    """What the strength figure says (see NOW above); `mastery_days` counted, in time order."""
    if not mastery_days:
        return Recency()
    wins_in = Counter(period_start(d, cfg) for d in mastery_days)
    met = [p for p, _ in series if wins_in[p] >= cfg.target]
    best, best_period = best_strength(series)
    window = max(1, math.ceil(cfg.half_life))
    last_mastery = mastery_days[-1]
    common = dict(
        strength=strength(series),
        best=best,
        best_period=best_period,
        last_mastery=last_mastery,
        window=window,
    )
    if not met:
        if cfg.target > 1:
            return Recency(UNMET, **common)
        return Recency(RESTING, since=last_mastery, **common)  # only in rest periods
    if met[-1] in {p for p, _ in series[-window:]}:
        return Recency(NOW if strength(series) >= FLOOR else RECENT, **common)
    since = max(d for d in mastery_days if period_start(d, cfg) == met[-1])
    return Recency(RESTING, since=since, **common)


# --- rates and calibration --------------------------------------------------------------------


def win_rate(entries: Sequence[Entry]) -> float | None:
    return sum(e.is_win for e in entries) / len(entries) if entries else None


@dataclass(frozen=True)
class Bin:
    low: int
    high: int
    count: int
    wins: int

    @property
    def label(self) -> str:
        return f"{self.low}-{self.high}"

    @property
    def win_rate(self) -> float | None:
        return self.wins / self.count if self.count else None

    @property
    def verdict(self) -> str | None:
        """'under' when the outcome beat the stated chance clearly, 'over' when it fell short."""
        if self.count < 3 or self.win_rate is None:
            return None
        if self.win_rate > self.high / 10 + 0.1:
            return "under"
        if self.win_rate < self.low / 10 - 0.1:
            return "over"
        return None

    def sentence(self) -> str:
        attempts = "attempt" if self.count == 1 else "attempts"
        text = (
            f"When you rated your confidence {self.low}–{self.high} you succeeded in "
            f"{self.wins} of {self.count} {attempts}."
        )
        if self.verdict == "under":
            text += " You underestimated yourself."
        elif self.verdict == "over":
            text += " You expected more than happened."
        return text


@dataclass(frozen=True)
class Calibration:
    rated: int
    congruence: float | None
    brier: float | None
    bins: tuple[Bin, ...]
    bias: float | None = None  # mean of (10 · outcome − c): + underestimates, − overestimates
    preregistered: Calibration | None = None  # of the whole: confidence written beforehand
    retrospective: Calibration | None = None  # ...and written after the attempt

    def bias_sentence(self) -> str | None:
        """ "You underestimate yourself by ~2 points", in confidence points (1-10)."""
        if self.bias is None:
            return None
        points = round(self.bias)
        if points == 0:
            return "Your confidence matches your results to within a point."
        word = "underestimate" if points > 0 else "overestimate"
        n = abs(points)
        return f"You {word} yourself by ~{n} point{'s' * (n != 1)}."

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rated": self.rated,
            "congruence": _r(self.congruence),
            "brier": _r(self.brier),
            "bins": [
                {"range": b.label, "count": b.count, "win_rate": _r(b.win_rate)} for b in self.bins
            ],
            "bias": _r(self.bias),
        }
        if self.preregistered is not None and self.retrospective is not None:
            out["preregistered"] = self.preregistered.to_json()
            out["retrospective"] = self.retrospective.to_json()
        return out


def _calibration(rated: Sequence[Entry]) -> Calibration:
    bins = tuple(
        Bin(
            lo,
            hi,
            sum(1 for e in rated if lo <= e.confidence <= hi),  # type: ignore[operator]
            sum(1 for e in rated if lo <= e.confidence <= hi and e.is_win),
        )  # type: ignore[operator]
        for lo, hi in BINS
    )
    if len(rated) < MIN_RATED:
        return Calibration(len(rated), None, None, bins)
    congruent = sum(1 for e in rated if (e.confidence >= EXPECTS_SUCCESS) == e.is_win)  # type: ignore[operator]
    brier = sum((e.confidence / 10 - (1 if e.is_win else 0)) ** 2 for e in rated) / len(rated)  # type: ignore[operator]
    bias = sum(10 * e.is_win - e.confidence for e in rated) / len(rated)  # type: ignore[operator]
    return Calibration(len(rated), congruent / len(rated), brier, bins, bias)


def calibration(entries: Sequence[Entry]) -> Calibration:
    """Confidence c reads as a stated chance c/10; below 5 rated entries there are no figures.

    The whole, and apart: pre-registered entries (`planned` no later than `date`: the
    confidence was on record before the attempt) and retrospective ones (the rest)."""
    rated = [e for e in entries if e.confidence is not None and not e.is_plan]
    whole = _calibration(rated)
    before = _calibration([e for e in rated if e.preregistered])
    after = _calibration([e for e in rated if not e.preregistered])
    return Calibration(
        whole.rated, whole.congruence, whole.brier, whole.bins, whole.bias, before, after
    )


# --- plans ------------------------------------------------------------------------------------

NEAR = 3  # attempts wanted near a plan's confidence before the window widens
WIDEST = 2  # ...up to this many points either side


@dataclass(frozen=True)
class Outlook:
    """An open plan and what the record says at its confidence: wins of attempts in its
    domain rated `low`-`high` (the narrowest window around it holding NEAR attempts)."""

    plan: Entry
    name: str  # the domain's display name
    low: int
    high: int
    wins: int
    attempts: int
    domain_wins: int  # at any confidence
    domain_attempts: int
    waiting: bool  # its day has passed and no outcome is recorded

    @property
    def window(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"

    def sentence(self) -> str:
        if self.attempts:
            return (
                f"At confidence {self.window} in {self.name} you succeeded {self.wins} of "
                f"{self.attempts} time{'s' * (self.attempts != 1)}."
            )
        if self.domain_attempts:
            return (
                f"No attempt in {self.name} was rated {self.window} yet; at any confidence you "
                f"succeeded {self.domain_wins} of {self.domain_attempts} "
                f"time{'s' * (self.domain_attempts != 1)}."
            )
        return f"Nothing is recorded in {self.name} yet: this will be the first evidence."


def outlook(plan: Entry, name: str, record: Sequence[Entry], today: date) -> Outlook:
    """`record`: the domain's counted entries (wins and setbacks up to today)."""
    c = plan.confidence or 1
    rated = [e.confidence for e in record if e.confidence is not None]
    wins_at = [e.confidence for e in record if e.confidence is not None and e.is_win]
    for k in range(WIDEST + 1):
        low, high = max(1, c - k), min(10, c + k)
        attempts = sum(1 for x in rated if low <= x <= high)
        if attempts >= NEAR:
            break
    wins = sum(1 for x in wins_at if low <= x <= high)
    return Outlook(
        plan,
        name,
        low,
        high,
        wins,
        attempts,
        sum(1 for e in record if e.is_win),
        len(record),
        plan.date < today,
    )


# --- setbacks and lessons ---------------------------------------------------------------------


def attribution_mix(entries: Iterable[Entry]) -> dict[str, int]:
    mix = {"controllable": 0, "external": 0, "ability": 0, "unrecorded": 0}
    for e in entries:
        if e.kind != "setback":
            continue
        if e.attribution in CONTROLLABLE:
            mix["controllable"] += 1
        elif e.attribution in EXTERNAL:
            mix["external"] += 1
        elif e.attribution == "ability":
            mix["ability"] += 1
        else:
            mix["unrecorded"] += 1
    return mix


def followers(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    """Setback id -> the later entries that apply its lesson; `entries` in time order."""
    out: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:  # in time order, as the journal keeps them
        if e.follows:
            out[e.follows].append(e)
    return dict(out)


@dataclass(frozen=True)
class Lessons:
    with_lesson: int
    applied: int
    open: int

    @property
    def follow_through(self) -> float | None:
        return self.applied / self.with_lesson if self.with_lesson else None

    def to_json(self) -> dict[str, Any]:
        return {"with_lesson": self.with_lesson, "applied": self.applied, "open": self.open}


def lessons(entries: Sequence[Entry | Point], followed: Container[str]) -> Lessons:
    """`followed`: the ids of setbacks whose lesson a later entry applies."""
    taught = [e for e in entries if e.kind == "setback" and e.lesson]
    applied = sum(1 for e in taught if e.id in followed)
    return Lessons(len(taught), applied, len(taught) - applied)


# --- counter-evidence and the audit -------------------------------------------------------------


class WinIndex:
    """Wins of one domain (given in time order) by difficulty, for O(log n) look-ups."""

    def __init__(self, wins: Iterable[Entry]):
        self.levels: dict[int, list[Entry]] = defaultdict(list)
        self.keys: dict[int, list[tuple]] = defaultdict(list)
        self.all: list[Entry] = []
        for w in wins:  # in time order
            self.all.append(w)
            if w.difficulty is not None:
                self.levels[w.difficulty].append(w)
        for level, items in self.levels.items():
            self.keys[level] = [e.sort_key for e in items]
        self.all_keys = [e.sort_key for e in self.all]

    def earlier(self, level: int, before: tuple, limit: int) -> list[Entry]:
        items = self.levels.get(level, [])
        cut = bisect.bisect_left(self.keys[level], before)
        return items[max(0, cut - limit) : cut]

    def counter_evidence(self, setback: Entry, limit: int = 3) -> list[Entry]:
        """Up to three earlier wins at equal or higher difficulty, most recent first; when
        fewer exist, filled with the nearest difficulty below (then most recent). A setback
        without a difficulty gets the three most recent earlier wins."""
        before = setback.sort_key
        if setback.difficulty is None:
            cut = bisect.bisect_left(self.all_keys, before)
            return list(reversed(self.all[max(0, cut - limit) : cut]))
        above = [
            w for level in range(setback.difficulty, 11) for w in self.earlier(level, before, limit)
        ]
        chosen = sorted(above, key=lambda e: e.sort_key, reverse=True)[:limit]
        for level in range(setback.difficulty - 1, 0, -1):
            if len(chosen) >= limit:
                break
            chosen += list(reversed(self.earlier(level, before, limit - len(chosen))))
        return chosen


@keep_last(lambda slug, entries: slug)
def domain_counter(slug: str, entries: Sequence[Entry]) -> dict[str, list[Entry]]:
    """Setback id -> its counter-evidence, for one domain's entries (in time order). Kept
    while the domain's entries are the same: an edit elsewhere leaves these very lists, and
    the pages showing them are passed at once when two listings are compared."""
    index = WinIndex(e for e in entries if e.is_win)
    return {e.id: index.counter_evidence(e) for e in entries if e.kind == "setback"}


def audit(wins: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
    """The three most recent wins, and the three hardest (ties: the more recent); `wins` in
    time order."""
    recent = list(reversed(wins[-3:]))
    rated = [w for w in wins if w.difficulty is not None]
    hardest = sorted(rated, key=lambda e: (e.difficulty, e.sort_key), reverse=True)[:3]
    return recent, hardest


# --- putting it together ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Everything computed for one domain, or for all domains together."""

    slug: str
    name: str
    cfg: PeriodConfig
    entries: tuple[Entry, ...]  # counted ones, oldest first
    wins: int
    setbacks: int
    mastery: Streak
    practice: Streak
    strength_series: tuple[tuple[date, float], ...]
    strength: int
    win_rate: float | None
    early_win_rate: float | None
    recent_win_rate: float | None
    calibration: Calibration
    attribution: dict[str, int]
    lessons: Lessons
    sources: dict[str, int] = field(default_factory=dict)
    audit_recent: tuple[Entry, ...] = ()
    audit_hardest: tuple[Entry, ...] = ()
    recency: Recency = Recency()  # the strength figure in words that never read as nothing

    def streaks_json(self) -> dict[str, Any]:
        return {
            "mastery_streak": self.mastery.to_json(),
            "practice_streak": self.practice.to_json(),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "period": self.cfg.period,
            "target": self.cfg.target,
            "wins": self.wins,
            "setbacks": self.setbacks,
            "strength": self.strength,
            **self.recency.to_json(self.cfg),
            "win_rate": _r(self.win_rate),
            "early_win_rate": _r(self.early_win_rate),
            "recent_win_rate": _r(self.recent_win_rate),
            **self.streaks_json(),
            "calibration": self.calibration.to_json(),
            "attribution": dict(self.attribution),
            "lessons": self.lessons.to_json(),
        }


class Point(NamedTuple):
    """What the figures read of one entry, under the names `Entry` gives them: a title or
    tag edit leaves an entry's point as it was, and with it every number of its domain."""

    id: str
    date: date
    sort_key: tuple[date, str, str]
    kind: str
    is_win: bool
    is_plan: bool
    is_mastery_win: bool
    difficulty: int | None
    confidence: int | None
    preregistered: bool
    attribution: str | None
    lesson: bool  # whether it has one
    source: str


_POINTS: dict[str, Point] = {}  # entry key -> its point, for the entries of the last call


def points(entries: Sequence[Entry]) -> tuple[Point, ...]:
    """The entries' points; an entry with the same key as in the last call (its frontmatter
    unchanged) gets the very same point, which `keep_last` then passes at C speed."""
    global _POINTS
    last, found = _POINTS, {}
    for e in entries:
        point = last.get(e.key)
        if point is None:
            point = Point(
                e.id,
                e.date,
                e.sort_key,
                e.kind,
                e.is_win,
                e.is_plan,
                e.is_mastery_win,
                e.difficulty,
                e.confidence,
                e.preregistered,
                e.attribution,
                bool(e.lesson),
                e.source,
            )
        found[e.key] = point
    _POINTS = found if len(found) >= len(last) // 2 else {**last, **found}
    return tuple(found[e.key] for e in entries)


@dataclass(frozen=True)
class Numbers:
    """A domain's figures as numbers: the part of `Figures` that holds no entry, with the
    audit as positions in the counted entries."""

    wins: int
    setbacks: int
    mastery: Streak
    practice: Streak
    strength_series: tuple[tuple[date, float], ...]
    strength: int
    win_rate: float | None
    early_win_rate: float | None
    recent_win_rate: float | None
    calibration: Calibration
    attribution: dict[str, int]
    lessons: Lessons
    sources: dict[str, int]
    audit_recent: tuple[int, ...]
    audit_hardest: tuple[int, ...]
    recency: Recency


@keep_last(lambda slug, *args: slug)
def numbers(
    slug: str, counted: Sequence[Point], cfg: PeriodConfig, today: date, followed: frozenset[str]
) -> Numbers:
    """The figures of one domain's counted entries (in time order); `followed`: the ids of
    the setbacks whose lesson a later entry applies."""
    mastery_days = [e.date for e in counted if e.is_mastery_win]
    series = strength_series(mastery_days, counted[0].date, cfg, today) if counted else []
    wins = [n for n, e in enumerate(counted) if e.is_win]
    recent, hardest = audit([counted[n] for n in wins])
    at = {counted[n].id: n for n in wins}  # a win's position in the counted entries
    return Numbers(
        wins=len(wins),
        setbacks=len(counted) - len(wins),
        mastery=streak(mastery_days, cfg, today, cfg.target),
        practice=streak((e.date for e in counted), cfg, today),
        strength_series=tuple(series),
        strength=strength(series),
        win_rate=win_rate(counted),
        early_win_rate=win_rate(counted[:EARLY]),
        recent_win_rate=win_rate(counted[-EARLY:]),
        calibration=calibration(counted),
        attribution=attribution_mix(counted),
        lessons=lessons(counted, followed),
        sources=dict(Counter(counted[n].source for n in wins)),
        audit_recent=tuple(at[e.id] for e in recent),
        audit_hardest=tuple(at[e.id] for e in hardest),
        recency=recency(mastery_days, series, cfg),
    )


@keep_last(lambda slug, *args: slug)
def figures(
    slug: str,
    name: str,
    entries: Sequence[Entry],
    cfg: PeriodConfig,
    today: date,
    applied_by: dict[str, list[Entry]],
) -> Figures:
    counted = tuple(e for e in entries if e.date <= today and not e.is_plan)  # in time order
    followed = frozenset(i for i, by in applied_by.items() if by)
    n = numbers(slug, points(counted), cfg, today, followed)
    values = {f.name: getattr(n, f.name) for f in fields(Numbers)}
    values["audit_recent"] = tuple(counted[i] for i in n.audit_recent)
    values["audit_hardest"] = tuple(counted[i] for i in n.audit_hardest)
    return Figures(slug=slug, name=name, cfg=cfg, entries=counted, **values)


@dataclass(frozen=True)
class Evidence:
    today: date
    overall: Figures
    domains: dict[str, Figures]
    applied_by: dict[str, list[Entry]]
    counter: dict[str, list[Entry]]  # setback id -> counter-evidence
    outlooks: tuple[Outlook, ...] = ()  # open plans, soonest first

    @property
    def coming_up(self) -> list[Outlook]:
        """Open plans dated today or later, soonest first."""
        return [o for o in self.outlooks if not o.waiting]

    @property
    def waiting(self) -> list[Outlook]:
        """Open plans whose day has passed: waiting for an outcome, counted nowhere."""
        return [o for o in self.outlooks if o.waiting]

    def counter_evidence_for(self, entry: Entry) -> list[Entry]:
        return self.counter.get(entry.id, [])

    @property
    def open_lessons(self) -> list[Entry]:
        """Setbacks with a lesson that no entry follows yet, newest first."""
        return sorted(
            (
                e
                for e in self.overall.entries
                if e.kind == "setback" and e.lesson and not self.applied_by.get(e.id)
            ),
            key=lambda e: e.sort_key,
            reverse=True,
        )

    def to_json(self) -> dict[str, Any]:
        o = self.overall
        return {
            "today": self.today.isoformat(),
            "period": o.cfg.period,
            "overall": {
                "wins": o.wins,
                "setbacks": o.setbacks,
                "strength": o.strength,
                **o.recency.to_json(o.cfg),
                **o.streaks_json(),
                "calibration": o.calibration.to_json(),
            },
            "plans": {"coming_up": len(self.coming_up), "waiting": len(self.waiting)},
            "domains": {slug: f.to_json() for slug, f in self.domains.items()},
        }


def domain_name(config: Config, slug: str, entries: Sequence[Entry]) -> str:
    """The configured name, else the spelling most entries use (on a tie, the latest's):
    one stray spelling does not rename the domain. Spellings written as slugs (lower case,
    no space: `public-speaking`) give way to any other; when every spelling is one, the
    name is humanised (`Public speaking`), as people read it."""
    configured = config.domains.get(slug)
    if configured and configured.name:
        return configured.name
    if not entries:
        return humanise(slug)
    counts = Counter(e.domain_label for e in entries)
    latest: dict[str, tuple] = {}
    for e in entries:
        latest[e.domain_label] = max(latest.get(e.domain_label, e.sort_key), e.sort_key)
    readable = [label for label in counts if not reads_as_slug(label)]
    name = max(readable or counts, key=lambda label: (counts[label], latest[label]))
    return name if readable else humanise(name)


def analyse(entries: Sequence[Entry], config: Config, today: date) -> Evidence:
    """All figures for the entries given (the caller has already left drafts out)."""
    entries = sorted(entries, key=lambda e: e.sort_key)  # the functions below rely on it
    plans = [e for e in entries if e.is_plan]  # open plans count in no figure
    entries = [e for e in entries if not e.is_plan]
    by_domain: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_domain[e.domain].append(e)
    applied_by = followers(entries)
    domains = {}
    counter: dict[str, list[Entry]] = {}
    for slug, items in sorted(by_domain.items()):
        name, cfg = domain_name(config, slug, items), config.period_for(slug)
        domains[slug] = figures(slug, name, items, cfg, today, applied_by)
        counter.update(domain_counter(slug, items))
    overall = figures("", config.title, entries, config.streaks, today, applied_by)
    plan_domains: dict[str, list[Entry]] = defaultdict(list)
    for e in plans:
        plan_domains[e.domain].append(e)
    outlooks = []
    for e in plans:
        f = domains.get(e.domain)
        name = f.name if f else domain_name(config, e.domain, plan_domains[e.domain])
        outlooks.append(outlook(e, name, f.entries if f else (), today))
    return Evidence(today, overall, domains, applied_by, counter, tuple(outlooks))


# --- series for charts --------------------------------------------------------------------------


def daily_counts(entries: Iterable[Entry], start: date, end: date) -> dict[date, tuple[int, int]]:
    """(wins, setbacks) per day between start and end inclusive."""
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        if start <= e.date <= end:
            counts[e.date][0 if e.is_win else 1] += 1
    return {d: (w, s) for d, (w, s) in counts.items()}


def window_end(f: Figures, today: date, last: int) -> date:
    """The day a window of `last` periods ends on: today, or, when the `last` periods up to
    today's hold no entry (a pause longer than the window), the latest entry's date, so a
    strip or a line counts back from the latest evidence instead of showing only a gap."""
    if not f.entries:
        return today
    latest = f.entries[-1].date
    return latest if len(periods_between(latest, today, f.cfg)) > last else today


def period_states(
    f: Figures, today: date, last: int, end: date | None = None
) -> list[tuple[date, str]]:
    """The `last` periods up to `end` (default today): 'mastery', 'practice', 'rest',
    'empty' or 'current' (today's period, while it holds nothing)."""
    if not f.entries:
        return []
    wins_in = Counter(period_start(e.date, f.cfg) for e in f.entries if e.is_mastery_win)
    mastery = {p for p, n in wins_in.items() if n >= f.cfg.target}
    practice = {period_start(e.date, f.cfg) for e in f.entries}
    today_period = period_start(today, f.cfg)
    states = []
    for p in periods_between(f.entries[0].date, min(end or today, today), f.cfg)[-last:]:
        if p in mastery:
            state = "mastery"
        elif is_rest_period(p, f.cfg):
            state = "rest"
        elif p in practice:
            state = "practice"
        elif p == today_period:
            state = "current"
        else:
            state = "empty"
        states.append((p, state))
    return states


def rolling_median(values: Sequence[float], window: int) -> list[float]:
    """Median of the last `window` values up to and including each position."""
    return [statistics.median(values[max(0, i + 1 - window) : i + 1]) for i in range(len(values))]


def running_max(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        out.append(max(v, out[-1]) if out else v)
    return out


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
