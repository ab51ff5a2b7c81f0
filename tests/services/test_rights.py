"""Rights are enforced in the services (DESIGN rule 2): every role tries every service call
and is allowed or refused exactly as the store's rights table says; scope tests show a
客户开发专员 only their own customers in the list, the search, the count, the export and
the PDF, and a department head their department's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import Department, User
from desktop_crm.services import (
    accounts,
    audit,
    customer_import,
    customers,
    lookups,
    rights,
    staff,
)
from desktop_crm.services.audit_list import audit_query
from desktop_crm.services.customer_fields import ROLES
from desktop_crm.services.customer_list import customer_query, find_customers
from desktop_crm.services.errors import PermissionDenied
from desktop_crm.services.rights import ACTIONS, AREAS, DEFAULT_RIGHTS, widest_scope
from desktop_crm.services.spreadsheet_reader import open_table
from tests.pdf_text import pdf_text


def department_id(session: Session, code: str) -> int:
    return session.scalar(select(Department.id).where(Department.code == code))


def person(session: Session, admin: User, name: str, code: str, *roles: str) -> User:
    data = staff.StaffInput(name=name, department_id=department_id(session, code), roles=roles)
    return staff.save_staff(session, admin, data)


# ------------------------------------------------------------------ the defaults as data


def test_every_role_of_the_domain_has_a_row_and_only_known_rights() -> None:
    assert set(DEFAULT_RIGHTS) == set(ROLES)
    for granted in DEFAULT_RIGHTS.values():
        for (area, action), scope in granted.items():
            assert area in AREAS and action in ACTIONS and scope in rights.SCOPES


@pytest.mark.parametrize(
    ("roles", "area", "action", "scope"),
    [
        (["客户开发专员"], "customers", "view", "本人"),
        (["部门负责人"], "customers", "view", "本部门"),
        (["总经理"], "customers", "view", "全部"),
        (["客户开发专员"], "customers", "export", None),  # copying customer files
        (["部门负责人"], "customers", "export", None),
        (["总经理"], "customers", "export", "全部"),
        (["系统管理员"], "customers", "export", "全部"),
        (["客户开发专员", "部门负责人"], "customers", "edit", "本部门"),  # the wider one wins
        (["档案管理员"], "customers", "view", None),
        (["质检员"], "complaints", "edit", "全部"),
        (["副总经理"], "audit", "view", None),  # the log is for the administrator and 总经理
        (["总经理"], "audit", "view", "全部"),
    ],
)
def test_default_scope_per_role(roles, area, action, scope) -> None:  # noqa: ANN001
    assert widest_scope(roles, area, action, DEFAULT_RIGHTS) == scope


def test_a_fresh_store_holds_the_defaults(session) -> None:  # noqa: ANN001
    assert rights.table(session) == DEFAULT_RIGHTS


# ------------------------------------------------------------------ every role, every call


@dataclass
class World:
    """What the calls work on: the actor's own customer, a colleague, a spreadsheet."""

    actor: User
    admin: User
    customer_id: int
    colleague_id: int
    sheet: Path
    out: Path


@dataclass(frozen=True)
class Call:
    name: str
    area: str
    action: str
    run: Callable[[Session, World], object]


def _sheet(path: Path, owner: str) -> Path:
    book = Workbook()
    book.active.append(["客户名称", "客户经理"])
    book.active.append(["导入测试有限公司", owner])
    book.save(path)
    return path


def _check_import(session: Session, w: World) -> object:
    with open_table(w.sheet) as source:
        mapping, _ = customer_import.match_headers(source.headers)
        preview = customer_import.check_rows(session, w.actor, source, mapping)
    assert not preview.all_problems, preview.all_problems
    return customer_import.write_rows(session, w.actor, preview, skip_invalid=False)


