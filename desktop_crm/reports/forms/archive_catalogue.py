"""案卷目录 (归档文件目录, DOMAIN §6 item 9): the volumes of a year (or any filter of the
ledger), bound as the archive binds them — one booklet per 保管期限 (永久 first, then the
longest period to the shortest), each a 封面 (cover) and its catalogue pages, numbered
第 n 页 共 m 页 within the booklet. A row per volume in 档号 order: 档号, 题名, 年度,
保管期限, 密级, 页数, 份数, 存放位置, 备注.

The layout is data: :data:`ARCHIVE_CATALOGUE` (the pages, a :class:`FormLayout`) and
:data:`CATALOGUE_COVER` (the cover, a :class:`CoverLayout`). Both the PDF and the workbook
(one sheet per booklet, the cover's facts in its heading rows) are drawn from them.

Data: documents.archive_catalogue_data gives a list of booklet mappings, each with the
cover's keys (``fonds_code``, ``fonds_name``, ``year_text``, ``period``, ``number_range``,
``volume_text``, ``made_by``, ``made_on``), the pages' (``scope_text``, ``rows``, the
totals, ``made_at``) and ``secrecy_mark`` (the highest 密级 of its rows when 机密 or 绝密:
every page of that booklet, cover included, carries the mark, see :func:`marked_as`).

Why this module draws its own PDF: a year's catalogue runs to 20,000 rows (~1,000
landscape pages). Through platypus tables (pdf_render) that took 24 s — every cell a
flowable, every number formatted by reportlab's pure-Python fp_str; here each row is
measured once (repeated values once per column), the pages are cut before drawing (so
共 m 页 is known and nothing is held back) and each page's ruling and text go into the
content stream as one literal: 2.7 s for the same rows, the same look.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from ..cjk_text import break_lines
from ..fonts import missing_glyphs, register_cjk_font
from ..layout import (
    Align,
    Column,
    Field,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    SignatureLine,
    TableBlock,
    format_value,
    labelled,
)
from ..pdf_render import (
    BLOCK_GAP,
    BOX_WIDTH,
    CAPTION_SHADE,
    CREATOR,
    FONT_SIZE,
    GRID_WIDTH,
    LABEL_SHADE,
    LEADING,
    MARGIN,
    PADDING,
    _draw_mark,
)
from ..table_xlsx import ExportCancelled

log = logging.getLogger(__name__)

#: data key whose truth puts the 密级 mark on every page (the text is the level itself).
SECRECY_MARK_KEY = "secrecy_mark"

# --------------------------------------------------------------------------- the layout

ARCHIVE_CATALOGUE = FormLayout(
    title="案卷目录",
    landscape=True,  # many columns: 题名 and 档号 read on one line
    sheet_name="案卷目录",
    subject_key="scope_text",
    number_line=(
        Field("fonds_code", "全宗号"),
        Field("fonds_name", "全宗名称"),
        Field("period", "保管期限"),
        Field("scope_text", "范围"),
    ),
    footer_fields=(Field("made_by", "制表人"), Field("made_at", "制表时间")),
    mark_key=SECRECY_MARK_KEY,
    number_sections=False,
    blocks=(
        TableBlock(
            None,
            "rows",
            (
                Column("number", "档号", 4.45),
                Column("title", "题名", 4.0),
                Column("year", "年度", 1.0, "center"),
                Column("period", "保管期限", 1.6, "center"),
                Column("secrecy", "密级", 1.0, "center"),
                Column("pages", "页数", 0.95, "right"),
                Column("copies", "份数", 0.95, "right"),
                Column("location", "存放位置", 3.4),
                Column("remarks", "备注", 1.15),
            ),
            blank_rows=10,
            numbered=True,
        ),
        FieldGrid(
            "合计",
            (
                Field("volume_count", "案卷（卷）"),
                Field("page_total", "页数（页）"),
                Field("copy_total", "份数（份）"),
            ),
            columns=3,
        ),
        SignatureBlock(
            (SignatureLine("制表人", "made_by"), SignatureLine("检查人"), SignatureLine("日期"))
        ),
    ),
)

#: the sheet's 合计 row: which total stands under which column
COLUMN_TOTALS = {"pages": "page_total", "copies": "copy_total"}


@dataclass(frozen=True)
class CoverLayout:
    """A booklet's 封面: the title in large type, then one underlined line per fact
    (``label：value``), and a foot line (编制人, 编制日期). Sizes in pt, distances in mm
    from the top of the page."""

    title: str
    lines: tuple[Field, ...]
    foot: tuple[Field, ...] = ()
    title_size: float = 36.0
    title_top_mm: float = 40.0
    line_size: float = 14.0
    lines_top_mm: float = 78.0
    line_gap_mm: float = 13.0
    label_width_mm: float = 34.0
    value_width_mm: float = 150.0
    foot_size: float = 11.0
    foot_bottom_mm: float = 22.0


CATALOGUE_COVER = CoverLayout(
    title="案卷目录",
    lines=(
        Field("fonds_code", "全宗号"),
        Field("fonds_name", "全宗名称"),
        Field("year_text", "年度"),
        Field("period", "保管期限"),
        Field("number_range", "起止档号"),
        Field("volume_text", "案卷数"),
    ),
    foot=(Field("made_by", "编制人"), Field("made_on", "编制日期")),
)


def marked_as(layout: FormLayout, level: str | None) -> FormLayout:
    """The layout whose mark reads `level` (机密, 绝密) instead of 内部资料."""
    return replace(layout, mark_text=level) if level else layout


Progress = Callable[[int, int], None]

# Measures of pdf_render's heading and blocks, so these pages look like the other forms.
TITLE_SIZE = 18.0
NUMBER_LINE_HEIGHT = 17.0  # a 9 pt line with the table's default padding
CAPTION_HEIGHT = 10.5 * 1.3 + 8  # a block's caption row
FIELD_ROW_HEIGHT = LEADING + 8
BLANK_ROW_HEIGHT = 7 * mm
FOOTER_GREY = f"{0x44 / 255:.3f}"
CARRIED_ROWS = 3  # rows that go over with the totals when these do not fit


def _table(layout: FormLayout) -> tuple[int, TableBlock]:
    for index, block in enumerate(layout.blocks):
        if isinstance(block, TableBlock):
            return index, block
    raise ValueError(f"{layout.title}: no table")


def _check_glyphs(
    booklets: Sequence[Mapping[str, Any]], layout: FormLayout, cover: CoverLayout | None, font: str
) -> None:
    """Warn of characters the font cannot print (they would print blank)."""
    _index, table = _table(layout)
    keys = [c.key for c in table.columns]
    chars: set[str] = set(layout.title) | set("第页共0123456789：（）至卷")
    fields = (
        *layout.number_line,
        *layout.footer_fields,
        *(cover.lines + cover.foot if cover else ()),
    )
    for booklet in booklets:
        for fld in fields:
            chars.update(fld.label + format_value(booklet.get(fld.key)))
        for row in booklet.get(table.data_key) or ():
            for key in keys:
                value = row.get(key)
                if isinstance(value, str):
                    chars.update(value)
    missing = missing_glyphs("".join(chars), font)
    if missing:
        log.warning("字体缺少这些字符，打印时会显示为空白：%s", "".join(sorted(missing)))


def _ticker(
    total: int, progress: Progress | None, is_cancelled: Callable[[], bool] | None
) -> Callable[[int], None]:
    """`tick(done)`: reports progress and raises ExportCancelled when the user cancelled."""

    def tick(done: int) -> None:
        if is_cancelled is not None and is_cancelled():
            raise ExportCancelled
        if progress is not None:
            progress(done, total)

    return tick


# --------------------------------------------------------------------------- PDF


def _n(value: float) -> str:
    """A coordinate for the content stream (reportlab's fp_str is pure Python and slow)."""
    return f"{value:.2f}"


class _CharWidths(dict):
    """Advance widths at 1 pt by character, looked up in the font once each."""

    def __init__(self, font: Any) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: str) -> float:
        width = self[char] = self.font.stringWidth(char, 1.0)
        return width


