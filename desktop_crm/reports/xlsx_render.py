"""Draw a :class:`~desktop_crm.reports.layout.FormLayout` into one worksheet with openpyxl.

Every block's cell edges (in mm, from the same geometry the PDF uses) are pooled into one
set of sheet columns; each form cell becomes a merged range over those columns. Dates stay
real Excel dates and Decimals numbers; text is always stored as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Mapping, Sequence
from copy import copy
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    CONTENT_WIDTH_MM,
    Align,
    ChartBlock,
    FieldGrid,
    FormLayout,
    SignatureBlock,
    TableBlock,
    TextBlock,
    format_value,
    labelled,
)

FONT_NAME = "宋体"
FONT_SIZE = 10
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
LABEL_FILL = PatternFill("solid", fgColor="EFEFEF")
CAPTION_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNDERLINE = Border(bottom=THIN)
MIN_ROW_PT = 20.0
LINE_PT = 13.5
SNAP_MM = 3.0
MM_PER_PX = 25.4 / 96
# Excel's column width unit is the width of "0" in the default font (Calibri 11: 7 px).
PX_PER_UNIT = 7.0
# Text formulas start with these; Excel must never evaluate a customer's text.
FORMULA_STARTS = ("=", "+", "-", "@")

_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)


def _text_units(text: str) -> float:
    """Width of ``text`` in column-width units at 10 pt: CJK ~1.9, Latin ~1.0."""
    return sum(1.9 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


class _Sheet:
    """Cursor over a worksheet whose columns are the pooled cell edges of all blocks."""

    def __init__(self, ws: Worksheet, layout: FormLayout) -> None:
        self.ws, self.layout = ws, layout
        self.edges = self._pool_edges(layout)
        self.units = [
            self._mm_to_units(b - a) for a, b in zip(self.edges, self.edges[1:], strict=False)
        ]
        for index, width in enumerate(self.units, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        self.row = 1

    # ----------------------------------------------------------------- geometry
    @staticmethod
    def _block_widths(block: Any) -> list[float]:
        if isinstance(block, FieldGrid | TableBlock | TextBlock | ChartBlock):
            return block.cell_widths_mm()
        if isinstance(block, SignatureBlock):
            # pooled too: with few columns two signature cells could snap onto one
            return _signature_widths(block)
        return []

    @classmethod
    def _pool_edges(cls, layout: FormLayout) -> list[float]:
        raw = {0.0, CONTENT_WIDTH_MM}
        for block in layout.blocks:
            raw.update(accumulate(cls._block_widths(block)))
        edges: list[float] = []
        for edge in sorted(raw):  # edges closer than SNAP_MM share a column boundary
            if not edges or edge - edges[-1] >= SNAP_MM:
                edges.append(edge)
        edges[-1] = CONTENT_WIDTH_MM
        return edges

    @staticmethod
    def _mm_to_units(width_mm: float) -> float:
        return round(max(1.0, (width_mm / MM_PER_PX - 5) / PX_PER_UNIT), 2)

    @property
    def n_cols(self) -> int:
        return len(self.edges) - 1

    def snap(self, position_mm: float) -> int:
        """Index of the column edge nearest to ``position_mm``."""
        return min(range(len(self.edges)), key=lambda i: abs(self.edges[i] - position_mm))

    def spans(self, widths_mm: list[float]) -> list[tuple[int, int]]:
        """1-based (first, last) sheet columns for consecutive cells of these widths."""
        result: list[tuple[int, int]] = []
        start = 0
        for position in accumulate(widths_mm):
            end = max(self.snap(position), start + 1)
            end = min(end, self.n_cols)
            result.append((start + 1, max(end, start + 1)))
            start = end
        return result

    # ----------------------------------------------------------------- cells
    def put(
        self,
        first: int,
        last: int,
        value: Any,
        *,
        align: Align = "left",
        font: Font = _FONT,
        fill: PatternFill | None = None,
        border: Border | None = BORDER,
        wrap: bool = True,
    ) -> float:
        """Write one form cell over columns first..last; returns the height it needs (pt)."""
        ws, row = self.ws, self.row
        cell = ws.cell(row=row, column=first)
        _set_value(cell, value)
        cell.font = font
        cell.alignment = _alignment(align, wrap)
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        # Covered cells share the first cell's style so borders and shading show on the
        # whole range; copying the style array is ~20x faster than assigning style objects.
        for column in range(first + 1, last + 1):
            ws.cell(row=row, column=column)._style = copy(cell._style)
        if last > first:
            # ws.merge_cells() re-splits borders per edge cell and costs ~4 ms a call.
            # (MultiCellRange.add scans every range; our ranges never overlap.)
            ws.merged_cells.ranges.add(
                CellRange(min_col=first, min_row=row, max_col=last, max_row=row)
            )
        return self._needed_height(format_value(value), first, last, font.sz or FONT_SIZE)

    def _needed_height(self, text: str, first: int, last: int, size: float) -> float:
        if not text:
            return 0.0
        available = max(1.0, sum(self.units[first - 1 : last]) - 1.5)
        lines = sum(
            max(1, -(-_text_units(part) * size / FONT_SIZE // available))
            for part in text.split("\n")
        )
        return lines * LINE_PT * size / FONT_SIZE + 6

    def end_row(self, height: float | None) -> None:
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.row += 1

    # ----------------------------------------------------------------- blocks
    def caption(self, index: int) -> None:
        text = self.layout.captions().get(index)
        if text:
            font = Font(name=FONT_NAME, size=11, bold=True)
            self.put(1, self.n_cols, text, font=font, fill=CAPTION_FILL, wrap=False)
            self.end_row(MIN_ROW_PT)

    def heading(self, data: Mapping[str, Any]) -> int:
        """Mark, title, subtitle and number line; returns the last heading row."""
        if self.layout.marked(data):
            first = self.spans([CONTENT_WIDTH_MM * 0.75, CONTENT_WIDTH_MM * 0.25])[1][0]
            red = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="C00000")
            self.put(
                first, self.n_cols, self.layout.mark_text, align="right", font=red, border=None
            )
            self.end_row(None)
        title_font = Font(name=FONT_NAME, size=18, bold=True)
        self.put(1, self.n_cols, self.layout.title, align="center", font=title_font, border=None)
        self.end_row(32)
        if self.layout.subtitle:
            self.put(1, self.n_cols, self.layout.subtitle, align="center", border=None)
            self.end_row(None)
        last_heading = self.row - 1
        items = labelled(self.layout.number_line, data)
        if items:
            spans = self.spans([CONTENT_WIDTH_MM / len(items)] * len(items))
            for number, (text, (first, last)) in enumerate(zip(items, spans, strict=True)):
                align: Align = "left" if number == 0 else "center"
                if number == len(items) - 1 and number > 0:
                    align = "right"
                self.put(first, last, text, align=align, border=None, wrap=False)
            self.end_row(18)
        return last_heading

    def field_grid(self, index: int, block: FieldGrid, data: Mapping[str, Any]) -> None:
        self.caption(index)
        cells = self.spans(block.cell_widths_mm())
        for placed_row in block.placed_rows():
            height = MIN_ROW_PT
            for placed in placed_row:
                label_first, label_last = cells[placed.label_cell]
                height = max(
                    height,
                    self.put(
                        label_first,
                        label_last,
                        placed.field.label,
                        align="center",
                        fill=LABEL_FILL,
                    ),
                    self.put(
                        cells[placed.value_first][0],
                        cells[placed.value_last][1],
                        data.get(placed.field.key),
                    ),
                )
            self.end_row(height)

    def table_block(self, index: int, block: TableBlock, data: Mapping[str, Any]) -> None:
        self.caption(index)
        columns = block.all_columns()
        cells = self.spans(block.cell_widths_mm())
        height = MIN_ROW_PT
        for column, (first, last) in zip(columns, cells, strict=True):
            height = max(
                height,
                self.put(first, last, column.title, align="center", fill=LABEL_FILL),
            )
        self.end_row(height)
        rows = block.rows(data) or [[None] * len(columns)] * block.blank_rows
        for values in rows:
            height = MIN_ROW_PT
            for value, column, (first, last) in zip(values, columns, cells, strict=True):
                height = max(height, self.put(first, last, value, align=column.align))
            self.end_row(height)

    def chart_block(self, index: int, block: ChartBlock, data: Mapping[str, Any]) -> None:
        """A chart's numbers as a table (the sheet holds the figures, the PDF the picture)."""
        self.caption(index)
        columns = block.columns()
        cells = self.spans(block.cell_widths_mm())
        height = MIN_ROW_PT
        for column, (first, last) in zip(columns, cells, strict=True):
            height = max(
                height, self.put(first, last, column.title, align="center", fill=LABEL_FILL)
            )
        self.end_row(height)
        for values in block.rows(data):
            height = MIN_ROW_PT
            for value, column, (first, last) in zip(values, columns, cells, strict=True):
                height = max(height, self.put(first, last, value, align=column.align))
            self.end_row(height)

    def text_block(self, index: int, block: TextBlock, data: Mapping[str, Any]) -> None:
        self.caption(index)
        (label_first, label_last), (first, last) = self.spans(block.cell_widths_mm())
        self.put(label_first, label_last, block.label, align="center", fill=LABEL_FILL)
        needed = self.put(first, last, data.get(block.key))
        self.ws.cell(row=self.row, column=first).alignment = _alignment("left", True, "top")
        self.end_row(max(needed, block.min_height_mm * 72 / 25.4))

    def signature_block(self, block: SignatureBlock, data: Mapping[str, Any]) -> None:
        self.end_row(12)  # a little air above the signatures
        cells = self.spans(_signature_widths(block))
        for number, line in enumerate(block.lines):
            (label_first, label_last), (first, last) = cells[2 * number], cells[2 * number + 1]
            self.put(label_first, label_last, f"{line.label}：", align="right", border=None)
            value = data.get(line.key) if line.key else None
            self.put(first, last, value, border=UNDERLINE, wrap=False)
        self.end_row(28)


