"""Charts of figures that may be missing: the satisfaction report's bars and trend lines.

:class:`FigureChart` is a :class:`~desktop_crm.reports.layout.ChartBlock` (so the
spreadsheet shows its numbers as a table, like every chart) with what a chart of
percentages needs beyond a count chart: a missing figure stays a gap — never a zero bar
or a dip to zero (DOMAIN §4: a missing answer is never counted as zero) —, a fixed value
axis (0–100 for percentages), a line style for a trend, and a dashed reference line for a
target. The PDF renderer draws it in greys, dash patterns and marker shapes that stay
apart on a black-and-white printer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.textlabels import NA_Label
from reportlab.graphics.shapes import Drawing, Group, Line, PolyLine, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from .layout import ChartBlock

ChartStyle = Literal["bar", "line"]


@dataclass(frozen=True)
class FigureChart(ChartBlock):
    """A bar or line chart whose missing values stay gaps.

    - ``style``: ``"bar"`` (one group of bars per row) or ``"line"`` (one line per series,
      one point per row, e.g. a trend over earlier surveys).
    - ``value_min`` / ``value_max``: the value axis; ``None`` fits it to the data (bars
      always start at 0).
    - ``reference_key``: ``data[reference_key]`` is drawn as a dashed horizontal line named
      ``reference_title`` in the legend (a target); nothing is drawn when it is missing.
    - ``empty_text``: printed instead of the chart when there is no figure at all.
    """

    style: ChartStyle = "bar"
    value_min: float | None = None
    value_max: float | None = None
    reference_key: str | None = None
    reference_title: str = "目标"
    empty_text: str = "（无数据）"
    decimals: int = 1

    def figures(self, data: Mapping[str, Any]) -> list[list[float | None]]:
        """One list per series; a missing or non-numeric value is ``None``, not 0."""
        items = list(data.get(self.data_key) or ())
        return [[_number(item.get(s.key)) for item in items] for s in self.series]

    def reference(self, data: Mapping[str, Any]) -> float | None:
        """The reference line's value, or ``None`` when there is none."""
        return _number(data.get(self.reference_key)) if self.reference_key else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return float(value)


