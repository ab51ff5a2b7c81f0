"""Read a spreadsheet the office already has (.xlsx/.xlsm or .csv) for import.

Pure file handling: no Qt, no database. ``open_table`` finds the header row, checks it
and returns a ``TableSource`` whose ``iter_rows`` streams the data rows. Every refusal
is a ``SpreadsheetError`` with a plain Chinese message telling the user what to do.

Excel files are opened with openpyxl in read-only mode (sheet list, sheet paths, styles,
date system), but the cells themselves — header search and data rows — are streamed
from the sheet XML by ``xlsx_stream``, which is several times faster than openpyxl's
cell reader (100,000 rows × 15 columns in a few seconds instead of ~30). Merged ranges,
which read-only mode does not expose up front, are taken from the sheet XML's
``<mergeCells>`` element, which sits after the cell data.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.xml.constants import ARC_STYLE, SHARED_STRINGS

from desktop_crm.services.xlsx_stream import (
    date_style_ids,
    iter_sheet_rows,
    read_shared_strings,
)

__all__ = ["SpreadsheetError", "TableSource", "open_table", "HEADER_SEARCH_ROWS"]

#: The header row is looked for within this many rows from the top.
HEADER_SEARCH_ROWS = 10

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
_CSV_SUFFIXES = {".csv", ".txt"}
_MERGE_REF_RE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\""
)
_MERGE_START_RE = re.compile(rb"<(?:\w+:)?mergeCells\b")


class SpreadsheetError(Exception):
    """A spreadsheet that cannot be imported; ``message`` is for the user (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- public


class TableSource:
    """A checked table: its header and a way to stream its data rows.

    Use it as a context manager (or call ``close``) so an Excel file is not left open.
    """

    def __init__(
        self,
        *,
        path: Path,
        sheet_name: str,
        sheet_names: list[str],
        headers: list[str],
        header_row: int,
        first_column: int,
        row_count_estimate: int | None,
        row_factory: Any,
        closer: Any = None,
    ) -> None:
        self.path = path
        self.sheet_name = sheet_name
        #: All worksheet names of the workbook (one entry for CSV), for a sheet chooser.
        self.sheet_names = sheet_names
        self.headers = headers
        #: 1-based row number of the header, as Excel shows it.
        self.header_row = header_row
        #: 1-based column number of the first header cell.
        self.first_column = first_column
        #: Data rows (header excluded) as the file declares them; may count empty rows,
        #: ``None`` when the file does not say.
        self.row_count_estimate = row_count_estimate
        self._row_factory = row_factory
        self._closer = closer

    def iter_rows(self) -> Iterator[tuple[int, list[object]]]:
        """Yield ``(row number, values)`` for each non-empty data row.

        ``values`` has one entry per header; the row number is the one Excel shows
        (for CSV: the record number), so it doubles as progress against
        ``row_count_estimate + header_row``. Empty cells are ``None``.
        """
        width = len(self.headers)
        for row_number, values in self._row_factory():
            if len(values) < width:
                values = list(values) + [None] * (width - len(values))
            elif len(values) > width:
                values = list(values[:width])
            else:
                values = list(values)
            if _is_empty(values):
                continue
            yield row_number, values

    def close(self) -> None:
        """Release the file."""
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> TableSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"TableSource({self.path.name!r}, sheet={self.sheet_name!r}, "
            f"header_row={self.header_row}, headers={self.headers!r})"
        )


