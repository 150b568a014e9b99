"""Inline SVG charts from plain numbers: a text alternative on every chart.

Every chart carries a visible title, labelled axes or ticks and a legend, and is drawn at
its own size in CSS pixels (text never below 11 px): a narrow screen scrolls it sideways
instead of shrinking it, opening at its latest day, week or month (style.css and
assets/charts.js). So that a phone, which shows the chart's right-hand end, sees what it
needs there: the title of a chart wider than a phone is an HTML paragraph before the SVG
(style.css keeps it in view however far the chart is scrolled), and legends, the latest
date and the value ticks sit at the right-hand end, in rows no wider than LEGEND_WIDTH.
Colours come from CSS classes (so dark mode works) and mean the same on every chart: `win`
green, `setback` orange-red, `trend` blue; wins and setbacks also differ in shape, never by
colour alone.

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
CHAR = 7  # room reserved per character of 11 px text (DejaVu Sans measures 5.2-6.9 px)
LEGEND_WIDTH = 330  # a legend row fits a 360 px phone's chart box (336 px) whole
ROW = 16  # the height of a legend row
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


def _title_html(title: str) -> str:
    """The visible title of a chart that may scroll: HTML before the SVG, so it stays in
    view (style.css). Screen readers get the same words once, as the SVG's name."""
    return f'<p class="chart-title" aria-hidden="true">{escape(title)}</p>'


def _legend_rows(
    items: Sequence[tuple[Callable[[float, float], str], float]], right: float, y: float
) -> tuple[str, int]:
    """Legend items, each (draw at x with baseline y, width), in rows no wider than
    LEGEND_WIDTH and ending at `right`, the chart's latest end; returns (markup, rows)."""
    gap = 12
    rows: list[list[tuple[Callable[[float, float], str], float]]] = [[]]
    used = 0.0
    for item in items:
        if rows[-1] and used + gap + item[1] > LEGEND_WIDTH:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0) + item[1]
        rows[-1].append(item)
    out = []
    for i, row in enumerate(rows):
        x = right - (sum(w for _, w in row) + gap * (len(row) - 1))
        for draw, w in row:
            out.append(draw(max(x, 0), y + i * ROW))
            x += w + gap
    return '<g class="legend">' + "".join(out) + "</g>", len(rows)


def _key(swatch: Callable[[float, float], str], swatch_width: float, text: str):
    """A legend item: a swatch, then its words."""

    def draw(x: float, y: float) -> str:
        words = escape(text)
        return swatch(x, y) + (
            f'<text x="{x + swatch_width + 4:g}" y="{y:g}" font-size="{SMALL}">{words}</text>'
        )

    return draw, swatch_width + 4 + CHAR * len(text)


