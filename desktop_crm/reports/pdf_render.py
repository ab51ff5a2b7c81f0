"""Draw a :class:`~desktop_crm.reports.layout.FormLayout` as an A4 PDF with reportlab.

Every cell holds a ``Paragraph(..., wordWrap='CJK')`` so long Chinese text wraps; the font
is a CJK TrueType font found by :mod:`desktop_crm.reports.fonts` and embedded as a subset.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .charts import FigureChart, draw_figure_chart
from .cjk_text import CjkText
from .fonts import missing_glyphs, register_cjk_font
from .layout import (
    Align,
    ChartBlock,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    TableBlock,
    TextBlock,
    format_value,
    iter_texts,
    labelled,
)
from .paged_table import PAGED_FROM_ROWS, PagedTable

log = logging.getLogger(__name__)

# Deflated page streams without reportlab's ASCII85 wrapping, for every PDF the program
# makes: without reportlab's C accelerator the wrapping is pure Python (a second of a
# 1,000-page catalogue) and makes the file a quarter bigger; every reader takes binary.
rl_config.useA85 = 0

MARGIN = 15 * mm
FONT_SIZE = 9.0
LEADING = 12.0
LABEL_SHADE = colors.HexColor("#EFEFEF")
CAPTION_SHADE = colors.HexColor("#D9D9D9")
MARK_RED = colors.HexColor("#C00000")
GRID_WIDTH = 0.5
BOX_WIDTH = 1.0
BLANK_ROW_HEIGHT = 7 * mm
BLOCK_GAP = 3 * mm
# Bars in two greys that stay apart on a black-and-white printer.
BAR_FILLS = (colors.HexColor("#404040"), colors.HexColor("#BFBFBF"), colors.HexColor("#808080"))
SLANT_LABELS_OVER = 6  # more categories than this: labels are slanted to fit
PADDING = 3.0
CREATOR = "客户服务管理系统"

_ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


class _BoldText(Flowable):
    """One line of text drawn fill+stroke: TrueType CJK fonts come without a bold face."""

    def __init__(self, text: str, font: str, size: float, align: Align = "left") -> None:
        super().__init__()
        self.text, self.font, self.size, self.align = text, font, size, align

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.size * 1.3

    def draw(self) -> None:
        c = self.canv
        text_width = c.stringWidth(self.text, self.font, self.size)
        x = {"left": 0.0, "center": (self.width - text_width) / 2}.get(
            self.align, self.width - text_width
        )
        c.saveState()
        c.setLineWidth(self.size * 0.035)
        t = c.beginText(x, self.size * 0.3)
        t.setFont(self.font, self.size)
        t.setTextRenderMode(2)
        t.textOut(self.text)
        c.drawText(t)
        c.restoreState()


class _MinHeight(Flowable):
    """Wraps a flowable so it is at least ``height`` tall (for write-in areas)."""

    def __init__(self, content: Flowable, height: float) -> None:
        super().__init__()
        self.content, self.min_height = content, height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        w, h = self.content.wrap(avail_width, avail_height)
        self._content_height = h
        return w, max(h, self.min_height)

    def draw(self) -> None:
        top = max(self._content_height, self.min_height)
        self.content.drawOn(self.canv, 0, top - self._content_height)


class _PagedCanvas(Canvas):
    """Holds pages back until the end so each footer can say 第 N 页 共 M 页 — counted
    within each part when several forms share one file (see `_PartStart`)."""

    def __init__(self, *args: Any, font: str, footer_left: str | list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font = font
        self._footers = [footer_left] if isinstance(footer_left, str) else footer_left
        self._pages: list[dict[str, Any]] = []
        self.part_starts: list[int] = []  # index of the first page of each later part

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        bounds = [0, *self.part_starts, len(self._pages)]
        for part, (first, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
            footer = self._footers[min(part, len(self._footers) - 1)]
            for index in range(first, end):
                self.__dict__.update(self._pages[index])
                self._draw_footer(index - first + 1, end - first, footer)
                super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int, footer_left: str) -> None:
        width, _height = self._pagesize
        y = 9 * mm
        self.saveState()
        self.setFont(self._font, 8)
        self.setFillColor(colors.HexColor("#444444"))
        if footer_left:
            self.drawString(MARGIN, y, footer_left)
        self.drawRightString(width - MARGIN, y, f"第 {number} 页 共 {total} 页")
        self.restoreState()


class _PartStart(Flowable):
    """Marks where the next part begins, so its pages are numbered from 1 (takes no room).
    Placed just before the page break, so the page callbacks of the next part's first page
    already know it."""

    def wrap(self, _width: float, _height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        canvas.part_starts.append(len(canvas._pages) + 1)  # noqa: SLF001 - our own canvas


class _Builder:
    """Turns one layout and its data into reportlab flowables."""

    def __init__(self, layout: FormLayout, data: Mapping[str, Any], font: str) -> None:
        self.layout, self.data, self.font = layout, data, font
        self.captions = layout.captions()
        self._styles: dict[tuple[Align, float], ParagraphStyle] = {}

    # ----------------------------------------------------------------- helpers
    def style(self, align: Align = "left", size: float = FONT_SIZE) -> ParagraphStyle:
        key = (align, size)
        if key not in self._styles:
            self._styles[key] = ParagraphStyle(
                f"cell-{align}-{size}",
                fontName=self.font,
                fontSize=size,
                leading=size * LEADING / FONT_SIZE,
                alignment=_ALIGNMENTS[align],
                wordWrap="CJK",
            )
        return self._styles[key]

    def para(self, value: Any, align: Align = "left", size: float = FONT_SIZE) -> Paragraph:
        text = escape(format_value(value)).replace("\n", "<br/>")
        return Paragraph(text, self.style(align, size))

    def cell(self, value: Any, width: float, align: Align = "left") -> str | Flowable:
        """A plain string when it fits on one line (5x faster), else wrapped text.

        Plain cells take their font and alignment from the table style.
        """
        text = format_value(value)
        if "\n" in text or stringWidth(text, self.font, FONT_SIZE) > width - 2 * PADDING:
            return CjkText(text, self.font, FONT_SIZE, LEADING, align)
        return text

    def caption_row(self, index: int, n_cols: int) -> list[Any] | None:
        caption = self.captions.get(index)
        if not caption:
            return None
        return [_BoldText(caption, self.font, 10.5)] + [""] * (n_cols - 1)

    def base_style(self, has_caption: bool) -> list[tuple[Any, ...]]:
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
            ("LEADING", (0, 0), (-1, -1), LEADING),
            ("GRID", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
            ("BOX", (0, 0), (-1, -1), BOX_WIDTH, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if has_caption:
            commands += [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), CAPTION_SHADE),
            ]
        return commands

    # ----------------------------------------------------------------- blocks
    def heading(self) -> list[Flowable]:
        out: list[Flowable] = [_BoldText(self.layout.title, self.font, 18, "center")]
        if self.layout.subtitle:
            out += [Spacer(0, 1 * mm), self.para(self.layout.subtitle, "center", 10)]
        items = labelled(self.layout.number_line, self.data)
        if items:
            aligns: list[Align] = ["left"] + ["center"] * (len(items) - 2) + ["right"]
            if len(items) == 1:
                aligns = ["left"]
            row = [self.para(text, align) for text, align in zip(items, aligns, strict=True)]
            table = Table([row], colWidths=[self.width / len(items)] * len(items))
            table.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), self.font),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            out += [Spacer(0, 3 * mm), table]
        else:
            out.append(Spacer(0, 3 * mm))
        return out

    @property
    def width(self) -> float:
        return page_size(self.layout)[0] - 2 * MARGIN

    def widths(self, widths_mm: list[float]) -> list[float]:
        return [w * mm for w in widths_mm]

    def field_grid(self, index: int, block: FieldGrid) -> Table:
        n = block.cell_count
        widths = self.widths(block.cell_widths_mm(self.width / mm))
        rows: list[list[Any]] = []
        caption = self.caption_row(index, n)
        if caption:
            rows.append(caption)
        commands = self.base_style(caption is not None)
        for placed_row in block.placed_rows():
            r = len(rows)
            cells: list[Any] = [""] * n
            for placed in placed_row:
                label, first, last = placed.label_cell, placed.value_first, placed.value_last
                value_width = sum(widths[first : last + 1])
                cells[label] = self.cell(placed.field.label, widths[label], "center")
                cells[first] = self.cell(self.data.get(placed.field.key), value_width)
                commands += [
                    ("BACKGROUND", (label, r), (label, r), LABEL_SHADE),
                    ("ALIGN", (label, r), (label, r), "CENTER"),
                ]
                if last > first:
                    commands.append(("SPAN", (first, r), (last, r)))
            rows.append(cells)
        table = Table(rows, colWidths=widths, repeatRows=1 if caption else 0)
        table.setStyle(TableStyle(commands))
        return table

    def table_block(self, index: int, block: TableBlock) -> Flowable:
        columns = block.all_columns()
        n = len(columns)
        widths = self.widths(block.cell_widths_mm(self.width / mm))
        rows: list[list[Any]] = []
        caption = self.caption_row(index, n)
        if caption:
            rows.append(caption)
        header_row = len(rows)
        rows.append([self.cell(c.title, w, "center") for c, w in zip(columns, widths, strict=True)])
        body = block.rows(self.data)
        heights: list[float | None] = [None] * len(rows)
        for values in body:
            cells = zip(values, columns, widths, strict=True)
            rows.append([self.cell(v, w, c.align) for v, c, w in cells])
            heights.append(None)
        if not body:
            rows += [[""] * n for _ in range(block.blank_rows)]
            heights += [BLANK_ROW_HEIGHT] * block.blank_rows
        commands = self.base_style(caption is not None)
        commands += [
            ("ALIGN", (col, header_row + 1), (col, -1), c.align.upper())
            for col, c in enumerate(columns)
        ]
        commands += [
            ("ALIGN", (0, header_row), (-1, header_row), "CENTER"),
            ("BACKGROUND", (0, header_row), (-1, header_row), LABEL_SHADE),
        ]
        if len(body) >= PAGED_FROM_ROWS:
            return PagedTable(rows, widths, header_row + 1, commands, heights)
        table = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=header_row + 1)
        table.setStyle(TableStyle(commands))
        return table

    def text_block(self, index: int, block: TextBlock) -> Table:
        rows: list[list[Any]] = []
        caption = self.caption_row(index, 2)
        if caption:
            rows.append(caption)
        r = len(rows)
        text = _MinHeight(self.para(self.data.get(block.key)), block.min_height_mm * mm)
        rows.append([self.para(block.label, "center"), text])
        commands = self.base_style(caption is not None)
        commands += [
            ("BACKGROUND", (0, r), (0, r), LABEL_SHADE),
            ("VALIGN", (1, r), (1, r), "TOP"),
        ]
        table = Table(rows, colWidths=self.widths(block.cell_widths_mm(self.width / mm)))
        table.setStyle(TableStyle(commands))
        return table

    def signature_block(self, block: SignatureBlock) -> Table:
        cells: list[Any] = []
        widths: list[float] = []
        label_total = 0.0
        for line in block.lines:
            label = f"{line.label}："
            label_width = stringWidth(label, self.font, 10) + 2 * PADDING + 2
            label_total += label_width
            cells += [self.para(label, "right", 10), self.para(self.data.get(line.key or ""))]
            widths += [label_width, 0.0]
        line_width = (self.width - label_total) / len(block.lines)
        widths = [w or line_width for w in widths]
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ]
        for col in range(1, len(cells), 2):
            commands.append(("LINEBELOW", (col, 0), (col, 0), GRID_WIDTH, colors.black))
        table = Table([cells], colWidths=widths, rowHeights=[9 * mm])
        table.setStyle(TableStyle(commands))
        return table

    def chart_block(self, index: int, block: ChartBlock) -> Table:
        """A boxed bar chart under the block's caption."""
        rows: list[list[Any]] = []
        caption = self.caption_row(index, 1)
        if caption:
            rows.append(caption)
        if isinstance(block, FigureChart):
            rows.append([draw_figure_chart(block, self.data, self.font, self.width - 2 * PADDING)])
        else:
            rows.append([self.bar_chart(block)])
        table = Table(rows, colWidths=[self.width])
        table.setStyle(TableStyle(self.base_style(caption is not None)))
        return table

    def bar_chart(self, block: ChartBlock) -> Drawing:
        """One group of bars per row, one bar per series; empty bars carry no number."""
        width, height = self.width - 2 * PADDING, block.height_mm * mm
        drawing = Drawing(width, height)
        labels, values = block.labels(self.data), block.values(self.data)
        if not any(any(series) for series in values):
            drawing.add(String(width / 2, height / 2, "（无数据）", fontName=self.font,
                               fontSize=FONT_SIZE, textAnchor="middle"))  # fmt: skip
            return drawing
        slanted = len(labels) > SLANT_LABELS_OVER
        chart = VerticalBarChart()
        chart.x, chart.y = 30, 40 if slanted else 22
        chart.width, chart.height = width - 40, height - chart.y - 22
        chart.data = values
        chart.categoryAxis.categoryNames = labels
        for axis in (chart.categoryAxis.labels, chart.valueAxis.labels):
            axis.fontName, axis.fontSize = self.font, 7.5
        if slanted:
            chart.categoryAxis.labels.angle = 30
            chart.categoryAxis.labels.boxAnchor = "ne"
        top = max((max(series) for series in values), default=0)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = max(top * 1.15, 1)
        chart.valueAxis.valueStep = max(1, round(top / 5)) if top >= 5 else 1
        chart.valueAxis.labelTextFormat = "%d"
        chart.barLabelFormat = lambda value: f"{value:g}" if value else ""
        chart.barLabels.fontName, chart.barLabels.fontSize = self.font, 7
        chart.barLabels.nudge = 6
        for number, _series in enumerate(block.series):
            chart.bars[number].fillColor = BAR_FILLS[number % len(BAR_FILLS)]
            chart.bars[number].strokeColor = colors.black
            chart.bars[number].strokeWidth = 0.3
        legend = Legend()
        legend.x, legend.y = width - 10, height - 6
        legend.alignment, legend.boxAnchor = "right", "ne"
        legend.fontName, legend.fontSize = self.font, 8
        legend.columnMaximum, legend.deltax = 1, 48
        legend.colorNamePairs = [
            (BAR_FILLS[n % len(BAR_FILLS)], s.title) for n, s in enumerate(block.series)
        ]
        drawing.add(chart)
        drawing.add(legend)
        return drawing

    def story(self) -> list[Flowable]:
        out = self.heading()
        for index, block in enumerate(self.layout.blocks):
            if isinstance(block, FieldGrid):
                out += [self.field_grid(index, block), Spacer(0, BLOCK_GAP)]
            elif isinstance(block, TableBlock):
                table = self.table_block(index, block)
                # a table of blank rows to write in is never split over two pages
                blank = not block.rows(self.data)
                out += [KeepTogether([table]) if blank else table, Spacer(0, BLOCK_GAP)]
            elif isinstance(block, TextBlock):
                out += [self.text_block(index, block), Spacer(0, BLOCK_GAP)]
            elif isinstance(block, ChartBlock):
                out += [KeepTogether([self.chart_block(index, block)]), Spacer(0, BLOCK_GAP)]
            else:
                out += [KeepTogether([Spacer(0, 4 * mm), self.signature_block(block)])]
        return out


