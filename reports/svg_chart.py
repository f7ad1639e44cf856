"""Bar and line charts as inline SVG, drawn on the server: no script, no CDN, nothing to fetch.

A chart is categories along the x axis (months, days, statuses) and one or more series of
values; the y axis starts at 0 and runs to a round number above the largest value, with ticks
at 1, 2 or 5 × 10ⁿ. Every bar and point carries a <title> (the browser's tooltip, and what a
screen reader reads) and the chart a title and description; the page shows the same numbers in
a table. Coordinates are floats — they are pixels; the values themselves stay as given.
"""
from collections.abc import Callable, Sequence
from decimal import Decimal
from math import floor, log10
from typing import NamedTuple

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 12, 28, 44  # room for tick labels, legend and category labels
COLORS = ("#337ab7", "#5cb85c", "#f0ad4e", "#d9534f", "#5bc0de", "#777777")
TICKS = 5
MAX_X_LABELS = 16  # more categories than this: label every n-th


class Series(NamedTuple):
    name: str
    values: Sequence  # int or Decimal, one per category


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series],
              tick_format: Callable = str, value_format: Callable = str, unit: str = "") -> Markup:
    """Grouped vertical bars: one group per category, one bar per series; ``unit`` is written
    above the axis's tick labels (万元)."""
    frame = _Frame(title, categories, series, tick_format, unit)
    group = frame.plot_width / max(len(categories), 1)
    bar = group * 0.8 / max(len(series), 1)
    shapes = []
    for s_index, (name, values) in enumerate(series):
        for c_index, value in enumerate(values):
            top = frame.y(value)
            x = frame.left_of(c_index) + group * 0.1 + bar * s_index
            shapes.append(
                f'<rect class="bar series-{s_index}" x="{x:.1f}" y="{top:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{frame.bottom - top:.1f}" '
                f'fill="{COLORS[s_index % len(COLORS)]}" data-value="{escape(value)}">'
                f'<title>{escape(name)} {escape(categories[c_index])}：'
                f'{escape(value_format(value))}</title></rect>')
    return frame.render(shapes)


def line_chart(title: str, categories: Sequence[str], series: Sequence[Series],
               tick_format: Callable = str, value_format: Callable = str, unit: str = "") -> Markup:
    """One polyline per series with a dot per category (days, months)."""
    frame = _Frame(title, categories, series, tick_format, unit)
    step = frame.plot_width / max(len(categories), 1)
    shapes = []
    for s_index, (name, values) in enumerate(series):
        color = COLORS[s_index % len(COLORS)]
        points = [(frame.left_of(i) + step / 2, frame.y(v)) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        shapes.append(f'<polyline class="line series-{s_index}" points="{path}" fill="none" '
                      f'stroke="{color}" stroke-width="2"/>')
        for (x, y), category, value in zip(points, categories, values):
            shapes.append(
                f'<circle class="point series-{s_index}" cx="{x:.1f}" cy="{y:.1f}" r="3" '
                f'fill="{color}" data-value="{escape(value)}"><title>{escape(name)} '
                f'{escape(category)}：{escape(value_format(value))}</title></circle>')
    return frame.render(shapes)


def nice_ceiling(value) -> Decimal:
    """The smallest 1, 2, 5 or 10 × 10ⁿ (n ≥ 0) at or above value / TICKS, times TICKS: the
    top of an axis whose ticks read as round numbers."""
    # A tick step below 1 would label counts 0.2, 0.4 …: the step is at least 1.
    raw = max(Decimal(value) / TICKS, Decimal(1))
    magnitude = Decimal(10) ** floor(log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= magnitude * factor:
            return magnitude * factor * TICKS
    raise AssertionError("unreachable")  # factor 10 always holds


class _Frame:
    """The axes, grid, legend and labels every chart shares."""

    def __init__(self, title, categories, series, tick_format, unit):
        self.title, self.categories, self.series = title, list(categories), list(series)
        self.tick_format, self.unit = tick_format, unit
        largest = max((v for s in series for v in s.values), default=0)
        self.top_value = nice_ceiling(largest)
        self.plot_width = WIDTH - LEFT - RIGHT
        self.bottom = HEIGHT - BOTTOM

    def y(self, value) -> float:
        share = float(Decimal(value) / self.top_value)
        return self.bottom - share * (self.bottom - TOP)

    def left_of(self, index: int) -> float:
        return LEFT + self.plot_width * index / max(len(self.categories), 1)

    def render(self, shapes) -> Markup:
        title = escape(self.title)
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
            f'style="max-width:{WIDTH}px;font-size:11px"><title>{title}</title>',
            *self._grid(), *shapes, *self._x_labels(), *self._legend()]
        if self.unit:
            parts.append(f'<text class="unit" x="{LEFT - 6}" y="18" text-anchor="end" '
                         f'fill="#555">{escape(self.unit)}</text>')
        parts.append("</svg>")
        return Markup("".join(parts))

    def _grid(self):
        step = self.top_value / TICKS
        for i in range(TICKS + 1):
            value = step * i
            y = self.y(value)
            stroke = "#333" if i == 0 else "#e5e5e5"
            yield (f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{stroke}"/>')
            yield (f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                   f'fill="#555">{escape(self.tick_format(value))}</text>')

    def _x_labels(self):
        every = -(-len(self.categories) // MAX_X_LABELS)  # ceiling division
        width = self.plot_width / max(len(self.categories), 1)
        for index, category in enumerate(self.categories):
            if index % every:
                continue
            x = self.left_of(index) + width / 2
            yield (f'<text class="category" x="{x:.1f}" y="{self.bottom + 16}" '
                   f'text-anchor="middle" fill="#333">{escape(category)}</text>')

    def _legend(self):
        x = LEFT
        for index, s in enumerate(self.series):
            color = COLORS[index % len(COLORS)]
            yield f'<rect x="{x}" y="8" width="12" height="12" fill="{color}"/>'
            yield (f'<text class="legend" x="{x + 16}" y="18" fill="#333">'
                   f'{escape(s.name)}</text>')
            x += 28 + 13 * len(s.name)