def open_table(path: str | Path, sheet: str | None = None) -> TableSource:
    """Open ``path`` for import, find and check its header row.

    ``sheet`` chooses a worksheet by name; by default the first visible one.
    Raises ``SpreadsheetError`` with a message for the user when the file cannot be used.
    """
    path = Path(path)
    if not path.exists():
        raise SpreadsheetError(
            f"找不到文件“{path}”。请确认文件没有被移动、改名或删除，然后重新选择。"
        )
    if path.is_dir():
        raise SpreadsheetError(
            f"“{path.name}”是一个文件夹，不是表格文件。请选择 .xlsx 或 .csv 文件。"
        )
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise SpreadsheetError(
            f"无法读取文件“{path.name}”（{exc.strerror or exc}）。"
            "如果它正在 Excel 或 WPS 中打开，请先关闭后再试。"
        ) from exc

    suffix = path.suffix.lower()
    name = path.name
    if suffix in {".ods", ".fods"}:
        raise SpreadsheetError(
            f"“{name}”是 OpenDocument 表格（.ods），本程序不能直接读取。"
            "请用 WPS、LibreOffice 或 Excel 打开，另存为“Excel 工作簿 (.xlsx)”后再导入。"
        )
    if suffix in _CSV_SUFFIXES:
        return _open_csv(path)
    if magic.startswith(_OLE_MAGIC):
        raise SpreadsheetError(_ole_message(path, suffix))
    if suffix not in _EXCEL_SUFFIXES | {".xls", ".et"}:
        raise SpreadsheetError(
            f"不支持“{suffix or '无扩展名'}”类型的文件（{name}）。"
            "请选择 Excel 工作簿（.xlsx）或 CSV 文件（.csv）。"
        )
    if not magic.startswith(_ZIP_MAGIC):
        if not magic:
            raise SpreadsheetError(
                f"“{name}”是一个空文件（0 字节），里面没有表格。请选择正确的文件。"
            )
        raise SpreadsheetError(
            f"“{name}”不是有效的 Excel 工作簿（可能已损坏，或者其实是网页、文本文件改了扩展名）。"
            "请用 Excel 或 WPS 打开它，另存为“Excel 工作簿 (.xlsx)”后再导入。"
        )
    return _open_xlsx(path, sheet)


# --------------------------------------------------------------------------- helpers


def _is_empty(values: list[object]) -> bool:
    for value in values:
        if value is None:
            continue
        if isinstance(value, str) and not value.strip():
            continue
        return False
    return True


def _clean_header(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    for ch in ("\r", "\n", "\u3000", "\ufeff", "\u200b"):
        text = text.replace(ch, "")
    return text.strip()


def _ole_message(path: Path, suffix: str) -> str:
    """OLE compound files are either old .xls or encrypted (password) OOXML."""
    name = path.name
    encrypted = suffix != ".xls"
    try:
        data = path.read_bytes()[: 16 * 1024 * 1024]
    except OSError:
        data = b""
    if "EncryptedPackage".encode("utf-16-le") in data:
        encrypted = True
    elif suffix != ".xls" and (
        "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") + b"\0\0" in data
    ):
        encrypted = False  # an old .xls that was renamed
    if encrypted:
        return (
            f"“{name}”设置了打开密码（已加密），程序无法读取。"
            "请在 Excel 中打开它，在“文件 → 信息 → 保护工作簿 → 用密码进行加密”里清除密码"
            "（WPS：“文件 → 文档加密”），保存为不带密码的 .xlsx 后再导入。"
        )
    return (
        f"“{name}”是旧版 Excel 97-2003 格式（.xls），程序不能直接读取。"
        "请在 Excel 或 WPS 中打开，选择“文件 → 另存为 → Excel 工作簿 (.xlsx)”，再导入新文件。"
    )


def _broken_message(name: str) -> str:
    return (
        f"“{name}”已损坏或不是完整的 Excel 工作簿，无法读取。"
        "如果是从邮件或网页下载的，请重新下载；也可以用 Excel 打开后另存为新的 .xlsx 再导入。"
    )