CALLS = [
    Call("客户名册", "customers", "view", lambda s, w: customer_query(s, w.actor).count(s)),
    Call("查找客户", "customers", "view", lambda s, w: find_customers(s, w.actor, "测试")),
    Call("打开客户卡", "customers", "view", lambda s, w: customers.open_customer(s, w.actor, w.customer_id)),
    Call("变更记录", "customers", "view", lambda s, w: customers.history(s, w.actor, w.customer_id)),
    Call("附件列表", "customers", "view", lambda s, w: customers.attachments(s, w.actor, w.customer_id)),
    Call("登记客户", "customers", "create", lambda s, w: customers.save_customer(s, w.actor, {"name": "新登记有限公司"})),
    Call("修改客户", "customers", "edit", lambda s, w: customers.save_customer(s, w.actor, {"phone": "029-88886666"}, customer_id=w.customer_id)),
    Call("跟进记录", "customers", "edit", lambda s, w: customers.add_followup(s, w.actor, w.customer_id, "2026-11-20", "电话", "回访")),
    Call("年度购货", "customers", "edit", lambda s, w: customers.set_purchase(s, w.actor, w.customer_id, 2025, "10", "5000")),
    Call("移交客户", "customers", "reassign", lambda s, w: customers.reassign_customers(s, w.actor, w.actor.id, w.colleague_id)),
    Call("导入客户", "customers", "import", _check_import),
    Call("导出名册", "customers", "export", lambda s, w: documents.export_list(s, w.actor, customer_query(s, w.admin), w.out / "名册.xlsx", "客户名册")),
    Call("打印客户卡", "customers", "print", lambda s, w: documents.customer_card_pdf(s, w.actor, w.customer_id)),
    Call("审计日志", "audit", "view", lambda s, w: audit_query(s, w.actor).count(s)),
    Call("账户列表", "accounts", "view", lambda s, w: accounts.account_rows(s, w.actor)),
    Call("新建账户", "accounts", "create", lambda s, w: accounts.add_account(s, w.actor, "newbie", "新人", "YXB", ["客户服务专员"])),
    Call("重设密码", "accounts", "edit", lambda s, w: accounts.set_password(s, w.actor, w.colleague_id, "Xinmima2026")),
    Call("修改权限", "accounts", "edit", lambda s, w: rights.set_right(s, w.actor, "质检员", "customers", "print", "全部")),
    Call("下拉选项", "settings", "edit", lambda s, w: lookups.add_value(s, w.actor, "region", "新区域")),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_call_exactly_what_the_rights_table_gives(
    session, admin, tmp_path, role
) -> None:  # noqa: ANN001
    accounts.set_password(session, admin, admin.id, "Guanli2026")  # so others may get one
    actor = person(session, admin, "测试员", "YXB", role)
    colleague = person(session, admin, "同事", "YXB", "客户开发专员")
    customer = customers.save_customer(
        session, admin, {"name": "测试客户有限公司", "owner_id": actor.id}
    )
    world = World(
        actor, admin, customer.id, colleague.id, _sheet(tmp_path / "导入.xlsx", "测试员"), tmp_path
    )
    table = rights.table(session)
    for call in CALLS:
        allowed = widest_scope([role], call.area, call.action, table) is not None
        entries = audit.count(session)
        if allowed:
            call.run(session, world)
        else:
            with pytest.raises(PermissionDenied, match=rights.right_name(call.area, call.action)):
                call.run(session, world)
            session.rollback()
            assert audit.count(session) == entries, f"{role} {call.name}: refused but recorded"
        if call.name == "移交客户" and allowed:  # give the customer back for the calls after
            customers.reassign_customers(session, admin, colleague.id, actor.id)


def test_a_right_taken_away_in_the_table_is_refused_at_once(session, admin) -> None:  # noqa: ANN001
    seller = person(session, admin, "张伟", "YXB", "客户开发专员")
    customers.save_customer(session, admin, {"name": "甲有限公司", "owner_id": seller.id})
    assert customer_query(session, seller).count(session) == 1
    rights.set_right(session, admin, "客户开发专员", "customers", "view", None)
    with pytest.raises(PermissionDenied, match="客户档案·查看"):
        customer_query(session, seller)


def test_a_retired_account_has_no_rights(session, admin) -> None:  # noqa: ANN001
    seller = person(session, admin, "张伟", "YXB", "客户开发专员")
    staff.save_staff(
        session,
        admin,
        staff.StaffInput(
            name="张伟", department_id=seller.department_id, roles=["客户开发专员"], active=False
        ),
        seller.id,
    )
    with pytest.raises(PermissionDenied):
        customer_query(session, seller)


# ------------------------------------------------------------------ scope


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    """Two salespeople in 市场营销部, their head, one in 售后服务部; customers for each."""
    zhang = person(session, admin, "张伟", "YXB", "客户开发专员")
    li = person(session, admin, "李娜", "YXB", "客户开发专员")
    head = person(session, admin, "王总监", "YXB", "部门负责人")
    zhao = person(session, admin, "赵强", "SHB", "客户开发专员")
    boss = person(session, admin, "周强", "BGS", "总经理")
    owned = {
        zhang: ["河北工程集团有限公司", "河北建材有限公司"],
        li: ["河南商混站"],
        zhao: ["河北售后客户有限公司"],
    }
    codes = {}
    for owner, names in owned.items():
        for name in names:
            customer = customers.save_customer(session, admin, {"name": name, "owner_id": owner.id})
            codes[name] = customer.code
    return {"zhang": zhang, "li": li, "head": head, "zhao": zhao, "boss": boss, "codes": codes}


def names(session: Session, actor: User, search: str = "") -> list[str]:
    query = customer_query(session, actor, search, sort_key="name")
    return [row[2] for row in query.page(session, 0, 100)]


def test_a_salesperson_sees_only_their_customers_in_list_search_and_count(session, office) -> None:  # noqa: ANN001
    zhang = office["zhang"]
    assert names(session, zhang) == ["河北工程集团有限公司", "河北建材有限公司"]
    assert customer_query(session, zhang).count(session) == 2
    assert names(session, zhang, "河北") == ["河北工程集团有限公司", "河北建材有限公司"]
    assert customer_query(session, zhang, "河北").count(session) == 2  # not the 售后 one
    assert [n for _, n in find_customers(session, zhang, "hb")] == names(session, zhang)
    assert names(session, zhang, "河南") == []


def test_a_department_head_sees_the_department_and_the_boss_all(session, office) -> None:  # noqa: ANN001
    assert customer_query(session, office["head"]).count(session) == 3
    assert "河北售后客户有限公司" not in names(session, office["head"])
    assert customer_query(session, office["boss"]).count(session) == 4


def test_another_salespersons_file_is_refused_to_open_edit_and_print(session, office) -> None:  # noqa: ANN001
    zhang, codes = office["zhang"], office["codes"]
    other = customers.get_by_code(session, office["li"], codes["河南商混站"])
    for attempt in (
        lambda: customers.open_customer(session, zhang, other.id),
        lambda: customers.get_by_code(session, zhang, codes["河南商混站"]),
        lambda: customers.history(session, zhang, other.id),
        lambda: customers.save_customer(session, zhang, {"phone": "0311-1"}, customer_id=other.id),
        lambda: documents.customer_card_pdf(session, zhang, other.id),
    ):
        with pytest.raises(PermissionDenied, match="河南商混站"):
            attempt()
        session.rollback()
    # and the salesperson may not hand their own file to someone they cannot see
    mine = customers.get_by_code(session, zhang, codes["河北建材有限公司"])
    with pytest.raises(PermissionDenied):
        customers.save_customer(session, zhang, {"owner_id": office["li"].id}, customer_id=mine.id)


def test_the_salesperson_s_export_and_pdf_hold_only_their_own_files(
    session, admin, office, tmp_path
) -> None:  # noqa: ANN001
    zhang = office["zhang"]
    rights.set_right(session, admin, "客户开发专员", "customers", "export", "本人")
    target = tmp_path / "名册.xlsx"
    assert (
        documents.export_list(session, zhang, customer_query(session, zhang), target, "客户名册")
        == 2
    )
    book = load_workbook(target)
    exported = {cell.value for row in book.active.iter_rows() for cell in row}
    assert {"河北工程集团有限公司", "河北建材有限公司"} <= exported
    assert not {"河南商混站", "河北售后客户有限公司"} & exported
    assert "内部资料" in book.properties.description

    mine = customers.get_by_code(session, zhang, office["codes"]["河北工程集团有限公司"])
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(documents.customer_card_pdf(session, zhang, mine.id))
    text = pdf_text(pdf.read_bytes())
    assert "河北工程集团有限公司" in text and "内部资料" in text


def test_import_refuses_rows_for_someone_out_of_reach(session, office, tmp_path) -> None:  # noqa: ANN001
    sheet = _sheet(tmp_path / "导入.xlsx", "李娜")
    with open_table(sheet) as source:
        mapping, _ = customer_import.match_headers(source.headers)
        preview = customer_import.check_rows(session, office["zhang"], source, mapping)
    assert [p.message for p in preview.all_problems] == [
        customer_import.OWNER_OUT_OF_REACH.split("：", 1)[1]
    ]
    assert not preview.valid


def test_opening_a_card_is_recorded_as_a_view(session, office) -> None:  # noqa: ANN001
    zhang = office["zhang"]
    mine = customers.get_by_code(session, zhang, office["codes"]["河北工程集团有限公司"])
    customers.open_customer(session, zhang, mine.id)
    last = audit_query(session, office["boss"], act=audit.VIEW).page(session, 0, 1)
    assert last and mine.code in str(last[0])
