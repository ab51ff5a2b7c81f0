"""Tests for reading the office's own spreadsheets (desktop_crm.services.spreadsheet_reader)."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import MAC_EPOCH

from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table
from desktop_crm.services.xlsx_stream import date_style_ids

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


# ------------------------------------------------------------------ streamed cells


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_INLINE_CELL = re.compile(rb' t="inlineStr"><is>(.*?)</is>', re.S)


def _rewrite(path: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """Copy an .xlsx, replacing (or adding) the given parts."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts.update(replace)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def _to_shared_strings(path: Path, target: Path) -> Path:
    """What Excel does on save: every inline string moved into xl/sharedStrings.xml
    (rich-text runs included); openpyxl itself only writes inline strings."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    table: dict[bytes, int] = {}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = _INLINE_CELL.sub(
        lambda m: b' t="s"><v>%d</v>' % table.setdefault(m.group(1), len(table)), parts[sheet]
    )
    assert table
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{SHEET_NS}" uniqueCount="{len(table)}">'.encode()
        + b"".join(b"<si>" + inner + b"</si>" for inner in table)
        + b"</sst>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def _openpyxl_rows(path: Path, header_row: int, first: int, last: int) -> list[tuple]:
    """Non-empty data rows as openpyxl's read-only mode reads them (the reference)."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = workbook.worksheets[0]
        ws.reset_dimensions()
        rows = []
        for number, values in enumerate(
            ws.iter_rows(min_row=header_row + 1, min_col=first, max_col=last, values_only=True),
            start=header_row + 1,
        ):
            if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                rows.append((number, list(values)))
        return rows
    finally:
        workbook.close()


def _streamed_rows(path: Path) -> tuple[list[tuple], int, int, int]:
    with open_table(path) as table:
        first = table.first_column
        return (
            list(table.iter_rows()),
            table.header_row,
            first,
            first + len(table.headers) - 1,
        )


def _assert_same_as_openpyxl(path: Path) -> list[tuple]:
    streamed, header_row, first, last = _streamed_rows(path)
    reference = _openpyxl_rows(path, header_row, first, last)
    assert streamed == reference
    for (_, ours), (_, theirs) in zip(streamed, reference, strict=True):
        assert [type(v) for v in ours] == [type(v) for v in theirs]
    return streamed


def _mixed_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["编号", "名称", "金额", "比例", "建档日期", "回访时间", "是否VIP", "备注", "时长"])
    ws.append(
        [1, "河北 & 石家庄 <总部>", 12.5, 0.25, date(2026, 1, 5), datetime(2026, 2, 3, 14, 30)]
    )
    ws.append([2, "  前后有空格  ", -7, None, datetime(1900, 1, 15), None, True, "第一行\n第二行"])
    ws.append([3, None, 1e20, 3.0, date(1999, 12, 31), datetime(2026, 3, 1, 8, 0, 5), False])
    ws.append([None, None, None, None, None, None, None, None])  # empty row in the middle
    ws.append([4, "甲", 0, 1.5e-7, None, time(9, 30), None, "=不是公式", timedelta(hours=30)])
    ws.append([5, "乙", None, None, None, None, None, "x_x005F_y"])
    ws["B7"] = CellRichText("粗体", TextBlock(InlineFont(b=True), "与常规"), "混排")
    ws["D3"].number_format = "0.00%"
    ws["E3"].number_format = "yyyy年m月d日"
    ws["E4"].number_format = '[$-804]yyyy"年"m"月"d"日"'
    ws["C4"].number_format = "#,##0.00"
    ws["I6"].number_format = "[h]:mm:ss"
    ws["J6"] = "=SUM(A2:A3)"  # no cached value: None for both readers
    wb.save(path)
    return path


def test_streamed_values_match_openpyxl_inline_strings(tmp_path: Path) -> None:
    rows = _assert_same_as_openpyxl(_mixed_workbook(tmp_path / "inline.xlsx"))
    assert [number for number, _ in rows] == [2, 3, 4, 6, 7]
    assert rows[0][1][:6] == [
        1,
        "河北 & 石家庄 <总部>",
        12.5,
        0.25,
        datetime(2026, 1, 5),
        datetime(2026, 2, 3, 14, 30),
    ]
    assert rows[3][1][8] == timedelta(hours=30)
    assert rows[4][1][1] == "粗体与常规混排"


