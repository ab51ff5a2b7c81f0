"""投诉登记簿 as a list: its columns, filters, search (number, customer, pinyin, text), sort,
the rights scope in SQL, and the export of what is shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import User
from desktop_crm.services import complaint_list, complaints, customers
from desktop_crm.services.complaint_list import COLUMNS, ComplaintListQuery, complaint_query
from desktop_crm.services.errors import PermissionDenied
from tests.services.test_complaints import HEADS, Office, office, person  # noqa: F401

TODAY = date(2026, 10, 12)


@dataclass
class Register:
    office: Office
    first: int  # TS2025-0001 zhang's 河北工程集团: 产品质量, closed-looking history aside
    damp: int  # TS2026-0001 zhang's 河北工程集团: 受潮结块, reported, cause ours → overdue
    rude: int  # TS2026-0002 li's 西安华盛商混站: 服务态度, 重大质量事故, just registered
    bags: int  # TS2026-0003 zhang's 单县建材经销部: 袋数不足, reported, investigating


@pytest.fixture
def register(session: Session, office: Office) -> Register:  # noqa: F811
    clerk = office.clerk
    shan = customers.save_customer(
        session, office.admin, {"name": "单县建材经销部", "owner_id": office.zhang.id}
    )

    def new(customer: int, **values: object) -> int:
        data: dict[str, object] = {
            "channel": "电话",
            "customer_id": customer,
            "category": "产品质量",
            "content": "水泥强度不够",
            **values,
        }
        return complaints.register(session, clerk, data).id

    first = new(office.zhang_customer, received_at="2025-12-30 09:00")
    damp = new(
        office.zhang_customer,
        received_at="2026-09-30 09:00",
        category="受潮结块",
        content="工地收到的水泥受潮结块，袋子破损",
    )
    complaints.report(session, clerk, damp, HEADS, "2026-09-30 10:00")
    complaints.find_cause(
        session, office.inspector, damp, complaints.CAUSE_OURS, office.qc_department,
        found_at="2026-09-30 16:00",
    )  # fmt: skip  # solution due 2026-10-10: overdue on TODAY
    rude = new(
        office.li_customer,
        received_at="2026-10-12 08:30",
        category="服务态度",
        content="司机态度恶劣",
        accident="重大质量事故",
    )
    bags = new(shan.id, received_at="2026-10-09 14:00", category="袋数不足", content="少了两袋")
    complaints.report(session, clerk, bags, HEADS, "2026-10-09 15:00")
    return Register(office, first, damp, rude, bags)


def ids(session: Session, query) -> list[int]:  # noqa: ANN001
    return [row[0] for row in query.page(session, 0, 100)]


def shown(session: Session, actor: User, search: str = "", **filters: object) -> list[int]:
    query = complaint_query(session, actor, search, filters, today=TODAY)
    found = ids(session, query)
    assert query.count(session) == len(found)
    return found


def test_columns_as_the_issue_names_them() -> None:
    assert [c.title for c in COLUMNS] == [
        "投诉编号", "受理时间", "客户", "投诉类别", "状态", "轮次", "下一期限", "期限事项",
        "责任部门", "受理人", "重大事故",
    ]  # fmt: skip
    assert next(c for c in COLUMNS if c.key == "due_on").kind == "date"


def test_rows_read_as_the_clerk_expects_newest_first(session, register) -> None:  # noqa: ANN001
    query = complaint_query(session, register.office.clerk, today=TODAY)
    assert isinstance(query, ComplaintListQuery)
    rows = query.page(session, 0, 10)
    assert [row[0] for row in rows] == [register.rude, register.bags, register.damp, register.first]
    damp = next(row for row in rows if row[0] == register.damp)
    values = dict(zip([c.key for c in COLUMNS], damp[1:], strict=True))
    assert values == {
        "number": "TS2026-0001",
        "received_at": values["received_at"],
        "customer": "河北工程集团有限公司",
        "category": "受潮结块",
        "state": "处理中",
        "round": 1,
        "due_on": date(2026, 10, 10),
        "due_what": "提出处理方案",
        "department": "质检部",
        "received_by": "陈客服",
        "accident": None,
    }
    assert [row[1] for row in query.page(session, 1, 2)] == ["TS2026-0003", "TS2026-0001"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"state": "已登记"}, ["rude", "first"]),
        ({"state": ["处理中", "调查核实", "已上报"]}, ["bags", "damp"]),
        ({"category": "袋数不足"}, ["bags"]),
        ({"overdue": True}, ["damp", "first"]),  # rude is due today, bags has no clock
        ({"accident": True}, ["rude"]),
        ({"period": (date(2026, 10, 1), date(2026, 10, 12))}, ["rude", "bags"]),
        ({"period": (None, date(2026, 9, 30))}, ["damp", "first"]),
        ({"state": "已登记", "accident": True}, ["rude"]),
    ],
)
def test_filters(session, register, filters, expected) -> None:  # noqa: ANN001
    names = {getattr(register, n): n for n in ("first", "damp", "rude", "bags")}
    assert [names[i] for i in shown(session, register.office.clerk, **filters)] == expected


def test_customer_and_department_filters(session, register) -> None:  # noqa: ANN001
    people = register.office
    assert shown(session, people.clerk, customer_id=people.li_customer) == [register.rude]
    qc = people.qc_department
    assert shown(session, people.clerk, responsible_department_id=qc) == [register.damp]
    with pytest.raises(KeyError):
        complaint_query(session, people.clerk, "", {"colour": "red"})


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("TS2026-000", ["rude", "bags", "damp"]),
        ("ts2025", ["first"]),
        ("2026-0002", ["rude"]),
        ("0003", ["bags"]),  # digits inside the number
        ("河北工程", ["damp", "first"]),  # the customer's name
        ("河", ["damp", "first"]),  # one Hanzi: the customer only
        ("hbgc", ["damp", "first"]),  # pinyin initials
        ("hb", ["damp", "first"]),
        ("xa", ["rude"]),
        ("xianhua", ["rude"]),  # full pinyin
        ("sxjc", ["bags"]),  # 单县 read shan xian
        ("dxjc", ["bags"]),
        ("受潮", ["damp"]),  # two Hanzi: the text of the complaint too
        ("态度恶劣", ["rude"]),
        ("强度", ["first"]),
        ("潮", []),  # one Hanzi never searches the text
        ("不存在的词", []),
        ("zzzz", []),
    ],
)
def test_search(session, register, search, expected) -> None:  # noqa: ANN001
    names = {getattr(register, n): n for n in ("first", "damp", "rude", "bags")}
    assert [names[i] for i in shown(session, register.office.clerk, search)] == expected


def test_sort_by_customer_follows_pinyin_and_by_deadline(session, register) -> None:  # noqa: ANN001
    clerk = register.office.clerk
    by_customer = complaint_query(session, clerk, sort_key="customer", today=TODAY)
    assert [row[3] for row in by_customer.page(session, 0, 10)] == [
        "单县建材经销部", "河北工程集团有限公司", "河北工程集团有限公司", "西安华盛商混站",
    ]  # fmt: skip  # dan < he < xi
    by_due = complaint_query(session, clerk, sort_key="due_on", descending=True, today=TODAY)
    assert by_due.sorted_by("due_on").__class__ is ComplaintListQuery
    dues = [row[7] for row in by_due.page(session, 0, 10) if row[7] is not None]
    assert dues == sorted(dues, reverse=True)


@pytest.mark.parametrize("tier", ["drive", "collect", "exists"])
def test_a_salesperson_sees_only_complaints_of_own_customers(
    session, register, monkeypatch, tier, admin
) -> None:  # noqa: ANN001
    # The scope is asked three ways by the size of the reach; each gives the same rows.
    if tier != "drive":
        monkeypatch.setattr(complaint_list, "DRIVE_BY_CUSTOMERS", 0)
    if tier == "exists":
        monkeypatch.setattr(complaint_list, "COLLECT_CUSTOMERS", 0)
    people = register.office
    assert shown(session, people.zhang) == [register.bags, register.damp, register.first]
    assert shown(session, people.li) == [register.rude]
    assert shown(session, people.zhang, "xa") == []
    assert shown(session, people.zhang, "TS2026-0002") == []
    assert shown(session, people.zhang, "态度") == []
    assert shown(session, people.zhang, overdue=True) == [register.damp, register.first]
    head = person(session, admin, "王总监", "YXB", "部门负责人")  # zhang's department
    assert shown(session, head) == [register.bags, register.damp, register.first]
    assert len(shown(session, people.inspector)) == 4


def test_someone_without_the_right_is_refused(session, register) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied, match="投诉·查看"):
        complaint_query(session, register.office.archivist)


def test_export_writes_the_list_as_shown(session, register, tmp_path) -> None:  # noqa: ANN001
    admin = register.office.admin
    query = complaint_query(session, admin, "河北", sort_key="number", today=TODAY)
    path = tmp_path / "投诉.xlsx"
    count = documents.export_list(
        session, admin, query, path, "投诉登记簿", detail="查找：河北", object_type="complaint_list"
    )
    assert count == 2
    sheet = load_workbook(path).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in cells if row and row[0] == "投诉编号")
    assert header[:4] == ["投诉编号", "受理时间", "客户", "投诉类别"]
    numbers = [row[0] for row in cells[cells.index(header) + 1 :] if row[0]]
    assert numbers == ["TS2025-0001", "TS2026-0001"]
    with pytest.raises(PermissionDenied, match="投诉·导出"):
        documents.export_list(
            session, register.office.clerk, query, tmp_path / "x.xlsx", "投诉登记簿",
            object_type="complaint_list",
        )  # fmt: skip
