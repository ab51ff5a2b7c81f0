"""The one approval mechanism: who may decide, in which order, on paper, withdrawn, stale."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import Approval, AuditEntry, Customer, Department, User
from desktop_crm.services import accounts, approvals, audit, rights
from desktop_crm.services.approvals import StepSpec
from desktop_crm.services.errors import Conflict, NotFound, PermissionDenied, ValidationError

GIFT = "礼品登记"


# ---------------------------------------------------------------- helpers (shared by the
# grant, gift/discount and page tests)


@dataclass
class People:
    admin: User
    manager: User  # 总经理
    marketing_head: User  # 市场营销部负责人
    service_head: User  # 售后服务部负责人
    sales: User  # 客户开发专员 of 市场营销部
    service_sales: User  # 客户开发专员 of 售后服务部
    other_sales: User  # a second 客户开发专员 of 市场营销部
    inspector: User  # 质检员 of 质检部


def make_people(session: Session, admin: User) -> People:
    def add(login: str, name: str, department: str, *roles: str) -> User:
        return accounts.add_account(session, admin, login, name, department, list(roles))

    return People(
        admin=admin,
        manager=add("zjl", "王总", "BGS", "总经理"),
        marketing_head=add("yxb_head", "李部长", "YXB", "部门负责人"),
        service_head=add("shb_head", "赵部长", "SHB", "部门负责人"),
        sales=add("sales", "张伟", "YXB", "客户开发专员"),
        service_sales=add("shb_sales", "刘洋", "SHB", "客户开发专员"),
        other_sales=add("sales2", "陈静", "YXB", "客户开发专员"),
        inspector=add("qc", "周检", "ZJB", "质检员"),
    )


def make_customer(session: Session, owner: User, name: str = "河北工程集团有限公司") -> Customer:
    count = len(session.scalars(select(Customer.id)).all())
    customer = Customer(code=f"KH{count + 1:06d}", name=name, owner_id=owner.id, name_key=name)
    session.add(customer)
    session.commit()
    return customer


def department_id(session: Session, code: str) -> int:
    return session.scalar(select(Department.id).where(Department.code == code))


def write_png(path: Path, width: int = 8, height: int = 6) -> Path:
    """A real (tiny, grey) PNG file, as a scanner would save one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes([200]) * width for _ in range(height))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def approval_audit(session: Session, approval_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "approval", AuditEntry.object_id == str(approval_id))
            .order_by(AuditEntry.seq)
        )
    )


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def people(session, admin) -> People:  # noqa: ANN001
    return make_people(session, admin)


def ask(session: Session, requester: User, steps: list[StepSpec]) -> Approval:
    approval = approvals.request_approval(
        session, requester, GIFT, "测试申请：月饼两盒", steps, detail={"reason": "中秋节"}
    )
    session.commit()
    return approval


def marketing_step(session: Session) -> StepSpec:
    return StepSpec("部门负责人", department_id(session, "YXB"))


# ---------------------------------------------------------------- deciding


def test_role_holder_approves_and_the_request_is_approved(session, people) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session)])
    assert approval.state == approvals.PENDING
    assert [r.id for r in approvals.pending_for(session, people.marketing_head)] == [approval.id]
    for nobody in (people.sales, people.service_head, people.manager, people.admin):
        assert approvals.pending_for(session, nobody) == []
    mine = approvals.requested_by_me(session, people.sales)
    assert [(r.id, r.state, r.reason) for r in mine] == [(approval.id, "待审批", "中秋节")]

    step_id = approval.steps[0].id
    approvals.decide(session, people.marketing_head, step_id, True, "同意")
    session.refresh(approval)
    assert approval.state == "已批准" and approval.decided_at is not None
    step = approval.steps[0]
    assert (step.decision, step.decided_by_id, step.comment) == (
        "批准",
        people.marketing_head.id,
        "同意",
    )
    assert approvals.pending_for(session, people.marketing_head) == []
    decided = approvals.decided_by(session, people.marketing_head)
    assert [r.id for r in decided] == [approval.id]
    assert "市场营销部部门负责人：批准（李部长" in decided[0].steps_summary

    entries = approval_audit(session, approval.id)
    assert [(e.act, e.new_value) for e in entries] == [("审批", "待审批"), ("审批", "已批准")]
    assert entries[0].user_id == people.sales.id and entries[1].user_id == people.marketing_head.id
    assert "意见：同意" in entries[1].detail
    assert audit.verify_chain(session) is None  # appended to the chain like every act


