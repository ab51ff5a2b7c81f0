"""A printable form described as data, shared by the PDF and the XLSX renderer.

A form is a :class:`FormLayout`: a title, an optional number line, an ordered list of
blocks and the signature lines. Both renderers read the same layout and the same data
mapping, place cells with the same geometry helpers defined here and format values with
:func:`format_value`, so the PDF and the spreadsheet of a form never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from desktop_crm.formatting import text_of

Align = Literal["left", "center", "right"]

#: Width of the printable area of an A4 portrait page with 15 mm margins.
CONTENT_WIDTH_MM = 180.0

_CHINESE_NUMERALS = "一二三四五六七八九十"


# --------------------------------------------------------------------------- values


def format_value(value: Any) -> str:
    """The text a form prints for ``value`` (the program-wide rule, see formatting.text_of)."""
    return text_of(value)


def chinese_ordinal(number: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for section numbers)."""
    if number < 1 or number > 99:
        return str(number)
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CHINESE_NUMERALS[tens - 1] + "十")
    return head + (_CHINESE_NUMERALS[ones - 1] if ones else "")


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Field:
    """One labelled value: ``label`` printed beside ``data[key]``.

    ``span`` is how many grid columns (label + value pairs) the field takes; a field whose
    span equals the grid's column count runs across the full width and wraps.
    """

    key: str
    label: str
    span: int = 1


@dataclass(frozen=True)
class PlacedField:
    """A field's position in a field grid, in grid cells (two cells per column pair)."""

    field: Field
    label_cell: int
    value_first: int
    value_last: int


@dataclass(frozen=True)
class FieldGrid:
    """Label/value cells in ``columns`` pairs per row; labels are shaded."""

    caption: str | None
    fields: tuple[Field, ...]
    columns: int = 2
    label_width_mm: float = 28.0

    @property
    def cell_count(self) -> int:
        """Number of grid cells in a row (label and value for each column pair)."""
        return self.columns * 2

    def placed_rows(self) -> list[list[PlacedField]]:
        """Fields placed row by row; the last field of a short row stretches to the end."""
        rows: list[list[PlacedField]] = []
        row: list[PlacedField] = []
        used = 0
        for fld in self.fields:
            span = max(1, min(fld.span, self.columns))
            if used + span > self.columns:
                rows.append(_stretch_last(row, self.cell_count))
                row, used = [], 0
            first = used * 2
            row.append(PlacedField(fld, first, first + 1, first + span * 2 - 1))
            used += span
        if row:
            rows.append(_stretch_last(row, self.cell_count))
        return rows

    def cell_widths_mm(self, total: float = CONTENT_WIDTH_MM) -> list[float]:
        """Widths of the grid cells: label, value, label, value …"""
        value = (total - self.columns * self.label_width_mm) / self.columns
        return [self.label_width_mm, value] * self.columns


def _stretch_last(row: list[PlacedField], cell_count: int) -> list[PlacedField]:
    if row and row[-1].value_last < cell_count - 1:
        last = row[-1]
        row[-1] = PlacedField(last.field, last.label_cell, last.value_first, cell_count - 1)
    return row


@dataclass(frozen=True)
class Column:
    """A table column: ``key`` in each row dict, its heading, relative width, alignment.

    A heading may contain ``\\n`` to break it where it reads best.
    """

    key: str
    title: str
    width: float = 1.0
    align: Align = "left"


@dataclass(frozen=True)
class TableBlock:
    """A ruled table whose rows are the dicts in ``data[data_key]``.

    An empty table prints ``blank_rows`` empty ruled rows to write in by hand.
    ``numbered`` adds a leading 序号 column.
    """

    caption: str | None
    data_key: str
    columns: tuple[Column, ...]
    blank_rows: int = 3
    numbered: bool = False

    def all_columns(self) -> tuple[Column, ...]:
        """The columns as printed, the 序号 column included."""
        if self.numbered:
            return (Column("#", "序号", 0.7, "center"), *self.columns)
        return self.columns

    def cell_widths_mm(self, total: float = CONTENT_WIDTH_MM) -> list[float]:
        """Column widths in mm, proportional to the relative widths."""
        cols = self.all_columns()
        weight = sum(c.width for c in cols) or 1.0
        return [total * c.width / weight for c in cols]

    def rows(self, data: Mapping[str, Any]) -> list[list[Any]]:
        """Raw cell values row by row (not formatted); empty list when there are none."""
        result = []
        for number, item in enumerate(data.get(self.data_key) or (), start=1):
            result.append([number if c.key == "#" else item.get(c.key) for c in self.all_columns()])
        return result


@dataclass(frozen=True)
class TextBlock:
    """A labelled multi-line text area at least ``min_height_mm`` high."""

    caption: str | None
    key: str
    label: str
    min_height_mm: float = 20.0
    label_width_mm: float = 28.0

    def cell_widths_mm(self, total: float = CONTENT_WIDTH_MM) -> list[float]:
        """Label cell and text cell widths in mm."""
        return [self.label_width_mm, total - self.label_width_mm]


@dataclass(frozen=True)
class SignatureLine:
    """``label ____``: a line to sign or date by hand, prefilled from ``key`` if given."""

    label: str
    key: str | None = None


@dataclass(frozen=True)
class SignatureBlock:
    """A row of signature and date lines, e.g. 填表人 ____ 日期 ____."""

    lines: tuple[SignatureLine, ...]
    caption: str | None = None


@dataclass(frozen=True)
class ChartSeries:
    """One series of a bar chart: the value under ``key`` in each row, named ``title``."""

    key: str
    title: str


