"""Tests for the list-to-Excel export (desktop_crm.reports.table_xlsx)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_crm.reports.table_xlsx import ExportCancelled, ExportColumn, write_table

COLUMNS = [
    ExportColumn("客户名称", "text"),
    ExportColumn("投诉次数", "int"),
    ExportColumn("累计金额", "decimal"),
    ExportColumn("建档日期", "date"),
    ExportColumn("最近回访", "datetime"),
    ExportColumn("是否重要", "bool"),
]

ROWS = [
    [
        "河北工程机械有限公司",
        3,
        Decimal("12345.60"),
        date(2026, 1, 5),
        datetime(2026, 11, 26, 14, 5),
        True,
    ],
    ["张三", 0, Decimal("-0.50"), date(1999, 12, 31), datetime(2000, 1, 1, 0, 0), False],
    [
        "Smith & <Sons>",
        1234567,
        Decimal("0"),
        date(2026, 2, 28),
        datetime(2026, 2, 28, 23, 59),
        None,
    ],
]


def _out_dir(tmp_path: Path) -> Path:
    """An empty folder of our own (the shared fixtures put other things in tmp_path)."""
    out = tmp_path / "out"
    out.mkdir()
    return out


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_every_kind_reads_back(tmp_path: Path) -> None:
    target = tmp_path / "名册.xlsx"
    assert write_table(target, COLUMNS, ROWS) == 3
    ws = load_workbook(target).active
    assert [c.value for c in ws[1]] == [c.title for c in COLUMNS]
    expected = [
        [
            "河北工程机械有限公司",
            3,
            12345.6,
            datetime(2026, 1, 5),
            datetime(2026, 11, 26, 14, 5),
            "是",
        ],
        ["张三", 0, -0.5, datetime(1999, 12, 31), datetime(2000, 1, 1), "否"],
        ["Smith & <Sons>", 1234567, 0, datetime(2026, 2, 28), datetime(2026, 2, 28, 23, 59), None],
    ]
    for row_number, row in enumerate(expected, start=2):
        assert [c.value for c in ws[row_number]] == row
    assert ws["B2"].data_type == "n" and ws["C2"].data_type == "n"
    assert ws["B2"].number_format == "0"
    assert ws["C2"].number_format == "#,##0.00"
    assert ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["E2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["D2"].is_date and ws["E2"].is_date
    assert ws["A2"].data_type == "s"


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    texts = ["=SUM(A1:A9)", "+86 138 0000 0000", "-5", "@张三", '=HYPERLINK("http://x")']
    target = tmp_path / "f.xlsx"
    write_table(target, [ExportColumn("备注", "text")], [[t] for t in texts])
    xml = _sheet_xml(target)
    assert "<f>" not in xml and "<f " not in xml
    ws = load_workbook(target).active
    for row_number, text in enumerate(texts, start=2):
        cell = ws.cell(row=row_number, column=1)
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when the cell is edited


def test_awkward_text_round_trips(tmp_path: Path) -> None:
    texts = [
        "  前后空格  ",
        "第一行\n第二行",
        "a\r\nb",
        "控制\x01字符\x1f",
        "x" * 40000,
        "😀 emoji",
    ]
    target = tmp_path / "t.xlsx"
    write_table(target, [ExportColumn("文本", "text")], [[t] for t in texts])
    ws = load_workbook(target).active
    values = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(texts))]
    assert values[0] == "  前后空格  "
    assert values[1] == "第一行\n第二行"
    assert values[2] == "a\r\nb"
    assert values[3] == "控制字符"
    assert values[4] == "x" * 32767
    assert values[5] == "😀 emoji"


def test_layout_header_filter_freeze_print(tmp_path: Path) -> None:
    target = tmp_path / "l.xlsx"
    note = "内部资料 · 导出人 张三 · 2026-11-26 14:05"
    write_table(target, COLUMNS, ROWS, sheet_title="潜在客户名录", title_note=note)
    wb = load_workbook(target)
    ws = wb.active
    assert ws.title == "潜在客户名录"
    assert ws["A1"].font.b
    assert ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F4"
    assert ws.print_title_rows == "$1:$1"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddHeader.center.text == note
    assert wb.properties.description == note
    assert ws.max_row == 4  # the note is not a data row


def test_column_widths(tmp_path: Path) -> None:
    columns = [
        ExportColumn("编号", "text", width=7.5),
        ExportColumn("地址", "text"),
        ExportColumn("code", "text"),
    ]
    rows = [[f"{i}", "河北省石家庄市长安区建设北大街123号", "abc"] for i in range(300)]
    target = tmp_path / "w.xlsx"
    write_table(target, columns, rows)
    ws = load_workbook(target).active
    assert ws.column_dimensions["A"].width == 7.5
    address = ws.column_dimensions["B"].width
    assert 36 <= address <= 60  # 18 CJK characters count as 36
    assert ws.column_dimensions["C"].width < address


def test_no_rows_gives_header_only(tmp_path: Path) -> None:
    target = tmp_path / "empty.xlsx"
    assert write_table(target, COLUMNS, []) == 0
    ws = load_workbook(target).active
    assert ws.max_row == 1
    assert ws.auto_filter.ref == "A1:F1"


def test_write_to_binary_stream() -> None:
    buffer = io.BytesIO()
    assert write_table(buffer, COLUMNS, ROWS) == 3
    buffer.seek(0)
    ws = load_workbook(buffer).active
    assert ws["A2"].value == "河北工程机械有限公司"


def test_progress_reports_counts(tmp_path: Path) -> None:
    seen: list[int] = []
    rows = [[f"客户{i}", i] for i in range(1234)]
    write_table(tmp_path / "p.xlsx", COLUMNS[:2], rows, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 1234
    assert 500 in seen


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    tmp_path = _out_dir(tmp_path)
    target = tmp_path / "c.xlsx"
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    rows = ([f"客户{i}", i] for i in range(5000))
    with pytest.raises(ExportCancelled):
        write_table(target, COLUMNS[:2], rows, is_cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_previous_file(tmp_path: Path) -> None:
    tmp_path = _out_dir(tmp_path)
    target = tmp_path / "old.xlsx"
    target.write_bytes(b"previous export")

    def broken_rows():
        yield ["客户", 1]
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        write_table(target, COLUMNS[:2], broken_rows())
    assert target.read_bytes() == b"previous export"
    assert list(tmp_path.iterdir()) == [target]


def test_overwrites_existing_target(tmp_path: Path) -> None:
    tmp_path = _out_dir(tmp_path)
    target = tmp_path / "again.xlsx"
    write_table(target, COLUMNS, ROWS)
    write_table(target, COLUMNS, ROWS[:1])
    assert load_workbook(target).active.max_row == 2
    assert list(tmp_path.iterdir()) == [target]


def test_odd_values_fall_back_to_text(tmp_path: Path) -> None:
    columns = [
        ExportColumn("数量", "int"),
        ExportColumn("金额", "decimal"),
        ExportColumn("日期", "date"),
        ExportColumn("身份证号", "int"),
    ]
    rows = [["未知", Decimal("NaN"), "待定", 130102199001011234]]
    target = tmp_path / "o.xlsx"
    write_table(target, columns, rows)
    ws = load_workbook(target).active
    assert [c.value for c in ws[2]] == ["未知", "NaN", "待定", "130102199001011234"]


def test_sheet_title_is_made_valid(tmp_path: Path) -> None:
    target = tmp_path / "s.xlsx"
    write_table(
        target, COLUMNS, ROWS, sheet_title="2026/11 客户[名册]: 全部数据以及更多更多更多文字"
    )
    ws = load_workbook(target).active
    assert len(ws.title) <= 31
    assert not set("[]:*?/\\") & set(ws.title)
