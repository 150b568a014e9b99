"""The home-screen icons of the published journal, drawn at publish time as PNG files.

A check mark on the journal's accent colour: no letter of its title (the title stays inside the
sealed pages, so the icon says nothing the host cannot already see in the stylesheet), hence
no font and no imaging library: a small signed-distance rasteriser and a PNG writer from zlib
and struct. Edges are anti-aliased over one pixel.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable

Colour = tuple[int, int, int]

# The check mark, in a unit square: a short stroke down to the knee, a long one up.
CHECK = ((0.285, 0.515), (0.44, 0.67), (0.735, 0.365))
STROKE = 0.045  # half the stroke's width
CORNER = 0.22  # radius of the rounded square of an "any" icon, as a fraction of its side
SAFE = 0.8  # a maskable icon's glyph stays inside the central 80 % (the safe zone's circle)


def hex_colour(text: str) -> Colour:
    """'#1f5fa8' or '#15a' -> (31, 95, 168)."""
    digits = text.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6:
        raise ValueError(f"not a #rrggbb colour: {text!r}")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG from `height` rows of `width` * 4 bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + row for row in rows)  # filter type 0 (none) on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _segment_distance(px: float, py: float, a: tuple, b: tuple) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _columns_near(points: list, py: float, reach: float, size: int) -> set[int]:
    """The columns of row `py` within `reach` of the polyline: for each segment, the part of
    it within `reach` vertically, widened by `reach` (a bound, so every pixel of the mark is
    drawn and most of the row is skipped)."""
    found: set[int] = set()
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        dy = by - ay
        if dy:
            t0, t1 = sorted(((py - reach - ay) / dy, (py + reach - ay) / dy))
            t0, t1 = max(t0, 0.0), min(t1, 1.0)
            if t0 > t1:
                continue
        elif abs(py - ay) <= reach:
            t0, t1 = 0.0, 1.0
        else:
            continue
        x0, x1 = sorted((ax + t0 * (bx - ax), ax + t1 * (bx - ax)))
        first = max(0, int((x0 - reach) * size))
        found.update(range(first, min(size, int((x1 + reach) * size) + 1)))
    return found


def _rounded_square(px: float, py: float, radius: float) -> float:
    """Signed distance to a unit square with rounded corners (negative inside)."""
    qx = abs(px - 0.5) - (0.5 - radius)
    qy = abs(py - 0.5) - (0.5 - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def draw(size: int, background: Colour, mark: Colour, maskable: bool) -> bytes:
    """One icon: a rounded square ("any") or a full-bleed square (maskable, and Apple's
    touch icon, which iOS rounds itself) with the check mark in the middle."""
    scale = SAFE if maskable else 1.0
    points = [(0.5 + (x - 0.5) * scale, 0.5 + (y - 0.5) * scale) for x, y in CHECK]
    half = STROKE * scale
    pixel = 1.0 / size

    def cover(distance: float) -> float:
        """How much of a pixel lies inside a shape at this signed distance (in pixels)."""
        return max(0.0, min(1.0, 0.5 - distance / pixel))

    def mark_cover(px: float, py: float) -> float:
        d = min(_segment_distance(px, py, points[i], points[i + 1]) for i in range(2))
        return cover(d - half)

    reach = half + pixel  # beyond this from the centre line, a pixel holds no mark at all
    solid = bytes(background) + b"\xff"
    corner = 0.0 if maskable else CORNER
    rows = []
    for row in range(size):
        py = (row + 0.5) / size
        line = bytearray(solid * size)
        edge_cols: set[int] = set()
        if corner and (py < corner or py > 1 - corner):
            # the rounded corners: clear to the left and right of the arc, shade along it
            def inset(y: float) -> float:
                rise = min(corner - min(y, 1 - y), corner)
                return corner - math.sqrt(corner * corner - rise * rise)

            lo, hi = sorted((inset(py - pixel), inset(py + pixel)))
            clear, shade = max(0, int(lo * size) - 1), min(size // 2, int(hi * size) + 2)
            line[: clear * 4] = bytes(clear * 4)
            line[(size - clear) * 4 :] = bytes(clear * 4)
            edge_cols = {*range(clear, shade), *range(size - shade, size - clear)}
        mark_cols = _columns_near(points, py, reach, size)
        for col in sorted(mark_cols | edge_cols):
            px = (col + 0.5) / size
            alpha = cover(_rounded_square(px, py, corner)) if col in edge_cols else 1.0
            amount = mark_cover(px, py) if col in mark_cols else 0.0
            if alpha == 1.0 and amount == 0.0:
                continue
            colour = _mix(background, mark, amount)
            line[col * 4 : col * 4 + 4] = bytes(colour) + bytes([round(alpha * 255)])
        rows.append(bytes(line))
    return png(size, size, rows)


def _mix(a: Colour, b: Colour, amount: float) -> Colour:
    blend: Callable[[int, int], int] = lambda x, y: round(x + (y - x) * amount)  # noqa: E731
    return blend(a[0], b[0]), blend(a[1], b[1]), blend(a[2], b[2])


# name -> (size, maskable): what the manifest and the shell link to
ICONS = {
    "icons/icon-192.png": (192, False),
    "icons/icon-512.png": (512, False),
    "icons/maskable-512.png": (512, True),
    "icons/apple-touch-icon.png": (180, True),
}


def icon_files(background: Colour, mark: Colour) -> dict[str, bytes]:
    """Every icon the published journal links to, by its path in the published folder."""
    return {
        path: draw(size, background, mark, maskable) for path, (size, maskable) in ICONS.items()
    }
