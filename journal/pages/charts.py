"""Inline SVG charts from plain numbers: no JavaScript, a text alternative on every chart.

Every chart carries a visible title, labelled axes or ticks and a legend inside the
figure, and is drawn at its own size in CSS pixels (text never below 11 px): a narrow
screen scrolls it sideways instead of shrinking it. Colours come from CSS classes (so
dark mode works) and mean the same on every chart: `win` green, `setback` orange-red,
`trend` blue; wins and setbacks also differ in shape, never by colour alone.

The calendar heatmap links each day to its entries, so it is returned as parts: SVG
markup strings, and (page path, fragment) pairs that the template turns into links.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, timedelta
from html import escape

from journal.analyse.analytics import rolling_median, running_max

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
TEXT = 12  # label size in CSS px (charts are never scaled down)
SMALL = 11  # the smallest text on any chart
Link = tuple[str, str]  # (page path, fragment)
Parts = tuple[str | Link, ...]
Fmt = Callable[[date], str]


def _iso(d: date) -> str:
    return d.isoformat()


def _svg(
    id_: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: list[str],
    kind: str = "",
    role: str = "img",
) -> str:
    return (
        f'<svg class="chart {kind}" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" role="{role}" '
        f'aria-labelledby="{id_}-t {id_}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{id_}-t">{escape(title)}</title><desc id="{id_}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _heading(title: str) -> str:
    """The chart's visible title, inside the figure."""
    return f'<text class="chart-title" x="0" y="14" font-size="13">{escape(title)}</text>'


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
    links: Mapping[date, Link] | None = None,
    fmt: Fmt = _iso,
) -> Parts:
    """Weeks as columns, weekdays as rows; wins filled green (more: darker in light mode,
    brighter in dark), a setback day marked by a thin diagonal stroke, rest days grey."""
    first = start - timedelta(days=(start.weekday() - week_start) % 7)
    cell, gap, left, top = 13, 2, 34, 40
    step = cell + gap
    weeks = (end - first).days // 7 + 1
    links = links or {}
    targets: list[Link] = []
    body: list[str] = [_heading(title)]
    for row in (0, 2, 4):
        name = WEEKDAYS[(week_start + row) % 7]
        body.append(
            f'<text x="0" y="{top + row * step + cell - 2}" font-size="{SMALL}">{name}</text>'
        )
    wins = sum(w for d, (w, _) in days.items() if start <= d <= end)
    setbacks = sum(s for d, (_, s) in days.items() if start <= d <= end)
    busiest = max(((w + s, d) for d, (w, s) in days.items() if start <= d <= end), default=None)
    label_end = -100.0
    day = start
    while day <= end:
        col = (day - first).days // 7
        row = (day - first).days % 7
        x, y = left + col * step, top + row * step
        if day.day == 1 or day == start:
            name = MONTHS[day.month - 1]
            whole = day.day == 1 or (day + timedelta(days=14)).month == day.month
            if x >= label_end + 6 and whole:
                body.append(f'<text x="{x}" y="{top - 6}" font-size="{SMALL}">{name}</text>')
                label_end = x + 26
        w, s = days.get(day, (0, 0))
        if w:
            cls = f"level-{min(w, 4)}"
        elif day in rest and not s:
            cls = "rest"
        else:
            cls = "empty"
        tip = f"{fmt(day)}: {_plural(w, 'win')}, {_plural(s, 'setback')}"
        if day in rest and not (w or s):
            tip += " (rest)"
        rect = f'<rect class="{cls}" x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2"/>'
        mark = ""
        if s:
            on = "mark-on-win" if w else "mark"
            mark = (
                f'<path class="{on}" d="M{x + 2.5} {y + cell - 2.5}L{x + cell - 2.5} {y + 2.5}" '
                'stroke-width="2"/>'
            )
        target = links.get(day)
        if target and (w or s):  # the link is put in by the template: \0n\0 marks it
            body.append(f'<a href="\0{len(targets)}\0"><title>{tip}</title>{rect}{mark}</a>')
            targets.append(target)
        else:
            body.append(rect.replace("/>", f"><title>{tip}</title></rect>") + mark)
        day += timedelta(days=1)
    grid_bottom = top + 7 * step
    body.append(_heat_legend(left, grid_bottom + 16))
    desc = (
        f"{_plural(wins, 'win')} and {_plural(setbacks, 'setback')} between "
        f"{fmt(start)} and {fmt(end)}"
    )
    if busiest:
        desc += f"; busiest day {fmt(busiest[1])} with {_plural(busiest[0], 'entry')}"
    desc = desc.replace("entrys", "entries") + ". Days with a setback carry a diagonal stroke."
    width = max(left + weeks * step, 420)
    svg = _svg(id_prefix, width, grid_bottom + 26, title, desc, body, "heat", role="group")
    pieces = svg.split("\0")  # markup, link number, markup, ...
    return tuple(targets[int(p)] if i % 2 else p for i, p in enumerate(pieces))


