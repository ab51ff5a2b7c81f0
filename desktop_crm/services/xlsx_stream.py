"""Stream the cell values of one worksheet straight from its XML.

openpyxl's read-only mode builds a dict and a cell object per cell in pure Python and
needs ~30 s for 100,000 rows × 15 columns. This reader walks the sheet XML with the
C-accelerated ``xml.etree.ElementTree.iterparse``, looks only at ``<row>`` elements and
turns each cell into the value openpyxl (``data_only=True``) would give, with one
deliberate difference: error cells (``t="e"``, e.g. ``#N/A``) become ``None``.

openpyxl is still used to open the workbook (sheet list, sheet paths, styles, date
system); only its shared-string parsing, which alone takes seconds for an Excel file of
that size, is replaced by ``read_shared_strings``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO
from xml.etree.ElementTree import Element, iterparse

from openpyxl.cell.text import Text
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

__all__ = ["read_shared_strings", "date_style_ids", "iter_sheet_rows"]

_NS = "{" + SHEET_MAIN_NS + "}"
_ROW = _NS + "row"
_V = _NS + "v"
_IS = _NS + "is"
_T = _NS + "t"
_SI = _NS + "si"
_DIGITS = "0123456789"


def _text_of(node: Element) -> str:
    """Plain text of an ``<si>`` or ``<is>``: its ``<t>`` plus rich-text runs' ``<t>``,
    without phonetic (``<rPh>``) runs — what openpyxl's ``Text.content`` gives."""
    if len(node) == 1:
        child = node[0]
        if child.tag == _T:
            return child.text or ""
    return Text.from_tree(node).content


def read_shared_strings(source: IO[bytes]) -> list[str]:
    """The shared string table (``xl/sharedStrings.xml``) as a list of plain strings."""
    strings: list[str] = []
    append = strings.append
    si_tag, t_tag = _SI, _T
    for _event, node in iterparse(source):
        if node.tag != si_tag:
            continue
        if len(node) == 1 and node[0].tag == t_tag:
            text = node[0].text or ""
        else:
            text = Text.from_tree(node).content
        if "x005F_" in text:  # as openpyxl's read_string_table does
            text = text.replace("x005F_", "")
        append(text)
        node.clear()
    return strings


def date_style_ids(styles: IO[bytes]) -> tuple[set[int], set[int]]:
    """Indexes into ``cellXfs`` whose number format shows a date/time, and the subset
    showing a duration (``[h]:mm``). Used only when openpyxl does not expose its own."""
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    in_cell_xfs = False
    for event, node in iterparse(styles, events=("start", "end")):
        tag = node.tag.rpartition("}")[2]
        if event == "start":
            if tag == "cellXfs":
                in_cell_xfs = True
            elif tag == "xf" and in_cell_xfs:
                xf_formats.append(int(node.get("numFmtId") or 0))
            continue
        if tag == "numFmt":
            custom[int(node.get("numFmtId") or 0)] = node.get("formatCode") or ""
        elif tag == "cellXfs":
            in_cell_xfs = False
    dates: set[int] = set()
    durations: set[int] = set()
    for index, fmt_id in enumerate(xf_formats):
        fmt = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
        if is_date_format(fmt):
            dates.add(index)
        if is_timedelta_format(fmt):
            durations.add(index)
    return dates, durations


def iter_sheet_rows(
    archive: zipfile.ZipFile,
    member: str,
    shared_strings: list[str],
    *,
    date_styles: set[int] | frozenset[int] = frozenset(),
    timedelta_styles: set[int] | frozenset[int] = frozenset(),
    epoch: datetime = WINDOWS_EPOCH,
    min_row: int = 1,
    max_row: int | None = None,
    min_col: int = 1,
    max_col: int | None = None,
) -> Iterator[tuple[int, list[object]]]:
    """Yield ``(row number, values)`` for each ``<row>`` of the sheet in ``min_row..max_row``.

    ``values`` covers columns ``min_col..max_col`` (1-based, inclusive); without
    ``max_col`` a row is as wide as its last cell. Missing cells are ``None``. Rows that
    are absent from the XML are not yielded; a row numbered at or below the previous
    one is skipped, as openpyxl does.
    """
    # style attribute -> 0: plain number, 1: date/time, 2: duration
    style_kinds: dict[str, int] = {}
    letters_to_index: dict[str, int] = {}
    row_tag, v_tag, is_tag = _ROW, _V, _IS
    fixed_width = max_col - min_col + 1 if max_col is not None else None
    row_number = 0
    last_yielded = 0
    with archive.open(member) as source:
        for _event, row in iterparse(source):
            if row.tag != row_tag:
                continue
            r = row.get("r")
            if r is not None:
                try:
                    row_number = int(r)
                except ValueError:
                    row_number = int(float(r))
            else:
                row_number += 1
            if row_number < min_row or row_number <= last_yielded:
                row.clear()
                continue
            if max_row is not None and row_number > max_row:
                row.clear()
                break
            if fixed_width is not None:
                width = fixed_width
            else:
                width = 0
            values: list[object] = [None] * width
            column = 0
            for cell in row:
                ref = cell.get("r")
                if ref is None:
                    column += 1
                else:
                    letters = ref.rstrip(_DIGITS)
                    index = letters_to_index.get(letters)
                    if index is None:
                        index = column_index_from_string(letters)
                        letters_to_index[letters] = index
                    column = index
                position = column - min_col
                if position < 0:
                    continue
                if position >= width:
                    if fixed_width is not None:
                        continue
                    values.extend([None] * (position + 1 - width))
                    width = position + 1
                kind = cell.get("t")
                if kind == "s":
                    text = cell.findtext(v_tag)
                    if text:
                        values[position] = shared_strings[int(text)]
                elif kind is None or kind == "n":
                    text = cell.findtext(v_tag)
                    if not text:
                        continue
                    if "." in text or "E" in text or "e" in text:
                        number: float | int = float(text)
                    else:
                        number = int(text)
                    style = cell.get("s")
                    if style is None:
                        values[position] = number
                        continue
                    style_kind = style_kinds.get(style)
                    if style_kind is None:
                        style_kind = _style_kind(style, date_styles, timedelta_styles)
                        style_kinds[style] = style_kind
                    if style_kind:
                        try:
                            values[position] = from_excel(number, epoch, timedelta=style_kind == 2)
                        except (OverflowError, ValueError):
                            values[position] = None  # openpyxl: an error cell
                    else:
                        values[position] = number
                elif kind == "inlineStr":
                    node = cell.find(is_tag)
                    if node is not None:
                        values[position] = _text_of(node)
                elif kind == "str":
                    values[position] = cell.findtext(v_tag) or None
                elif kind == "b":
                    text = cell.findtext(v_tag)
                    if text:
                        values[position] = _boolean(text)
                elif kind == "d":
                    text = cell.findtext(v_tag)
                    if text:
                        try:
                            values[position] = from_ISO8601(text)
                        except ValueError:
                            values[position] = None
                # "e" (error) and unknown kinds stay None
            row.clear()
            last_yielded = row_number
            yield row_number, values


def _style_kind(
    style: str, date_styles: set[int] | frozenset[int], timedelta_styles: set[int] | frozenset[int]
) -> int:
    try:
        index = int(style)
    except ValueError:
        return 0
    if index in date_styles:
        return 2 if index in timedelta_styles else 1
    return 0


def _boolean(text: str) -> bool | None:
    try:
        return bool(int(text))
    except ValueError:
        lowered = text.strip().lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
        return None
