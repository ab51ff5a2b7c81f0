"""借阅: the approval paths of DOMAIN §5, lending and its refusals, extension, return with
缺损, overdue loans and the secrets due for declassification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop_crm.models import ArchiveNote, ArchiveVolume, User
from desktop_crm.services import approvals, archive_loans, audit
from desktop_crm.services.archive_loans import (
    GROUP,
    OUTSIDE,
    READ,
    STAFF,
    TAKE,
)
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError

from .archive_office import ArchiveOffice, file, make_office, person

TODAY = date.today()


@dataclass
class Loans:
    office: ArchiveOffice
    zhb_head: User  # 综合服务部负责人: the archive's head
    zjb_head: User
    inspector: User  # 质检员 of 质检部: a staff borrower
    seller: User  # 客户开发专员 of 市场营销部
    vgm: User  # 副总经理


@pytest.fixture
def room(session, admin) -> Loans:  # noqa: ANN001
    office = make_office(session, admin)
    return Loans(
        office=office,
        zhb_head=person(session, admin, "赵敏", "ZHB", "部门负责人"),
        zjb_head=person(session, admin, "王刚", "ZJB", "部门负责人"),
        inspector=person(session, admin, "刘洋", "ZJB", "质检员"),
        seller=person(session, admin, "陈晨", "YXB", "客户开发专员"),
        vgm=person(session, admin, "吴昊", "BGS", "副总经理"),
    )


def staff_request(room: Loans, borrower: User, use: str = TAKE, **changes: object) -> dict:
    values = {
        "borrower_kind": STAFF,
        "borrower_id": borrower.id,
        "purpose": "核对合同条款",
        "use": use,
        "due_on": TODAY + timedelta(days=7),
    }
    values.update(changes)
    return values


def outside_request(**changes: object) -> dict:
    values = {
        "borrower_kind": OUTSIDE,
        "borrower_name": "郑律师",
        "borrower_unit": "陕西某律师事务所",
        "letter": "陕律函〔2026〕18号",
        "id_number": "610102198001011234",
        "purpose": "诉讼取证",
        "use": READ,
    }
    values.update(changes)
    return values


def step_labels(loan) -> list[str]:  # noqa: ANN001
    return [(s.department.name if s.department else "") + s.role for s in loan.approval.steps]


def approve_all(session, loan, *deciders: User) -> None:  # noqa: ANN001
    for decider in deciders:
        step = approvals.open_step(loan.approval)
        approvals.decide(session, decider, step.id, True)
    session.refresh(loan)


def test_staff_borrower_needs_their_department_head(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office, title="2025年质量检验记录")
    loan = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    assert loan.number == f"JY{TODAY.year}-0001"
    assert step_labels(loan) == ["质检部部门负责人"]
    assert archive_loans.get_loan(session, office.keeper, loan.id).state == "申请中"
    # the head of another department may not decide it
    with pytest.raises(PermissionDenied, match="质检部部门负责人"):
        approvals.decide(session, office.head, approvals.open_step(loan.approval).id, True)
    # without its approval the loan is not lent
    with pytest.raises(ValidationError, match="尚未审批完（待：质检部部门负责人）"):
        archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})
    approve_all(session, loan, room.zjb_head)
    row = archive_loans.get_loan(session, office.keeper, loan.id)
    assert row.state == "已批准"
    assert "质检部部门负责人：批准（王刚" in row.approvals
    archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})
    session.refresh(volume)
    assert volume.state == "借出"
    row = archive_loans.get_loan(session, office.keeper, loan.id)
    assert row.state == "已借出"
    assert row.volumes[0].pages_out == 12 and row.volumes[0].pages_out_borrower == 12


def test_group_unit_needs_the_archive_head_and_a_certificate(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    values = {
        "borrower_kind": GROUP,
        "borrower_name": "孟涛",
        "borrower_unit": "集团铜川水泥公司",
        "purpose": "编写年鉴",
        "use": READ,
    }
    with pytest.raises(ValidationError) as refused:
        archive_loans.request_loan(session, office.keeper, values, [volume.id])
    assert "单位领导证明" in refused.value.by_field["letter"]
    loan = archive_loans.request_loan(
        session, office.keeper, {**values, "letter": "铜水证〔2026〕3号"}, [volume.id]
    )
    assert step_labels(loan) == ["综合服务部部门负责人"]
    assert loan.due_on == loan.requested_on  # 查阅: back the same day
    approve_all(session, loan, room.zhb_head)
    assert archive_loans.get_loan(session, office.keeper, loan.id).state == "已批准"


def test_outside_person_needs_archive_head_and_manager_paper_recorded(
    session, room, tmp_path
) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    with pytest.raises(ValidationError) as refused:
        archive_loans.request_loan(
            session, office.keeper, outside_request(id_number="", letter=""), [volume.id]
        )
    assert set(refused.value.by_field) == {"id_number", "letter"}
    loan = archive_loans.request_loan(session, office.keeper, outside_request(), [volume.id])
    assert step_labels(loan) == ["综合服务部部门负责人", "总经理"]
    approve_all(session, loan, room.zhb_head)
    assert archive_loans.get_loan(session, office.keeper, loan.id).state == "申请中"
    # the 总经理 signed on paper; the archive keeper records it with the scan
    scan = tmp_path / "批示.pdf"
    scan.write_bytes(b"%PDF-1.4 signed")
    step = approvals.open_step(loan.approval)
    approvals.record_paper(session, office.keeper, step.id, "周强", TODAY, scan)
    session.refresh(loan)
    row = archive_loans.get_loan(session, office.keeper, loan.id)
    assert row.state == "已批准"
    assert "总经理：批准（纸质，周强" in row.approvals


def test_customer_files_need_marketing_head_and_manager_for_any_use(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(
        session, office.keeper, office, category_code="客户档案", title="西安某建材客户档案"
    )
    # a 质检部 reader, only to read in the room: still 市场营销部负责人 and 总经理
    loan = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector, use=READ), [volume.id]
    )
    assert step_labels(loan) == ["质检部部门负责人", "市场营销部部门负责人", "总经理"]
    # a 市场营销部 borrower: the head's step is taken once
    second = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.seller, use=READ), [volume.id]
    )
    assert step_labels(second) == ["市场营销部部门负责人", "总经理"]
    outside = archive_loans.request_loan(session, office.keeper, outside_request(), [volume.id])
    assert step_labels(outside) == ["综合服务部部门负责人", "市场营销部部门负责人", "总经理"]
    approve_all(session, second, office.head)
    with pytest.raises(ValidationError, match="待：总经理"):
        archive_loans.lend(session, office.keeper, second.id, {volume.id: (12, 12)})
    approve_all(session, second, office.gm)
    archive_loans.lend(session, office.keeper, second.id, {volume.id: (12, 12)})
    # reading a customer file is logged
    from desktop_crm.models import ArchiveAccess

    acts = session.scalars(select(ArchiveAccess.act).where(ArchiveAccess.volume_id == volume.id))
    assert list(acts) == ["查阅"]


def test_a_volume_linked_to_a_customer_is_a_customer_file(session, room) -> None:  # noqa: ANN001
    from desktop_crm.services import customers

    office = room.office
    customer = customers.save_customer(
        session, office.admin, {"name": "渭南某混凝土有限公司", "owner_id": room.seller.id}
    )
    volume = file(session, office.keeper, office, customer_id=customer.id)
    loan = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    assert step_labels(loan) == ["质检部部门负责人", "市场营销部部门负责人", "总经理"]


def test_top_secret_only_for_people_named(session, room, tmp_path) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office, secrecy="绝密", title="核心配方资料")
    with pytest.raises(PermissionDenied, match="绝密档案，只能由总经理或副总经理指定"):
        archive_loans.request_loan(
            session, office.keeper, staff_request(room, room.inspector), [volume.id]
        )
    # nobody but the 总经理 / 副总经理 names in the program
    with pytest.raises(PermissionDenied):
        archive_loans.name_secret_reader(session, office.keeper, {"user_id": room.inspector.id})
    archive_loans.name_secret_reader(
        session, room.vgm, {"user_id": room.inspector.id, "volume_id": volume.id}
    )
    loan = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    assert step_labels(loan) == ["质检部部门负责人"]
    # an outsider named on the 总经理's signed paper, recorded by the keeper
    with pytest.raises(PermissionDenied):
        archive_loans.request_loan(session, office.keeper, outside_request(), [volume.id])
    scan = tmp_path / "指定.pdf"
    scan.write_bytes(b"%PDF-1.4 named")
    reader = archive_loans.name_secret_reader(
        session,
        office.keeper,
        {"name": "郑律师", "id_number": "610102198001011234", "unit": "陕西某律师事务所"},
        paper={"named_by": "周强", "named_on": TODAY, "scan_path": scan},
    )
    assert reader.named_by == "周强" and reader.paper_scan_name == "指定.pdf"
    archive_loans.request_loan(session, office.keeper, outside_request(), [volume.id])
    # revoked: refused again, also at lending
    approve_all(session, loan, room.zjb_head)
    for named in archive_loans.secret_readers(session, office.gm):
        archive_loans.revoke_secret_reader(session, office.gm, named.id)
    with pytest.raises(PermissionDenied, match="未被指定"):
        archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})


def _approved_loan(session, room, volume):  # noqa: ANN001, ANN202
    loan = archive_loans.request_loan(
        session, room.office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    approve_all(session, loan, room.zjb_head)
    return loan


@pytest.mark.parametrize("state", ["借出", "待鉴定", "已销毁", "移出"])
def test_lending_refused_for_each_blocked_state(session, room, state) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    loan = _approved_loan(session, room, volume)
    volume.state = state
    session.commit()
    with pytest.raises(ValidationError) as refused:
        archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})
    assert state.lstrip("已") in refused.value.message
    session.refresh(volume)
    assert volume.state == state
    assert archive_loans.get_loan(session, office.keeper, loan.id).state == "已批准"


def test_a_lent_volume_is_refused_naming_the_loan(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    first = _approved_loan(session, room, volume)
    second = _approved_loan(session, room, volume)
    archive_loans.lend(session, office.keeper, first.id, {volume.id: (12, 12)})
    with pytest.raises(ValidationError, match=f"已借出，尚未归还（借阅单 {first.number}，刘洋"):
        archive_loans.lend(session, office.keeper, second.id, {volume.id: (12, 12)})


def test_requests_for_destroyed_or_moved_volumes_refused(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    volume.state = "已销毁"
    session.commit()
    with pytest.raises(ValidationError, match="已销毁，不能借阅"):
        archive_loans.request_loan(
            session, office.keeper, staff_request(room, room.inspector), [volume.id]
        )


def test_refused_request_cannot_be_lent(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    loan = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    approvals.decide(session, room.zjb_head, approvals.open_step(loan.approval).id, False, "不需要")
    assert archive_loans.get_loan(session, office.keeper, loan.id).state == "已拒绝"
    with pytest.raises(Conflict, match="已拒绝"):
        archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})


def test_both_sides_must_count_the_same_pages(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    loan = _approved_loan(session, room, volume)
    with pytest.raises(ValidationError, match="双方清点页数不一致（12 与 11）"):
        archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 11)})
    with pytest.raises(ValidationError, match="借阅人清点的页数"):
        archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, None)})
    session.refresh(volume)
    assert volume.state == "在库"


def test_only_the_archive_room_lends(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    loan = _approved_loan(session, room, volume)
    with pytest.raises(PermissionDenied, match="档案管理员"):
        archive_loans.lend(session, office.clerk, loan.id, {volume.id: (12, 12)})


def test_extend_overdue_and_return_with_damage(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office, title="2024年销售合同")
    loan = _approved_loan(session, room, volume)
    archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})
    later = TODAY + timedelta(days=8)
    overdue = archive_loans.overdue_loans(session, office.keeper, later)
    assert [(r.number, r.borrower, r.overdue) for r in overdue] == [(loan.number, "刘洋", True)]
    assert archive_loans.overdue_loans(session, office.keeper, TODAY) == []
    with pytest.raises(ValidationError, match="延期原因"):
        archive_loans.extend_loan(session, office.keeper, loan.id, TODAY + timedelta(days=14), "")
    archive_loans.extend_loan(
        session, office.keeper, loan.id, TODAY + timedelta(days=14), "审计未完"
    )
    assert archive_loans.overdue_loans(session, office.keeper, later) == []
    row = archive_loans.get_loan(session, office.keeper, loan.id)
    assert row.extensions[0][1:] == (TODAY + timedelta(days=14), "审计未完")
    # fewer pages cannot come back 完好; 缺损 needs its note
    with pytest.raises(ValidationError, match="少了 2 页，不能记为完好"):
        archive_loans.return_loan(
            session, office.keeper, loan.id, {volume.id: {"pages": 10, "condition": "完好"}}
        )
    with pytest.raises(ValidationError, match="请写明缺损情况"):
        archive_loans.return_loan(
            session, office.keeper, loan.id, {volume.id: {"pages": 10, "condition": "缺损"}}
        )
    archive_loans.return_loan(
        session,
        office.keeper,
        loan.id,
        {volume.id: {"pages": 10, "condition": "缺损", "note": "第7、8页缺失"}},
    )
    session.refresh(volume)
    assert volume.state == "在库"
    row = archive_loans.get_loan(session, office.keeper, loan.id)
    assert (row.state, row.condition, row.volumes[0].pages_back) == ("已归还", "缺损", 10)
    notes = session.scalars(select(ArchiveNote).where(ArchiveNote.volume_id == volume.id)).all()
    assert [(n.kind, n.user_name) for n in notes] == [("缺损", "孙丽")]
    assert "第7、8页缺失" in notes[0].text and "借出 12 页，归还 10 页" in notes[0].text
    # the head of the volume's department (市场营销部) is told; others are not
    told = archive_loans.notices_for(session, office.head)
    assert len(told) == 1 and "第7、8页缺失" in told[0].text
    assert archive_loans.notices_for(session, room.zjb_head) == []
    archive_loans.mark_notice_read(session, office.head, told[0].id)
    assert archive_loans.notices_for(session, office.head) == []
    with pytest.raises(Conflict):
        archive_loans.return_loan(
            session, office.keeper, loan.id, {volume.id: {"pages": 10, "condition": "缺损"}}
        )


def test_loan_steps_are_audited(session, room) -> None:  # noqa: ANN001
    from desktop_crm.models import AuditEntry

    office = room.office
    volume = file(session, office.keeper, office)
    loan = _approved_loan(session, room, volume)
    archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})
    archive_loans.return_loan(
        session, office.keeper, loan.id, {volume.id: {"pages": 12, "condition": "完好"}}
    )
    states = session.scalars(
        select(AuditEntry.new_value)
        .where(AuditEntry.object_type == "archive_loan", AuditEntry.object_id == str(loan.id))
        .order_by(AuditEntry.seq)
    )
    assert list(states) == ["申请中", "已批准", "已借出", "已归还"]
    assert audit.OBJECT_TYPES["archive_loan"] == "档案借阅"


def test_the_rule_table_is_configurable(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    with pytest.raises(PermissionDenied):
        archive_loans.save_rule(session, office.keeper, {"role": "总经理"})
    with pytest.raises(ValidationError) as refused:
        archive_loans.save_rule(
            session, office.admin, {"role": "馆长", "department": "XXX", "use": "复印"}
        )
    assert set(refused.value.by_field) == {"role", "department", "use"}
    # 机密 files taken out also need the 副总经理
    archive_loans.save_rule(
        session,
        office.admin,
        {"secrecy": "机密", "use": TAKE, "role": "副总经理", "position": 80},
    )
    secret = file(session, office.keeper, office, secrecy="机密", title="价格策略")
    loan = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [secret.id]
    )
    assert step_labels(loan) == ["质检部部门负责人", "副总经理"]
    plain = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    assert step_labels(plain) == ["质检部部门负责人"]
    assert len(archive_loans.loan_rules(session)) == len(archive_loans.DEFAULT_RULES) + 1


def test_loan_book_of_a_year(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    _approved_loan(session, room, volume)
    archive_loans.request_loan(session, office.keeper, outside_request(), [volume.id])
    book = archive_loans.loan_book(session, office.keeper, TODAY.year)
    assert [(r.borrower, r.use, r.numbers) for r in book] == [
        ("刘洋", "借出", volume.number),
        ("郑律师", "查阅", volume.number),
    ]
    assert archive_loans.loan_book(session, office.keeper, TODAY.year - 1) == []
    assert session.get(ArchiveVolume, volume.id).state == "在库"


def test_withdraw_a_pending_or_approved_request(session, room) -> None:  # noqa: ANN001
    office = room.office
    volume = file(session, office.keeper, office)
    pending = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    archive_loans.withdraw_loan(session, office.keeper, pending.id)
    assert archive_loans.get_loan(session, office.keeper, pending.id).state == "已撤回"
    assert pending.approval.state == "已撤回"
    approved = _approved_loan(session, room, volume)
    archive_loans.withdraw_loan(session, office.keeper, approved.id)
    with pytest.raises(Conflict, match="已撤回"):
        archive_loans.lend(session, office.keeper, approved.id, {volume.id: (12, 12)})


def test_overdue_loans_and_late_filing_are_on_the_keepers_today_list(session, room) -> None:  # noqa: ANN001
    from desktop_crm.services import today as today_service

    office = room.office
    volume = file(session, office.keeper, office, title="2024年销售合同")
    loan = _approved_loan(session, room, volume)
    archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})
    # the 15th of the month after next: the loan is late and last month was not filed
    later = (TODAY.replace(day=1) + timedelta(days=62)).replace(day=15)
    lists = today_service.today_items(session, office.keeper, later)
    loans = lists.section(today_service.LOANS_OVERDUE)
    assert loans is not None and loans.total == 1
    line = loans.items[0]
    assert (line.kind, line.id, line.code) == ("archive_volume", volume.id, loan.number)
    assert line.title == "刘洋（质检部）" and line.overdue and volume.number in line.extra
    late = lists.section(today_service.FILING_LATE)
    assert late is not None and late.total >= 1
    assert all(item.kind == "archive_department" for item in late.items)
    assert "尚未移交档案室" in late.items[0].extra
    # a 质检员 borrows but keeps no archive: neither line is theirs
    theirs = today_service.today_items(session, room.inspector, later)
    assert theirs.section(today_service.FILING_LATE) is None


def test_a_refusal_on_the_approvals_page_ends_the_loan_at_once(session, room) -> None:  # noqa: ANN001
    from desktop_crm.models import ArchiveLoan, AuditEntry

    office = room.office
    volume = file(session, office.keeper, office)
    loan = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    step = approvals.open_step(loan.approval)
    approvals.decide(session, room.zjb_head, step.id, False, "不属于本次审计范围")
    stored = session.scalar(select(ArchiveLoan.state).where(ArchiveLoan.id == loan.id))
    assert stored == "已拒绝"  # in the table itself, not only as the rows show it
    # a withdrawal is recorded once
    other = archive_loans.request_loan(
        session, office.keeper, staff_request(room, room.inspector), [volume.id]
    )
    archive_loans.withdraw_loan(session, office.keeper, other.id)
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "archive_loan",
            AuditEntry.object_id == str(other.id),
            AuditEntry.field == "状态",
        )
    ).all()
    withdrawn = [(r.old_value, r.new_value) for r in rows if r.new_value == "已撤回"]
    assert withdrawn == [("申请中", "已撤回")]