def _signature_widths(block: SignatureBlock) -> list[float]:
    """Label and line widths (mm) of a signature row: each line gets an equal share."""
    share = CONTENT_WIDTH_MM / len(block.lines)
    widths: list[float] = []
    for _line in block.lines:
        widths += [share * 0.4, share * 0.6]
    return widths


@functools.cache
def _alignment(horizontal: Align, wrap: bool, vertical: str = "center") -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)


def _set_value(cell: Cell, value: Any) -> None:
    """Store ``value`` natively (dates, numbers) or as text that is never a formula."""
    if value is None or value == "":
        return
    if isinstance(value, bool) or not isinstance(value, dt.date | Decimal | int | float):
        text = ILLEGAL_CHARACTERS_RE.sub("", format_value(value))
        cell.value = text
        if text.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
            cell.quotePrefix = True  # and Excel keeps it text when the user edits it
        return
    cell.value = value
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        cell.number_format = "0." + "0" * places if places else "0"


def _sheet_title(layout: FormLayout, name: str | None = None) -> str:
    name = name or layout.sheet_name or layout.title
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet1"


def _page_setup(
    ws: Worksheet, layout: FormLayout, data: Mapping[str, Any], title_rows: int
) -> None:
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margin = 15 / 25.4
    ws.page_margins.left = ws.page_margins.right = margin
    ws.page_margins.top = ws.page_margins.bottom = margin
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"1:{title_rows}"  # the mark and the title on every page
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    ws.sheet_view.showGridLines = False
    ws.oddFooter.right.text = "第 &P 页 共 &N 页"
    ws.oddFooter.left.text = "　".join(labelled(layout.footer_fields, data))


