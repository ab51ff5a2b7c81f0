"""Labels for the shelves (DOMAIN §6 item 9): the 档案盒 / 案卷脊背 label (档号, 题名, 年度,
保管期限, with a QR code of the 档号) and the 归档章 (全宗号, 年度, 案卷号 / 机构, 保管期限,
页数), several per A4 sheet at their real size.

Drawn straight on a reportlab canvas; every measurement is data (:class:`LabelSheet`,
:data:`SPINE_ROWS`, :data:`STAMP_CELLS`), so a different label stock is one edit. A sheet
holding a 机密 or 绝密 volume's label carries that mark at the top like the other forms.

Each label's values are a mapping: ``number``, ``title``, ``year``, ``period``,
``secrecy`` for the spine; ``fonds``, ``year``, ``case_no``, ``org``, ``period``,
``pages`` for the stamp.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..cjk_text import break_lines
from ..fonts import missing_glyphs, register_cjk_font
from ..layout import format_value
from ..pdf_render import CREATOR, MARK_RED, _draw_mark

log = logging.getLogger(__name__)

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
LINE_WIDTH = 0.6
LABEL_SIZE = 6.0  # pt, the small field names inside a label
PT_MM = 25.4 / 72  # one point in mm
MIN_VERTICAL_SIZE = 8.0  # pt: a spine's 题名 is not set smaller


@dataclass(frozen=True)
class LabelSheet:
    """One kind of label on an A4 sheet: label size, how many across and down, the gaps.
    The block of labels is centred on the page."""

    title: str
    width_mm: float
    height_mm: float
    columns: int
    rows: int
    gap_x_mm: float
    gap_y_mm: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def left_mm(self) -> float:
        used = self.columns * self.width_mm + (self.columns - 1) * self.gap_x_mm
        return (PAGE_WIDTH_MM - used) / 2

    @property
    def top_mm(self) -> float:
        used = self.rows * self.height_mm + (self.rows - 1) * self.gap_y_mm
        return (PAGE_HEIGHT_MM - used) / 2

    def origin_mm(self, index: int) -> tuple[float, float]:
        """Top-left corner of the `index`-th label on its page, from the page's top left."""
        row, column = divmod(index % self.per_page, self.columns)
        return (
            self.left_mm + column * (self.width_mm + self.gap_x_mm),
            self.top_mm + row * (self.height_mm + self.gap_y_mm),
        )


@dataclass(frozen=True)
class SpineRow:
    """A band of the spine label, top to bottom; height None takes what is left."""

    key: str
    label: str
    height_mm: float | None
    size: float = 9.0


# 档案盒脊背 / 案卷脊背: 40 mm wide (a 40 mm box spine), 125 mm high; 4 × 2 per sheet.
SPINE_SHEET = LabelSheet("档案盒脊背标签", 40.0, 125.0, 4, 2, 5.0, 6.0)
SPINE_ROWS = (
    SpineRow("number", "档号", 15.0, 8.0),
    SpineRow("year", "年度", 9.0, 11.0),
    SpineRow("period", "保管期限", 9.0, 10.0),
    SpineRow("title", "题名", None, 13.0),
)
SPINE_QR_MM = 24.0  # the QR code band at the foot
SPINE_SECRECY_MM = 7.0  # the 密级 band at the head of a secret volume's spine

# 归档章: 3 × 2 cells of 16 × 8 mm (48 × 16 mm); 3 across, 11 down per sheet.
STAMP_CELL_MM = (16.0, 8.0)
STAMP_CELLS = (
    (("fonds", "全宗号"), ("year", "年度"), ("case_no", "案卷号")),
    (("org", "机构"), ("period", "保管期限"), ("pages", "页数")),
)
STAMP_SHEET = LabelSheet(
    "归档章",
    STAMP_CELL_MM[0] * len(STAMP_CELLS[0]),
    STAMP_CELL_MM[1] * len(STAMP_CELLS),
    3,
    11,
    10.0,
    7.0,
)

SPINE, STAMP = "spine", "stamp"
SHEETS = {SPINE: SPINE_SHEET, STAMP: STAMP_SHEET}