# ----------------------------------------------------------------------------- drawing
# Bar fills in the order the series use them: each neighbour differs clearly in grey, and
# white bars keep their black outline, so a black-and-white copy still tells them apart.
BAR_GREYS = ("#333333", "#D0D0D0", "#808080", "#FFFFFF", "#555555", "#A8A8A8")
# Lines: black and dark grey, told apart by dash pattern and marker shape.
LINE_STYLES: tuple[tuple[str, tuple[float, ...] | None, str], ...] = (
    ("#000000", None, "FilledCircle"),
    ("#555555", (4, 2), "Square"),
    ("#000000", (1, 2), "FilledTriangle"),
    ("#555555", (6, 2, 1, 2), "Diamond"),
)
REFERENCE_DASH = (3, 2)
GRID_GREY = colors.HexColor("#DDDDDD")
MISSING_MARK = "无"  # printed where a figure is missing (never a zero bar or point)
AXIS_FONT_SIZE = 7.5
VALUE_FONT_SIZE = 6.5
LEGEND_FONT_SIZE = 8.0
LEGEND_HEIGHT = 14.0
SLANT_ANGLE = 30
NICE_STEPS = (1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def draw_figure_chart(
    block: FigureChart, data: Mapping[str, Any], font: str, width: float
) -> Drawing:
    """The chart of ``block`` filled from ``data``, ``width`` points wide."""
    height = block.height_mm * 72 / 25.4
    drawing = Drawing(width, height)
    labels, values = block.labels(data), block.figures(data)
    present = [v for series in values for v in series if v is not None]
    if not labels or not present:
        drawing.add(
            String(width / 2, height / 2, block.empty_text, fontName=font, fontSize=9,
                   textAnchor="middle")
        )  # fmt: skip
        return drawing
    reference = block.reference(data)
    low, high, step = _value_axis(block, present + ([reference] if reference is not None else []))
    plot = _Plot(font, labels, low, high, step)
    plot.x = 8 + max(stringWidth(_axis_text(v, step), font, AXIS_FONT_SIZE) for v in plot.ticks())
    plot.width = width - plot.x - 10
    plot.place_labels()
    plot.y = plot.label_depth + 4
    plot.height = height - plot.y - LEGEND_HEIGHT - 8

    def value_text(value: float | None) -> str:
        return "" if value is None else f"{value:.{block.decimals}f}"

    if block.style == "line":
        plot.axes(drawing, grid=True)
        _draw_lines(drawing, plot, values, font, value_text)
    else:
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = plot.x, plot.y, plot.width, plot.height
        chart.data = values
        chart.categoryAxis.categoryNames = [""] * len(labels)  # drawn by plot.axes
        chart.categoryAxis.visibleTicks = 0
        chart.valueAxis.valueMin, chart.valueAxis.valueMax = low, high
        chart.valueAxis.valueStep = step
        chart.valueAxis.visible = 0
        _style_bars(chart, block, font, value_text, plot.slot)
        plot.axes(drawing, grid=True)
        drawing.add(chart)
    if reference is not None and low <= reference <= high:
        y = plot.y_of(reference)
        drawing.add(
            Line(plot.x, y, plot.x + plot.width, y, strokeColor=colors.black,
                 strokeWidth=0.8, strokeDashArray=REFERENCE_DASH)
        )  # fmt: skip
    _legend(drawing, block, font, width, height, reference is not None)
    return drawing


class _Plot:
    """The plot area of a chart: axes, grid and category labels, and where values fall."""

    def __init__(self, font: str, labels: list[str], low: float, high: float, step: float):
        self.font, self.labels = font, labels
        self.low, self.high, self.step = low, high, step
        self.x = self.y = self.width = self.height = 0.0
        self.lines: list[list[str]] = []
        self.slanted = False
        self.label_depth = 0.0

    @property
    def slot(self) -> float:
        return self.width / len(self.labels)

    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self.low + n * self.step for n in range(count + 1)]

    def x_of(self, index: int) -> float:
        return self.x + (index + 0.5) * self.slot

    def y_of(self, value: float) -> float:
        return self.y + self.height * (value - self.low) / (self.high - self.low)

    def place_labels(self) -> None:
        """Category names upright, on two lines when needed, else slanted."""
        room = self.slot - 4
        self.lines = [_wrap_label(label, self.font, room) for label in self.labels]
        if all(len(lines) <= 2 for lines in self.lines):
            self.label_depth = max(len(lines) for lines in self.lines) * AXIS_FONT_SIZE * 1.2 + 4
            return
        self.slanted = True
        self.lines = [[label] for label in self.labels]
        longest = max(stringWidth(label, self.font, AXIS_FONT_SIZE) for label in self.labels)
        self.label_depth = longest * math.sin(math.radians(SLANT_ANGLE)) + 10
        # the first label runs left of its bar: keep it inside the drawing
        first = stringWidth(self.labels[0], self.font, AXIS_FONT_SIZE)
        reach = first * math.cos(math.radians(SLANT_ANGLE)) - self.slot / 2
        if reach > self.x - 4:
            self.width -= reach - self.x + 4
            self.x = reach + 4

    def axes(self, drawing: Drawing, grid: bool) -> None:
        font = self.font
        for value in self.ticks():
            y = self.y_of(value)
            if grid and value > self.low:
                drawing.add(Line(self.x, y, self.x + self.width, y, strokeColor=GRID_GREY,
                                 strokeWidth=0.3))  # fmt: skip
            drawing.add(Line(self.x - 3, y, self.x, y, strokeWidth=0.5))
            drawing.add(String(self.x - 5, y - 2.5, _axis_text(value, self.step), fontName=font,
                               fontSize=AXIS_FONT_SIZE, textAnchor="end"))  # fmt: skip
        drawing.add(Line(self.x, self.y, self.x, self.y + self.height, strokeWidth=0.6))
        drawing.add(Line(self.x, self.y, self.x + self.width, self.y, strokeWidth=0.6))
        for index, lines in enumerate(self.lines):
            x = self.x_of(index)
            if self.slanted:
                label = String(0, 0, lines[0], fontName=font, fontSize=AXIS_FONT_SIZE,
                               textAnchor="end")  # fmt: skip
                group = Group(label)
                group.translate(x + 2, self.y - 6)
                group.rotate(SLANT_ANGLE)
                drawing.add(group)
                continue
            for number, line in enumerate(lines):
                y = self.y - (number + 1) * AXIS_FONT_SIZE * 1.2
                drawing.add(String(x, y, line, fontName=font, fontSize=AXIS_FONT_SIZE,
                                   textAnchor="middle"))  # fmt: skip


