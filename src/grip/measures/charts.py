"""Server-rendered SVG line charts for measures: accessible, no script, with a text summary.

Every chart has ``role="img"``, a ``<title>`` and ``<desc>`` that state the first and last values,
and the page always shows the same figures in a table (the chart's alternative).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from grip.formats import long_date


def _fmt(v: float | None) -> str:
    return "no value" if v is None else f"{v:g}"


def line_svg(
    title: str,
    points: Sequence[tuple[date, float | None]],
    *,
    width: int = 320,
    height: int = 120,
    percent: bool = False,
) -> str:
    """An SVG line chart of ``points`` (gaps where the value is None), as a string."""
    pad_l, pad_r, pad_t, pad_b = 36, 8, 10, 22
    vals = [v for _, v in points if v is not None]
    lo = 0.0
    hi = 100.0 if percent else max([*vals, 1.0])
    if not percent and hi > 0:
        hi *= 1.1
    n = max(len(points) - 1, 1)
    w, h = width - pad_l - pad_r, height - pad_t - pad_b

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad_l + w * i / n, pad_t + h * (1 - (v - lo) / (hi - lo or 1))

    segs: list[list[str]] = [[]]
    dots = []
    for i, (_, v) in enumerate(points):
        if v is None:
            segs.append([])
            continue
        x, y = xy(i, v)
        segs[-1].append(f"{x:.1f},{y:.1f}")
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>')
    paths = "".join(
        f'<polyline fill="none" stroke="#1d70b8" stroke-width="2" points="{" ".join(s)}"/>'
        for s in segs
        if s
    )
    first, last = points[0] if points else None, points[-1] if points else None
    desc = (
        f"{escape(title)}: from {_fmt(first[1])} on {long_date(first[0])} to {_fmt(last[1])} "
        f"on {long_date(last[0])}."
        if first and last
        else "No data."
    )
    unit = "%" if percent else ""
    labels = (
        f'<text x="{pad_l - 4}" y="{pad_t + 4}" text-anchor="end">{hi:g}{unit}</text>'
        f'<text x="{pad_l - 4}" y="{pad_t + h}" text-anchor="end">0{unit}</text>'
    )
    if first and last:
        labels += (
            f'<text x="{pad_l}" y="{height - 6}">{first[0]:%b %y}</text>'
            f'<text x="{width - pad_r}" y="{height - 6}" text-anchor="end">{last[0]:%b %y}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="grip-chart" '
        f'aria-labelledby="t-{abs(hash(title))} d-{abs(hash(title))}">'
        f'<title id="t-{abs(hash(title))}">{escape(title)}</title>'
        f'<desc id="d-{abs(hash(title))}">{desc}</desc>'
        f'<g font-size="10" fill="#505a5f">{labels}</g>'
        f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{width - pad_r}" y2="{pad_t + h}" '
        f'stroke="#b1b4b6"/>'
        f'{paths}<g fill="#1d70b8">{"".join(dots)}</g></svg>'
    )
