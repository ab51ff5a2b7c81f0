"""The archive ledger's services (DOMAIN §5): filing with every field checked and nothing
partial, the 密级 rules, the documents and their 页号, the notes, locations and moves, the
access log, clearance and scope, and 归档 from a customer card."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from desktop_crm.models import (
    ArchiveAccess,
    ArchiveItem,
    ArchiveNote,
    ArchiveVolume,
    AuditEntry,
    NumberSequence,
)
from desktop_crm.services import (
    archive_customers,
    archive_items,
    archive_locations,
    archive_scope,
    archive_settings,
    archives,
    customers,
)
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError
from tests.services.archive_office import file, make_office

THREE_DOCUMENTS = [
    {"doc_number": "营销发〔2026〕3号", "author": "市场营销部", "title": "关于走访计划的请示",
     "doc_date": "2026-02-01", "pages": 3, "kind": "请示"},
    {"doc_number": "总经办〔2026〕5号", "author": "总经理办公室", "title": "关于走访计划的批复",
     "doc_date": "2026-02-05", "pages": 2, "kind": "批复"},
    {"title": "一季度走访记录", "author": "市场营销部", "doc_date": "2026-03-31", "pages": 7},
]  # fmt: skip


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    return make_office(session, admin)


def volume_count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(ArchiveVolume)) or 0


# ------------------------------------------------------------------ filing


def test_filing_generates_the_number_and_fills_the_defaults(session, office) -> None:  # noqa: ANN001
    volume = file(session, office.clerk, office, THREE_DOCUMENTS, pages=None)
    assert volume.number == "Z001-WS·2026-D10-YXB-0001"
    assert (volume.fonds_code, volume.case_no, volume.org_code) == ("Z001", 1, "YXB")
    assert volume.state == "在库"
    assert volume.secrecy == "内部"
    assert volume.compiler == "钱程"
    assert volume.pages == 12 and volume.copies == 3  # from the documents
    assert volume.appraisal_due_on == date(2037, 1, 1)  # 2026 + 10 years from 2027-01-01
    assert [i.seq for i in volume.items] == [1, 2, 3]
    rows = archive_items.catalogue(volume)
    assert [r["page_no"] for r in rows] == ["1", "4", "6-12"]
    second = file(session, office.clerk, office, title="第二卷")
    assert second.number.endswith("-0002")
    assert second.pages == 12 and second.copies == 1


def test_the_period_comes_from_the_retention_schedule(session, office) -> None:  # noqa: ANN001
    volume = file(session, office.keeper, office, category_code="KH", period_code=None)
    assert volume.period_code == "D10" and volume.number == "Z001-KH·2026-D10-YXB-0001"
    contract = file(session, office.keeper, office, category_code="合同协议", period_code="")
    assert contract.period_code == "D30"
    forever = file(session, office.keeper, office, category_code="人事", period_code="永久")
    assert forever.period_code == "Y" and forever.appraisal_due_on is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "题名：必须填写"),
        ({"category_code": "杂项"}, "category_code", "门类：应为：文书"),
        ({"year": "二〇二六"}, "year", "年度：请填整数"),
        ({"year": 1800}, "year", "年度：应在 1900"),
        ({"period_code": "5年"}, "period_code", "保管期限：应为：永久"),
        ({"department_id": "销售科"}, "department_id", "责任部门：请从列表中选择"),
        ({"secrecy": "高度机密"}, "secrecy", "密级：应为：公开"),
        ({"pages": 0}, "pages", "页数：应在 1"),
        ({"pages": None}, "pages", "页数：没有卷内文件目录时必须填写"),
        ({"filed_on": "2026-02-30"}, "filed_on", "不是有效日期"),
        ({"filed_on": "2099-01-01"}, "filed_on", "归档日期：不能晚于今天"),
        ({"secrecy_years": 5}, "secrecy_years", "内部档案不填保密期限"),
        ({"customer_id": 99999}, "customer_id", "关联客户：所选项已不存在"),
    ],
)
def test_a_refused_filing_writes_nothing_and_takes_no_number(
    session, office, changes, field, message
) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        file(session, office.keeper, office, **changes)
    assert message in refused.value.by_field[field]
    session.rollback()
    assert volume_count(session) == 0
    assert session.scalar(select(func.count()).select_from(NumberSequence).where(
        NumberSequence.name.like("DA:%"), NumberSequence.next_value > 1)) == 0  # fmt: skip
    assert file(session, office.keeper, office).number.endswith("-0001")


def test_every_problem_is_reported_at_once_with_the_documents(session, office) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        file(
            session, office.keeper, office,
            [{"title": "", "pages": "x"}, {"title": "好的", "doc_date": "昨天"}],
            title="", year="x",
        )  # fmt: skip
    fields = set(refused.value.by_field)
    assert {"title", "year", "items.1.title", "items.1.pages", "items.2.doc_date"} <= fields
    assert volume_count(session) == 0


def test_shorthand_values_as_an_office_writes_them(session, office) -> None:  # noqa: ANN001
    volume = file(
        session, office.keeper, office,
        category_code="ws", period_code="长期", department_id="质检部", secrecy="非密",
    )  # fmt: skip
    assert volume.number == "Z001-WS·2026-D30-ZJB-0001"
    assert volume.secrecy == "内部"


# ------------------------------------------------------------------ 密级


def test_top_secret_documents_are_filed_in_volumes_of_their_own(session, office) -> None:  # noqa: ANN001
    mixed = [{"title": "绝密件", "secrecy": "绝密"}, {"title": "普通件", "secrecy": "内部"}]
    with pytest.raises(ValidationError) as refused:
        file(session, office.keeper, office, mixed, secrecy="绝密")
    assert "绝密文件须单独立卷" in refused.value.by_field["secrecy"]
    assert "《普通件》" in refused.value.by_field["secrecy"]
    with pytest.raises(ValidationError) as refused:
        file(session, office.keeper, office, [{"title": "绝密件", "secrecy": "绝密"}])
    assert "绝密文件须单独立卷" in refused.value.message
    assert volume_count(session) == 0
    top = file(session, office.keeper, office, [{"title": "绝密件"}], secrecy="绝密")
    assert top.secrecy_until == date(2056, 3, 2)  # 30 years by default (保密法 第十五条)
    with pytest.raises(ValidationError, match="绝密文件须单独立卷"):
        archive_items.add_item(session, office.keeper, top.id, {"title": "附件", "secrecy": "秘密"})
    plain = file(session, office.keeper, office, [{"title": "普通件"}])
    with pytest.raises(ValidationError, match="绝密文件须单独立卷"):
        archive_items.add_item(
            session, office.keeper, plain.id, {"title": "密件", "secrecy": "绝密"}
        )
    with pytest.raises(ValidationError, match="案卷密级不能低于它"):
        archive_items.add_item(
            session, office.keeper, plain.id, {"title": "密件", "secrecy": "机密"}
        )
    assert [i.title for i in session.get(ArchiveVolume, plain.id).items] == ["普通件"]


def test_secrets_carry_a_term(session, office) -> None:  # noqa: ANN001
    secret = file(session, office.keeper, office, secrecy="秘密", secrecy_years=5)
    assert (secret.secrecy_years, secret.secrecy_until) == (5, date(2031, 3, 2))
    dated = file(session, office.keeper, office, secrecy="机密", secrecy_until="2040-12-31")
    assert dated.secrecy_until == date(2040, 12, 31)
    with pytest.raises(ValidationError, match="应晚于归档日期"):
        file(session, office.keeper, office, secrecy="机密", secrecy_until="2026-01-01")


# ------------------------------------------------------------------ editing


def test_an_edit_keeps_the_number_and_records_each_change(session, office) -> None:  # noqa: ANN001
    volume = file(session, office.keeper, office)
    archives.update_volume(
        session, office.keeper, volume.id, {"title": "客户走访文件汇编", "checker": "孙丽"},
        expected_version=volume.version,
    )  # fmt: skip
    assert volume.title == "客户走访文件汇编" and volume.number.endswith("-0001")
    changed = session.scalars(
        select(AuditEntry.field).where(AuditEntry.object_type == "archive_volume",
                                       AuditEntry.act == "修改")
    ).all()  # fmt: skip
    assert sorted(changed) == ["检查人", "题名"]
    with pytest.raises(ValidationError, match="档号的组成部分"):
        archives.update_volume(session, office.keeper, volume.id, {"year": 2025})
    with pytest.raises(Conflict, match="刚被别人修改过"):
        archives.update_volume(
            session, office.keeper, volume.id, {"title": "x"}, expected_version=1
        )


def test_the_documents_keep_the_counts_and_the_order(session, office) -> None:  # noqa: ANN001
    volume = file(session, office.keeper, office, THREE_DOCUMENTS)
    added = archive_items.add_item(
        session, office.keeper, volume.id, {"title": "走访照片", "pages": 4}, position=1
    )
    assert [i.title for i in volume.items][:2] == ["走访照片", "关于走访计划的请示"]
    assert (volume.pages, volume.copies) == (16, 4)
    archive_items.move_item(session, office.keeper, added.id, +2)
    session.expire_all()
    volume = session.get(ArchiveVolume, volume.id)
    assert [i.title for i in volume.items] == [
        "关于走访计划的请示", "关于走访计划的批复", "走访照片", "一季度走访记录"
    ]  # fmt: skip
    assert [r["page_no"] for r in archive_items.catalogue(volume)] == ["1", "4", "6", "10-16"]
    archive_items.update_item(session, office.keeper, added.id, {"pages": 1})
    assert volume.pages == 13
    archive_items.delete_item(session, office.keeper, volume.items[0].id)
    assert [i.seq for i in volume.items] == [1, 2, 3] and volume.copies == 3
    ids = [i.id for i in reversed(volume.items)]
    archive_items.reorder_items(session, office.keeper, volume.id, ids)
    session.expire_all()
    assert [i.id for i in session.get(ArchiveVolume, volume.id).items] == ids
    with pytest.raises(ValidationError, match="由卷内文件目录计算"):
        archives.update_volume(session, office.keeper, volume.id, {"pages": 99})


def test_notes_are_appended_and_never_changed(session, office) -> None:  # noqa: ANN001
    volume = file(session, office.keeper, office)
    archive_items.add_note(session, office.keeper, volume.id, "缺损", "第 3 页右下角破损。")
    archive_items.add_note(session, office.keeper, volume.id, "补充", "补入会议签到表 1 页。")
    notes = archive_items.notes(session, office.keeper, volume.id)
    assert [(n.kind, n.user_name) for n in notes] == [("缺损", "孙丽"), ("补充", "孙丽")]
    with pytest.raises(ValidationError, match="类别：应为"):
        archive_items.add_note(session, office.keeper, volume.id, "丢了", "x")
    with pytest.raises(DBAPIError):
        session.execute(text("UPDATE archive_note SET text = 'x'"))
    session.rollback()
    with pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM archive_note"))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ArchiveNote)) == 2


# ------------------------------------------------------------------ 档号 corrections


def test_a_number_correction_needs_a_reason_and_is_recorded(session, office) -> None:  # noqa: ANN001
    from desktop_crm.services import archive_numbers

    volume = file(session, office.keeper, office)
    with pytest.raises(ValidationError, match="必须填写原因"):
        archive_numbers.renumber(session, office.keeper, volume.id, "", year=2025)
    moved = archive_numbers.renumber(
        session, office.keeper, volume.id, "年度填错，应为 2025 年", year=2025
    )
    assert moved.number == "Z001-WS·2025-D10-YXB-0001"
    assert moved.appraisal_due_on == date(2036, 1, 1)
    typed = archive_numbers.correct_number(
        session, office.keeper, volume.id, "Z001-WS·2025-D10-YXB-0009", "与卷皮上已印档号一致"
    )
    changes = archive_numbers.number_changes(session, office.keeper, typed.id)
    assert [(c.old_number, c.new_number) for c in changes] == [
        ("Z001-WS·2026-D10-YXB-0001", "Z001-WS·2025-D10-YXB-0001"),
        ("Z001-WS·2025-D10-YXB-0001", "Z001-WS·2025-D10-YXB-0009"),
    ]
    # the old number still finds the volume
    assert (
        archives.get_by_number(session, office.keeper, "Z001-WS·2026-D10-YXB-0001").id == volume.id
    )
    other = file(session, office.keeper, office)
    with pytest.raises(Conflict, match="已被另一个案卷使用"):
        archive_numbers.correct_number(session, office.keeper, other.id, typed.number, "试")


# ------------------------------------------------------------------ locations


def test_locations_form_a_tree_and_moves_are_kept(session, office) -> None:  # noqa: ANN001
    keeper = office.keeper
    room = archive_locations.add_location(session, keeper, None, "库房", "一号库房", "K1")
    cabinet = archive_locations.add_location(session, keeper, room.id, "柜", "A柜")
    shelf = archive_locations.add_location(session, keeper, cabinet.id, "架", "3架")
    cell = archive_locations.add_location(session, keeper, shelf.id, "格", "2格")
    assert cell.label == "一号库房 › A柜 › 3架 › 2格"
    with pytest.raises(ValidationError, match="最上一级应是库房"):
        archive_locations.add_location(session, keeper, None, "柜", "B柜")
    with pytest.raises(ValidationError, match="格里只能放案卷"):
        archive_locations.add_location(session, keeper, cell.id, "架", "x")
    with pytest.raises(Conflict, match="已有「A柜」"):
        archive_locations.add_location(session, keeper, room.id, "柜", "A柜")
    with pytest.raises(PermissionDenied):
        archive_locations.add_location(session, office.clerk, None, "库房", "二号库房")
    volume = file(session, keeper, office, location_id=cell.id)
    other = archive_locations.add_location(session, keeper, cabinet.id, "架", "4架")
    archive_locations.move_volume(session, keeper, volume.id, other.id, "调整架位")
    moves = archive_locations.moves(session, keeper, volume.id)
    assert [(m.from_label, m.to_label, m.reason) for m in moves] == [
        ("一号库房 › A柜 › 3架 › 2格", "一号库房 › A柜 › 4架", "调整架位")
    ]
    archive_locations.rename_location(session, keeper, cabinet.id, "甲柜")
    session.refresh(cell)
    assert cell.label == "一号库房 › 甲柜 › 3架 › 2格"
    with pytest.raises(Conflict, match="还有位置"):
        archive_locations.delete_location(session, keeper, shelf.id)
    with pytest.raises(Conflict, match="移动历史"):
        archive_locations.delete_location(session, keeper, cell.id)
    nodes = archive_locations.tree(session, keeper)
    assert [(n.name, n.depth, n.volumes) for n in nodes] == [
        ("一号库房", 0, 0), ("甲柜", 1, 0), ("3架", 2, 0), ("2格", 3, 0), ("4架", 2, 1)
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="用「移动」更改"):
        archives.update_volume(session, keeper, volume.id, {"location_id": cell.id})


# ------------------------------------------------------------------ scope, clearance, log


def test_clearance_and_department_scope(session, office) -> None:  # noqa: ANN001
    ours = file(session, office.clerk, office, title="营销部文件")
    secret = file(session, office.keeper, office, title="机密文件", secrecy="机密")
    theirs = file(session, office.keeper, office, title="质检部文件", department_id=office.zjb)
    with pytest.raises(PermissionDenied, match="只能为本部门立卷"):
        file(session, office.clerk, office, department_id=office.zjb)
    assert archive_scope.cleared(office.keeper) and archive_scope.cleared(office.gm)
    assert not archive_scope.cleared(office.head) and not archive_scope.cleared(office.admin)
    assert archives.open_volume(session, office.head, ours.id).id == ours.id
    with pytest.raises(PermissionDenied, match="机密档案，只有档案管理员"):
        archives.open_volume(session, office.head, secret.id)
    with pytest.raises(PermissionDenied, match="不属于您或您的部门"):
        archives.open_volume(session, office.clerk, theirs.id)
    assert archives.open_volume(session, office.gm, secret.id).id == secret.id
    assert archives.permitted_actions(session, office.clerk, ours.id) == {"view", "edit", "print"}
    assert archives.permitted_actions(session, office.head, secret.id) == set()


def test_the_access_log_keeps_every_look_at_confidential_and_customer_files(
    session, office
) -> None:  # noqa: ANN001
    secret = file(session, office.keeper, office, title="机密文件", secrecy="机密")
    plain = file(session, office.keeper, office, title="普通文件")
    customer_file = file(session, office.keeper, office, title="客户档案", category_code="KH")
    archives.open_volume(session, office.gm, secret.id)
    archives.open_volume(session, office.gm, plain.id)  # not logged
    archives.open_volume(session, office.head, customer_file.id)
    archive_scope.record_use(session, office.keeper, [secret.id, plain.id], archive_scope.PRINT)
    archive_scope.record_use(
        session, office.gm, [customer_file.id], archive_scope.EXPORT, "导出台账"
    )
    rows = session.execute(
        select(ArchiveAccess.user_name, ArchiveAccess.act, ArchiveAccess.number).order_by(
            ArchiveAccess.id
        )
    ).all()
    assert [(r.user_name, r.act, r.number) for r in rows] == [
        ("周强", "查看", secret.number),
        ("李明", "查看", customer_file.number),
        ("孙丽", "打印", secret.number),
        ("周强", "导出", customer_file.number),
    ]
    with pytest.raises(PermissionDenied):  # the head may not print a 机密 volume
        archive_scope.record_use(session, office.head, [secret.id], archive_scope.PRINT)
    with pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM archive_access"))
    session.rollback()
    from desktop_crm.services import archive_list

    log = archive_list.access_log_query(session, office.gm)
    assert log.count(session) == 4
    first = log.page(session, 0, 10)[0]
    assert first[1:4] == (first[1], "周强", "导出")
    assert (
        archive_list.access_log_query(session, office.keeper, volume_id=secret.id).count(session)
        == 2
    )
    with pytest.raises(PermissionDenied, match="档案管理员和总经理"):
        archive_list.access_log_query(session, office.head)


# ------------------------------------------------------------------ from a customer card


def test_filing_a_customer_card_makes_a_customer_volume(session, office, tmp_path) -> None:  # noqa: ANN001
    customer = customers.save_customer(
        session, office.admin, {"name": "西安鑫达建材有限公司", "owner_id": office.head.id}
    )
    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    customers.add_attachment(session, office.admin, customer.id, scan, "营业执照")
    volume = archive_customers.file_customer(session, office.keeper, customer.id)
    assert volume.title == "西安鑫达建材有限公司客户档案"
    assert volume.category_code == archive_settings.CUSTOMER_CATEGORY
    assert volume.period_code == "D10" and volume.department_id == office.yxb
    assert volume.number == "Z001-KH·2026-D10-YXB-0001"
    assert [i.title for i in volume.items] == [
        "西安鑫达建材有限公司客户资料管理卡", "营业执照（营业执照.pdf）"
    ]  # fmt: skip
    assert volume.customer_id == customer.id
    with pytest.raises(PermissionDenied, match="不能为其归档"):
        archive_customers.file_customer(session, office.clerk, customer.id)
    with pytest.raises(Conflict, match="已有客户档案案卷"):
        archive_customers.file_customer(session, office.keeper, customer.id)
    assert [
        v.id for v in archive_customers.customer_volumes(session, office.head, customer.id)
    ] == [volume.id]
    assert session.scalar(select(func.count()).select_from(ArchiveItem)) == 2
