"""Labels for the shelves (DOMAIN §6 item 9): the 档案盒 / 案卷脊背 label (档号, 题名, 年度,
保管期限, with a QR code of the 档号) and the 归档章 (全宗号, 年度, 案卷号 / 机构, 保管期限,
页数), several per A4 sheet at their real size; and for a year's labels (issue 6) the 档号章
(the 归档章's cells with a QR code of the 档号 beside them) and the box spine (盒脊: 全宗号,
年度, 保管期限, 起止档号, 盒号, with a QR code of the 起止档号).

Drawn straight on a reportlab canvas; every measurement is data (:class:`LabelSheet`,
:data:`SPINE_ROWS`, :data:`STAMP_CELLS`), so a different label stock is one edit. A sheet
holding a 机密 or 绝密 volume's label carries that mark at the top like the other forms.

Each label's values are a mapping: ``number``, ``title``, ``year``, ``period``,
``secrecy`` for the spine; ``fonds``, ``year``, ``case_no``, ``org``, ``period``,
``pages`` for the stamp, and ``number`` (the QR code) and ``secrecy`` too for the 档号章;
``fonds``, ``year``, ``period``, ``first``, ``last`` (档号), ``box_no``, ``count`` (卷数)
and ``secrecy`` (the highest in the box) for the box spine.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.barcode import qrencoder
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

# 档号章: the same 3 × 2 cells (15 × 8 mm, DA/T 22) and a 16 mm square on the right for the
# QR code of the 档号 (61 × 16 mm); 3 across, 12 down per sheet.
NUMBER_STAMP_CELL_MM = (15.0, 8.0)
NUMBER_STAMP_QR_MM = 16.0
NUMBER_STAMP_SHEET = LabelSheet(
    "档号章",
    NUMBER_STAMP_CELL_MM[0] * len(STAMP_CELLS[0]) + NUMBER_STAMP_QR_MM,
    NUMBER_STAMP_CELL_MM[1] * len(STAMP_CELLS),
    3,
    12,
    3.5,
    6.0,
)

# 档案盒盒脊: one label per box, at the size of the volume spine (a 40 mm box); 4 × 2 per
# sheet. 起止档号 are the box's first and last 档号, each on a line of its own.
BOX_SPINE_SHEET = LabelSheet("档案盒盒脊标签", 40.0, 125.0, 4, 2, 5.0, 6.0)
BOX_ROWS = (
    SpineRow("fonds", "全宗号", 11.0, 12.0),
    SpineRow("year", "年度", 11.0, 14.0),
    SpineRow("period", "保管期限", 11.0, 12.0),
    SpineRow("range", "起止档号", 27.0, 8.5),
    SpineRow("box_no", "盒号", None, 30.0),
)
BOX_QR_MM = 30.0
RANGE_TO = "至"  # between the first and the last 档号 on the label
QR_RANGE_DASH = "—"  # between them in the QR code: 起—止
FIXED_MASK = 0

SPINE, STAMP, NUMBER_STAMP, BOX_SPINE = "spine", "stamp", "number_stamp", "box_spine"
SHEETS = {
    SPINE: SPINE_SHEET,
    STAMP: STAMP_SHEET,
    NUMBER_STAMP: NUMBER_STAMP_SHEET,
    BOX_SPINE: BOX_SPINE_SHEET,
}


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

    def one_line(
        self, text: str, centre_x: float, baseline: float, width: float, size: float
    ) -> None:
        """`text` on one line, centred, shrunk until it is no wider than `width`."""
        natural = self.c.stringWidth(text, self.font, 1.0) or 1.0
        self.centred(text, centre_x, baseline, min(size, (width - 2) * mm / natural))

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


class _Utf8Designator(qrencoder.QR):
    """ECI 000026 — the bytes that follow are UTF-8. Without it a reader guesses the
    encoding, and 档号's `·` (UTF-8 C2 B7) came back as Shift-JIS (`Z001-WS繚2026…`)."""

    mode = 0x7
    bits = (8,)
    lengthbits = (0, 0, 0)

    def __init__(self) -> None:
        self.data = b"\x1a"  # 26: UTF-8

    def write(self, buffer, version: int) -> None:  # noqa: ANN001 - qrencoder's QRBitBuffer
        buffer.put(self.mode, 4)
        buffer.put(26, 8)


def qr_modules(text: str, level: str = "M") -> list[list[bool]]:
    """The QR code of `text` as rows of dark (True) and light modules; text beyond ASCII
    as UTF-8 bytes, declared so."""
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    if text.isascii():
        code.addData(text)
    else:
        code.addData(_Utf8Designator())
        code.addData(qrencoder.QR8bitByte(text))
    # One fixed mask instead of make()'s scoring of all eight (8.5 → 1.5 ms a label):
    # every mask is a valid QR code; the scoring only evens out dark and light areas,
    # which a 档号 of ~25 characters never needs to scan (tests scan them back with zbar).
    code.version = code.calculate_version()
    code.makeImpl(False, FIXED_MASK)
    return [[bool(m) for m in row] for row in code.modules]


def _qr(page: _Page, text: str, left: float, top: float, side: float, border: int = 4) -> None:
    """The QR code in a `side` mm square with `border` light modules round it: the dark
    runs of each row as rectangles of one filled path, written in module units (reportlab
    formats every coordinate in Python: a label's QR code took 30 ms drawn as a drawing,
    ~2 ms this way; encoding it takes ~10 ms)."""
    rows = qr_modules(text)
    module = side / (len(rows) + 2 * border) * mm
    runs = []
    for r, row in enumerate(rows):
        column = 0
        for dark, run in itertools.groupby(row):
            count = sum(1 for _ in run)
            if dark:
                # a hair taller than a module: no light seam between rows on screen
                runs.append(f"{column + border} {r + border} {count} 1.04 re")
            column += count
    canvas = page.c
    canvas.saveState()
    # origin at the square's top left, one unit a module, rows downwards
    canvas.transform(module, 0, 0, -module, page.x(left), page.y(top))
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


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
    _stamp_cells(page, values, left, top, cell_w, cell_h)