@pytest.mark.parametrize(
    "who", ["sales", "other_sales", "service_head", "manager", "admin", "inspector"]
)
def test_an_unauthorised_user_deciding_is_refused(session, people, who) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session)])
    with pytest.raises(PermissionDenied) as refused:
        approvals.decide(session, getattr(people, who), approval.steps[0].id, True, "同意")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    session.refresh(approval)
    assert approval.state == "待审批" and approval.steps[0].decision is None


def test_the_approve_right_is_needed_as_well_as_the_role(session, people) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session)])
    rights.set_right(session, people.admin, "部门负责人", "customers", "approve", None)
    with pytest.raises(PermissionDenied, match="客户档案·审批"):
        approvals.decide(session, people.marketing_head, approval.steps[0].id, True)
    assert approvals.pending_for(session, people.marketing_head) == []


def test_a_refusal_needs_a_reason_and_ends_the_request(session, people) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session), StepSpec("总经理")])
    step_id = approval.steps[0].id
    with pytest.raises(ValidationError) as invalid:
        approvals.decide(session, people.marketing_head, step_id, False, "  ")
    assert invalid.value.by_field == {"comment": "拒绝时请写明理由。"}
    approvals.decide(session, people.marketing_head, step_id, False, "预算不足")
    session.refresh(approval)
    assert approval.state == "已拒绝"
    assert approvals.pending_for(session, people.manager) == []  # the second step never opens
    with pytest.raises(Conflict, match="这份申请已拒绝"):
        approvals.decide(session, people.manager, approval.steps[1].id, True)


def test_steps_are_decided_in_order(session, people) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session), StepSpec("总经理")])
    first, second = (s.id for s in approval.steps)
    assert approvals.pending_for(session, people.manager) == []
    with pytest.raises(Conflict, match="前面的审批还没有完成"):
        approvals.decide(session, people.manager, second, True)
    approvals.decide(session, people.marketing_head, first, True)
    session.refresh(approval)
    assert approval.state == "待审批"
    assert [r.open_step_id for r in approvals.pending_for(session, people.manager)] == [second]
    approvals.decide(session, people.manager, second, True)
    session.refresh(approval)
    assert approval.state == "已批准"


def test_a_requester_who_holds_the_role_is_approved_at_once(session, people) -> None:  # noqa: ANN001
    approval = ask(session, people.marketing_head, [marketing_step(session), StepSpec("总经理")])
    first, second = approval.steps
    assert first.decision == "批准" and first.decided_by_id == people.marketing_head.id
    assert approval.state == "待审批" and second.decision is None
    assert [r.id for r in approvals.pending_for(session, people.manager)] == [approval.id]


def test_a_stale_decision_is_refused(session_factory, people) -> None:  # noqa: ANN001
    with session_factory() as session:
        sales = session.get(User, people.sales.id)
        approval = ask(session, sales, [marketing_step(session), StepSpec("总经理")])
        approval_id, version = approval.id, approval.version
        first = approval.steps[0].id
    # What the head's screen showed (version) is older than the store after another change.
    with session_factory() as session:
        approvals.withdraw(session, session.get(User, people.sales.id), approval_id)
    with session_factory() as session:
        head = session.get(User, people.marketing_head.id)
        with pytest.raises(Conflict):
            approvals.decide(session, head, first, True, expected_version=version)


def test_two_people_deciding_at_once_clash(session_factory, people) -> None:  # noqa: ANN001
    # Two heads of 市场营销部 open the same request; the second to decide is refused.
    with session_factory() as session:
        admin = session.get(User, people.admin.id)
        accounts.add_account(session, admin, "yxb_head2", "孙副部长", "YXB", ["部门负责人"])
        approval = ask(session, session.get(User, people.sales.id), [marketing_step(session)])
        step_id = approval.steps[0].id
    first, second = session_factory(), session_factory()
    try:
        late = second.scalar(select(User).where(User.login == "yxb_head2"))
        seen = second.get(Approval, approval.id)  # the second screen has read it
        assert seen.steps[0].decision is None
        approvals.decide(first, first.get(User, people.marketing_head.id), step_id, True)
        with pytest.raises(Conflict, match="刚被别人处理过"):
            approvals.decide(second, late, step_id, False, "不同意")
    finally:
        first.close()
        second.close()
    with session_factory() as session:
        stored = session.get(Approval, approval.id)
        assert stored.state == "已批准" and stored.steps[0].decision == "批准"


# ---------------------------------------------------------------- paper decisions


