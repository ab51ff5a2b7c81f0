"""顾客投诉处理报告表 (DOMAIN §2): written for a handled complaint, signed by the head of the
responsible department, countersigned by the 市场营销部, approved by the 总经理 — in the
program or on paper — and the complaint's own files (会议纪要, 改进措施)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Approval,
    Attachment,
    AuditEntry,
    Complaint,
    ComplaintHandlingReport,
    Department,
    User,
    local_now,
)
from desktop_crm.services import (
    accounts,
    approvals,
    complaint_files,
    complaint_handling_reports,
    complaints,
    customers,
)
from desktop_crm.services.errors import Conflict, NotFound, PermissionDenied, ValidationError

TODAY = date.today()
HEADS = [("市场营销部负责人 李部长", "电话"), ("质检部负责人 孙部长", "电话")]
CAUSE = "包装袋封口不严，运输途中受潮"
RESULT = "为客户调换 3 吨水泥，补偿运费"
ADVICE = "制定《袋装水泥出厂封口检查制度》，对包装班组开展封口操作培训"


# ---------------------------------------------------------------- the office (shared by the
# view and command-line tests)


@dataclass
class Staff:
    admin: User
    manager: User  # 总经理 王总
    marketing_head: User  # 市场营销部负责人 李部长
    qc_head: User  # 质检部负责人 孙部长
    clerk: User  # 客户服务专员 陈客服 (市场营销部): writes and chases the reports
    inspector: User  # 质检员 周检
    sales: User  # 客户开发专员 张伟, the customers' 客户经理
    archivist: User  # 档案管理员: nothing to do with complaints
    customer_id: int
    other_customer_id: int


def make_staff(session: Session, admin: User) -> Staff:
    def add(login: str, name: str, department: str, *roles: str) -> User:
        return accounts.add_account(session, admin, login, name, department, list(roles))

    sales = add("sales", "张伟", "YXB", "客户开发专员")
    customer = customers.save_customer(
        session, admin, {"name": "河北工程集团有限公司", "owner_id": sales.id}
    )
    other = customers.save_customer(
        session, admin, {"name": "西安华盛商混站", "owner_id": sales.id}
    )
    return Staff(
        admin=admin,
        manager=add("zjl", "王总", "BGS", "总经理"),
        marketing_head=add("yxb_head", "李部长", "YXB", "部门负责人"),
        qc_head=add("zjb_head", "孙部长", "ZJB", "部门负责人"),
        clerk=add("kf", "陈客服", "YXB", "客户服务专员"),
        inspector=add("qc", "周检", "ZJB", "质检员"),
        sales=sales,
        archivist=add("da", "钱档案", "BGS", "档案管理员"),
        customer_id=customer.id,
        other_customer_id=other.id,
    )


def department_id(session: Session, code: str) -> int:
    found = session.scalar(select(Department.id).where(Department.code == code))
    assert found is not None
    return found


def registered(session: Session, staff: Staff, **values: object) -> Complaint:
    data: dict[str, object] = {
        "channel": "电话",
        "customer_id": staff.customer_id,
        "category": "受潮结块",
        "product": "P.O 42.5 袋装水泥",
        "content": "工地收到的水泥有结块，部分袋子破损。",
        **values,
    }
    return complaints.register(session, staff.clerk, data)


def handled_complaint(
    session: Session, staff: Staff, department: str = "ZJB", **values: object
) -> Complaint:
    """A complaint of 我方原因 (the given responsible department) handled to 已处理."""
    complaint = registered(session, staff, **values)
    complaints.report(session, staff.clerk, complaint.id, HEADS)
    complaints.site_check(
        session, staff.inspector, complaint.id, "周检", local_now(), "约 3 吨受潮", True, True
    )  # fmt: skip
    complaints.find_cause(
        session, staff.inspector, complaint.id, complaints.CAUSE_OURS,
        department_id(session, department), "包装班组",
    )  # fmt: skip
    complaints.propose_solution(session, staff.inspector, complaint.id, "调换受潮水泥")
    complaints.finish(session, staff.clerk, complaint.id, RESULT)
    assert complaint.state == complaints.HANDLED
    return complaint


def write_report(session: Session, staff: Staff, complaint: Complaint, **changes: object):
    values: dict[str, object] = {"cause": CAUSE, "result": RESULT, "recommendation": ADVICE}
    values.update(changes)
    return complaint_handling_reports.create_report(
        session,
        staff.clerk,
        complaint.id,
        **values,  # type: ignore[arg-type]
    )


def counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count(ComplaintHandlingReport.id))) or 0,
        session.scalar(select(func.count(Approval.id))) or 0,
    )


@pytest.fixture
def staff(session: Session, admin: User) -> Staff:
    return make_staff(session, admin)


# ---------------------------------------------------------------- the report and its approval


def test_the_report_goes_to_the_department_head_the_marketing_head_and_the_manager(
    session, staff
) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    report = write_report(session, staff, complaint)
    approval = session.get(Approval, report.approval_id)
    assert (approval.kind, approval.object_type, approval.object_id, approval.customer_id) == (
        "投诉处理报告",
        "complaint_handling_report",
        str(report.id),
        staff.customer_id,
    )
    assert approval.title == f"投诉 {complaint.number} 河北工程集团有限公司（受潮结块）"
    row = approvals.to_row(approval)
    assert row.kind_label == "顾客投诉处理报告表"
    assert [s.label for s in row.steps] == ["质检部部门负责人", "市场营销部部门负责人", "总经理"]
    assert "建议：" + ADVICE in row.reason and "投诉原因：" + CAUSE in row.reason

    # in order: the 营销部 and the 总经理 see nothing until the step before them is done
    assert approvals.pending_for(session, staff.marketing_head) == []
    assert approvals.pending_for(session, staff.manager) == []
    (first,) = approvals.pending_for(session, staff.qc_head)
    approvals.decide(session, staff.qc_head, first.open_step_id, True, "同意")
    (second,) = approvals.pending_for(session, staff.marketing_head)
    approvals.decide(session, staff.marketing_head, second.open_step_id, True, "会签")
    (rows,) = [complaint_handling_reports.complaint_reports(session, staff.clerk, complaint.id)]
    assert [r.state for r in rows] == ["待审批"]
    (third,) = approvals.pending_for(session, staff.manager)
    approvals.decide(session, staff.manager, third.open_step_id, True, "批准，按建议执行")

    (shown,) = complaint_handling_reports.complaint_reports(session, staff.clerk, complaint.id)
    assert (shown.state, shown.department, shown.created_by) == ("已批准", "质检部", "陈客服")
    assert (shown.cause, shown.result, shown.recommendation) == (CAUSE, RESULT, ADVICE)
    assert "孙部长" in shown.steps_summary and "王总" in shown.steps_summary

    data = complaint_handling_reports.report_data(session, staff.clerk, report.id)
    assert (data["head_name"], data["marketing_name"], data["manager_name"]) == (
        "孙部长",
        "李部长",
        "王总",
    )
    assert data["head_date"] == data["marketing_date"] == data["manager_date"] == TODAY
    assert data["report_state"] == "已批准" and data["number"] == complaint.number
    assert [a["comment"] for a in data["approvals"]] == ["同意", "会签", "批准，按建议执行"]


def test_signature_lines_stay_blank_until_their_step_is_approved(session, staff) -> None:  # noqa: ANN001
    report = write_report(session, staff, handled_complaint(session, staff))
    data = complaint_handling_reports.report_data(session, staff.clerk, report.id)
    assert (data["head_name"], data["head_date"], data["manager_name"]) == (None, None, None)
    assert [a["decision"] for a in data["approvals"]] == ["待审批"] * 3
    (step,) = approvals.pending_for(session, staff.qc_head)
    approvals.decide(session, staff.qc_head, step.open_step_id, True)
    data = complaint_handling_reports.report_data(session, staff.clerk, report.id)
    assert (data["head_name"], data["marketing_name"]) == ("孙部长", None)


def test_when_the_marketing_department_is_responsible_its_head_signs_once_for_both(
    session, staff
) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff, "YXB", category="服务态度")
    report = write_report(session, staff, complaint)
    row = approvals.to_row(session.get(Approval, report.approval_id))
    assert [s.label for s in row.steps] == ["市场营销部部门负责人", "总经理"]
    (step,) = approvals.pending_for(session, staff.marketing_head)
    approvals.decide(session, staff.marketing_head, step.open_step_id, True)
    data = complaint_handling_reports.report_data(session, staff.clerk, report.id)
    assert (data["head_name"], data["marketing_name"], data["manager_name"]) == (
        "李部长",
        "李部长",
        None,
    )


def test_paper_approvals_recorded_by_the_clerk_fill_in_the_signatures(session, staff) -> None:  # noqa: ANN001
    report = write_report(session, staff, handled_complaint(session, staff))
    signed = [("孙部长", TODAY - timedelta(days=3)), ("李部长", TODAY - timedelta(days=2)),
              ("王总经理", TODAY - timedelta(days=1))]  # fmt: skip
    for name, day in signed:
        row = approvals.to_row(session.get(Approval, report.approval_id))
        approvals.record_paper(session, staff.clerk, row.open_step_id, name, day, None)
    assert session.get(Approval, report.approval_id).state == "已批准"
    data = complaint_handling_reports.report_data(session, staff.clerk, report.id)
    assert [(data[f"{k}_name"], data[f"{k}_date"]) for k in ("head", "marketing", "manager")] == (
        signed
    )
    assert {a["way"] for a in data["approvals"]} == {"纸质"}


def test_a_refused_report_stays_unsigned_and_a_new_one_may_be_written(session, staff) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    first = write_report(session, staff, complaint)
    with pytest.raises(Conflict, match="已有一份待审批的处理报告表"):
        write_report(session, staff, complaint, recommendation="另一份")
    assert counts(session) == (1, 1)
    (step,) = approvals.pending_for(session, staff.qc_head)
    approvals.decide(session, staff.qc_head, step.open_step_id, False, "原因分析不够具体")
    data = complaint_handling_reports.report_data(session, staff.clerk, first.id)
    assert data["head_name"] is None and data["report_state"] == "已拒绝"
    second = write_report(session, staff, complaint, cause=CAUSE + "；封口机压力不足")
    shown = complaint_handling_reports.complaint_reports(session, staff.clerk, complaint.id)
    assert [(r.id, r.state) for r in shown] == [(second.id, "待审批"), (first.id, "已拒绝")]
    assert complaint_handling_reports.latest_report_id(session, staff.clerk, complaint.id) == (
        second.id
    )


@pytest.mark.parametrize("stop", [complaints.REGISTERED, complaints.HANDLING, complaints.REOPENED])
def test_only_a_handled_complaint_gets_a_report(session, staff, stop: str) -> None:  # noqa: ANN001
    complaint = registered(session, staff)
    if stop != complaints.REGISTERED:
        complaints.report(session, staff.clerk, complaint.id, HEADS)
        complaints.find_cause(
            session, staff.clerk, complaint.id, complaints.CAUSE_OURS,
            department_id(session, "ZJB"),
        )  # fmt: skip
    if stop == complaints.REOPENED:
        complaints.propose_solution(session, staff.clerk, complaint.id, "调换")
        complaints.finish(session, staff.clerk, complaint.id, RESULT)
        complaints.reopen(session, staff.clerk, complaint.id, "客户再次来电")
    assert complaint.state == stop
    with pytest.raises(
        ValidationError, match=f"投诉处理完毕后才能填写处理报告表（现在是「{stop}」）"
    ):
        write_report(session, staff, complaint)
    assert counts(session) == (0, 0)


def test_every_missing_text_is_told_at_once_and_nothing_is_written(session, staff) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    with pytest.raises(ValidationError) as refused:
        write_report(session, staff, complaint, cause=" ", result="", recommendation="字" * 4001)
    assert refused.value.by_field == {
        "cause": "投诉原因：必须填写。",
        "result": "处理结果：必须填写。",
        "recommendation": "建议制定的制度或开展的培训：最多 4000 个字（现有 4001 个）。",
    }
    assert counts(session) == (0, 0)


def test_a_complaint_without_a_responsible_department_needs_one_chosen(session, staff) -> None:  # noqa: ANN001
    complaint = registered(session, staff)
    complaints.report(session, staff.clerk, complaint.id, HEADS)
    complaints.find_cause(
        session, staff.clerk, complaint.id, complaints.CAUSE_UNFOUNDED, explanation="客户误会"
    )
    assert complaint.state == complaints.HANDLED and complaint.responsible_department_id is None
    with pytest.raises(ValidationError) as refused:
        write_report(session, staff, complaint)
    assert list(refused.value.by_field) == ["department_id"]
    report = write_report(session, staff, complaint, department_id=department_id(session, "SHB"))
    row = approvals.to_row(session.get(Approval, report.approval_id))
    assert row.steps[0].label == "售后服务部部门负责人"


def test_the_draft_starts_from_the_complaints_finding_and_result(session, staff) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    draft = complaint_handling_reports.draft(session, staff.clerk, complaint.id)
    assert draft.cause == "我方原因；约 3 吨受潮"
    assert (draft.result, draft.department_id) == (RESULT, department_id(session, "ZJB"))


def test_rights(session, staff) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    # the 客户经理 may see his customer's complaints but not handle them
    with pytest.raises(PermissionDenied, match="投诉·修改"):
        complaint_handling_reports.create_report(
            session, staff.sales, complaint.id, CAUSE, RESULT, ADVICE
        )
    assert counts(session) == (0, 0)
    report = write_report(session, staff, complaint)
    assert complaint_handling_reports.complaint_reports(session, staff.sales, complaint.id)
    with pytest.raises(PermissionDenied):
        complaint_handling_reports.complaint_reports(session, staff.archivist, complaint.id)
    with pytest.raises(PermissionDenied):
        complaint_handling_reports.report_data(session, staff.archivist, report.id)
    with pytest.raises(NotFound):
        complaint_handling_reports.report_data(session, staff.clerk, report.id + 100)
    with pytest.raises(NotFound, match="还没有填写顾客投诉处理报告表"):
        complaint_handling_reports.latest_report_id(
            session, staff.clerk, registered(session, staff).id
        )


# ---------------------------------------------------------------- the complaint's files


def write_file(path: Path, text: str = "质量分析会会议纪要") -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_meeting_minutes_and_measures_are_kept_with_the_complaint(session, staff, tmp_path) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff, accident="重大质量事故")
    minutes = write_file(tmp_path / "质量分析会纪要.docx")
    meeting = TODAY - timedelta(days=2)
    item = complaint_files.add_attachment(
        session, staff.clerk, complaint.id, minutes, "会议纪要", meeting
    )
    assert item.filename == f"{meeting:%Y-%m-%d} 质量分析会纪要.docx"
    assert (item.customer_id, item.complaint_id) == (staff.customer_id, complaint.id)
    assert complaint_files.meeting_date(item) == meeting
    measures = complaint_files.add_attachment(
        session, staff.inspector, complaint.id, write_file(tmp_path / "改进措施.pdf", "措施"),
        "改进措施",
    )  # fmt: skip
    assert measures.filename == "改进措施.pdf" and complaint_files.meeting_date(measures) is None

    listed = complaint_files.attachments(session, staff.sales, complaint.id)
    assert [(a.kind, a.added_by.name) for a in listed] == [
        ("会议纪要", "陈客服"),
        ("改进措施", "周检"),
    ]
    # the customer card lists them too, as the customer's files
    assert {a.id for a in customers.attachments(session, staff.admin, staff.customer_id)} == {
        item.id,
        measures.id,
    }
    found, data = complaint_files.attachment_data(session, staff.sales, item.id)
    assert data.decode("utf-8") == "质量分析会会议纪要" and found.kind == "会议纪要"

    complaint_files.remove_attachment(session, staff.clerk, measures.id)
    assert [a.id for a in complaint_files.attachments(session, staff.clerk, complaint.id)] == [
        item.id
    ]
    trail = [
        (e.field, e.old_value, e.new_value)
        for e in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "complaint", AuditEntry.field == "附件")
            .order_by(AuditEntry.seq)
        )
    ]
    assert trail == [
        ("附件", None, f"会议纪要：{item.filename}"),
        ("附件", None, "改进措施：改进措施.pdf"),
        ("附件", "改进措施：改进措施.pdf", None),
    ]


def test_a_file_is_refused_with_its_reasons_and_nothing_is_written(
    session, staff, tmp_path
) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    minutes = write_file(tmp_path / "纪要.docx")
    with pytest.raises(ValidationError) as refused:
        complaint_files.add_attachment(session, staff.clerk, complaint.id, minutes, "会议纪要")
    assert refused.value.by_field == {"meeting_on": "会议纪要请填写会议日期。"}
    with pytest.raises(ValidationError, match="会议日期不能晚于今天"):
        complaint_files.add_attachment(
            session, staff.clerk, complaint.id, minutes, "会议纪要", TODAY + timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="附件类别应为：会议纪要、改进措施、其他"):
        complaint_files.add_attachment(session, staff.clerk, complaint.id, minutes, "合同")
    with pytest.raises(ValidationError, match="找不到文件"):
        complaint_files.add_attachment(
            session, staff.clerk, complaint.id, tmp_path / "无.pdf", "其他"
        )
    with pytest.raises(PermissionDenied):  # the 客户经理 has no right to change complaints
        complaint_files.add_attachment(session, staff.sales, complaint.id, minutes, "其他")
    assert session.scalar(select(func.count(Attachment.id))) == 0
    item = complaint_files.add_attachment(session, staff.clerk, complaint.id, minutes, "其他")
    with pytest.raises(PermissionDenied):
        complaint_files.remove_attachment(session, staff.sales, item.id)
    with pytest.raises(PermissionDenied):
        complaint_files.attachment_data(session, staff.archivist, item.id)
    # a file of the customer's own (not of a complaint) is not the complaint's to hand out
    own = customers.add_attachment(session, staff.admin, staff.customer_id, minutes, "合同")
    with pytest.raises(NotFound):
        complaint_files.attachment_data(session, staff.clerk, own.id)


def test_the_files_follow_the_complaint_to_another_customer(session, staff, tmp_path) -> None:  # noqa: ANN001
    complaint = registered(session, staff)
    item = complaint_files.add_attachment(
        session, staff.clerk, complaint.id, write_file(tmp_path / "照片.jpg"), "其他"
    )
    complaints.update(session, staff.clerk, complaint.id, {"customer_id": staff.other_customer_id})
    session.refresh(item)
    assert item.customer_id == staff.other_customer_id
