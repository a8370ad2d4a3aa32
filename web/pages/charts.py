"""Bar charts drawn on the server as inline SVG: no chart library, no script, no style attribute.

A chart is rows of (label, value); each row is its label above a bar whose length is proportional to the
value, the value written at the end of the bar. Geometry is computed here; colours and type come from the
CSS classes (``web/static/css/pages.css``), so the page keeps ``style-src 'self'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WIDTH = 640  # the viewBox's width (SMALL for the charts of a grid); the SVG scales to its box
SMALL = 320
VALUE_ROOM = 48  # right of the longest bar: its value
ROW = 40  # label line + bar
LABEL_BASELINE = 14
BAR_TOP = 19
BAR_HEIGHT = 14


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    y: int
    length: float

    @property
    def label_y(self) -> int:
        return self.y + LABEL_BASELINE

    @property
    def bar_y(self) -> int:
        return self.y + BAR_TOP

    @property
    def value_x(self) -> float:
        return round(self.length + 6, 1)

    @property
    def value_y(self) -> int:
        return self.y + BAR_TOP + BAR_HEIGHT - 2


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW + 4

    @property
    def track(self) -> int:
        return self.width - VALUE_ROOM


def bar_chart(chart_id: str, title: str, rows: Iterable[tuple[str, str, int]], width: int = WIDTH) -> Chart:
    """``rows``: (key, label, value). The longest bar is the largest value; zero draws no bar."""
    items = list(rows)
    top = max((value for _key, _label, value in items), default=0)
    scale = (width - VALUE_ROOM) / top if top > 0 else 0
    bars = tuple(Bar(key, label, value, index * ROW, round(max(value, 0) * scale, 1))
                 for index, (key, label, value) in enumerate(items))
    return Chart(chart_id, title, bars, width)
