"""顾客投诉处理报告表 (DOMAIN §2, last paragraph).

A complaint that no rule or training covered gets a report once it is handled: the cause,
the result and the rule or training recommended (建议). It is signed by the head of the
responsible department, countersigned by the 市场营销部 and approved by the 总经室 — three
steps of the one approval mechanism (services.approvals), decided in the program or
recorded from paper by the clerk. A complaint has at most one report waiting for approval;
a refused or withdrawn one may be written again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    Approval,
    Complaint,
    ComplaintHandlingReport,
    Department,
    User,
    local_now,
)

from . import approvals, complaints
from .approvals import StepRow
from .errors import Conflict, FieldProblem, NotFound, ValidationError

KIND = "投诉处理报告"
LABEL = "顾客投诉处理报告表"
AREA = "complaints"
OBJECT_TYPE = "complaint_handling_report"
HEAD_ROLE = "部门负责人"
MANAGER_ROLE = "总经理"
MARKETING_CODE = "YXB"  # 市场营销部
# A report is written once the complaint is handled (处理完毕) or later in its life.
REPORTABLE_STATES = (complaints.HANDLED, complaints.REVISITED, complaints.CLOSED)
MAX_TEXT = 4000
SUMMARY_CHARS = 200  # of each text, in the request's summary on the approvals page

TEXTS = (
    ("cause", "投诉原因"),
    ("result", "处理结果"),
    ("recommendation", "建议制定的制度或开展的培训"),
)


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Draft:
    """What a new report starts with, taken from the complaint's record."""

    number: str
    cause: str
    result: str
    department_id: int | None


def draft(session: Session, actor: User, complaint_id: int) -> Draft:
    """The complaint's finding and result, to start the report from."""
    complaint = complaints.get_complaint(session, actor, complaint_id)
    cause = "；".join(
        part for part in (complaint.cause, complaint.findings, complaint.explanation) if part
    )
    return Draft(
        number=complaint.number,
        cause=cause,
        result=complaint.result or complaint.solution or "",
        department_id=complaint.responsible_department_id,
    )


def _texts(values: dict[str, object]) -> tuple[dict[str, str], list[FieldProblem]]:
    clean: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for key, label in TEXTS:
        text = str(values.get(key) or "").strip()
        if not text:
            problems.append(FieldProblem(key, f"{label}：必须填写。"))
        elif len(text) > MAX_TEXT:
            problems.append(
                FieldProblem(key, f"{label}：最多 {MAX_TEXT} 个字（现有 {len(text)} 个）。")
            )
        clean[key] = text
    return clean, problems