def page_size(layout: FormLayout) -> tuple[float, float]:
    """A4, turned sideways for a landscape form."""
    return landscape(A4) if layout.landscape else A4


def _draw_mark(canvas: Canvas, text: str, font: str) -> None:
    """内部资料: a red stamp at the top right and a faint diagonal watermark."""
    width, height = canvas._pagesize  # noqa: SLF001 - the page being drawn
    canvas.saveState()
    size = 10.0
    text_width = canvas.stringWidth(text, font, size)
    box_w, box_h = text_width + 4 * mm, 6 * mm
    x, y = width - MARGIN - box_w, height - MARGIN + 2 * mm
    canvas.setStrokeColor(MARK_RED)
    canvas.setFillColor(MARK_RED)
    canvas.setLineWidth(1)
    canvas.rect(x, y, box_w, box_h)
    canvas.setFont(font, size)
    canvas.drawCentredString(x + box_w / 2, y + 1.8 * mm, text)
    canvas.setFillColor(colors.Color(0.5, 0.5, 0.5, alpha=0.10))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.setFont(font, 72)
    canvas.drawCentredString(0, -25, text)
    canvas.restoreState()


def form_missing_glyphs(
    layout: FormLayout, data: Mapping[str, Any], font_path: str | None = None
) -> set[str]:
    """Characters of the filled form that the chosen font cannot print."""
    font = register_cjk_font(font_path)
    return missing_glyphs("".join(iter_texts(layout, data)), font)


