"""Importing the office's customer spreadsheet: per-row reasons, collisions, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from desktop_crm.models import Contact, Customer
from desktop_crm.services import bootstrap, customer_import, customers, staff
from desktop_crm.services.customer_import import ImportRefused
from desktop_crm.services.spreadsheet_reader import open_table

HEADERS = [
    "客户名称",
    "简称",
    "统一社会信用代码",
    "电话",
    "客户类别",
    "首次接触日期",
    "负责人",
    "联系人",
    "手机",
    "微信号",
]


def workbook(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def check(session, path: Path):  # noqa: ANN001, ANN201
    admin = bootstrap.administrator(session)
    with open_table(path) as source:
        mapping, unknown = customer_import.match_headers(source.headers)
        return customer_import.check_rows(session, admin, source, mapping), unknown


def count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Customer))


def test_headers_matched_by_chinese_names_and_aliases() -> None:
    mapping, unknown = customer_import.match_headers(HEADERS)
    assert mapping[0] == "name" and mapping[6] == "owner_id" and mapping[7] == "contact.name"
    assert unknown == ["微信号"]


def test_every_bad_row_listed_with_row_column_and_reason(session, admin, tmp_path) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "客户.xlsx",
        [
            [
                "河北工程集团有限公司",
                "河北工程",
                "91110000600037341L",
                "0311-87654321",
                "重点工程",
                "2026-03-01",
                None,
                "王建国",
                "13812345678",
                "x",
            ],
            [
                "坏信用代码公司",
                None,
                "91110000600037341X",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            [None, "没有名称", None, None, None, None, None, None, None, None],
            ["坏日期公司", None, None, None, None, "明年春天", None, None, None, None],
            ["坏类别公司", None, None, None, "火星客户", None, None, None, None, None],
            ["河北工程集团有限责任公司", None, None, None, None, None, None, None, None, None],
        ],
    )
    preview, _ = check(session, path)
    lines = customer_import.problem_lines(preview.all_problems)
    assert preview.total_rows == 6 and len(preview.valid) == 1
    assert any(
        line.startswith("第 3 行，C 统一社会信用代码 列") and "校验位" in line for line in lines
    )
    assert any(line.startswith("第 4 行，A 客户名称 列") and "必须填写" for line in lines)
    assert any(line.startswith("第 5 行，F 首次接触日期 列") for line in lines)
    assert any(
        line.startswith("第 6 行，E 客户类别 列") and "不在可选列表" in line for line in lines
    )
    assert any(line.startswith("第 7 行") and "与本表第 2 行名称相同" in line for line in lines)
    with pytest.raises(ImportRefused):
        customer_import.write_rows(session, admin, preview, skip_invalid=False)
    assert count(session) == 0
    assert customer_import.write_rows(session, admin, preview, skip_invalid=True) == 1
    customer = session.scalar(select(Customer))
    assert (customer.code, customer.category, customer.first_contact_date.isoformat()) == (
        "KH000001",
        "重点工程",
        "2026-03-01",
    )
    contact = session.scalar(select(Contact))
    assert (contact.name, contact.mobile, contact.is_primary) == ("王建国", "13812345678", True)
    assert customers.history(session, admin, customer.id)[0].field == "登记"


def test_collision_with_existing_customer_is_flagged(session, admin, tmp_path) -> None:  # noqa: ANN001
    existing = customers.save_customer(
        session, admin, {"name": "西安华盛商混站", "phone": "029-88886666"}
    )
    path = workbook(
        tmp_path / "c.xlsx",
        [["新公司", None, None, "02988886666", None, None, None, None, None, None]],
    )
    preview, _ = check(session, path)
    assert not preview.valid
    assert (
        existing.code in preview.collisions[0].message and "电话" in preview.collisions[0].message
    )


def test_owner_column_by_name_else_importing_user(session, admin, tmp_path) -> None:  # noqa: ANN001
    seller = staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=None, roles=["客户开发专员"])
    )
    path = workbook(
        tmp_path / "o.xlsx",
        [
            ["甲公司", None, None, None, None, None, "张伟", None, None, None],
            ["乙公司", None, None, None, None, None, None, None, None, None],
            ["丙公司", None, None, None, None, None, "查无此人", None, None, None],
        ],
    )
    preview, _ = check(session, path)
    assert [p.line() for p in preview.problems] == [
        "第 4 行，G 负责人 列：人员名单里没有「查无此人」。"
    ]
    customer_import.write_rows(session, admin, preview, skip_invalid=True)
    owners = dict(session.execute(select(Customer.name, Customer.owner_id)).all())
    assert owners == {"甲公司": seller.id, "乙公司": admin.id}


def test_failure_while_writing_leaves_nothing(session, admin, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = workbook(
        tmp_path / "f.xlsx",
        [[f"公司{i}", None, None, None, None, None, None, None, None, None] for i in range(1200)],
    )
    preview, _ = check(session, path)
    calls = {"n": 0}
    original = customer_import.search_columns

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 1100:
            raise OSError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(customer_import, "search_columns", failing)
    with pytest.raises(OSError):
        customer_import.write_rows(session, admin, preview, skip_invalid=False)
    assert count(session) == 0
    monkeypatch.setattr(customer_import, "search_columns", original)
    assert customer_import.write_rows(session, admin, preview, skip_invalid=False) == 1200
    assert (
        session.scalar(select(func.max(Customer.code))) == "KH001200"
    )  # the failed try left no gap