def render_xlsx(layout: FormLayout, data: Mapping[str, Any], target: str | Path | BinaryIO) -> None:
    """Write the form filled with ``data`` as one A4 worksheet to ``target`` (.xlsx)."""
    render_xlsx_parts([(layout, data)], target)


def render_xlsx_parts(
    parts: Sequence[tuple[FormLayout, Mapping[str, Any]]],
    target: str | Path | BinaryIO,
    sheet_names: Sequence[str] | None = None,
) -> None:
    """Several filled forms in one workbook, one worksheet each (named by `sheet_names`,
    else by each form; a repeated name gets a number). The first form names the file."""
    wb = Workbook()
    first_layout, first_data = parts[0]
    wb.properties.title = first_layout.document_title(first_data)
    wb.properties.subject = first_layout.title
    wb.properties.creator = "客户服务管理系统"
    taken: set[str] = set()
    for index, (layout, data) in enumerate(parts):
        ws = wb.active if index == 0 else wb.create_sheet()
        name = _sheet_title(layout, sheet_names[index] if sheet_names else None)
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name[: 31 - len(str(n)) - 1]}_{n}"
        taken.add(unique)
        ws.title = unique
        _fill_sheet(ws, layout, data)
    wb.save(str(target) if isinstance(target, Path) else target)


def _fill_sheet(ws: Worksheet, layout: FormLayout, data: Mapping[str, Any]) -> None:
    sheet = _Sheet(ws, layout)
    title_rows = sheet.heading(data)
    for index, block in enumerate(layout.blocks):
        if isinstance(block, FieldGrid):
            sheet.field_grid(index, block, data)
        elif isinstance(block, TableBlock):
            sheet.table_block(index, block, data)
        elif isinstance(block, TextBlock):
            sheet.text_block(index, block, data)
        elif isinstance(block, ChartBlock):
            sheet.chart_block(index, block, data)
        else:
            sheet.signature_block(block, data)
        if not isinstance(block, SignatureBlock):
            sheet.end_row(6)  # gap between blocks, as in the PDF
    _page_setup(ws, layout, data, title_rows)


__all__ = ["render_xlsx", "render_xlsx_parts"]