def _heat_legend(x: float, y: float) -> str:
    s = 11
    items = [
        f'<rect class="empty" x="{x}" y="{y - s + 1}" width="{s}" height="{s}" rx="2"/>',
        f'<text x="{x + 15}" y="{y}" font-size="{SMALL}">no entry</text>',
    ]
    x += 75
    for level in range(1, 5):
        items.append(
            f'<rect class="level-{level}" x="{x}" y="{y - s + 1}" width="{s}" height="{s}" rx="2"/>'
        )
        x += 13
    items.append(f'<text x="{x + 3}" y="{y}" font-size="{SMALL}">wins: 1, 2, 3, 4+</text>')
    x += 110
    items.append(
        f'<rect class="empty" x="{x}" y="{y - s + 1}" width="{s}" height="{s}" rx="2"/>'
        f'<path class="mark" d="M{x + 2} {y - 1}L{x + s - 2} {y - s + 3}" stroke-width="2"/>'
        f'<text x="{x + 15}" y="{y}" font-size="{SMALL}">setback</text>'
    )
    x += 72
    items.append(
        f'<rect class="rest" x="{x}" y="{y - s + 1}" width="{s}" height="{s}" rx="2"/>'
        f'<text x="{x + 15}" y="{y}" font-size="{SMALL}">rest</text>'
    )
    return '<g class="legend">' + "".join(items) + "</g>"


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
    fmt: Fmt = _iso,
) -> str:
    """Values 1–10 by date; wins are green circles, setbacks orange-red crosses."""
    width, height, left, top, bottom = 600, 260, 34, 44, 58
    if not points:
        return _svg(
            id_prefix,
            width,
            50,
            title,
            f"No {what} recorded yet.",
            [_heading(title), f'<text x="0" y="40" font-size="{TEXT}">No data yet</text>'],
        )
    pts = sorted(points)
    plot_bottom = height - bottom
    x = _scale(pts[0][0].toordinal(), pts[-1][0].toordinal(), left + 8, width - 12)
    y = _scale(1, 10, plot_bottom, top)
    body = [
        _heading(title),
        f'<text x="0" y="{top - 12}" font-size="{SMALL}">{escape(what.capitalize())} (1–10)</text>',
        f'<line class="axis" x1="{left}" y1="{plot_bottom}" x2="{width - 4}" y2="{plot_bottom}"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{plot_bottom}"/>',
    ]
    for tick in (1, 5, 10):
        body.append(
            f'<text x="{left - 6}" y="{y(tick) + 4}" font-size="{SMALL}" text-anchor="end">'
            f"{tick}</text>"
        )
    body.append(
        f'<text x="{left}" y="{plot_bottom + 16}" font-size="{SMALL}">{fmt(pts[0][0])}</text>'
    )
    if pts[-1][0] != pts[0][0]:
        body.append(
            f'<text x="{width - 4}" y="{plot_bottom + 16}" font-size="{SMALL}" '
            f'text-anchor="end">{fmt(pts[-1][0])}</text>'
        )
    if threshold is not None:
        body.append(
            f'<line class="grid" x1="{left}" y1="{y(threshold)}" x2="{width - 4}" '
            f'y2="{y(threshold)}" stroke-dasharray="3 3"/>'
        )
    marks = []
    for d, v, win in pts:
        cx, cy = x(d.toordinal()), y(v)
        label = f"<title>{fmt(d)}: {'win' if win else 'setback'}, {what} {v}</title>"
        if win:
            marks.append(f'<circle class="win" cx="{cx}" cy="{cy}" r="4.5">{label}</circle>')
        else:
            marks.append(
                f'<path class="setback" d="M{cx - 4} {cy - 4}L{cx + 4} {cy + 4}'
                f'M{cx - 4} {cy + 4}L{cx + 4} {cy - 4}" stroke-width="2">{label}</path>'
            )
    wins = [(d, v) for d, v, win in pts if win]
    desc = (
        f"{_plural(len(pts), 'attempt')} from {fmt(pts[0][0])} to "
        f"{fmt(pts[-1][0])}: {_plural(len(wins), 'win')} (circles) and "
        f"{_plural(len(pts) - len(wins), 'setback')} (crosses)."
    )
    legend = [("win", "win"), ("setback", "setback")]
    if trend and wins:
        med = rolling_median([v for _, v in wins], 5)
        top_so_far = running_max([v for _, v in wins])
        line = " ".join(f"{x(d.toordinal())},{y(m)}" for (d, _), m in zip(wins, med, strict=True))
        stairs = " ".join(
            f"{x(d.toordinal())},{y(t)}" for (d, _), t in zip(wins, top_so_far, strict=True)
        )
        body.append(f'<polyline class="max" points="{stairs}"/>')
        body.append(f'<polyline class="trend" points="{line}"/>')
        hardest = max(wins, key=lambda w: (w[1], w[0]))
        desc += (
            f" The rolling median of win {what} (last five wins) went from {med[0]:g} to "
            f"{med[-1]:g}; hardest win so far {hardest[1]} on {fmt(hardest[0])}."
        )
        legend += [("trend", "median of last 5 wins"), ("max", "hardest win so far")]
    if threshold is not None:
        desc += f" Dashed line at {threshold:g}."
        legend.append(("grid", f"{threshold:g}: expected to manage it"))
    body += marks
    body.append(_legend(legend, left, height - 12))
    return _svg(id_prefix, width, height, title, desc, body, "scatter")


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> str:
    out = []
    for kind, text in items:
        if kind == "win":
            out.append(f'<circle class="win" cx="{x + 5}" cy="{y - 4}" r="4.5"/>')
        elif kind == "setback":
            out.append(
                f'<path class="setback" d="M{x + 1} {y - 8}L{x + 9} {y}M{x + 1} {y}'
                f'L{x + 9} {y - 8}" stroke-width="2"/>'
            )
        else:
            dash = ' stroke-dasharray="3 3"' if kind in ("grid", "max") else ""
            out.append(
                f'<line class="{kind}" x1="{x}" y1="{y - 4}" x2="{x + 16}" y2="{y - 4}"{dash}/>'
            )
        offset = 22 if kind not in ("win", "setback") else 14
        out.append(f'<text x="{x + offset}" y="{y}" font-size="{SMALL}">{escape(text)}</text>')
        x += offset + 7 * len(text) + 14
    return '<g class="legend">' + "".join(out) + "</g>"