_OPENING = "(（《“"
_CLOSING = ")）》”，、。"


def _wrap_label(label: str, font: str, width: float) -> list[str]:
    """A category name on as few lines as fit ``width``: two lines break before an opening
    bracket when they can, else in the middle (never leaving a bracket or a comma alone)."""

    def fits(text: str) -> bool:
        return stringWidth(text, font, AXIS_FONT_SIZE) <= width

    if fits(label):
        return [label]
    cuts = [i for i, ch in enumerate(label) if ch in _OPENING and i > 0]
    middle = len(label) / 2
    cuts += sorted(range(1, len(label)), key=lambda i: abs(i - middle))
    for cut in cuts:
        head, tail = label[:cut], label[cut:]
        if head[-1] in _OPENING or tail[0] in _CLOSING:
            continue
        if fits(head) and fits(tail):
            return [head, tail]
    lines, line = [], ""
    for ch in label:
        if line and not fits(line + ch) and ch not in _CLOSING:
            carried = ""
            if len(line) > 1 and line[-1] in _OPENING:  # a bracket opens the next line
                line, carried = line[:-1], line[-1]
            lines.append(line)
            line = carried
        line += ch
    return [*lines, line]


def _style_bars(chart: Any, block: FigureChart, font: str, value_text: Any, slot: float) -> None:
    n = len(block.series)
    chart.groupSpacing = max(2.0, slot * 0.18)
    chart.barSpacing = 0.5
    bar_width = (slot - chart.groupSpacing) / max(n, 1)
    chart.barLabelFormat = value_text
    chart.barLabels.fontName, chart.barLabels.fontSize = font, VALUE_FONT_SIZE
    widest = stringWidth("100." + "0" * block.decimals, font, VALUE_FONT_SIZE)
    if bar_width < widest + 1:  # numbers upright over thin bars would run into each other
        chart.barLabels.angle = 90
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx, chart.barLabels.dy = 0, 2
    else:
        chart.barLabels.nudge = 6
    chart.naLabel = NA_Label()  # a missing figure is marked, not drawn as a zero bar
    chart.naLabel.text = MISSING_MARK
    chart.naLabel.fontName, chart.naLabel.fontSize = font, VALUE_FONT_SIZE
    chart.naLabel.boxAnchor, chart.naLabel.dy = "s", 1
    for number in range(n):
        chart.bars[number].fillColor = colors.HexColor(BAR_GREYS[number % len(BAR_GREYS)])
        chart.bars[number].strokeColor = colors.black
        chart.bars[number].strokeWidth = 0.4