def render_pdf(
    layout: FormLayout,
    data: Mapping[str, Any],
    target: str | Path | BinaryIO,
    font_path: str | None = None,
) -> None:
    """Write the form filled with ``data`` as an A4 PDF (portrait, or landscape when the
    layout says so) to ``target``.

    ``font_path`` is the font chosen in the settings, tried before the system fonts.
    Raises :class:`~desktop_crm.reports.fonts.FontNotFoundError` when no CJK font is found;
    characters the font lacks are logged as a warning (use :func:`form_missing_glyphs`).
    """
    render_pdf_parts([(layout, data)], target, font_path)


def render_pdf_parts(
    parts: Sequence[tuple[FormLayout, Mapping[str, Any]]],
    target: str | Path | BinaryIO,
    font_path: str | None = None,
) -> None:
    """Several filled forms in one PDF, each starting on a new page with its pages numbered
    on their own (卷内文件目录 + 卷内备考表; one 案卷目录 per 保管期限). The first form sets
    the paper's orientation and the document's title; see `render_pdf` for the rest."""
    font = register_cjk_font(font_path)
    texts = "".join("".join(iter_texts(layout, data)) for layout, data in parts)
    missing = missing_glyphs(texts, font)
    if missing:
        log.warning("字体缺少这些字符，打印时会显示为空白：%s", "".join(sorted(missing)))

    first_layout, first_data = parts[0]
    doc = SimpleDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=page_size(first_layout),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=first_layout.document_title(first_data),
        initialFontName=font,
        subject=first_layout.title,
        creator=CREATOR,
        author="",
    )
    marks = [first_layout.mark_text if first_layout.marked(first_data) else ""]
    story: list[Flowable] = []
    for index, (layout, data) in enumerate(parts):
        if index:
            story += [_PartStart(), PageBreak()]
            marks.append(layout.mark_text if layout.marked(data) else "")
        story += _Builder(layout, data, font).story()

    def on_page(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        page = len(canvas._pages)  # noqa: SLF001 - the page being drawn, counted from 0
        part = sum(1 for start in canvas.part_starts if start <= page)
        mark = marks[min(part, len(marks) - 1)]
        if mark:
            _draw_mark(canvas, mark, font)

    footers = ["　".join(labelled(layout.footer_fields, data)) for layout, data in parts]
    doc.build(
        story,
        onFirstPage=on_page,
        onLaterPages=on_page,
        canvasmaker=functools.partial(_PagedCanvas, font=font, footer_left=footers),
    )


__all__ = ["form_missing_glyphs", "render_pdf", "render_pdf_parts"]
