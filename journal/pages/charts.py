"""Inline SVG charts from plain numbers: no JavaScript, a text alternative on every chart.

Colours come from CSS classes (so dark mode works), and wins and setbacks also differ
in shape, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from html import escape

from journal.analyse.analytics import rolling_median, running_max

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _svg(
    id_: str, width: float, height: float, title: str, desc: str, body: list[str], kind: str = ""
) -> str:
    return (
        f'<svg class="chart {kind}" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-labelledby="{id_}-t {id_}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{id_}-t">{escape(title)}</title><desc id="{id_}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def calendar_heatmap(
    days: Mapping[date, tuple[int, int]],
    start: date,
    end: date,
    *,
    id_prefix: str,
    week_start: int = 0,
    rest: Collection[date] = (),
    title: str = "Calendar of entries",
) -> str:
    """Weeks as columns, weekdays as rows; a day with a setback also gets a diagonal mark."""
    first = start - timedelta(days=(start.weekday() - week_start) % 7)
    cell, gap, top, left = 11, 2, 14, 2
    weeks = (end - first).days // 7 + 1
    body: list[str] = []
    wins = sum(w for d, (w, _) in days.items() if start <= d <= end)
    setbacks = sum(s for d, (_, s) in days.items() if start <= d <= end)
    busiest = max(((w + s, d) for d, (w, s) in days.items() if start <= d <= end), default=None)
    last_month = None
    day = start
    while day <= end:
        col = (day - first).days // 7
        row = (day - first).days % 7
        x, y = left + col * (cell + gap), top + row * (cell + gap)
        if day.day == 1 or last_month is None:
            if last_month is None or day.month != last_month:
                body.append(f'<text x="{x}" y="10" font-size="9">{MONTHS[day.month - 1]}</text>')
            last_month = day.month
        w, s = days.get(day, (0, 0))
        if w and s:
            cls = "mixed"
        elif w:
            cls = f"level-{min(w, 4)}"
        elif s:
            cls = "setback"
        elif day in rest:
            cls = "rest"
        else:
            cls = "empty"
        tip = f"{day.isoformat()}: {_plural(w, 'win')}, {_plural(s, 'setback')}"
        if day in rest and not (w or s):
            tip += " (rest)"
        body.append(
            f'<rect class="{cls}" x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2">'
            f"<title>{tip}</title></rect>"
        )
        if s:
            body.append(
                f'<path class="mark" d="M{x + 2} {y + cell - 2}L{x + cell - 2} {y + 2}" '
                'stroke="currentColor" stroke-width="1.5"/>'
            )
        day += timedelta(days=1)
    desc = (
        f"{_plural(wins, 'win')} and {_plural(setbacks, 'setback')} between "
        f"{start.isoformat()} and {end.isoformat()}"
    )
    if busiest:
        desc += f"; busiest day {busiest[1].isoformat()} with {_plural(busiest[0], 'entry')}"
    desc = desc.replace("entrys", "entries") + ". Days with a setback carry a diagonal stroke."
    width = left + weeks * (cell + gap)
    return _svg(id_prefix, width, top + 7 * (cell + gap), title, desc, body)


def _scale(lo: float, hi: float, a: float, b: float):
    span = (hi - lo) or 1
    return lambda v: round(a + (v - lo) * (b - a) / span, 1)


def scatter(
    points: Sequence[tuple[date, int, bool]],
    *,
    id_prefix: str,
    title: str,
    what: str,
    threshold: float | None = None,
    trend: bool = False,
) -> str:
    """Values 1–10 by date; wins are circles, setbacks are crosses."""
    width, height, pad = 600, 200, 28
    if not points:
        return _svg(
            id_prefix,
            width,
            40,
            title,
            f"No {what} recorded yet.",
            ['<text x="10" y="24">No data yet</text>'],
        )
    pts = sorted(points)
    x = _scale(pts[0][0].toordinal(), pts[-1][0].toordinal(), pad, width - 10)
    y = _scale(1, 10, height - pad, 10)
    body = [
        f'<line class="axis" x1="{pad}" y1="{y(1)}" x2="{width - 10}" y2="{y(1)}"/>',
        f'<text x="2" y="{y(10) + 4}" font-size="10">10</text>',
        f'<text x="8" y="{y(1) + 4}" font-size="10">1</text>',
        f'<text x="{pad}" y="{height - 4}" font-size="10">{pts[0][0].isoformat()}</text>',
        f'<text x="{width - 10}" y="{height - 4}" font-size="10" text-anchor="end">'
        f"{pts[-1][0].isoformat()}</text>",
    ]
    if threshold is not None:
        body.append(
            f'<line class="grid" x1="{pad}" y1="{y(threshold)}" x2="{width - 10}" '
            f'y2="{y(threshold)}" stroke-dasharray="3 3"/>'
        )
    for d, v, win in pts:
        cx, cy = x(d.toordinal()), y(v)
        label = f"<title>{d.isoformat()}: {'win' if win else 'setback'}, {what} {v}</title>"
        if win:
            body.append(f'<circle class="win" cx="{cx}" cy="{cy}" r="4">{label}</circle>')
        else:
            body.append(
                f'<path class="setback" d="M{cx - 4} {cy - 4}L{cx + 4} {cy + 4}'
                f'M{cx - 4} {cy + 4}L{cx + 4} {cy - 4}" stroke-width="2">{label}</path>'
            )
    wins = [(d, v) for d, v, win in pts if win]
    desc = (
        f"{_plural(len(pts), 'attempt')} from {pts[0][0].isoformat()} to "
        f"{pts[-1][0].isoformat()}: {_plural(len(wins), 'win')} (circles) and "
        f"{_plural(len(pts) - len(wins), 'setback')} (crosses)."
    )
    if trend and wins:
        med = rolling_median([v for _, v in wins], 5)
        top = running_max([v for _, v in wins])
        line = " ".join(f"{x(d.toordinal())},{y(m)}" for (d, _), m in zip(wins, med, strict=True))
        step = " ".join(f"{x(d.toordinal())},{y(t)}" for (d, _), t in zip(wins, top, strict=True))
        body.insert(0, f'<polyline class="median" points="{line}"/>')
        body.insert(0, f'<polyline class="max" points="{step}"/>')
        hardest = max(wins, key=lambda w: (w[1], w[0]))
        desc += (
            f" The rolling median of win {what} (last five wins) went from {med[0]:g} to "
            f"{med[-1]:g}; hardest win so far {hardest[1]} on {hardest[0].isoformat()}."
        )
    if threshold is not None:
        desc += f" Dashed line at {threshold:g}."
    return _svg(id_prefix, width, height, title, desc, body)


def sparkline(values: Sequence[float], *, id_prefix: str, label: str) -> str:
    """A tiny line of evidence strength (0–100) per period."""
    width, height = 120, 30
    if not values:
        return _svg(id_prefix, width, height, label, "No data yet.", [])
    x = _scale(0, max(len(values) - 1, 1), 2, width - 2)
    y = _scale(0, 100, height - 2, 2)
    line = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
    desc = (
        f"{len(values)} periods: from {values[0]:.0f} to {values[-1]:.0f}, "
        f"lowest {min(values):.0f}, highest {max(values):.0f}."
    )
    return _svg(
        id_prefix, width, height, label, desc, [f'<polyline class="median" points="{line}"/>']
    )


STATE_WORDS = {
    "mastery": "mastery win",
    "practice": "entries, no mastery win",
    "empty": "nothing",
    "rest": "rest",
    "current": "in progress",
}


def period_strip(cells: Sequence[tuple[str, str]], *, id_prefix: str, label: str) -> str:
    """One square per period; the state is in the class, the tooltip and the description."""
    size, gap = 10, 2
    body = []
    for i, (period, state) in enumerate(cells):
        x = i * (size + gap)
        body.append(
            f'<rect class="{state}" x="{x}" y="1" width="{size}" height="{size}" '
            f'rx="2"><title>{escape(period)}: {STATE_WORDS[state]}</title></rect>'
        )
        if state == "rest":
            body.append(f'<path d="M{x + 2} {6}h{size - 4}" stroke="currentColor"/>')
    counts = {s: sum(1 for _, st in cells if st == s) for s in STATE_WORDS}
    desc = (
        f"{len(cells)} periods: {counts['mastery']} with a mastery win, {counts['practice']} "
        f"with entries but no mastery win, {counts['empty']} empty, {counts['rest']} rest."
    )
    width = max(len(cells), 1) * (size + gap)
    return _svg(id_prefix, width, size + 2, label, desc, body, "strip")


def bar_chart(rows: Sequence[tuple[str, int]], *, id_prefix: str, label: str) -> str:
    """Horizontal bars with their values written out."""
    width, bar, gap, left = 400, 16, 6, 110
    top = max((v for _, v in rows), default=0) or 1
    body = []
    for i, (name, value) in enumerate(rows):
        y = i * (bar + gap)
        w = round((width - left - 40) * value / top, 1)
        body.append(
            f'<text x="0" y="{y + 12}" font-size="12">{escape(name)}</text>'
            f'<rect class="bar" x="{left}" y="{y}" width="{w}" height="{bar}"/>'
            f'<text x="{left + w + 4}" y="{y + 12}" font-size="12">{value}</text>'
        )
    desc = "; ".join(f"{name}: {value}" for name, value in rows) + "." if rows else "No data yet."
    return _svg(id_prefix, width, max(len(rows), 1) * (bar + gap), label, desc, body, "bars")