class _Ink:
    """PDF operators for one page, handed to the canvas in one literal. Text goes through
    the font's dynamic subsets (the recipe of reportlab.pdfbase.ttfonts), each distinct
    string encoded once."""

    def __init__(self, canvas: Canvas, font: str) -> None:
        self.canvas = canvas
        self.font = pdfmetrics.getFont(font)
        self.doc = canvas._doc  # noqa: SLF001 - the document the subsets belong to
        self._encoded: dict[tuple[str, float], str] = {}
        self._chars = _CharWidths(self.font)
        self.ops: list[str] = []

    def width(self, text: str, size: float = FONT_SIZE) -> float:
        return sum(map(self._chars.__getitem__, text)) * size

    def shown(self, text: str, size: float = FONT_SIZE) -> str:
        """The operators that show `text` at the current position (font set with it)."""
        key = (text, size)
        found = self._encoded.get(key)
        if found is None:
            parts = [
                f"{self.font.getSubsetInternalName(subset, self.doc)} {size:g} Tf "
                f"({escapePDF(chunk)}) Tj"
                for subset, chunk in self.font.splitString(text, self.doc)
            ]
            found = self._encoded[key] = " ".join(parts)
        return found

    def text(self, text: str, x: float, y: float, size: float = FONT_SIZE) -> None:
        if text:
            self.ops.append(f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm {self.shown(text, size)} ET")

    def aligned(
        self, text: str, left: float, right: float, y: float, align: Align, size: float = FONT_SIZE
    ) -> None:
        if align == "left":
            self.text(text, left, y, size)
        elif align == "center":
            self.text(text, (left + right - self.width(text, size)) / 2, y, size)
        else:
            self.text(text, right - self.width(text, size), y, size)

    def bold(self, text: str, x: float, y: float, size: float) -> None:
        """Fill and stroke: TrueType CJK fonts come without a bold face."""
        self.ops.append(
            f"q {_n(size * 0.035)} w BT 2 Tr 1 0 0 1 {_n(x)} {_n(y)} Tm "
            f"{self.shown(text, size)} ET Q"
        )

    def shade(self, x: float, y: float, width: float, height: float, grey: Any) -> None:
        red, green, blue = grey.red, grey.green, grey.blue
        self.ops.append(
            f"q {red:.3f} {green:.3f} {blue:.3f} rg {_n(x)} {_n(y)} {_n(width)} {_n(height)} re f Q"
        )

    def rules(self, segments: Iterator[tuple[float, float, float, float]], width: float) -> None:
        path = " ".join(f"{a:.2f} {b:.2f} m {c:.2f} {d:.2f} l" for a, b, c, d in segments)
        self.ops.append(f"{_n(width)} w {path} S")

    def box(self, x: float, y: float, width: float, height: float, line: float) -> None:
        self.ops.append(f"{_n(line)} w {_n(x)} {_n(y)} {_n(width)} {_n(height)} re S")

    def flush(self) -> None:
        if self.ops:
            self.canvas.addLiteral("q 0 g 0 G\n" + "\n".join(self.ops) + "\nQ")
            self.ops = []


@dataclass
class _Row:
    """A measured table row: each cell's lines (left x, operators that show the text),
    and the row's height."""

    cells: list[list[tuple[float, str]]]
    height: float


class _BookletPdf:
    """One booklet of a register layout (a table, then closing blocks: FieldGrid,
    SignatureBlock) on landscape or portrait A4."""

    def __init__(self, layout: FormLayout, data: Mapping[str, Any], ink: _Ink) -> None:
        self.layout, self.data, self.ink = layout, data, ink
        self.page_width, self.page_height = landscape(A4) if layout.landscape else A4
        self.width = self.page_width - 2 * MARGIN
        self.table_index, self.table = _table(layout)
        self.columns = self.table.all_columns()
        self.col_widths = [w * mm for w in self.table.cell_widths_mm(self.width / mm)]
        self.edges = [MARGIN]
        for width in self.col_widths:
            self.edges.append(self.edges[-1] + width)
        self._cells: dict[tuple[int, str], tuple[int, list[tuple[float, str]]]] = {}
        headings: list[Align] = ["center"] * len(self.columns)
        self.header = self._measure([c.title for c in self.columns], headings, remember=False)
        aligns = [c.align for c in self.columns]
        self.rows = [self._measure(values, aligns) for values in self.table.rows(data)]
        self.blank = not self.rows
        if self.blank:
            blank = _Row([[] for _ in self.columns], BLANK_ROW_HEIGHT)
            self.rows = [blank] * self.table.blank_rows
        self.pages = self._paginate()
        self.footer_left = "　".join(labelled(layout.footer_fields, data))

    # ----------------------------------------------------------------- measuring
    def _measure(
        self, values: Sequence[Any], aligns: Sequence[Align], remember: bool = True
    ) -> _Row:
        """Each cell's lines placed in its column (x of each line), the row's height.
        Repeated values (年度, 保管期限, 位置 …) are measured once per column."""
        cells: list[list[tuple[float, str]]] = []
        lines = 1
        known = self._cells
        for column, value in enumerate(values):
            text = value if isinstance(value, str) else format_value(value)
            found = known.get((column, text))
            if found is None:
                found = self._place(column, text, aligns[column])
                if remember and len(known) < 200_000:
                    known[(column, text)] = found
            cells.append(found[1])
            if found[0] > lines:
                lines = found[0]
        return _Row(cells, lines * LEADING + 8)

    def _place(self, column: int, text: str, align: Align) -> tuple[int, list[tuple[float, str]]]:
        if not text:
            return 1, []
        left, right = self.edges[column] + PADDING, self.edges[column + 1] - PADDING
        width = self.ink.width(text)
        if "\n" in text or width > right - left:
            lines = break_lines(text, right - left, self.ink.font.fontName, FONT_SIZE)
        else:
            lines = [text]
        placed = []
        for line in lines:
            line_width = width if len(lines) == 1 else self.ink.width(line)
            if align == "left":
                x = left
            elif align == "center":
                x = (left + right - line_width) / 2
            else:
                x = right - line_width
            placed.append((x, self.ink.shown(line)))
        return len(lines), placed

    def heading_height(self) -> float:
        return TITLE_SIZE * 1.3 + 3 * mm + (NUMBER_LINE_HEIGHT if self.layout.number_line else 0)

    def closing_height(self) -> float:
        height = 0.0
        for block in self.layout.blocks[self.table_index + 1 :]:
            if isinstance(block, FieldGrid):
                height += BLOCK_GAP + (CAPTION_HEIGHT if block.caption else 0)
                height += FIELD_ROW_HEIGHT * len(block.placed_rows())
            elif isinstance(block, SignatureBlock):
                height += BLOCK_GAP + 4 * mm + 9 * mm
        return height

    def _paginate(self) -> list[tuple[int, int, bool]]:
        """(first row, end row, closing blocks on this page) per page."""
        top = self.page_height - MARGIN
        bottom = MARGIN
        pages: list[tuple[int, int, bool]] = []
        start, count = 0, len(self.rows)
        room = top - bottom - self.heading_height() - self.header.height
        while True:
            used, end = 0.0, start
            while end < count and used + self.rows[end].height <= room:
                used += self.rows[end].height
                end += 1
            if end == start and end < count:
                end += 1  # taller than a page (never with 300-character titles): alone
                used += self.rows[start].height
            if end >= count:
                if used + self.closing_height() <= room:
                    pages.append((start, end, True))
                    return pages
                # the totals and signatures go over with the last rows (never alone under
                # no heading); the page before keeps at least one row
                carried = max(0, min(CARRIED_ROWS, end - start - 1))
                pages.append((start, end - carried, False))
                pages.append((end - carried, end, True))
                return pages
            pages.append((start, end, False))
            start = end
            room = top - bottom - self.header.height

    # ----------------------------------------------------------------- drawing
    def draw_pages(self, tick: Callable[[int], None], done_before: int) -> int:
        """Draw every page; returns the rows drawn."""
        canvas = self.canvas
        total = len(self.pages)
        drawn = 0
        marked = self.layout.marked(self.data)
        for number, (start, end, closing) in enumerate(self.pages, start=1):
            if marked:
                _draw_mark(canvas, self.layout.mark_text, self.ink.font.fontName)
            y = self.page_height - MARGIN
            if number == 1:
                y = self._heading(y)
            if end > start or number == 1:
                y = self._table_part(y, start, end)
            if closing:
                y = self._closing(y)
            self._footer(number, total)
            self.ink.flush()
            canvas.showPage()
            if not self.blank:
                drawn += end - start
            tick(done_before + drawn)
        return drawn

    @property
    def canvas(self) -> Canvas:
        return self.ink.canvas

    def _heading(self, top: float) -> float:
        ink, size = self.ink, TITLE_SIZE
        height = size * 1.3
        x = MARGIN + (self.width - ink.width(self.layout.title, size)) / 2
        ink.bold(self.layout.title, x, top - height + size * 0.3, size)
        y = top - height - 3 * mm
        items = labelled(self.layout.number_line, self.data)
        if items:
            share = self.width / len(items)
            for position, text in enumerate(items):
                align: Align = "center"
                if position == 0:
                    align = "left"
                elif position == len(items) - 1:
                    align = "right"
                left = MARGIN + position * share
                ink.aligned(text, left, left + share, y - 3 - FONT_SIZE, align)
            y -= NUMBER_LINE_HEIGHT
        return y

    def _row_text(self, row: _Row, top: float) -> None:
        """The row's text as one text object: each line placed with Tm, in reading order."""
        parts = []
        for cell in row.cells:
            if not cell:
                continue
            baseline = top - (row.height - len(cell) * LEADING) / 2 - FONT_SIZE
            for x, shown in cell:
                parts.append(f"1 0 0 1 {x:.2f} {baseline:.2f} Tm {shown}")
                baseline -= LEADING
        if parts:
            self.ink.ops.append("BT " + " ".join(parts) + " ET")

    def _table_part(self, top: float, start: int, end: int) -> float:
        ink, edges = self.ink, self.edges
        left, right = edges[0], edges[-1]
        ink.shade(left, top - self.header.height, right - left, self.header.height, LABEL_SHADE)
        self._row_text(self.header, top)
        lines = [top - self.header.height]
        y = lines[0]
        for row in self.rows[start:end]:
            self._row_text(row, y)
            y -= row.height
            lines.append(y)
        horizontal = ((left, at, right, at) for at in lines[:-1])
        vertical = ((x, top, x, y) for x in edges[1:-1])
        ink.rules(horizontal, GRID_WIDTH)
        ink.rules(vertical, GRID_WIDTH)
        ink.box(left, y, right - left, top - y, BOX_WIDTH)
        return y

    def _closing(self, y: float) -> float:
        for index, block in enumerate(self.layout.blocks):
            if index <= self.table_index:
                continue
            if isinstance(block, FieldGrid):
                y = self._field_grid(block, y - BLOCK_GAP)
            elif isinstance(block, SignatureBlock):
                y = self._signatures(block, y - BLOCK_GAP - 4 * mm)
        return y

    def _field_grid(self, block: FieldGrid, top: float) -> float:
        ink = self.ink
        widths = [w * mm for w in block.cell_widths_mm(self.width / mm)]
        edges = [MARGIN]
        for width in widths:
            edges.append(edges[-1] + width)
        left, right = edges[0], edges[-1]
        y = top
        rules: list[tuple[float, float, float, float]] = []
        if block.caption:
            height = CAPTION_HEIGHT
            ink.shade(left, y - height, right - left, height, CAPTION_SHADE)
            ink.bold(block.caption, left + PADDING, y - height / 2 - 10.5 * 0.35, 10.5)
            y -= height
            rules.append((left, y, right, y))
        for placed_row in block.placed_rows():
            height = FIELD_ROW_HEIGHT
            baseline = y - height / 2 - FONT_SIZE * 0.35
            for placed in placed_row:
                a, b = edges[placed.label_cell], edges[placed.label_cell + 1]
                ink.shade(a, y - height, b - a, height, LABEL_SHADE)
                ink.aligned(placed.field.label, a + PADDING, b - PADDING, baseline, "center")
                rules += [(a, y, a, y - height), (b, y, b, y - height)]
                value = format_value(self.data.get(placed.field.key))
                ink.text(value, b + PADDING, baseline)
            y -= height
            rules.append((left, y, right, y))
        ink.rules(iter(rules), GRID_WIDTH)
        ink.box(left, y, right - left, top - y, BOX_WIDTH)
        return y

    def _signatures(self, block: SignatureBlock, top: float) -> float:
        ink, size = self.ink, 10.0
        labels = [f"{line.label}：" for line in block.lines]
        label_widths = [ink.width(text, size) + 2 * PADDING + 2 for text in labels]
        line_width = (self.width - sum(label_widths)) / len(block.lines)
        x, bottom = MARGIN, top - 9 * mm
        rules = []
        for line, label, label_width in zip(block.lines, labels, label_widths, strict=True):
            baseline = bottom + 4 + 2
            ink.aligned(label, x, x + label_width - PADDING, baseline, "right", size)
            value = format_value(self.data.get(line.key or ""))
            ink.text(value, x + label_width + PADDING, baseline, FONT_SIZE)
            rules.append(
                (
                    x + label_width + PADDING,
                    bottom + 3,
                    x + label_width + line_width - PADDING,
                    bottom + 3,
                )
            )
            x += label_width + line_width
        ink.rules(iter(rules), GRID_WIDTH)
        return bottom

    def _footer(self, number: int, total: int) -> None:
        """制表人, 制表时间 at the left, 第 n 页 共 m 页 (of this booklet) at the right."""
        ink, y = self.ink, 9 * mm
        ink.ops.append(f"q {FOOTER_GREY} g")
        ink.text(self.footer_left, MARGIN, y, 8)
        right = self.page_width - MARGIN
        ink.aligned(f"第 {number} 页 共 {total} 页", MARGIN, right, y, "right", 8)
        ink.ops.append("Q")


def _draw_cover(
    ink: _Ink,
    cover: CoverLayout,
    data: Mapping[str, Any],
    page: tuple[float, float],
    mark: str | None,
) -> None:
    canvas = ink.canvas
    page_width, page_height = page
    if mark:
        _draw_mark(canvas, mark, ink.font.fontName)
    # the title, its characters spread as a cover sets them
    size = cover.title_size
    spacing = size * 0.5
    title_width = ink.width(cover.title, size) + spacing * (len(cover.title) - 1)
    x = (page_width - title_width) / 2
    baseline = page_height - cover.title_top_mm * mm - size
    ink.ops.append(f"q {_n(spacing)} Tc")
    ink.bold(cover.title, x, baseline, size)
    ink.ops.append("0 Tc Q")
    # the facts, label right-aligned against an underlined value
    size, step = cover.line_size, cover.line_size * 1.6
    label_width, value_width = cover.label_width_mm * mm, cover.value_width_mm * mm
    left = (page_width - label_width - value_width) / 2
    value_left, value_right = left + label_width, left + label_width + value_width
    baseline = page_height - cover.lines_top_mm * mm
    rules = []
    for fld in cover.lines:
        ink.aligned(f"{fld.label}：", left, value_left, baseline, "right", size)
        text = format_value(data.get(fld.key))
        lines = break_lines(text, value_width - 4 * mm, ink.font.fontName, size) if text else [""]
        for number, line in enumerate(lines):
            y = baseline - number * step
            ink.aligned(line, value_left, value_right, y, "center", size)
            rules.append((value_left, y - 4, value_right, y - 4))
        baseline -= cover.line_gap_mm * mm + (len(lines) - 1) * step
    ink.rules(iter(rules), GRID_WIDTH)
    if cover.foot:
        text = "　　".join(labelled(cover.foot, data))
        ink.aligned(text, 0, page_width, cover.foot_bottom_mm * mm, "center", cover.foot_size)
    ink.flush()
    canvas.showPage()


def render_catalogue_pdf(
    booklets: Sequence[Mapping[str, Any]],
    target: str | Path | BinaryIO,
    font_path: str | None = None,
    *,
    layout: FormLayout = ARCHIVE_CATALOGUE,
    cover: CoverLayout | None = CATALOGUE_COVER,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> None:
    """Each booklet as a cover and its pages, one PDF. ``progress(rows drawn, all rows)``
    after every page; ``is_cancelled()`` asked as often (ExportCancelled: nothing written
    to ``target``)."""
    font = register_cjk_font(font_path)
    _check_glyphs(booklets, layout, cover, font)
    buffer = io.BytesIO()
    page = landscape(A4) if layout.landscape else A4
    canvas = Canvas(buffer, pagesize=page, initialFontName=font)
    first = booklets[0] if booklets else {}
    canvas.setTitle(layout.document_title(first))
    canvas.setSubject(layout.title)
    canvas.setCreator(CREATOR)
    canvas.setAuthor("")
    ink = _Ink(canvas, font)
    _index, table = _table(layout)
    total = sum(len(b.get(table.data_key) or ()) for b in booklets)
    tick = _ticker(total, progress, is_cancelled)
    tick(0)
    done = 0
    for data in booklets:
        mark = data.get(layout.mark_key) if layout.mark_key else None
        booklet_layout = marked_as(layout, mark if isinstance(mark, str) else None)
        if cover is not None:
            _draw_cover(ink, cover, data, page, booklet_layout.mark_text if mark else None)
        done += _BookletPdf(booklet_layout, data, ink).draw_pages(tick, done)
    canvas.save()
    content = buffer.getvalue()
    if isinstance(target, str | Path):
        Path(target).write_bytes(content)
    else:
        target.write(content)


# --------------------------------------------------------------------------- XLSX


def _sheet_name(text: str, taken: set[str]) -> str:
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in text)[:31] or "案卷目录"
    base, number = name, 2
    while name in taken:
        name = f"{base[:28]}({number})"
        number += 1
    taken.add(name)
    return name


def render_catalogue_xlsx(
    booklets: Sequence[Mapping[str, Any]],
    target: str | Path | BinaryIO,
    *,
    layout: FormLayout = ARCHIVE_CATALOGUE,
    cover: CoverLayout | None = CATALOGUE_COVER,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> None:
    """One worksheet per booklet (named by its 保管期限): the 密级 mark, the title, the
    cover's facts as label/value rows, then the table (its heading repeated on every
    printed page), the totals and the signature line. Plain cells, no merged table cells:
    the sheet sorts and filters as a list."""
    _index, table = _table(layout)
    total = sum(len(b.get(table.data_key) or ()) for b in booklets)
    tick = _ticker(total, progress, is_cancelled)
    tick(0)
    book = _CatalogueBook(layout, cover)
    done = 0
    for data in booklets or ({},):
        done = book.add_sheet(data, tick, done)
        tick(done)
    book.workbook.save(str(target) if isinstance(target, Path) else target)


class _CatalogueBook:
    """The workbook of the booklets, a sheet each."""

    def __init__(self, layout: FormLayout, cover: CoverLayout | None) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        from ..xlsx_render import FONT_NAME

        self.layout, self.cover = layout, cover
        self.table_index, self.table = _table(layout)
        self.columns = self.table.all_columns()
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.plain = Font(name=FONT_NAME, size=10)
        self.bold = Font(name=FONT_NAME, size=10, bold=True)
        self.title_font = Font(name=FONT_NAME, size=18, bold=True)
        self.mark_font = Font(name=FONT_NAME, size=11, bold=True, color="C00000")
        self.shade = PatternFill("solid", fgColor="EFEFEF")
        self.aligns = {
            a: Alignment(horizontal=a, vertical="center", wrap_text=True)
            for a in ("left", "center", "right")
        }
        shown = {f.key for f in cover.lines} if cover else set()
        # the cover's facts, then what else the pages' number line says (范围)
        self.facts = [
            *(cover.lines if cover else ()),
            *(f for f in layout.number_line if f.key not in shown),
        ]
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self.workbook.properties.subject = layout.title
        self.workbook.properties.creator = CREATOR
        self._names: set[str] = set()

    def add_sheet(self, data: Mapping[str, Any], tick: Callable[[int], None], done: int) -> int:
        """The booklet's sheet; returns `done` plus its rows. (Rows are counted here:
        openpyxl's max_row walks every cell, so asking it per row is quadratic.)"""
        from openpyxl.utils import get_column_letter

        layout, columns, width = self.layout, self.columns, len(self.columns)
        if not self.workbook.properties.title:
            self.workbook.properties.title = layout.document_title(data)
        name = format_value(data.get("period")) or layout.title
        ws = self.workbook.create_sheet(_sheet_name(name, self._names))
        for number, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(number)].width = max(5.0, column.width * 5.2)
        row = 0

        def put(column: int, value: Any, font: Any = None, alignment: Any = None) -> Any:
            cell = ws.cell(row=row, column=column, value=value)
            if font is not None:
                cell.font = font
            if alignment is not None:
                cell.alignment = alignment
            return cell

        mark = data.get(layout.mark_key) if layout.mark_key else None
        if mark:
            row += 1
            put(width, format_value(mark), self.mark_font, self.aligns["right"])
        row += 1
        put(1, layout.title, self.title_font, self.aligns["center"])
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 32
        for fld in self.facts:
            row += 1
            value = data.get(fld.key)
            put(2, f"{fld.label}：", self.bold, self.aligns["right"])
            shown = value if isinstance(value, int) else format_value(value)
            put(3, shown, None, self.aligns["left"])
            ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=width)
        row += 2
        head = row
        for number, column in enumerate(columns, start=1):
            cell = put(number, column.title, self.bold, self.aligns["center"])
            cell.fill, cell.border = self.shade, self.border
        styles = []
        for number, column in enumerate(columns, start=1):
            cell = ws.cell(row=head + 1, column=number)
            cell.font, cell.border = self.plain, self.border
            cell.alignment = self.aligns[column.align]
            styles.append(cell._style)  # noqa: SLF001 - one style, shared by every row
        rows = self.table.rows(data)
        for position, values in enumerate(rows, start=1):
            row += 1
            for number, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
                shown = value if value is None or isinstance(value, int) else format_value(value)
                cell = ws.cell(row=row, column=number, value=shown)
                cell._style = copy(style)  # noqa: SLF001 - copying the style array is fast
                if cell.data_type == "f":  # a title starting with "=" stays text
                    cell.data_type, cell.quotePrefix = "s", True
            if position % 500 == 0:
                tick(done + position)
        row += 1
        totals: dict[int, Any] = {2: "合计", 3: f"{format_value(data.get('volume_count'))} 卷"}
        for number, column in enumerate(columns, start=1):
            if column.key in COLUMN_TOTALS:
                totals[number] = data.get(COLUMN_TOTALS[column.key])
        for number in range(1, width + 1):
            put(number, totals.get(number), self.bold).border = self.border
        signatures = next((b for b in layout.blocks if isinstance(b, SignatureBlock)), None)
        if signatures is not None:
            row += 2
            put(2, "　　".join(
                f"{s.label}：{format_value(data.get(s.key or '')) or '　' * 6}"
                for s in signatures.lines
            ))  # fmt: skip
        ws.freeze_panes = ws.cell(row=head + 1, column=1)
        ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{head}:{head}"
        ws.print_options.horizontalCentered = True
        ws.sheet_view.showGridLines = False
        ws.oddFooter.left.text = "　".join(labelled(layout.footer_fields, data))
        ws.oddFooter.right.text = "第 &P 页 共 &N 页"
        return done + len(rows)


__all__ = [
    "ARCHIVE_CATALOGUE",
    "CATALOGUE_COVER",
    "SECRECY_MARK_KEY",
    "CoverLayout",
    "marked_as",
    "render_catalogue_pdf",
    "render_catalogue_xlsx",
]
