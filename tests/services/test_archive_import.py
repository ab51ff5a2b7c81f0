"""Importing an office's ledger from a spreadsheet: values as an office writes them, every
refused row with its row, column and reason, given 档号 kept (and their series moved on),
blank ones generated after them, nothing written on a dry run or while a row is refused."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.config import sqlite_store
from desktop_crm.models import ArchiveVolume, AuditEntry, NumberSequence, User
from desktop_crm.models.db import make_engine, make_session_factory
from desktop_crm.models.migrate import upgrade_database
from desktop_crm.services import archive_import, bootstrap
from desktop_crm.services.archive_import import ArchiveImportRefused
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.spreadsheet_reader import SpreadsheetError, open_table
from tests.services.archive_office import ArchiveOffice, file, make_office

HEADERS = ["档号", "题名", "门类", "年度", "保管期限", "密级", "责任部门", "页数", "归档日期"]


def sheet(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def check(session: Session, actor: User, path: Path) -> archive_import.ArchiveImportPreview:
    with open_table(path) as source:
        return archive_import.check_rows(session, actor, source)


def volumes(session: Session) -> dict[str, ArchiveVolume]:
    session.expire_all()
    return {v.number: v for v in session.scalars(select(ArchiveVolume))}


@pytest.fixture
def office(session: Session, admin: User) -> ArchiveOffice:
    return make_office(session, admin)


GOOD = [
    ["Z001-WS·2015-D10-YXB-0003", "2015年客户走访工作文件", "文书", 2015, "定期10年", "内部",
     "市场营销部", 45, date(2016, 1, 10)],
    [None, "2015年营销会议纪要", "WS", 2015, "D10", None, "YXB", 12, "2016-01-12"],
    [None, "河北建工集团客户档案", "客户档案", "2018", None, "公开", "市场营销部", "30",
     datetime(2019, 3, 1)],
    ["", "2020年质量检验报告", "技术资料", 2020, "30年", "秘密", "ZJB", 8, "2021/2/3"],
    [None, "1998年工程图纸", "TZ", 1998, "永久", "内部", "生产技术部", 120, "1999年5月6日"],
]  # fmt: skip


def test_a_good_file_is_imported_as_an_office_writes_it(session, office, tmp_path) -> None:  # noqa: ANN001
    path = sheet(tmp_path / "台账.xlsx", GOOD)
    preview = check(session, office.keeper, path)
    assert preview.problem_lines() == [] and len(preview.valid) == 5
    assert archive_import.write_rows(session, office.keeper, preview, False, path.name) == 5
    found = volumes(session)
    kept = found["Z001-WS·2015-D10-YXB-0003"]
    assert (kept.title, kept.pages, kept.filed_on, kept.case_no) == (
        "2015年客户走访工作文件", 45, date(2016, 1, 10), 3,
    )  # fmt: skip
    assert kept.appraisal_due_on == date(2026, 1, 1) and kept.state == "在库"
    # the blank 档号 of the same series runs on after the given one
    assert "Z001-WS·2015-D10-YXB-0004" in found
    customer = found["Z001-KH·2018-D10-YXB-0001"]  # 保管期限 from the 保管期限表
    assert customer.retention_years == 10 and customer.secrecy == "公开"
    secret = found["Z001-JS·2020-D30-ZJB-0001"]
    assert secret.secrecy == "秘密" and secret.secrecy_until == date(2031, 2, 3)
    assert found["Z001-TZ·1998-Y-SCB-0001"].appraisal_due_on is None
    # a volume filed by hand afterwards takes the next number of the series
    later = file(session, office.keeper, office, title="补充文件", year=2015, period_code="D10")
    assert later.number == "Z001-WS·2015-D10-YXB-0005"
    logged = session.scalar(
        select(AuditEntry.detail).where(
            AuditEntry.act == "导入", AuditEntry.object_type == "archive_volume"
        )
    )
    assert logged == "从 台账.xlsx 导入：5 卷"


def test_every_bad_row_is_refused_with_its_column_and_reason(session, office, tmp_path) -> None:  # noqa: ANN001
    rows = [
        GOOD[1],
        [None, "门类不对", "档案", 2015, "D10", None, "YXB", 3, "2016-01-01"],
        [None, "期限不对", "文书", 2015, "短期5年", None, "YXB", 3, "2016-01-01"],
        [None, "年度不对", "文书", 1850, "D10", None, "YXB", 3, "2016-01-01"],
        [None, "页数不对", "文书", 2015, "D10", None, "YXB", 0, "2016-01-01"],
        [None, "页数不是数", "文书", 2015, "D10", None, "YXB", "十页", "2016-01-01"],
        [None, None, "文书", 2015, "D10", None, "无此部门", 3, "2016-01-01"],
        ["Z001-WS·2016-D10-YXB-0001", "档号与年度不一致", "文书", 2015, "D10", None, "YXB", 3,
         "2016-01-01"],
        ["WS-2015-7", "档号不合格式", "文书", 2015, "D10", None, "YXB", 3, "2016-01-01"],
    ]  # fmt: skip
    path = sheet(tmp_path / "bad.xlsx", rows)
    preview = check(session, office.keeper, path)
    lines = preview.problem_lines()
    assert (
        "第 3 行，C 门类 列：不认识的门类「档案」，应为：文书、声像、客户档案、合同协议、会议记录、技术资料、工程图纸、人事、会计。"
        in lines
    )
    assert any(
        line.startswith("第 4 行，E 保管期限 列：不认识的保管期限「短期5年」") for line in lines
    )
    assert any(line.startswith("第 5 行，D 年度 列：应在 1900 到") for line in lines)
    assert "第 6 行，H 页数 列：应在 1 到 100000 之间。" in lines
    assert "第 7 行，H 页数 列：请填整数。" in lines
    assert "第 8 行，B 题名 列：必须填写。" in lines
    assert "第 8 行，G 责任部门 列：没有这个部门「无此部门」（部门名称或机构代码）。" in lines
    assert "第 9 行，A 档号 列：档号与本行不一致（档号中的年度是 2016，本行是 2015）。" in lines
    assert any(
        line.startswith("第 10 行，A 档号 列：档号「WS-2015-7」不符合档号格式") for line in lines
    )
    assert preview.bad_rows == set(range(3, 11)) and len(preview.valid) == 1
    with pytest.raises(ArchiveImportRefused, match="有 8 行有问题，没有导入任何数据"):
        archive_import.write_rows(session, office.keeper, preview, False)
    assert volumes(session) == {}
    assert archive_import.write_rows(session, office.keeper, preview, True) == 1
    assert list(volumes(session)) == ["Z001-WS·2015-D10-YXB-0001"]


def test_a_taken_or_repeated_number_is_refused(session, office, tmp_path) -> None:  # noqa: ANN001
    held = file(session, office.keeper, office, title="已有案卷", year=2015, period_code="D10")
    assert held.number == "Z001-WS·2015-D10-YXB-0001"
    rows = [
        [held.number, "撞号", "文书", 2015, "D10", None, "YXB", 3, "2016-01-01"],
        ["Z001-WS·2015-D10-YXB-0009", "第一次", "文书", 2015, "D10", None, "YXB", 3, "2016-01-01"],
        ["Z001-WS·2015-D10-YXB-0009", "第二次", "文书", 2015, "D10", None, "YXB", 3, "2016-01-01"],
        ["Z001-WS·2015-D10-YXB-001", "同号不同写法", "文书", 2015, "D10", None, "YXB", 3,
         "2016-01-01"],
    ]  # fmt: skip
    lines = check(session, office.keeper, sheet(tmp_path / "dup.xlsx", rows)).problem_lines()
    assert lines == [
        f"第 2 行，A 档号 列：档号「{held.number}」已被另一案卷使用。",
        "第 4 行，A 档号 列：档号「Z001-WS·2015-D10-YXB-0009」与本表第 3 行重复。",
        "第 5 行，A 档号 列：档号「Z001-WS·2015-D10-YXB-001」与本表第 2 行重复。",
    ]
    other_writing = [rows[3]]  # the held volume's 案卷号, written with three digits
    lines = check(
        session, office.keeper, sheet(tmp_path / "d2.xlsx", other_writing)
    ).problem_lines()
    assert lines == [
        "第 2 行，A 档号 列：档号「Z001-WS·2015-D10-YXB-001」的案卷号 1 在本系列（同一门类、"
        "年度、保管期限、机构）中已被使用。"
    ]


def test_a_dry_run_writes_nothing(session, office, tmp_path) -> None:  # noqa: ANN001
    path = sheet(tmp_path / "台账.xlsx", GOOD)
    series_before = session.scalar(select(func.count()).select_from(NumberSequence))
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    preview = check(session, office.keeper, path)
    session.commit()
    assert len(preview.valid) == 5
    assert session.scalar(select(func.count()).select_from(ArchiveVolume)) == 0
    assert session.scalar(select(func.count()).select_from(NumberSequence)) == series_before
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_a_broken_file_is_refused_plainly(session, office, tmp_path) -> None:  # noqa: ANN001
    broken = tmp_path / "台账.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is no workbook")
    with pytest.raises(SpreadsheetError, match="已损坏"):
        check(session, office.keeper, broken)
    no_title = sheet(tmp_path / "无题名.xlsx", [["WS", 2015]], ["门类", "年度"])
    with pytest.raises(SpreadsheetError, match="没有「题名」列"):
        check(session, office.keeper, no_title)


def test_who_may_import_what(session, office, tmp_path) -> None:  # noqa: ANN001
    path = sheet(tmp_path / "台账.xlsx", [
        [None, "机密文件", "文书", 2015, "D10", "机密", "YXB", 3, "2016-01-01"],
    ])  # fmt: skip
    with pytest.raises(PermissionDenied, match="档案·导入"):
        check(session, office.clerk, path)
    lines = check(session, office.admin, path).problem_lines()  # not cleared
    assert lines == ["第 2 行，F 密级 列：机密档案只有档案管理员、总经理和副总经理可以导入。"]


def _ledger(session: Session) -> dict[str, tuple[object, ...]]:
    return {
        n: (v.title, v.category_code, v.year, v.period_code, v.secrecy, v.org_code, v.pages,
            v.copies, v.filed_on, v.state, v.appraisal_due_on)
        for n, v in volumes(session).items()
    }  # fmt: skip


def test_an_exported_ledger_imports_back_into_an_empty_store(
    session,
    office,
    tmp_path,  # noqa: ANN001
) -> None:
    preview = check(session, office.keeper, sheet(tmp_path / "in.xlsx", GOOD))
    archive_import.write_rows(session, office.keeper, preview, False)
    exported = tmp_path / "台账导出.xlsx"
    assert documents.export_archives(session, office.keeper, exported) == 5
    engine = make_engine(sqlite_store(tmp_path / "empty.sqlite3").url)
    upgrade_database(engine)
    with make_session_factory(engine)() as empty:
        bootstrap.ensure_defaults(empty)
        keeper = make_office(empty, bootstrap.administrator(empty)).keeper
        preview = check(empty, keeper, exported)
        assert preview.problem_lines() == [] and preview.unknown_headers == []
        assert archive_import.write_rows(empty, keeper, preview, False) == 5
        assert _ledger(empty) == _ledger(session)
    engine.dispose()