def test_streamed_values_match_openpyxl_shared_strings(tmp_path: Path) -> None:
    inline = _mixed_workbook(tmp_path / "inline.xlsx")
    shared = _to_shared_strings(inline, tmp_path / "shared.xlsx")
    with zipfile.ZipFile(shared) as archive:
        assert b"inlineStr" not in archive.read("xl/worksheets/sheet1.xml")
    rows = _assert_same_as_openpyxl(shared)
    expected = _streamed_rows(inline)[0]
    # openpyxl drops "x005F_" (an escaped "_") from shared strings only; so do we.
    assert expected[4][1][7] == "x_x005F_y"
    expected[4][1][7] = "x_y"
    assert rows == expected


def test_1904_date_system(tmp_path: Path) -> None:
    wb = Workbook()
    wb.epoch = MAC_EPOCH
    ws = wb.active
    ws.append(["姓名", "日期"])
    ws.append(["张三", datetime(2026, 5, 4, 12, 0)])
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as archive:
        assert b"date1904" in archive.read("xl/workbook.xml")
    rows = _assert_same_as_openpyxl(path)
    assert rows == [(2, ["张三", datetime(2026, 5, 4, 12, 0)])]


def _sheet_xml(rows: str) -> bytes:
    return f'<worksheet xmlns="{SHEET_NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()


def test_hand_written_cells_match_openpyxl(tmp_path: Path) -> None:
    """Cells as other writers produce them: no r attributes, formula results, booleans,
    ISO dates, rich text with phonetic runs, a shared-string table with rich runs."""
    base = _workbook(tmp_path / "base.xlsx", [["a", "b"], ["c", "d"]])
    sheet = _sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="inlineStr"><is><t>数量</t></is></c><c r="E1" t="str"><v>结果</v></c>'
        '<c r="F1" t="s"><v>4</v></c></row>'
        # row without r, cells without r (sequential), skipping D via an r later on
        '<row><c t="s"><v>2</v></c><c t="b"><v>1</v></c><c><v>42</v></c>'
        '<c r="E2" t="str"><f>A2&amp;"x"</f><v>甲x</v></c><c t="b"><v>0</v></c></row>'
        '<row r="5" spans="1:6"><c r="A5" t="s"><v>3</v></c>'
        '<c r="B5" t="e"><v>#N/A</v></c>'
        '<c r="C5"><f>1/0</f><v>5.5</v></c>'
        '<c r="D5" t="inlineStr"><is><r><rPr><b/></rPr><t>富</t></r><r><t xml:space="preserve">'
        ' 文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh></is></c>'
        '<c r="E5" t="d"><v>2026-03-04T05:06:07</v></c>'
        '<c r="F5" t="str"><v></v></c></row>'
    )
    sst = (
        f'<sst xmlns="{SHEET_NS}"><si><t>名称</t></si><si><t>是否</t></si>'
        '<si><r><t>张</t></r><r><rPr><i/></rPr><t>三</t></r><rPh sb="0" eb="1"><t>チ</t></rPh></si>'
        '<si><t xml:space="preserve"> 李&amp;四 </t></si><si><t>其他</t></si></sst>'
    ).encode()
    types = (
        zipfile.ZipFile(base)
        .read("[Content_Types].xml")
        .replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    )
    path = _rewrite(
        base,
        tmp_path / "hand.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": sst,
            "[Content_Types].xml": types,
        },
    )
    streamed, header_row, first, last = _streamed_rows(path)
    assert (header_row, first, last) == (1, 1, 6)
    assert streamed == [
        (2, ["张三", True, 42, None, "甲x", False]),
        (5, [" 李&四 ", None, 5.5, "富 文本 ", datetime(2026, 3, 4, 5, 6, 7), None]),
    ]
    reference = _openpyxl_rows(path, header_row, first, last)
    reference[1][1][1] = None  # openpyxl gives "#N/A"; an error imports as empty
    assert streamed == reference


def test_date_style_ids_match_openpyxl(tmp_path: Path) -> None:
    path = _mixed_workbook(tmp_path / "styles.xlsx")
    workbook = load_workbook(path, read_only=True)
    try:
        expected = (workbook._date_formats, workbook._timedelta_formats)
    finally:
        workbook.close()
    with zipfile.ZipFile(path) as archive, archive.open("xl/styles.xml") as src:
        assert date_style_ids(src) == expected
    assert expected[0] and expected[1]


def test_damaged_sheet_xml_is_reported(tmp_path: Path) -> None:
    rows = [["姓名", "电话"]] + [[f"客户{i}", str(i)] for i in range(20)]
    base = _workbook(tmp_path / "base.xlsx", rows)
    with zipfile.ZipFile(base) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    cut = sheet.index(b'<row r="15"') + 20
    path = _rewrite(base, tmp_path / "cut.xlsx", {"xl/worksheets/sheet1.xml": sheet[:cut]})
    with open_table(path) as table, pytest.raises(SpreadsheetError) as info:
        list(table.iter_rows())
    assert "损坏" in info.value.message