def _square(cls: str, size: float = 11):
    def swatch(x: float, y: float) -> str:
        return (
            f'<rect class="{cls}" x="{x:g}" y="{y - size + 1:g}" width="{size:g}" '
            f'height="{size:g}" rx="2"/>'
        )

    return swatch


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
    brighter in dark), a setback day marked by a thin diagonal stroke, rest days grey.
    Weekday names on both sides and the legend under the latest weeks, so a phone showing
    the end of the calendar reads it whole."""
    first = start - timedelta(days=(start.weekday() - week_start) % 7)
    cell, gap, left, top = 13, 2, 34, 22
    step = cell + gap
    weeks = (end - first).days // 7 + 1
    grid_right = left + weeks * step - gap
    links = links or {}
    targets: list[Link] = []
    body: list[str] = []
    for row in (0, 2, 4):
        name = WEEKDAYS[(week_start + row) % 7]
        y = top + row * step + cell - 2
        body.append(f'<text x="0" y="{y}" font-size="{SMALL}">{name}</text>')
        body.append(f'<text x="{grid_right + 6}" y="{y}" font-size="{SMALL}">{name}</text>')
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
                label_end = x + CHAR * len(name)
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
    legend, rows = _heat_legend(grid_right, grid_bottom + 16)
    body.append(legend)
    desc = (
        f"{_plural(wins, 'win')} and {_plural(setbacks, 'setback')} between "
        f"{fmt(start)} and {fmt(end)}"
    )
    if busiest:
        desc += f"; busiest day {fmt(busiest[1])} with {_plural(busiest[0], 'entry')}"
    desc = desc.replace("entrys", "entries") + ". Days with a setback carry a diagonal stroke."
    # room for the weekday names on the right, and for the last month's name
    width = max(grid_right + 6 + 28, label_end, left + LEGEND_WIDTH)
    height = grid_bottom + 16 + (rows - 1) * ROW + 6
    svg = _svg(id_prefix, width, height, title, desc, body, "heat", role="group")
    pieces = (_title_html(title) + svg).split("\0")  # markup, link number, markup, ...
    return tuple(targets[int(p)] if i % 2 else p for i, p in enumerate(pieces))


def _heat_legend(right: float, y: float) -> tuple[str, int]:
    def levels(x: float, y: float) -> str:
        return "".join(_square(f"level-{n}")(x + (n - 1) * 13, y) for n in range(1, 5))

    def setback(x: float, y: float) -> str:
        return _square("empty")(x, y) + (
            f'<path class="mark" d="M{x + 2:g} {y - 1:g}L{x + 9:g} {y - 8:g}" stroke-width="2"/>'
        )

    return _legend_rows(
        [
            _key(_square("empty"), 11, "no entry"),
            _key(levels, 50, "wins: 1, 2, 3, 4+"),
            _key(setback, 11, "setback"),
            _key(_square("rest"), 11, "rest"),
        ],
        right,
        y,
    )


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
    """Values 1–10 by date; wins are green circles, setbacks orange-red crosses. The value
    ticks are on both sides, the scale's name, the latest date and the legend on the right."""
    width, left, top = 600, 34, 26
    right = width - 30  # the plot's right edge; the ticks repeat beyond it
    if not points:
        return _title_html(title) + _svg(
            id_prefix,
            width,
            30,
            title,
            f"No {what} recorded yet.",
            [f'<text x="0" y="16" font-size="{TEXT}">No data yet</text>'],
        )
    pts = sorted(points)
    plot_bottom = top + 158
    x = _scale(pts[0][0].toordinal(), pts[-1][0].toordinal(), left + 8, right - 8)
    y = _scale(1, 10, plot_bottom, top)
    body = [
        f'<text x="{width - 4}" y="{top - 12}" font-size="{SMALL}" text-anchor="end">'
        f"{escape(what.capitalize())} (1–10)</text>",
        f'<line class="axis" x1="{left}" y1="{plot_bottom}" x2="{right}" y2="{plot_bottom}"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{plot_bottom}"/>',
        f'<line class="axis" x1="{right}" y1="{top}" x2="{right}" y2="{plot_bottom}"/>',
    ]
    for tick in (1, 5, 10):
        body.append(
            f'<text x="{left - 6}" y="{y(tick) + 4}" font-size="{SMALL}" text-anchor="end">'
            f"{tick}</text>"
            f'<text x="{right + 6}" y="{y(tick) + 4}" font-size="{SMALL}">{tick}</text>'
        )
    body.append(
        f'<text x="{left}" y="{plot_bottom + 16}" font-size="{SMALL}">{fmt(pts[0][0])}</text>'
    )
    if pts[-1][0] != pts[0][0]:
        body.append(
            f'<text x="{right}" y="{plot_bottom + 16}" font-size="{SMALL}" '
            f'text-anchor="end">{fmt(pts[-1][0])}</text>'
        )
    if threshold is not None:
        body.append(
            f'<line class="grid" x1="{left}" y1="{y(threshold)}" x2="{right}" '
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
    markup, rows = _legend(legend, width - 4, plot_bottom + 40)
    body.append(markup)
    height = plot_bottom + 40 + (rows - 1) * ROW + 6
    return _title_html(title) + _svg(id_prefix, width, height, title, desc, body, "scatter")


def _legend(items: Sequence[tuple[str, str]], right: float, y: float) -> tuple[str, int]:
    def win(x: float, y: float) -> str:
        return f'<circle class="win" cx="{x + 5:g}" cy="{y - 4:g}" r="4.5"/>'

    def setback(x: float, y: float) -> str:
        return (
            f'<path class="setback" d="M{x + 1:g} {y - 8:g}L{x + 9:g} {y:g}M{x + 1:g} {y:g}'
            f'L{x + 9:g} {y - 8:g}" stroke-width="2"/>'
        )

    def line(kind: str):
        dash = ' stroke-dasharray="3 3"' if kind in ("grid", "max") else ""

        def draw(x: float, y: float) -> str:
            return (
                f'<line class="{kind}" x1="{x:g}" y1="{y - 4:g}" x2="{x + 16:g}" '
                f'y2="{y - 4:g}"{dash}/>'
            )

        return draw

    keys = []
    for kind, text in items:
        if kind in ("win", "setback"):
            keys.append(_key(win if kind == "win" else setback, 10, text))
        else:
            keys.append(_key(line(kind), 16, text))
    return _legend_rows(keys, right, y)


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
    and a legend under the latest periods; the state is in the class, the tooltip and the
    description."""
    size, gap, top = 12, 2, 4  # 26 weeks fit a 390 px phone (362 px)
    body = []
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
    end = max(len(cells) * (size + gap) - gap, 0)
    below = top + size + 15
    # the latest period's name under the latest square (moved right when it is longer than
    # the strip), the first's at the start when the two do not meet
    last_x = max(end, CHAR * len(last)) if last and cells else 0
    if first and (not last_x or CHAR * (len(first) + len(last)) + 12 <= last_x):
        body.append(f'<text x="0" y="{below}" font-size="{SMALL}">{escape(first)}</text>')
    if last_x:
        body.append(
            f'<text x="{last_x}" y="{below}" font-size="{SMALL}" text-anchor="end">'
            f"{escape(last)}</text>"
        )
    keys = [
        _key(_square("mastery"), 11, "mastery target met"),
        _key(_square("practice"), 11, "entries, target not met"),
        _key(_square("empty"), 11, "none"),
        _key(_square("rest"), 11, "rest"),
    ]
    if any(state == "current" for _, state in cells):
        keys.append(_key(_square("current"), 11, "in progress"))
    width = max(end, last_x, LEGEND_WIDTH)
    legend, rows = _legend_rows(keys, width, below + 22)
    body.append(legend)
    counts = {s: sum(1 for _, st in cells if st == s) for s in STATE_WORDS}
    desc = (
        f"{len(cells)} periods: {counts['mastery']} meeting the mastery target, "
        f"{counts['practice']} with entries but below it, {counts['empty']} empty, "
        f"{counts['rest']} rest."
    )
    height = below + 22 + (rows - 1) * ROW + 6
    return _title_html(label) + _svg(id_prefix, width, height, label, desc, body, "strip")


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