def _draw_lines(
    drawing: Drawing, plot: _Plot, values: list[list[float | None]], font: str, value_text: Any
) -> None:
    """One line per series; a missing value breaks the line (no point, no number)."""
    for number, series in enumerate(values):
        colour, dash, marker = LINE_STYLES[number % len(LINE_STYLES)]
        stroke = colors.HexColor(colour)
        run: list[float] = []
        for index, value in enumerate([*series, None]):
            if value is not None:
                run += [plot.x_of(index), plot.y_of(value)]
                continue
            if len(run) >= 4:
                drawing.add(PolyLine(run, strokeColor=stroke, strokeWidth=1.2,
                                     strokeDashArray=dash))  # fmt: skip
            run = []
        for index, value in enumerate(series):
            if value is None:
                continue
            symbol = makeMarker(marker, size=4.5, x=plot.x_of(index), y=plot.y_of(value))
            symbol.strokeColor = stroke
            symbol.fillColor = colors.white if marker == "Square" else stroke
            drawing.add(symbol)
    for index in range(len(plot.labels)):
        if all(series[index] is None for series in values):
            drawing.add(String(plot.x_of(index), plot.y + 4, MISSING_MARK, fontName=font,
                               fontSize=VALUE_FONT_SIZE, textAnchor="middle"))  # fmt: skip
    # numbers: the highest value at a point above it, the others below, so close lines
    # keep their numbers apart
    for index in range(len(plot.labels)):
        points = sorted(
            ((series[index], n) for n, series in enumerate(values) if series[index] is not None),
            reverse=True,
        )
        for rank, (value, _n) in enumerate(points):
            y = plot.y_of(value) + (5 if rank == 0 else -10)
            drawing.add(String(plot.x_of(index), y, value_text(value), fontName=font,
                               fontSize=VALUE_FONT_SIZE, textAnchor="middle"))  # fmt: skip


def _legend(
    drawing: Drawing, block: FigureChart, font: str, width: float, height: float, reference: bool
) -> None:
    """Swatch and name of each series (and the reference line) in one row at the top right."""
    entries: list[tuple[str, Any]] = []
    for number, series in enumerate(block.series):
        entries.append((series.title, ("series", number)))
    if reference:
        entries.append((block.reference_title, ("reference", 0)))
    swatch, gap = 14.0, 10.0
    total = sum(swatch + 3 + stringWidth(t, font, LEGEND_FONT_SIZE) + gap for t, _ in entries)
    x = max(4.0, width - 6 - total)
    y = height - LEGEND_HEIGHT + 4
    for title, (kind, number) in entries:
        if kind == "reference":
            drawing.add(Line(x, y + 3, x + swatch, y + 3, strokeColor=colors.black,
                             strokeWidth=0.8, strokeDashArray=REFERENCE_DASH))  # fmt: skip
        elif block.style == "line":
            colour, dash, marker = LINE_STYLES[number % len(LINE_STYLES)]
            drawing.add(Line(x, y + 3, x + swatch, y + 3, strokeColor=colors.HexColor(colour),
                             strokeWidth=1.2, strokeDashArray=dash))  # fmt: skip
            symbol = makeMarker(marker, size=4.5, x=x + swatch / 2, y=y + 3)
            symbol.strokeColor = colors.HexColor(colour)
            symbol.fillColor = colors.white if marker == "Square" else colors.HexColor(colour)
            drawing.add(symbol)
        else:
            fill = colors.HexColor(BAR_GREYS[number % len(BAR_GREYS)])
            drawing.add(Rect(x, y, swatch, 7, fillColor=fill, strokeColor=colors.black,
                             strokeWidth=0.4))  # fmt: skip
        x += swatch + 3
        drawing.add(String(x, y, title, fontName=font, fontSize=LEGEND_FONT_SIZE))
        x += stringWidth(title, font, LEGEND_FONT_SIZE) + gap


def _value_axis(block: FigureChart, values: Sequence[float]) -> tuple[float, float, float]:
    """(min, max, step) of the value axis: the block's bounds, else a tidy fit."""
    top = max(values)
    if block.value_max is not None and top <= block.value_max:
        high = block.value_max
    else:
        high = top * 1.12 if top > 0 else 1.0
    if block.style == "bar":
        low = 0.0
    elif block.value_min is not None and min(values) >= block.value_min:
        low = block.value_min
    else:
        low = max(0.0, min(values) - (high - min(values)) * 0.25)
    step = next((s for s in NICE_STEPS if (high - low) / s <= 8), NICE_STEPS[-1])
    low = math.floor(low / step) * step
    if block.value_max is None or top > block.value_max:
        high = math.ceil(high / step) * step
    return low, max(high, low + step), step


def _axis_text(value: float, step: float) -> str:
    return f"{value:g}" if float(step).is_integer() else f"{value:.1f}"


__all__ = ["BAR_GREYS", "ChartStyle", "FigureChart", "draw_figure_chart"]