def _find_header(
    rows: list[tuple[int, list[object]]],
    merges: list[tuple[int, int, int, int]],
    sheet_name: str,
) -> tuple[int, list[object]]:
    """Pick the header among the top rows: >= 2 non-empty cells and not a merged title."""
    non_empty_rows = [(n, v) for n, v in rows if not _is_empty(v)]
    if not non_empty_rows:
        raise SpreadsheetError(
            f"工作表“{sheet_name}”是空的（前 {HEADER_SEARCH_ROWS} 行没有任何内容）。"
            "请确认选对了文件和工作表，表头应放在最上面。"
        )
    width = 0
    for _, values in non_empty_rows:
        filled = [i for i, v in enumerate(values) if not _is_empty([v])]
        width = max(width, filled[-1] + 1)
    for row_number, values in non_empty_rows:
        filled = sum(1 for v in values if not _is_empty([v]))
        if filled < 2:
            continue
        if _is_title_row(row_number, filled, merges, width):
            continue
        return row_number, values
    raise SpreadsheetError(
        f"在工作表“{sheet_name}”的前 {HEADER_SEARCH_ROWS} 行里找不到表头"
        "（表头是至少有两列写了标题的一行）。请把列标题放在表格最上面，每列一个标题。"
    )


def _is_title_row(
    row_number: int, filled: int, merges: list[tuple[int, int, int, int]], width: int
) -> bool:
    """A title above the table: a merged range anchored in this row that either holds
    (nearly) all the row's text or spans most of the table's width."""
    for min_col, min_row, max_col, _max_row in merges:
        if min_row != row_number or max_col == min_col:
            continue
        span = max_col - min_col + 1
        if filled <= 2 or (span >= 3 and span * 3 >= width * 2):
            return True
    return False


def _check_header(
    header_row: int,
    values: list[object],
    merges: list[tuple[int, int, int, int]],
    sheet_name: str,
) -> tuple[int, list[str]]:
    """Return (first column, header names) or refuse merged or duplicate titles."""
    cleaned = [_clean_header(v) for v in values]
    filled = [i for i, text in enumerate(cleaned) if text]
    first, last = filled[0], filled[-1]
    for min_col, min_row, max_col, max_row in merges:
        if min_row <= header_row <= max_row and max_col >= first + 1 and min_col <= last + 1:
            if min_col == max_col and min_row == max_row:
                continue
            ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            raise SpreadsheetError(
                f"工作表“{sheet_name}”的表头 {ref} 是合并单元格，程序无法判断每一列的标题。"
                "请在 Excel 中选中表头，取消合并单元格，让每列各有一个标题（多行表头请合并成一行），然后再导入。"
            )
    headers: list[str] = []
    for offset, text in enumerate(cleaned[first : last + 1]):
        headers.append(text or f"（{get_column_letter(first + offset + 1)}列无标题）")
    seen: dict[str, list[str]] = {}
    for offset, text in enumerate(headers):
        seen.setdefault(text, []).append(f"{get_column_letter(first + offset + 1)}{header_row}")
    duplicates = {text: cells for text, cells in seen.items() if len(cells) > 1}
    if duplicates:
        listed = "；".join(f"“{text}”（{'、'.join(cells)}）" for text, cells in duplicates.items())
        raise SpreadsheetError(
            f"工作表“{sheet_name}”的表头有重复的列名：{listed}。"
            "请把重复的列改成不同的名字（或删掉多余的列），然后再导入。"
        )
    return first + 1, headers


def _has_data(source: TableSource) -> bool:
    rows = source.iter_rows()
    try:
        return next(rows, None) is not None
    finally:
        rows.close()


def _only_header_error(sheet_name: str, header_row: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"工作表“{sheet_name}”只有表头（第 {header_row} 行），下面没有数据行。"
        "请确认选对了文件和工作表，或者先在表头下面填好数据。"
    )


# --------------------------------------------------------------------------- xlsx