def sparkline(values: Sequence[float], *, id_prefix: str, label: str) -> str:
    """A tiny line of evidence strength (0–100) per period (no text: it may scale)."""
    width, height = 120, 30
    if not values:
        return _svg(id_prefix, width, height, label, "No data yet.", [], "spark")
    x = _scale(0, max(len(values) - 1, 1), 2, width - 2)
    y = _scale(0, 100, height - 2, 2)
    line = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
    desc = (
        f"{len(values)} periods: from {values[0]:.0f} to {values[-1]:.0f}, "
        f"lowest {min(values):.0f}, highest {max(values):.0f}."
    )
    body = [f'<polyline class="trend" points="{line}"/>']
    return _svg(id_prefix, width, height, label, desc, body, "spark")


STATE_WORDS = {
    "mastery": "target met",
    "practice": "entries, target not met",
    "empty": "nothing",
    "rest": "rest",
    "current": "in progress",
}


def period_strip(
    cells: Sequence[tuple[str, str]],
    *,
    id_prefix: str,
    label: str,
    first: str = "",
    last: str = "",
) -> str:
    """One square per period, oldest first, with the first and last period named below
    and a legend; the state is in the class, the tooltip and the description."""
    size, gap, top = 14, 3, 24
    body = [_heading(label)]
    for i, (period, state) in enumerate(cells):
        x = i * (size + gap)
        body.append(
            f'<rect class="{state}" x="{x}" y="{top}" width="{size}" height="{size}" '
            f'rx="2"><title>{escape(period)}: {STATE_WORDS[state]}</title></rect>'
        )
        if state == "rest":
            body.append(
                f'<path class="rest-bar" d="M{x + 3} {top + size / 2}h{size - 6}" '
                'stroke-width="2"/>'
            )
    width = max(max(len(cells), 1) * (size + gap), 440)
    if first:
        body.append(f'<text x="0" y="{top + size + 15}" font-size="{SMALL}">{escape(first)}</text>')
    if last and cells:
        end = len(cells) * (size + gap) - gap
        body.append(
            f'<text x="{end}" y="{top + size + 15}" font-size="{SMALL}" text-anchor="end">'
            f"{escape(last)}</text>"
        )
    y = top + size + 38
    legend, x = [], 0
    for state, text in (
        ("mastery", "mastery target met"),
        ("practice", "entries, target not met"),
        ("empty", "none"),
        ("rest", "rest"),
    ):
        legend.append(
            f'<rect class="{state}" x="{x}" y="{y - 10}" width="11" height="11" rx="2"/>'
            f'<text x="{x + 15}" y="{y}" font-size="{SMALL}">{text}</text>'
        )
        x += 15 + 7 * len(text) + 12
    body.append('<g class="legend">' + "".join(legend) + "</g>")
    counts = {s: sum(1 for _, st in cells if st == s) for s in STATE_WORDS}
    desc = (
        f"{len(cells)} periods: {counts['mastery']} meeting the mastery target, "
        f"{counts['practice']} with entries but below it, {counts['empty']} empty, "
        f"{counts['rest']} rest."
    )
    return _svg(id_prefix, width, y + 6, label, desc, body, "strip")


def bar_chart(rows: Sequence[tuple[str, int]], *, id_prefix: str, label: str) -> str:
    """Horizontal bars with their values written out, under a visible title."""
    width, bar, gap, left, top = 340, 16, 6, 110, 26
    most = max((v for _, v in rows), default=0) or 1
    body = [_heading(label)]
    for i, (name, value) in enumerate(rows):
        y = top + i * (bar + gap)
        w = round((width - left - 40) * value / most, 1)
        body.append(
            f'<text x="0" y="{y + 12}" font-size="{TEXT}">{escape(name)}</text>'
            f'<rect class="bar" x="{left}" y="{y}" width="{w}" height="{bar}"/>'
            f'<text x="{left + w + 4}" y="{y + 12}" font-size="{TEXT}">{value}</text>'
        )
    desc = "; ".join(f"{name}: {value}" for name, value in rows) + "." if rows else "No data yet."
    return _svg(id_prefix, width, top + max(len(rows), 1) * (bar + gap), label, desc, body, "bars")
