"""The structure chart of section 五 (一般公共预算当年拨款结构图) as an inline SVG pie.

Pure string building, no plotting library. The geometry comes from each slice's
exact ``fraction`` (turned into a float only for the trigonometry); the amounts
and shares are shown exactly as the caller formatted them. One user unit of the
viewBox is one millimetre, so font sizes and margins read as print sizes.

Layout: the pie on the left, a legend on the right with four aligned columns
(swatch, label, amount with unit, share). The legend column is sized from an
estimate of the text widths in Noto Sans CJK SC (CJK characters are 1 em, the
Latin glyphs their actual advance or a little more), so long labels fit; if the
content cannot fit the nominal 160 mm width the viewBox grows rather than let
anything overflow. The height follows the content: 82 mm with a pie of full
size (legends of up to 12 lines), taller for longer legends.

The title is given as ``<title>`` only (the page draws it as a caption). Every
piece of text is XML-escaped, nothing external is referenced, every number is
rounded to 2 decimals and the output is deterministic.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence
from xml.sax.saxutils import escape

__all__ = ["Slice", "structure_chart_svg", "PALETTE"]


@dataclass(frozen=True)
class Slice:
    label: str  # e.g. "社会保障和就业支出"
    amount: str  # already formatted, e.g. "2,300.45"
    share: str  # already formatted, e.g. "90.17%"
    fraction: Decimal  # exact share in [0, 1], used for the geometry only


# Muted, print-friendly colours. They alternate dark and light (CIE L* in the
# comments) so that neighbouring slices stay apart in greyscale print too: every
# pair of neighbours, the last and first included, differs by more than 20 L*.
PALETTE: tuple[str, ...] = (
    "#2F5D8A",  # slate blue      L* 38
    "#E3A857",  # ochre           L* 73
    "#A8464F",  # brick red       L* 43
    "#A9C4DE",  # pale blue       L* 78
    "#2F7A73",  # teal            L* 47
    "#D9CB8A",  # sand            L* 81
    "#6A5A8E",  # muted violet    L* 42
    "#B5CFA8",  # pale sage       L* 80
    "#8A6A3F",  # umber           L* 47
    "#E5A98C",  # light terracotta L* 74
    "#4F8A5B",  # sage green      L* 53
    "#C8C8C8",  # light grey      L* 81
)

FONT_FAMILY = "'Noto Sans CJK SC', sans-serif"  # written as is into a double-quoted attribute

# Geometry, in millimetres (= user units).
WIDTH = 160.0
EMPTY_HEIGHT = 30.0  # the "无数据" placeholder
MARGIN = 4.0
FONT_SIZE = 3.4  # ≈ 9.6 pt at 1:1; still ≈ 9 pt when the page scales the figure to 150 mm
ROW = 6.0  # legend line pitch
SWATCH = 3.4
SWATCH_GAP = 2.0  # swatch → label
COL_GAP = 4.0  # between the legend's text columns
PIE_GAP = 9.0  # pie → legend
MAX_RADIUS = 37.0
MIN_RADIUS = 16.0
SEPARATOR = 0.5  # white stroke between slices

# Normalise sums of fractions within this distance of 1; anything further is a caller bug.
SUM_TOLERANCE = Decimal("0.02")

_NARROW = {".": 0.28, ",": 0.28, "'": 0.28, ":": 0.28, ";": 0.28, "!": 0.3,
           "|": 0.3, "i": 0.28, "l": 0.28, "j": 0.3, " ": 0.23, "(": 0.34, ")": 0.34,
           "%": 0.93, "-": 0.35, '"': 0.48}


def _em_width(text: str) -> float:
    """Estimated advance of ``text`` in em for Noto Sans CJK SC (erring on the wide side).

    CJK characters are exactly 1 em in that font; the Latin advances are its own
    (digits .555, '.' and ',' .278, '%' .921) plus a 4% margin for other fonts.
    """
    wide = 0.0
    total = 0.0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            wide += 1.0
        elif ch.isdigit() and ch.isascii():
            total += 0.56
        elif ch in _NARROW:
            total += _NARROW[ch]
        elif ch.isascii():
            total += 0.95 if ch in "MWmw@" else 0.7
        else:
            wide += 1.0  # anything else: assume a full-width glyph
    return wide + total * 1.04


def _n(value: float) -> str:
    """A number for the SVG: rounded to 2 decimals, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _esc(text: str) -> str:
    """XML-escape for text content and attribute values alike (quotes included)."""
    return escape(text, {'"': "&quot;", "'": "&apos;"})


def _normalised(slices: Sequence[Slice]) -> list[Decimal]:
    """The fractions scaled to sum to exactly 1 (or all zero, left as they are)."""
    fractions = []
    for s in slices:
        f = Decimal(s.fraction)
        if not f.is_finite() or f < 0:
            raise ValueError(f"slice {s.label!r}: fraction must be finite and ≥ 0, got {s.fraction!r}")
        fractions.append(f)
    total = sum(fractions, Decimal(0))
    if total == 0:
        return fractions
    if abs(total - 1) > SUM_TOLERANCE:
        raise ValueError(f"slice fractions sum to {total}, not 1")
    return [f / total for f in fractions]


def _open_svg(width: float, height: float, title: str) -> list[str]:
    w, h = _n(width), _n(height)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" '
        f'width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" '
        f'font-family="{FONT_FAMILY}" font-size="{_n(FONT_SIZE)}">',
        f"<title>{_esc(title)}</title>",
    ]