def _read_merges(path: Path, member: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of one sheet as (min_col, min_row, max_col, max_row).

    Streams the sheet XML once (decompression only, no parsing of the cell data) and
    keeps just the tail from ``<mergeCells`` on, which Excel writes after the rows.
    """
    tail = bytearray()
    found = False
    carry = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as src:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            if found:
                tail += chunk
                continue
            window = carry + chunk
            match = _MERGE_START_RE.search(window)
            if match:
                found = True
                tail += window[match.start() :]
            else:
                carry = window[-32:]
    merges = []
    for ref in _MERGE_REF_RE.findall(bytes(tail)):
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
        except (ValueError, TypeError):
            continue
        merges.append((min_col, min_row, max_col, max_row))
    return merges


def _open_xlsx(path: Path, sheet: str | None) -> TableSource:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(_broken_message(name)) from exc
    if "[Content_Types].xml" not in members:
        raise SpreadsheetError(_broken_message(name))
    try:
        # A file object skips openpyxl's own extension check (a real .xlsx saved as .xls).
        fh = path.open("rb")
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件“{name}”：{exc.strerror or exc}") from exc
    try:
        reader = _WorkbookReader(fh)
        reader.read()
        workbook = reader.wb
        shared_strings = _load_shared_strings(reader)
        date_styles, timedelta_styles = _date_styles(reader)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        fh.close()
        raise SpreadsheetError(_broken_message(name)) from exc

    def close() -> None:
        try:
            workbook.close()
        finally:
            fh.close()

    cells = _CellReader(
        archive=reader.archive,
        name=name,
        shared_strings=shared_strings,
        date_styles=date_styles,
        timedelta_styles=timedelta_styles,
        epoch=workbook.epoch,
    )
    try:
        return _xlsx_source(path, workbook, cells, sheet, close)
    except BaseException:
        close()
        raise


class _WorkbookReader(ExcelReader):
    """openpyxl's workbook reader, read-only, minus its (slow) shared-string parsing:
    ``xlsx_stream`` reads the cells, so only the location of the table is noted."""

    def __init__(self, fh: Any) -> None:
        super().__init__(fh, read_only=True, data_only=True, keep_links=False)
        self.shared_strings_member: str | None = None

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            self.shared_strings_member = part.PartName[1:]


def _load_shared_strings(reader: _WorkbookReader) -> list[str]:
    member = reader.shared_strings_member
    if member is None:
        return []
    with reader.archive.open(member) as src:
        return read_shared_strings(src)


def _date_styles(reader: _WorkbookReader) -> tuple[set[int], set[int]]:
    """Style indexes showing dates / durations, as openpyxl worked them out."""
    workbook = reader.wb
    dates = getattr(workbook, "_date_formats", None)
    durations = getattr(workbook, "_timedelta_formats", None)
    if isinstance(dates, set) and isinstance(durations, set):
        return dates, durations
    if ARC_STYLE not in reader.archive.namelist():
        return set(), set()
    with reader.archive.open(ARC_STYLE) as src:
        return date_style_ids(src)


class _CellReader:
    """Streams one sheet's cell values; a damaged sheet becomes a ``SpreadsheetError``."""

    def __init__(self, *, archive: zipfile.ZipFile, name: str, **options: Any) -> None:
        self._archive = archive
        self._name = name
        self._options = options

    def rows(self, member: str, **bounds: Any) -> Iterator[tuple[int, list[object]]]:
        try:
            yield from iter_sheet_rows(self._archive, member, **self._options, **bounds)
        except (
            ParseError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            KeyError,
            IndexError,
            ValueError,
        ) as exc:
            raise SpreadsheetError(_broken_message(self._name)) from exc


def _xlsx_source(
    path: Path, workbook: Any, cells: _CellReader, sheet: str | None, close: Any
) -> TableSource:
    worksheets = workbook.worksheets
    names = [ws.title for ws in worksheets]
    if not worksheets:
        raise SpreadsheetError(
            f"“{path.name}”里没有工作表（可能只有图表）。请选择包含表格数据的文件。"
        )
    if sheet is not None:
        if sheet not in names:
            raise SpreadsheetError(
                f"“{path.name}”里没有名为“{sheet}”的工作表。现有的工作表：{'、'.join(names)}。"
            )
        ws = workbook[sheet]
    else:
        visible = [w for w in worksheets if getattr(w, "sheet_state", "visible") == "visible"]
        ws = (visible or worksheets)[0]
    sheet_name = ws.title
    # Only an estimate: some writers declare a wrong <dimension>; the rows are read
    # to the end of the sheet data regardless.
    declared_max_row = ws.max_row
    member = ws._worksheet_path
    merges = _read_merges(path, member)

    top: list[tuple[int, list[object]]] = []
    later_rows = False
    scan = cells.rows(member)
    try:
        for row_number, values in scan:
            if row_number > HEADER_SEARCH_ROWS:
                later_rows = True
                break
            top.append((row_number, values))
    finally:
        scan.close()
    if not top and later_rows:
        top = [(1, [])]  # rows further down only: "nothing in the first N rows"
    if not top:
        raise SpreadsheetError(
            f"工作表“{sheet_name}”是空的，里面没有任何数据。请确认选对了文件和工作表。"
        )
    header_row, header_values = _find_header(top, merges, sheet_name)
    first_column, headers = _check_header(header_row, header_values, merges, sheet_name)
    last_column = first_column + len(headers) - 1

    def rows() -> Iterator[tuple[int, list[object]]]:
        return cells.rows(member, min_row=header_row + 1, min_col=first_column, max_col=last_column)

    source = TableSource(
        path=path,
        sheet_name=sheet_name,
        sheet_names=names,
        headers=headers,
        header_row=header_row,
        first_column=first_column,
        row_count_estimate=(
            max(declared_max_row - header_row, 0) if declared_max_row is not None else None
        ),
        row_factory=rows,
        closer=close,
    )
    if not _has_data(source):
        raise _only_header_error(sheet_name, header_row)
    return source


# --------------------------------------------------------------------------- csv


def _decode(data: bytes, name: str) -> str:
    """BOM first, then UTF-8, then GB18030 (what Chinese Windows Excel writes)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        f"无法识别“{name}”的文字编码（不是 UTF-8，也不是 GBK/GB18030）。"
        "请用 Excel 打开它，另存为“Excel 工作簿 (.xlsx)”或“CSV UTF-8”后再导入。"
    )


def _open_csv(path: Path) -> TableSource:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(
            f"无法读取文件“{name}”（{exc.strerror or exc}）。如果它正在 Excel 中打开，请先关闭后再试。"
        ) from exc
    if b"\0" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpreadsheetError(
            f"“{name}”不是文本格式的 CSV 文件（可能是改了扩展名的其他文件）。"
            "请用 Excel 打开原始表格，另存为 .xlsx 或“CSV UTF-8”后再导入。"
        )
    text = _decode(data, name)
    del data
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    sheet_name = path.stem

    def records() -> Iterator[tuple[int, list[object]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            yield number, [value if value != "" else None for value in record]

    try:
        top = []
        for number, values in records():
            top.append((number, values))
            if number >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise SpreadsheetError(
            f"“{name}”的 CSV 格式有误（{exc}）。请用 Excel 打开后另存为 .xlsx 再导入。"
        ) from exc
    if not top:
        raise SpreadsheetError(f"“{name}”是空的，里面没有任何数据。请确认选对了文件。")
    header_row, header_values = _find_header(top, [], sheet_name)
    first_column, headers = _check_header(header_row, header_values, [], sheet_name)
    start = first_column - 1

    def rows() -> Iterator[tuple[int, list[object]]]:
        try:
            for number, values in records():
                if number > header_row:
                    yield number, values[start:]
        except csv.Error as exc:
            raise SpreadsheetError(
                f"“{name}”的 CSV 格式有误（{exc}）。请用 Excel 打开后另存为 .xlsx 再导入。"
            ) from exc

    line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
    source = TableSource(
        path=path,
        sheet_name=sheet_name,
        sheet_names=[sheet_name],
        headers=headers,
        header_row=header_row,
        first_column=first_column,
        row_count_estimate=max(line_count - header_row, 0),
        row_factory=rows,
    )
    if not _has_data(source):
        raise _only_header_error(sheet_name, header_row)
    return source
