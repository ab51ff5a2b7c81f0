"""Tests for reading the office's own spreadsheets (desktop_crm.services.spreadsheet_reader)."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _workbook(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def _refusal(path: Path, sheet: str | None = None) -> str:
    with pytest.raises(SpreadsheetError) as info:
        open_table(path, sheet)
    assert info.value.message == str(info.value)
    return info.value.message


def test_reads_headers_and_rows(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "客户.xlsx",
        [
            [" 客户名称 ", "联系\n电话", "建　档　日　期", "金额"],
            ["河北工程机械有限公司", "13800000000", datetime(2026, 1, 5), 12.5],
            [None, None, None, None],
            ["张三商行", None, datetime(2025, 3, 1), 7],
        ],
    )
    with open_table(path) as table:
        assert table.headers == ["客户名称", "联系电话", "建档日期", "金额"]
        assert table.header_row == 1
        assert table.sheet_name == "名册"
        assert table.row_count_estimate == 3
        rows = list(table.iter_rows())
    assert rows == [
        (2, ["河北工程机械有限公司", "13800000000", datetime(2026, 1, 5), 12.5]),
        (4, ["张三商行", None, datetime(2025, 3, 1), 7]),
    ]


def test_xlsm_is_accepted(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "宏.xlsm", [["姓名", "电话"], ["李四", "1"]])
    with open_table(path) as table:
        assert [values for _, values in table.iter_rows()] == [["李四", "1"]]


def test_title_row_above_header_is_skipped(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "t.xlsx",
        [
            ["客户名册 2026年"],
            ["序号", "客户名称", "联系人", "电话", "地址", "等级", "区域", "备注"],
            [1, "甲公司", "王五", "1", "石家庄", "A", "华北", None],
        ],
        merges=("A1:H1",),
    )
    with open_table(path) as table:
        assert table.header_row == 2
        assert table.headers[:2] == ["序号", "客户名称"]
        assert list(table.iter_rows()) == [
            (3, [1, "甲公司", "王五", "1", "石家庄", "A", "华北", None])
        ]


def test_merged_title_with_second_cell_is_skipped(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "t2.xlsx",
        [
            ["客户名册", None, None, None, None, "制表：张三"],
            ["客户名称", "联系人", "电话", "地址", "等级", "备注"],
            ["甲公司", "王五", "1", "石家庄", "A", None],
        ],
        merges=("A1:E1",),
    )
    with open_table(path) as table:
        assert table.header_row == 2


def test_merged_header_cells_are_refused(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "m.xlsx",
        [
            ["客户名册 2026年"],
            ["序号", "客户名称", "联系方式", None, None, "地址", "等级", "备注"],
            [None, None, "电话", "手机", "邮箱", None, None, None],
            [1, "甲公司", "1", "2", "a@b.cn", "石家庄", "A", None],
        ],
        merges=("A1:H1", "C2:E2"),
    )
    message = _refusal(path)
    assert "C2:E2" in message and "合并单元格" in message and "取消合并" in message


def test_duplicate_headers_are_refused(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "d.xlsx", [["姓名", "电话", "地址", "电话 "], ["张三", "1", "x", "2"]]
    )
    message = _refusal(path)
    assert "重复" in message and "电话" in message and "B1" in message and "D1" in message


def test_header_only_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "h.xlsx", [["姓名", "电话"], [None, None], ["", " "]])
    assert "只有表头" in _refusal(path)


def test_empty_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    Workbook().save(path)
    assert "空的" in _refusal(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "找不到文件" in _refusal(tmp_path / "没有这个文件.xlsx")


def test_truncated_xlsx_is_broken(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx", [["姓名", "电话"], ["张三", "1"]])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "损坏" in _refusal(broken)


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("姓名,电话\n张三,1\n", encoding="utf-8")
    message = _refusal(path)
    assert "不是有效的 Excel" in message and ".xlsx" in message


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "损坏" in _refusal(path)


def test_password_protected_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(range(256)) * 20)
    message = _refusal(path)
    assert "密码" in message and "不带密码" in message


def test_old_xls_is_refused_with_save_as_hint(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(OLE_MAGIC + bytes(range(256)) * 20)
    message = _refusal(path)
    assert ".xls" in message and "另存为" in message and ".xlsx" in message
    assert "密码" not in message


def test_ods_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calc.ods"
    path.write_bytes(b"PK\x03\x04 not really")
    message = _refusal(path)
    assert ".ods" in message and "另存为" in message


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.pdf"
    path.write_bytes(b"%PDF-1.7")
    assert "不支持" in _refusal(path)


def test_csv_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "客户.csv"
    text = (
        "客户名称,联系电话,地址\r\n河北工程机械有限公司,0311-1234567,石家庄市\r\n䶮记商行,,北京\r\n"
    )
    path.write_bytes(text.encode("gb18030"))
    with open_table(path) as table:
        assert table.headers == ["客户名称", "联系电话", "地址"]
        rows = list(table.iter_rows())
    assert rows == [
        (2, ["河北工程机械有限公司", "0311-1234567", "石家庄市"]),
        (3, ["䶮记商行", None, "北京"]),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16"])
def test_csv_unicode_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes('姓名,电话\n张三,"138,0000"\n\n李四,2\n'.encode(encoding))
    with open_table(path) as table:
        assert table.headers == ["姓名", "电话"]
        assert list(table.iter_rows()) == [(2, ["张三", "138,0000"]), (4, ["李四", "2"])]


def test_csv_header_only(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("姓名,电话\n", encoding="utf-8")
    assert "只有表头" in _refusal(path)


def test_csv_empty(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"")
    assert "空的" in _refusal(path)


def test_choose_sheet_by_name(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本表说明"
    second = wb.create_sheet("客户")
    second.append(["姓名", "电话"])
    second.append(["张三", "1"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with open_table(path, "客户") as table:
        assert table.sheet_names == ["说明", "客户"]
        assert list(table.iter_rows()) == [(2, ["张三", "1"])]
    assert "没有名为" in _refusal(path, "不存在")


def test_wrong_dimension_does_not_truncate(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "dim.xlsx", [["姓名", "电话"]] + [[f"客户{i}", str(i)] for i in range(50)]
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    patched = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', parts[sheet])
    assert patched != parts[sheet]
    parts[sheet] = patched
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with open_table(path) as table:
        assert sum(1 for _ in table.iter_rows()) == 50


def test_header_not_in_first_column(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "b.xlsx", [[None, "姓名", None, "电话"], ["备注", "张三", "x", "1"]]
    )
    with open_table(path) as table:
        assert table.first_column == 2
        assert table.headers == ["姓名", "（C列无标题）", "电话"]
        assert list(table.iter_rows()) == [(2, ["张三", "x", "1"])]
