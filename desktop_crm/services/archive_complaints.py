"""归档 from a complaint (DOMAIN §2, §5): a closed complaint's papers as one volume linked to
the complaint and its customer, and the complaint's list of its archive files.

Which 门类: DOMAIN §1 (001 第二十条) has a customer's 投诉, 回访记录 and their handling
“记入客户档案”, so a complaint's volume is a 客户档案 volume with that 门类's period of the
保管期限表 (10 years by default), like the one filed from the customer card. Its 责任部门 is
the department of the complaint's 受理人 — the 客服 to whom 质检部 hands the completed record
back for filing (备案) — or the 市场营销部 when that is unknown; the department the complaint
found responsible is named in 本卷情况说明. Its 年度 is the year the complaint was closed
(a matter spanning two years belongs to the year it was concluded, DOMAIN §5).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import (
    ArchiveVolume,
    Attachment,
    Complaint,
    ComplaintHandlingReport,
    Department,
    Revisit,
    User,
)

from . import approvals, complaints, rights
from .archive_settings import CUSTOMER_CATEGORY, INTERNAL
from .archives import DESTROYED, file_volume
from .complaint_files import MEASURES, MEETING_MINUTES, meeting_date
from .errors import Conflict, NotFound, PermissionDenied, ValidationError

RECORD_TITLE = "顾客产品质量投诉调查处理记录"
HANDLING_REPORT_TITLE = "顾客投诉处理报告表"
REVISIT_RECORD_TITLE = "客户投诉回访记录"
REVISIT_REPORT_TITLE = "客户回访报告表"
VOLUME_TITLE = "{customer}{number}顾客投诉调查处理档案"
MARKETING_CODE = "YXB"  # 市场营销部: where the 客服 files the complaints
MEETING_DAY = re.compile(r"^\d{4}-\d{2}-\d{2} ")  # leads a 会议纪要's stored name


def file_complaint(
    session: Session, actor: User, complaint_id: int, year: int | None = None
) -> ArchiveVolume:
    """归档 on a closed complaint: a 客户档案 volume — 题名 “客户名称 投诉编号
    顾客投诉调查处理档案”, linked to the customer and the complaint, 密级 内部 — whose
    documents are the 顾客产品质量投诉调查处理记录, each 顾客投诉处理报告表, each revisit's
    客户投诉回访记录 (and its 客户回访报告表 once written) and each of the complaint's files
    (会议纪要, 改进措施, …), 文号 the complaint's or the revisit's number. `year` defaults to
    the year the complaint was closed. One volume per complaint. Commits."""
    complaint = _complaint_to_file(session, actor, complaint_id)
    if complaint.state != complaints.CLOSED:
        raise ValidationError(
            f"投诉 {complaint.number} 现在是「{complaint.state}」，结案后才能归档。",
            field="state",
        )
    _refuse_second(session, complaint)
    closed_on = complaint.closed_at.date() if complaint.closed_at else date.today()
    department = _filing_department(session, actor, complaint)
    values = {
        "title": VOLUME_TITLE.format(customer=complaint.customer.name, number=complaint.number)[
            :300
        ],
        "category_code": CUSTOMER_CATEGORY,
        "year": year or closed_on.year,
        "department_id": department.id if department else None,
        "secrecy": INTERNAL,
        "customer_id": complaint.customer_id,
        "complaint_id": complaint.id,
        "description": _description(complaint, closed_on),
    }
    items = complaint_documents(session, complaint, department.name if department else "")
    try:
        volume = file_volume(session, actor, values, items, commit=False)
        # Two PCs filing the same complaint at once: the 案卷号 lock of file_volume makes the
        # second one wait, and it then sees the first one's volume here.
        _refuse_second(session, complaint, volume.id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return volume


def complaint_volumes(session: Session, actor: User, complaint_id: int) -> list[ArchiveVolume]:
    """The complaint's archive files: the volumes linked to it that `actor` may see, newest
    year first."""
    from .archive_scope import scope_condition

    query = select(ArchiveVolume).where(ArchiveVolume.complaint_id == complaint_id)
    condition = scope_condition(session, actor)
    if condition is not None:
        query = query.where(condition)
    return list(session.scalars(query.order_by(ArchiveVolume.year.desc(), ArchiveVolume.number)))


# ------------------------------------------------------------------ the pieces


def _complaint_to_file(session: Session, actor: User, complaint_id: int) -> Complaint:
    """The complaint, when `actor` may file it: someone who files volumes and may see the
    complaint, or the archive room (archives create over 全部), which keeps every complaint's
    papers without working the complaints."""
    scope = rights.require(session, actor, "archives", "create")
    if rights.may(session, actor, "complaints", "view"):
        try:
            return complaints.get_complaint(session, actor, complaint_id)
        except PermissionDenied:
            if scope != rights.ALL:
                raise
    elif scope != rights.ALL:
        raise PermissionDenied("您没有查看这条投诉的权限，不能为其归档。")
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("这条投诉已不存在。")
    return complaint


def _refuse_second(session: Session, complaint: Complaint, new_id: int | None = None) -> None:
    query = select(ArchiveVolume.number).where(
        ArchiveVolume.complaint_id == complaint.id, ArchiveVolume.state != DESTROYED
    )
    if new_id is not None:
        query = query.where(ArchiveVolume.id != new_id)
    existing = session.scalar(query.order_by(ArchiveVolume.id).limit(1))
    if existing:
        raise Conflict(f"投诉 {complaint.number} 已归档，档号 {existing}，不能再立一卷。")


def _filing_department(session: Session, actor: User, complaint: Complaint) -> Department | None:
    """The 受理人's department, else the 市场营销部, else the actor's."""
    receiver = complaint.received_by
    department_id = receiver.department_id if receiver is not None else None
    if department_id is None:
        department_id = session.scalar(
            select(Department.id).where(Department.code == MARKETING_CODE)
        )
    if department_id is None:
        department_id = actor.department_id
    return session.get(Department, department_id) if department_id is not None else None


def _description(complaint: Complaint, closed_on: date) -> str:
    responsible = complaint.responsible_department
    parts = [
        f"投诉编号 {complaint.number}（{complaint.customer.name}，{complaint.category}），"
        f"{complaint.received_at:%Y-%m-%d} 受理，{closed_on:%Y-%m-%d} 结案，共 {complaint.round} 轮处理",
        f"原因：{complaint.cause}" if complaint.cause else "",
        f"责任部门：{responsible.name}" if responsible else "",
        f"处理层级：{complaint.escalation}",
    ]
    return ("；".join(p for p in parts if p) + "。由投诉记录归档。")[:4000]


def complaint_documents(
    session: Session, complaint: Complaint, filer: str
) -> list[dict[str, object]]:
    """The 卷内文件目录 of the complaint's volume: its record first, then the handling
    reports, revisits and files in date order. `filer`: the filing department's name, the
    record's 责任者."""
    record: dict[str, object] = {
        "doc_number": complaint.number,
        "author": filer[:100] or None,
        "title": RECORD_TITLE,
        "doc_date": complaint.received_at.date(),
        "pages": 1,
    }
    later: list[dict[str, object]] = []
    reports = list(
        session.scalars(
            select(ComplaintHandlingReport)
            .where(ComplaintHandlingReport.complaint_id == complaint.id)
            .order_by(ComplaintHandlingReport.created_at, ComplaintHandlingReport.id)
        )
    )
    states = approvals.approval_rows(session, {r.approval_id for r in reports if r.approval_id})
    for report in reports:
        approval = states.get(report.approval_id or 0)
        later.append(
            {
                "doc_number": complaint.number,
                "author": (report.department.name if report.department else filer)[:100] or None,
                "title": HANDLING_REPORT_TITLE,
                "doc_date": report.created_at.date(),
                "pages": 1,
                "remarks": approval.state if approval else None,
            }
        )
    revisits = list(
        session.scalars(
            select(Revisit)
            .where(Revisit.complaint_id == complaint.id)
            .order_by(Revisit.visited_on, Revisit.id)
        )
    )
    staff_ids = {r.staff_id for r in revisits if r.staff_id is not None}
    departments = dict(
        session.execute(
            select(User.id, Department.name)
            .join(Department, Department.id == User.department_id)
            .where(User.id.in_(staff_ids))
        ).all()
    )
    for revisit in revisits:
        author = (departments.get(revisit.staff_id or 0) or filer)[:100] or None
        round_text = f"（第 {revisit.complaint_round} 轮）" if revisit.complaint_round else ""
        later.append(
            {
                "doc_number": revisit.number,
                "author": author,
                "title": REVISIT_RECORD_TITLE + round_text,
                "doc_date": revisit.visited_on,
                "pages": 1,
                "remarks": revisit.satisfaction,  # how satisfied the customer was
            }
        )
        if revisit.report_at is not None:
            later.append(
                {
                    "doc_number": revisit.number,
                    "author": author,
                    "title": REVISIT_REPORT_TITLE + round_text,
                    "doc_date": revisit.report_at.date(),
                    "pages": 1,
                }
            )
    for item in session.scalars(
        select(Attachment)
        .where(Attachment.complaint_id == complaint.id)
        .order_by(Attachment.added_at, Attachment.id)
    ):
        # the file's name as its title, without the meeting date (in 日期) and the suffix
        name = MEETING_DAY.sub("", PurePath(item.filename).stem) or item.filename
        named = item.kind in (MEETING_MINUTES, MEASURES)
        later.append(
            {
                "doc_number": complaint.number,
                "title": (f"{item.kind}（{name}）" if named else name)[:300],
                "doc_date": meeting_date(item) or item.added_at.date(),
                "pages": 1,
            }
        )
    later.sort(key=lambda entry: entry["doc_date"])  # type: ignore[arg-type, return-value]
    return [record, *later]