@dataclass(frozen=True)
class ChartBlock:
    """A bar chart over the rows in ``data[data_key]``: one group of bars per row, named by
    ``row[label_key]``, one bar per series. The PDF draws the chart; the spreadsheet shows
    the same numbers as a table (``label_title`` heads the label column).
    """

    caption: str | None
    data_key: str
    label_key: str
    label_title: str
    series: tuple[ChartSeries, ...]
    height_mm: float = 70.0
    label_width: float = 2.0

    def columns(self) -> tuple[Column, ...]:
        """The chart as table columns: the label, then one column per series."""
        return (
            Column(self.label_key, self.label_title, self.label_width),
            *(Column(s.key, s.title, 1.0, "right") for s in self.series),
        )

    def cell_widths_mm(self, total: float = CONTENT_WIDTH_MM) -> list[float]:
        """Widths of the table the spreadsheet shows instead of the chart."""
        cols = self.columns()
        weight = sum(c.width for c in cols) or 1.0
        return [total * c.width / weight for c in cols]

    def labels(self, data: Mapping[str, Any]) -> list[str]:
        return [format_value(item.get(self.label_key)) for item in data.get(self.data_key) or ()]

    def values(self, data: Mapping[str, Any]) -> list[list[float]]:
        """One list per series, numbers only (a missing value counts as 0)."""
        items = list(data.get(self.data_key) or ())
        return [[float(item.get(s.key) or 0) for item in items] for s in self.series]

    def rows(self, data: Mapping[str, Any]) -> list[list[Any]]:
        """Raw cell values of the table form, row by row."""
        keys = [c.key for c in self.columns()]
        return [[item.get(k) for k in keys] for item in data.get(self.data_key) or ()]


Block = FieldGrid | TableBlock | TextBlock | SignatureBlock | ChartBlock


@dataclass(frozen=True)
class FormLayout:
    """A whole form: title, number line, blocks, page footer and the internal-use mark.

    - ``number_line``: fields printed under the title (e.g. 编号, 登记时间).
    - ``footer_fields``: fields printed at the foot of every page beside 第 N 页 共 M 页.
    - ``mark_key``: when ``data[mark_key]`` is true every page carries ``mark_text``.
    - ``subject_key``: ``data[subject_key]`` is appended to the document title metadata.
    - ``number_sections``: captions are printed as 一、基本信息, 二、…
    - ``landscape``: an A4 page turned sideways, for registers with many columns.
    """

    title: str
    blocks: tuple[Block, ...]
    subtitle: str | None = None
    number_line: tuple[Field, ...] = ()
    footer_fields: tuple[Field, ...] = ()
    mark_key: str | None = None
    mark_text: str = "内部资料"
    subject_key: str | None = None
    number_sections: bool = True
    sheet_name: str | None = None
    landscape: bool = False

    def captions(self) -> dict[int, str]:
        """Printed caption of each block that has one, keyed by block index."""
        result: dict[int, str] = {}
        number = 0
        for index, block in enumerate(self.blocks):
            if block.caption:
                number += 1
                prefix = f"{chinese_ordinal(number)}、" if self.number_sections else ""
                result[index] = prefix + block.caption
        return result

    def marked(self, data: Mapping[str, Any]) -> bool:
        """Whether this copy carries the internal-use mark."""
        return bool(self.mark_key and data.get(self.mark_key))

    def document_title(self, data: Mapping[str, Any]) -> str:
        """Title for the file's metadata, e.g. 客户资料管理卡 — 某某公司."""
        subject = format_value(data.get(self.subject_key)) if self.subject_key else ""
        return f"{self.title} — {subject}" if subject else self.title


def labelled(fields: Sequence[Field], data: Mapping[str, Any]) -> list[str]:
    """``label：value`` strings for a number line or footer."""
    return [f"{f.label}：{format_value(data.get(f.key))}" for f in fields]


def iter_texts(layout: FormLayout, data: Mapping[str, Any]) -> Iterator[str]:
    """Every piece of text the form prints (to check glyphs against the font)."""
    yield layout.title
    if layout.subtitle:
        yield layout.subtitle
    if layout.marked(data):
        yield layout.mark_text
    yield from labelled(layout.number_line, data)
    yield from labelled(layout.footer_fields, data)
    yield "第 页 共 页0123456789"
    yield from layout.captions().values()
    for block in layout.blocks:
        if isinstance(block, FieldGrid):
            for fld in block.fields:
                yield fld.label
                yield format_value(data.get(fld.key))
        elif isinstance(block, TableBlock):
            for col in block.all_columns():
                yield col.title
            for row in block.rows(data):
                yield from (format_value(v) for v in row)
        elif isinstance(block, TextBlock):
            yield block.label
            yield format_value(data.get(block.key))
        elif isinstance(block, ChartBlock):
            for col in block.columns():
                yield col.title
            for row in block.rows(data):
                yield from (format_value(v) for v in row)
        else:
            for line in block.lines:
                yield line.label
                if line.key:
                    yield format_value(data.get(line.key))


__all__ = [
    "CONTENT_WIDTH_MM",
    "Align",
    "Block",
    "ChartBlock",
    "ChartSeries",
    "Column",
    "Field",
    "FieldGrid",
    "FormLayout",
    "PlacedField",
    "SignatureBlock",
    "SignatureLine",
    "TableBlock",
    "TextBlock",
    "chinese_ordinal",
    "format_value",
    "iter_texts",
    "labelled",
]