class _Page:
    """Measurements in mm from the page's top left, drawn on reportlab's canvas."""

    def __init__(self, canvas: Canvas, font: str) -> None:
        self.c, self.font = canvas, font

    @staticmethod
    def x(value: float) -> float:
        return value * mm

    @staticmethod
    def y(value: float) -> float:
        return (PAGE_HEIGHT_MM - value) * mm

    def rect(self, left: float, top: float, width: float, height: float) -> None:
        self.c.rect(self.x(left), self.y(top + height), width * mm, height * mm)

    def hline(self, left: float, right: float, top: float) -> None:
        self.c.line(self.x(left), self.y(top), self.x(right), self.y(top))

    def vline(self, left: float, top: float, bottom: float) -> None:
        self.c.line(self.x(left), self.y(top), self.x(left), self.y(bottom))

    def centred(self, text: str, centre_x: float, baseline: float, size: float) -> None:
        self.c.setFont(self.font, size)
        self.c.drawCentredString(self.x(centre_x), self.y(baseline), text)

    def small(self, text: str, left: float, baseline: float) -> None:
        self.c.setFont(self.font, LABEL_SIZE)
        self.c.drawString(self.x(left), self.y(baseline), text)

    def lines_in(
        self, text: str, left: float, top: float, width: float, height: float, size: float
    ) -> None:
        """`text` wrapped to the box and centred in it, shrunk until it fits."""
        while True:
            lines = break_lines(text, (width - 2) * mm, self.font, size)
            leading_mm = size * 1.2 * PT_MM
            if len(lines) * leading_mm <= height - 1 or size <= 5:
                break
            size -= 0.5
        first = top + (height - len(lines) * leading_mm) / 2 + size * PT_MM * 0.85
        for number, line in enumerate(lines):
            self.centred(line, left + width / 2, first + number * leading_mm, size)


def _vertical_fit(
    count: int, width: float, height: float, start_size: float
) -> tuple[int, float] | None:
    """(columns, size) to set `count` characters top to bottom in the box, or None."""
    for columns in range(1, count + 1):
        size = start_size
        while size >= MIN_VERTICAL_SIZE:
            step = size * 1.08 * PT_MM  # mm per character
            if math.ceil(count / columns) * step <= height - 2 and columns * step * 1.15 <= (
                width - 2
            ):
                return columns, size
            size -= 0.5
    return None