def _short(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"


def _open_report(session: Session, complaint_id: int) -> ComplaintHandlingReport | None:
    return session.scalar(
        select(ComplaintHandlingReport)
        .join(Approval, Approval.id == ComplaintHandlingReport.approval_id)
        .where(
            ComplaintHandlingReport.complaint_id == complaint_id,
            Approval.state == approvals.PENDING,
        )
        .limit(1)
    )


def create_report(
    session: Session,
    actor: User,
    complaint_id: int,
    cause: str,
    result: str,
    recommendation: str,
    department_id: int | None = None,
) -> ComplaintHandlingReport:
    """Write the report of a handled complaint and ask for its approval: the head of the
    responsible department (`department_id`, default the complaint's), the head of the
    市场营销部 (once, when that is the responsible department), the 总经理. Commits; a
    refusal writes nothing."""
    try:
        complaint = complaints.get_complaint(session, actor, complaint_id, "edit")
        if complaint.state not in REPORTABLE_STATES:
            raise ValidationError(
                f"投诉处理完毕后才能填写处理报告表（现在是「{complaint.state}」）。",
                field="state",
            )
        waiting = _open_report(session, complaint.id)
        if waiting is not None:
            raise Conflict(
                f"投诉 {complaint.number} 已有一份待审批的处理报告表"
                f"（{waiting.created_at:%Y-%m-%d %H:%M} 填写）。"
                "请等它审批完毕，或撤回后再写新的。"
            )
        clean, problems = _texts(
            {"cause": cause, "result": result, "recommendation": recommendation}
        )
        department = None
        chosen = department_id or complaint.responsible_department_id
        if chosen is None:
            problems.append(FieldProblem("department_id", "请选择责任部门：由其负责人签字。"))
        else:
            department = session.get(Department, chosen)
            if department is None:
                problems.append(FieldProblem("department_id", "所选责任部门已不存在。"))
        marketing = session.scalar(select(Department).where(Department.code == MARKETING_CODE))
        if marketing is None:
            problems.append(
                FieldProblem(
                    "department_id",
                    f"找不到市场营销部（机构代码 {MARKETING_CODE}），无法确定由谁会签。"
                    "请系统管理员检查部门设置。",
                )
            )
        if problems:
            raise ValidationError(problems)
        assert department is not None and marketing is not None
        steps = [approvals.StepSpec(HEAD_ROLE, department.id)]
        if marketing.id != department.id:
            steps.append(approvals.StepSpec(HEAD_ROLE, marketing.id))
        steps.append(approvals.StepSpec(MANAGER_ROLE))
        summary = "\n".join(
            f"{label}：{_short(clean[key])}"
            for key, label in zip(clean, ("投诉原因", "处理结果", "建议"), strict=True)
        )
        approval = approvals.request_approval(
            session,
            actor,
            KIND,
            f"投诉 {complaint.number} {complaint.customer.name}（{complaint.category}）",
            steps,
            customer_id=complaint.customer_id,
            object_type=OBJECT_TYPE,
            detail={"reason": summary, "complaint_id": complaint.id},
        )
        report = ComplaintHandlingReport(
            complaint_id=complaint.id,
            department_id=department.id,
            cause=clean["cause"],
            result=clean["result"],
            recommendation=clean["recommendation"],
            approval_id=approval.id,
            created_by_id=actor.id,
            created_at=local_now(),
        )
        session.add(report)
        session.flush()
        approval.object_id = str(report.id)
        session.commit()
        return report
    except Exception:
        session.rollback()
        raise


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class HandlingReportRow:
    """One report as the complaint's record shows it (plain values)."""

    id: int
    complaint_id: int
    department: str
    cause: str
    result: str
    recommendation: str
    created_by: str
    created_at: datetime
    approval_id: int | None
    state: str
    steps: tuple[StepRow, ...]

    @property
    def steps_summary(self) -> str:
        return "；".join(step.summary for step in self.steps)


def _rows(session: Session, found: list[ComplaintHandlingReport]) -> list[HandlingReportRow]:
    states = approvals.approval_rows(session, {r.approval_id for r in found if r.approval_id})
    names = dict(
        session.execute(
            select(User.id, User.name).where(User.id.in_({r.created_by_id for r in found}))
        ).all()
    )
    rows = []
    for report in found:
        approval = states.get(report.approval_id or 0)
        rows.append(
            HandlingReportRow(
                id=report.id,
                complaint_id=report.complaint_id,
                department=report.department.name if report.department else "",
                cause=report.cause,
                result=report.result,
                recommendation=report.recommendation,
                created_by=names.get(report.created_by_id or 0, ""),
                created_at=report.created_at,
                approval_id=report.approval_id,
                state=approval.state if approval else "",
                steps=approval.steps if approval else (),
            )
        )
    return rows


def complaint_reports(session: Session, actor: User, complaint_id: int) -> list[HandlingReportRow]:
    """The complaint's 处理报告表, newest first, each with its approval's steps and state."""
    complaints.get_complaint(session, actor, complaint_id)
    found = list(
        session.scalars(
            select(ComplaintHandlingReport)
            .where(ComplaintHandlingReport.complaint_id == complaint_id)
            .order_by(ComplaintHandlingReport.created_at.desc(), ComplaintHandlingReport.id.desc())
        )
    )
    return _rows(session, found)


def latest_report_id(session: Session, actor: User, complaint_id: int) -> int:
    """The newest report of the complaint (NotFound when it has none)."""
    complaint = complaints.get_complaint(session, actor, complaint_id)
    found = session.scalar(
        select(ComplaintHandlingReport.id)
        .where(ComplaintHandlingReport.complaint_id == complaint_id)
        .order_by(ComplaintHandlingReport.created_at.desc(), ComplaintHandlingReport.id.desc())
        .limit(1)
    )
    if found is None:
        raise NotFound(f"投诉 {complaint.number} 还没有填写顾客投诉处理报告表。")
    return found


def _signature(step: StepRow | None) -> tuple[str | None, date | None]:
    """Who approved the step and on which day; nothing while it is not approved."""
    if step is None or step.decision != approvals.APPROVE:
        return None, None
    if step.paper_approver:
        return step.paper_approver, step.paper_date
    return step.decided_by, step.decided_at.date() if step.decided_at else None


def report_data(
    session: Session, actor: User, report_id: int, action: str = "print"
) -> dict[str, Any]:
    """The data of the printed 顾客投诉处理报告表: the complaint, the three texts, each
    approval step, and the signature lines filled in with the approvers' names and dates
    once they approved. Needs `action` ("print") over the complaint."""
    report = session.get(ComplaintHandlingReport, report_id)
    if report is None:
        raise NotFound("这份处理报告表已不存在。")
    complaint: Complaint = complaints.get_complaint(session, actor, report.complaint_id, action)
    (row,) = _rows(session, [report])
    marketing_id = session.scalar(select(Department.id).where(Department.code == MARKETING_CODE))
    marketing = report.department_id == marketing_id  # the head signs for both
    department = report.department.name if report.department else None
    head = marketing_step = manager = None
    for step in row.steps:
        if step.role == MANAGER_ROLE:
            manager = step
        elif step.department == department and head is None:
            head = step
        else:
            marketing_step = step
    if marketing:
        marketing_step = head
    head_name, head_date = _signature(head)
    marketing_name, marketing_date = _signature(marketing_step)
    manager_name, manager_date = _signature(manager)
    customer = complaint.customer
    return {
        "complaint_id": complaint.id,
        "number": complaint.number,
        "customer_name": customer.name,
        "customer_code": customer.code,
        "received_at": complaint.received_at,
        "category": complaint.category,
        "kind": "服务投诉" if complaint.is_service else "产品投诉",
        "product": complaint.product,
        "spec_batch": complaint.spec_batch,
        "content": complaint.content,
        "complaint_state": complaint.state,
        "responsible_department": department,
        "responsible_person": complaint.responsible_person,
        "handled_at": complaint.handled_at,
        "accident": complaint.accident or "无",
        "cause": report.cause,
        "result": report.result,
        "recommendation": report.recommendation,
        "created_by": row.created_by,
        "created_at": report.created_at,
        "report_state": row.state,
        "approvals": [
            {
                "step": step.label,
                "decision": step.decision or "待审批",
                "who": step.paper_approver or step.decided_by or "",
                "on": step.paper_date or (step.decided_at.date() if step.decided_at else None),
                "way": "纸质" if step.paper_approver else ("系统" if step.decision else ""),
                "comment": step.comment,
            }
            for step in row.steps
        ],
        "head_name": head_name,
        "head_date": head_date,
        "marketing_name": marketing_name,
        "marketing_date": marketing_date,
        "manager_name": manager_name,
        "manager_date": manager_date,
        "internal_mark": True,
        "printed_by": actor.name,
        "printed_at": local_now(),
    }


approvals.register_kind(KIND, AREA, LABEL)
