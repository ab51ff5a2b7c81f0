"""Time write_table on 100,000 realistic rows × 15 columns of Chinese text.

Run: python bench/bench_table_xlsx.py [rows] [--read]
Prints the seconds for the export and, with --read, for reading it back with open_table:
once as written (inline strings) and once rewritten the way Excel saves a workbook, with
a shared string table (openpyxl itself only writes inline strings).
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from desktop_crm.reports.table_xlsx import ExportColumn, write_table

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅东海燕"
CITIES = [
    "北京市朝阳区",
    "上海市浦东新区",
    "河北省石家庄市长安区",
    "广东省深圳市南山区",
    "江苏省南京市鼓楼区",
    "浙江省杭州市西湖区",
    "四川省成都市武侯区",
    "湖北省武汉市洪山区",
]
STREETS = ["建设路", "人民路", "解放大道", "中山北路", "科技园南区", "和平街"]
COMPANIES = [
    "华信科技有限公司",
    "恒达贸易有限责任公司",
    "东方机械制造厂",
    "新星电子股份有限公司",
    "长城建材销售部",
    "金穗农业发展有限公司",
]
LEVELS = ["重要客户", "普通客户", "潜在客户", "VIP客户"]
STATUS = ["已结案", "处理中", "待回访", "已回访"]
NOTES = [
    "已回访，客户对处理结果表示满意",
    "客户要求更换产品，已安排",
    "电话无人接听，下周再联系",
    "=SUM(A1:A2) 客户原话",
    "产品包装破损，已补发",
    "",
]

COLUMNS = [
    ExportColumn("客户编号", "text"),
    ExportColumn("客户名称", "text"),
    ExportColumn("联系人", "text"),
    ExportColumn("手机", "text"),
    ExportColumn("地址", "text"),
    ExportColumn("客户等级", "text"),
    ExportColumn("所属区域", "text"),
    ExportColumn("负责部门", "text"),
    ExportColumn("业务员", "text"),
    ExportColumn("投诉类型", "text"),
    ExportColumn("状态", "text"),
    ExportColumn("备注", "text"),
    ExportColumn("建档日期", "date"),
    ExportColumn("最近回访", "datetime"),
    ExportColumn("累计金额", "decimal"),
]


def make_rows(n: int) -> list[list[object]]:
    rng = random.Random(20261126)
    start = date(2020, 1, 1)
    rows = []
    for i in range(n):
        person = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        rows.append(
            [
                f"KH{i + 1:08d}",
                rng.choice(CITIES)[:2] + rng.choice(COMPANIES),
                person,
                f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
                f"{rng.choice(CITIES)}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                rng.choice(LEVELS),
                rng.choice(("华北区", "华东区", "华南区", "西南区")),
                rng.choice(("销售一部", "客户服务部", "质量管理部")),
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                rng.choice(("产品质量", "服务态度", "交货延迟")),
                rng.choice(STATUS),
                rng.choice(NOTES),
                start + timedelta(days=rng.randint(0, 2500)),
                datetime(2026, 1, 1) + timedelta(minutes=rng.randint(0, 400000)),
                Decimal(rng.randint(0, 10_000_000)) / 100,
            ]
        )
    return rows


_INLINE_CELL = re.compile(rb' t="inlineStr"><is>(.*?)</is>', re.S)
_SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_SST_REL = (
    b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
)


def to_shared_strings(source: Path, target: Path) -> int:
    """Rewrite an .xlsx with inline strings to use a shared string table, as Excel
    saves it (same strings once in xl/sharedStrings.xml, cells hold the index).
    Returns the number of distinct strings."""
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    table: dict[bytes, int] = {}
    count = 0

    def shared(match: re.Match[bytes]) -> bytes:
        return b' t="s"><v>%d</v>' % table.setdefault(match.group(1), len(table))

    for name in list(parts):
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            parts[name], replaced = _INLINE_CELL.subn(shared, parts[name])
            count += replaced
    sst = [
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
        b'schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (count, len(table))
    ]
    sst.extend(b"<si>" + inner + b"</si>" for inner in table)
    sst.append(b"</sst>")
    parts["xl/sharedStrings.xml"] = b"".join(sst)
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(b"</Types>", _SST_TYPE + b"</Types>")
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", _SST_REL + b"</Relationships>")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return len(table)


def time_read(path: Path, label: str) -> None:
    from desktop_crm.services.spreadsheet_reader import open_table

    started, cpu = time.perf_counter(), time.process_time()
    with open_table(path) as table:
        count = sum(1 for _ in table.iter_rows())
        width = len(table.headers)
    print(
        f"open_table + iter_rows ({label}): {count} rows x {width} columns in "
        f"{time.perf_counter() - started:.2f} s (CPU {time.process_time() - cpu:.2f} s)"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
    rows = make_rows(n)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "客户名册.xlsx"
        started = time.perf_counter()
        written = write_table(target, COLUMNS, rows, title_note="内部资料 · 导出人 张三")
        elapsed = time.perf_counter() - started
        size = target.stat().st_size / 1e6
        print(
            f"write_table: {written} rows x {len(COLUMNS)} columns in {elapsed:.2f} s ({size:.1f} MB)"
        )
        if "--read" in sys.argv:
            time_read(target, "inline strings, as exported")
            excel_like = Path(tmp) / "客户名册-共享字符串.xlsx"
            distinct = to_shared_strings(target, excel_like)
            time_read(excel_like, f"shared string table, {distinct} distinct strings")


if __name__ == "__main__":
    main()