def _vertical(page: _Page, text: str, left: float, top: float, width: float, height: float,
              start_size: float) -> None:  # fmt: skip
    """Chinese written top to bottom (a spine's 题名), in columns right to left, shrunk
    until it fits the box."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return
    # one column as long as the characters stay readable, then more columns; a title
    # too long even then is cut with an ellipsis
    fit = _vertical_fit(len(chars), width, height, start_size)
    if fit is None:
        step = MIN_VERTICAL_SIZE * 1.08 * PT_MM
        capacity = int((height - 2) // step) * int((width - 2) // (step * 1.15))
        chars = chars[: capacity - 1] + ["…"]
        fit = _vertical_fit(len(chars), width, height, MIN_VERTICAL_SIZE)
        assert fit is not None
    columns, size = fit
    step = size * 1.08 * PT_MM
    per_column = math.ceil(len(chars) / columns)
    used_w = columns * step * 1.15
    right = left + (width + used_w) / 2 - step * 1.15 / 2
    rows_used = min(per_column, len(chars))
    first = top + (height - rows_used * step) / 2 + step * 0.85
    for index, ch in enumerate(chars):
        column, row = divmod(index, per_column)
        page.centred(ch, right - column * step * 1.15, first + row * step, size)


def _qr(page: _Page, text: str, left: float, top: float, side: float) -> None:
    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    scale = side * mm / max(x1 - x0, y1 - y0)
    drawing = Drawing(side * mm, side * mm, transform=[scale, 0, 0, scale, 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page.c, page.x(left), page.y(top + side))


def draw_spine(page: _Page, values: Mapping[str, Any], left: float, top: float) -> None:
    sheet = SPINE_SHEET
    page.c.setLineWidth(LINE_WIDTH)
    page.rect(left, top, sheet.width_mm, sheet.height_mm)
    y = top
    secrecy = format_value(values.get("secrecy"))
    if secrecy in ("秘密", "机密", "绝密"):
        page.c.saveState()
        page.c.setFillColor(MARK_RED)
        page.centred(secrecy, left + sheet.width_mm / 2, y + SPINE_SECRECY_MM - 2, 11)
        page.c.restoreState()
        y += SPINE_SECRECY_MM
        page.hline(left, left + sheet.width_mm, y)
    fixed = sum(r.height_mm or 0 for r in SPINE_ROWS)
    rest = sheet.height_mm - (y - top) - fixed - SPINE_QR_MM
    for row in SPINE_ROWS:
        height = row.height_mm if row.height_mm is not None else rest
        page.small(row.label, left + 1.2, y + 2.6)
        text = format_value(values.get(row.key))
        if row.key == "title":
            _vertical(page, text, left, y + 3, sheet.width_mm, height - 3.5, row.size)
        else:
            page.lines_in(text, left, y + 2.2, sheet.width_mm, height - 2.4, row.size)
        y += height
        page.hline(left, left + sheet.width_mm, y)
    number = format_value(values.get("number"))
    if number:
        side = SPINE_QR_MM - 4
        _qr(page, number, left + (sheet.width_mm - side) / 2, y + 2, side)


def draw_stamp(page: _Page, values: Mapping[str, Any], left: float, top: float) -> None:
    cell_w, cell_h = STAMP_CELL_MM
    page.c.setLineWidth(LINE_WIDTH)
    page.rect(left, top, STAMP_SHEET.width_mm, STAMP_SHEET.height_mm)
    for row_no, row in enumerate(STAMP_CELLS):
        for col_no, (key, label) in enumerate(row):
            x, y = left + col_no * cell_w, top + row_no * cell_h
            if col_no:
                page.vline(x, y, y + cell_h)
            page.small(label, x + 0.8, y + 2.3)
            page.lines_in(format_value(values.get(key)), x, y + 2.2, cell_w, cell_h - 2.3, 9.0)
        if row_no:
            page.hline(left, left + STAMP_SHEET.width_mm, top + row_no * cell_h)


def label_texts(labels: Sequence[Mapping[str, Any]]) -> str:
    return "".join(format_value(v) for values in labels for v in values.values())


def render_labels_pdf(
    parts: Sequence[tuple[str, Sequence[Mapping[str, Any]]]],
    target: str | Path | BinaryIO,
    font_path: str | None = None,
) -> int:
    """Draw each part's labels (kind SPINE or STAMP, then the label values) on A4 sheets of
    that kind, filled in reading order; a sheet with a 机密/绝密 volume's label carries the
    highest such mark. Returns the number of pages."""
    font = register_cjk_font(font_path)
    texts = "".join(label_texts(labels) for _kind, labels in parts)
    missing = missing_glyphs(texts + "".join(r.label for r in SPINE_ROWS), font)
    if missing:
        log.warning("字体缺少这些字符，打印时会显示为空白：%s", "".join(sorted(missing)))
    canvas = Canvas(str(target) if isinstance(target, Path) else target, pagesize=A4)
    title = "、".join(SHEETS[kind].title for kind, _labels in parts) or "标签"
    canvas.setTitle(title)
    canvas.setSubject(title)
    canvas.setCreator(CREATOR)
    page = _Page(canvas, font)
    pages = 0
    for kind, labels in parts:
        sheet, draw = SHEETS[kind], DRAWERS[kind]
        for number in range(max(1, math.ceil(len(labels) / sheet.per_page))):
            chunk = labels[number * sheet.per_page : (number + 1) * sheet.per_page]
            levels = {format_value(v.get("secrecy")) for v in chunk}
            mark = "绝密" if "绝密" in levels else ("机密" if "机密" in levels else None)
            if mark:
                _draw_mark(canvas, mark, font)
            canvas.setStrokeColor(colors.black)
            canvas.setFillColor(colors.black)
            for index, values in enumerate(chunk):
                left, top = sheet.origin_mm(index)
                draw(page, values, left, top)
            canvas.showPage()
            pages += 1
    if not pages:
        canvas.showPage()
        pages = 1
    canvas.save()
    return pages


DRAWERS = {SPINE: draw_spine, STAMP: draw_stamp}


__all__ = [
    "SHEETS",
    "SPINE",
    "SPINE_ROWS",
    "SPINE_SHEET",
    "STAMP",
    "STAMP_CELLS",
    "STAMP_CELL_MM",
    "STAMP_SHEET",
    "LabelSheet",
    "render_labels_pdf",
]