def _stamp_cells(
    page: _Page, values: Mapping[str, Any], left: float, top: float, cell_w: float, cell_h: float
) -> None:
    """The stamp's 3 × 2 cells (no outer frame)."""
    for row_no, row in enumerate(STAMP_CELLS):
        for col_no, (key, label) in enumerate(row):
            x, y = left + col_no * cell_w, top + row_no * cell_h
            if col_no:
                page.vline(x, y, y + cell_h)
            page.small(label, x + 0.8, y + 2.3)
            page.lines_in(format_value(values.get(key)), x, y + 2.2, cell_w, cell_h - 2.3, 9.0)
        if row_no:
            page.hline(left, left + cell_w * len(row), top + row_no * cell_h)


def draw_number_stamp(page: _Page, values: Mapping[str, Any], left: float, top: float) -> None:
    """档号章: the stamp's cells, and the QR code of the 档号 in the square on the right."""
    sheet = NUMBER_STAMP_SHEET
    cell_w, cell_h = NUMBER_STAMP_CELL_MM
    page.c.setLineWidth(LINE_WIDTH)
    page.rect(left, top, sheet.width_mm, sheet.height_mm)
    _stamp_cells(page, values, left, top, cell_w, cell_h)
    qr_left = left + cell_w * len(STAMP_CELLS[0])
    page.vline(qr_left, top, top + sheet.height_mm)
    number = format_value(values.get("number"))
    if number:
        side = NUMBER_STAMP_QR_MM - 1.0
        _qr(page, number, qr_left + 0.5, top + (sheet.height_mm - side) / 2, side, border=2)


def box_qr_text(values: Mapping[str, Any]) -> str:
    """What a box spine's QR code holds: its one 档号, or 起—止."""
    first, last = format_value(values.get("first")), format_value(values.get("last"))
    return first if not last or last == first else f"{first}{QR_RANGE_DASH}{last}"


def draw_box_spine(page: _Page, values: Mapping[str, Any], left: float, top: float) -> None:
    """One box: 全宗号, 年度, 保管期限, 起止档号, 盒号 (with the box's 卷数), a QR code of the
    起止档号 at the foot; a 秘密/机密/绝密 box has its highest 密级 at the head."""
    sheet = BOX_SPINE_SHEET
    width = sheet.width_mm
    page.c.setLineWidth(LINE_WIDTH)
    page.rect(left, top, width, sheet.height_mm)
    y = top
    secrecy = format_value(values.get("secrecy"))
    if secrecy in ("秘密", "机密", "绝密"):
        page.c.saveState()
        page.c.setFillColor(MARK_RED)
        page.centred(secrecy, left + width / 2, y + SPINE_SECRECY_MM - 2, 11)
        page.c.restoreState()
        y += SPINE_SECRECY_MM
        page.hline(left, left + width, y)
    fixed = sum(r.height_mm or 0 for r in BOX_ROWS)
    rest = sheet.height_mm - (y - top) - fixed - BOX_QR_MM
    centre = left + width / 2
    for row in BOX_ROWS:
        height = row.height_mm if row.height_mm is not None else rest
        page.small(row.label, left + 1.2, y + 2.6)
        if row.key == "range":
            first, last = format_value(values.get("first")), format_value(values.get("last"))
            lines = [first] if not last or last == first else [first, RANGE_TO, last]
            step = (height - 3.0) / (len(lines) + 1)
            for number, line in enumerate(lines, start=1):
                size = row.size if line != RANGE_TO else 8.0
                page.one_line(line, centre, y + 3.0 + step * number + size * PT_MM * 0.35,
                              width, size)  # fmt: skip
        elif row.key == "box_no":
            box = format_value(values.get("box_no"))
            count = values.get("count")
            note = f"共 {count} 卷" if count else ""
            middle = y + 2.5 + (height - 2.5) / 2
            if box:
                page.one_line(box, centre, middle + row.size * PT_MM * 0.35, width, row.size)
            if note:
                page.centred(note, centre, y + height - 2.0, 8.0)
        else:
            page.lines_in(format_value(values.get(row.key)), left, y + 2.2, width, height - 2.4,
                          row.size)  # fmt: skip
        y += height
        page.hline(left, left + width, y)
    text = box_qr_text(values)
    if text:
        side = BOX_QR_MM - 4
        _qr(page, text, left + (width - side) / 2, y + 2, side)


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
    names = "".join(r.label for r in (*SPINE_ROWS, *BOX_ROWS)) + RANGE_TO + "共卷"
    missing = missing_glyphs(texts + names, font)
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


DRAWERS = {
    SPINE: draw_spine,
    STAMP: draw_stamp,
    NUMBER_STAMP: draw_number_stamp,
    BOX_SPINE: draw_box_spine,
}


__all__ = [
    "BOX_ROWS",
    "BOX_SPINE",
    "BOX_SPINE_SHEET",
    "NUMBER_STAMP",
    "NUMBER_STAMP_SHEET",
    "SHEETS",
    "SPINE",
    "SPINE_ROWS",
    "SPINE_SHEET",
    "STAMP",
    "STAMP_CELLS",
    "STAMP_CELL_MM",
    "STAMP_SHEET",
    "LabelSheet",
    "box_qr_text",
    "qr_modules",
    "render_labels_pdf",
]