def test_the_clerk_records_a_paper_approval_with_its_scan(session, people, tmp_path) -> None:  # noqa: ANN001
    scan = write_png(tmp_path / "签批单.png")
    approval = ask(session, people.sales, [marketing_step(session)])
    step_id = approval.steps[0].id
    signed = date.today() - timedelta(days=1)
    approvals.record_paper(session, people.sales, step_id, "李部长", signed, scan, True, "同意赠送")
    session.refresh(approval)
    step = approval.steps[0]
    assert approval.state == "已批准"
    assert (step.paper_approver, step.paper_date, step.paper_scan_name) == (
        "李部长",
        signed,
        "签批单.png",
    )
    assert step.paper_scan == scan.read_bytes() and step.decided_by_id == people.sales.id
    name, data = approvals.paper_scan(session, people.sales, step_id)
    assert name == "签批单.png" and data.startswith(b"\x89PNG")
    last = approval_audit(session, approval.id)[-1]
    assert last.new_value == "已批准" and "纸质审批：李部长" in last.detail
    assert "签批单.png" in last.detail
    row = approvals.requested_by_me(session, people.sales)[0]
    assert f"纸质，李部长 {signed}" in row.steps_summary


def test_paper_decisions_are_checked(session, people, tmp_path) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session)])
    step_id = approval.steps[0].id
    too_big = tmp_path / "太大.png"
    with too_big.open("wb") as file:
        file.truncate(21 * 1024 * 1024)
    with pytest.raises(ValidationError) as invalid:
        approvals.record_paper(
            session, people.sales, step_id, " ", date.today() + timedelta(days=1), too_big
        )
    assert set(invalid.value.by_field) == {"approver_name", "signed_on", "scan"}
    assert "最大 20 MB" in invalid.value.by_field["scan"]
    with pytest.raises(ValidationError, match="找不到扫描件"):
        approvals.record_paper(
            session, people.sales, step_id, "李部长", date.today(), tmp_path / "无.png"
        )
    with pytest.raises(ValidationError, match="无法读取扫描件|找不到扫描件"):
        approvals.record_paper(session, people.sales, step_id, "李部长", date.today(), tmp_path)
    with pytest.raises(ValidationError, match="拒绝时请写明理由"):
        approvals.record_paper(session, people.sales, step_id, "李部长", date.today(), None, False)
    session.refresh(approval)
    assert approval.state == "待审批" and approval.steps[0].paper_scan is None


def test_who_may_record_a_paper_decision(session, people) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session)])
    step_id = approval.steps[0].id
    for outsider in (people.other_sales, people.service_head, people.inspector):
        with pytest.raises(PermissionDenied, match="录入纸质审批"):
            approvals.record_paper(session, outsider, step_id, "李部长", date.today(), None)
    # The department head's 本部门 edit right covers the requester: the head's clerk work.
    assert [r.id for r in approvals.paper_pending_for(session, people.marketing_head)] == [
        approval.id
    ]
    assert approvals.paper_pending_for(session, people.service_head) == []
    assert approvals.paper_pending_for(session, people.other_sales) == []
    assert approvals.records_paper_for_others(session, people.marketing_head)
    assert not approvals.records_paper_for_others(session, people.other_sales)
    approvals.record_paper(
        session, people.admin, step_id, "李部长", date.today(), None, False, "不妥"
    )
    session.refresh(approval)
    assert approval.state == "已拒绝" and approval.steps[0].comment == "不妥"
    with pytest.raises(NotFound):
        approvals.paper_scan(session, people.sales, step_id)
    with pytest.raises(PermissionDenied):
        approvals.get_approval(session, people.service_sales, approval.id)


# ---------------------------------------------------------------- withdrawing


def test_only_the_requester_withdraws_and_only_while_pending(session, people) -> None:  # noqa: ANN001
    approval = ask(session, people.sales, [marketing_step(session)])
    with pytest.raises(PermissionDenied, match="申请人本人"):
        approvals.withdraw(session, people.marketing_head, approval.id)
    approvals.withdraw(session, people.sales, approval.id)
    session.refresh(approval)
    assert approval.state == "已撤回"
    assert approvals.pending_for(session, people.marketing_head) == []
    with pytest.raises(Conflict, match="已撤回"):
        approvals.withdraw(session, people.sales, approval.id)
    with pytest.raises(Conflict, match="已撤回"):
        approvals.decide(session, people.marketing_head, approval.steps[0].id, True)
    assert approval_audit(session, approval.id)[-1].new_value == "已撤回"


def test_unknown_kinds_and_empty_titles_are_refused(session, people) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        approvals.request_approval(session, people.sales, "没有这种", "x", [StepSpec("总经理")])
    with pytest.raises(ValidationError, match="请填写申请事项"):
        approvals.request_approval(session, people.sales, GIFT, " ", [StepSpec("总经理")])
    session.rollback()
    assert approvals.kind_info("查看授权").area == "customers"