def _point(cx: float, cy: float, r: float, turn: float) -> tuple[float, float]:
    """The point at ``turn`` (0–1) clockwise from 12 o'clock."""
    angle = 2 * math.pi * turn
    return cx + r * math.sin(angle), cy - r * math.cos(angle)


def _sector(cx: float, cy: float, r: float, start: Decimal, end: Decimal) -> str:
    """Path data of the sector from turn ``start`` to ``end``, clockwise.

    A sector of more than half a turn is drawn as two arcs through its middle:
    each arc then stays under 180° (no large-arc flag), and the path survives
    the case where its two ends round to the same point (a slice of 99.999%).
    """
    points = [start, (start + end) / 2, end] if end - start > Decimal("0.5") else [start, end]
    xy = [_point(cx, cy, r, float(t)) for t in points]
    d = f"M{_n(cx)},{_n(cy)} L{_n(xy[0][0])},{_n(xy[0][1])}"
    for x, y in xy[1:]:
        d += f" A{_n(r)},{_n(r)} 0 0 1 {_n(x)},{_n(y)}"
    return d + " Z"


def _no_data(x: float, y: float) -> str:
    """"无数据" centred on (x, y); the baseline is set by hand (no reliance on dominant-baseline)."""
    return (f'<text x="{_n(x)}" y="{_n(y + FONT_SIZE * 0.36)}" text-anchor="middle" '
            f'fill="#555555">无数据</text>')


def structure_chart_svg(slices: Sequence[Slice], *, title: str, unit: str = "万元") -> str:
    """Return a standalone <svg> element (string) with viewBox, ~160mm wide x ~80-90mm tall, for inline use in HTML.

    ``title`` becomes the SVG's ``<title>`` (for accessibility; it is not drawn).
    Slices run clockwise from 12 o'clock in the order given; zero slices are in
    the legend only. Fractions summing to within 0.02 of 1 are normalised; a
    negative or non-finite fraction, or a sum further from 1, is a ValueError.
    No slices at all give a small SVG that says "无数据".
    """
    if not slices:
        out = _open_svg(WIDTH, EMPTY_HEIGHT, title)
        out.append(_no_data(WIDTH / 2, EMPTY_HEIGHT / 2))
        out.append("</svg>")
        return "\n".join(out) + "\n"

    fractions = _normalised(slices)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(slices))]
    amounts = [f"{s.amount}{unit}" for s in slices]

    # Legend columns, sized from the longest entry of each.
    label_w = max(_em_width(s.label) for s in slices) * FONT_SIZE
    amount_w = max(_em_width(a) for a in amounts) * FONT_SIZE
    share_w = max(_em_width(s.share) for s in slices) * FONT_SIZE
    legend_w = SWATCH + SWATCH_GAP + label_w + COL_GAP + amount_w + COL_GAP + share_w
    legend_h = len(slices) * ROW

    # The pie takes what the legend leaves, between MIN_RADIUS and MAX_RADIUS;
    # the height follows the taller of pie and legend, and the width grows past
    # WIDTH when even the smallest pie and the legend do not fit: nothing overflows.
    room = WIDTH - 2 * MARGIN - PIE_GAP - legend_w
    radius = max(MIN_RADIUS, min(MAX_RADIUS, room / 2))
    height = max(2 * radius, legend_h) + 2 * MARGIN
    content_w = 2 * radius + PIE_GAP + legend_w
    width = max(WIDTH, content_w + 2 * MARGIN)
    left = (width - content_w) / 2  # centre the composition horizontally

    cx, cy = left + radius, height / 2
    out = _open_svg(width, height, title)

    # The pie.
    drawn = [(f, c) for f, c in zip(fractions, colours) if f > 0]
    out.append(f'<g stroke="#FFFFFF" stroke-width="{_n(SEPARATOR)}" stroke-linejoin="round">')
    if len(drawn) == 1:  # an arc cannot turn 360°: a whole circle
        out.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius)}" fill="{drawn[0][1]}"/>')
    elif drawn:
        start = Decimal(0)
        for i, (fraction, colour) in enumerate(drawn):
            end = Decimal(1) if i == len(drawn) - 1 else start + fraction
            out.append(f'<path d="{_sector(cx, cy, radius, start, end)}" fill="{colour}"/>')
            start = end
    out.append("</g>")
    if not drawn:  # every fraction is zero: the legend only, and a note where the pie would be
        out.append(_no_data(cx, cy))

    # The legend: swatch, label (left-aligned), amount and share (right-aligned).
    lx = left + 2 * radius + PIE_GAP
    label_x = lx + SWATCH + SWATCH_GAP
    amount_x = label_x + label_w + COL_GAP + amount_w
    share_x = amount_x + COL_GAP + share_w
    top = cy - legend_h / 2
    out.append('<g fill="#222222">')
    for i, (s, amount, colour) in enumerate(zip(slices, amounts, colours)):
        mid = top + (i + 0.5) * ROW
        baseline = mid + FONT_SIZE * 0.36  # visual centre of CJK text on the swatch's centre line
        out.append(
            f'<rect x="{_n(lx)}" y="{_n(mid - SWATCH / 2)}" width="{_n(SWATCH)}" height="{_n(SWATCH)}" '
            f'fill="{colour}"/>'
        )
        out.append(f'<text x="{_n(label_x)}" y="{_n(baseline)}">{_esc(s.label)}</text>')
        out.append(f'<text x="{_n(amount_x)}" y="{_n(baseline)}" text-anchor="end">{_esc(amount)}</text>')
        out.append(f'<text x="{_n(share_x)}" y="{_n(baseline)}" text-anchor="end">{_esc(s.share)}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
