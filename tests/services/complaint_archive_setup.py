"""A closed complaint with every kind of paper its volume takes — a handling report, a
revisit with its report, a 会议纪要 and an 改进措施 — and the people who file it; shared by
the service and screen tests of 归档 from a complaint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm.models import Complaint, Department, User
from desktop_crm.services import (
    complaint_files,
    complaint_handling_reports,
    complaints,
    customers,
    revisit_reports,
    revisits,
    staff,
)

HEADS = [("市场营销部负责人 王强", "电话"), ("质检部负责人 李敏", "电子邮件")]
CUSTOMER = "西安鑫达建材有限公司"


def department_id(session: Session, code: str) -> int:
    found = session.scalar(select(Department.id).where(Department.code == code))
    assert found is not None
    return found


def person(session: Session, admin: User, name: str, code: str, *roles: str) -> User:
    data = staff.StaffInput(name=name, department_id=department_id(session, code), roles=roles)
    return staff.save_staff(session, admin, data)


@dataclass
class ComplaintOffice:
    admin: User
    clerk: User  # 客户服务专员 (市场营销部): registers, chases, calls back; files nothing
    inspector: User  # 质检员
    filer: User  # 客户服务主管 who is also the 市场营销部's 部门档案员
    keeper: User  # 档案管理员 (综合服务部): files anything, works no complaint
    archivist: User  # 部门档案员 of 市场营销部 only: cannot see complaints
    customer_id: int
    yxb: int
    zjb: int


def make_office(session: Session, admin: User) -> ComplaintOffice:
    seller = person(session, admin, "张伟", "YXB", "客户开发专员")
    customer = customers.save_customer(session, admin, {"name": CUSTOMER, "owner_id": seller.id})
    return ComplaintOffice(
        admin=admin,
        clerk=person(session, admin, "陈客服", "YXB", "客户服务专员"),
        inspector=person(session, admin, "赵质检", "ZJB", "质检员"),
        filer=person(session, admin, "吴敏", "YXB", "客户服务主管", "部门档案员"),
        keeper=person(session, admin, "孙丽", "ZHB", "档案管理员"),
        archivist=person(session, admin, "钱程", "YXB", "部门档案员"),
        customer_id=customer.id,
        yxb=department_id(session, "YXB"),
        zjb=department_id(session, "ZJB"),
    )


def register(session: Session, office: ComplaintOffice, **changes: object) -> Complaint:
    values: dict[str, object] = {
        "received_at": "2026-09-30 09:00",
        "channel": "电话",
        "customer_id": office.customer_id,
        "category": "受潮结块",
        "product": "P.O 42.5 袋装水泥",
        "content": "工地收到的水泥有结块，部分袋子破损。",
        "demand": "退换受潮的水泥",
        **changes,
    }
    return complaints.register(session, office.clerk, values)


def handled(session: Session, office: ComplaintOffice) -> Complaint:
    """A complaint up to 处理完毕 (我方原因, 质检部 responsible)."""
    complaint = register(session, office)
    cid = complaint.id
    complaints.report(session, office.clerk, cid, HEADS, "2026-09-30 10:00")
    complaints.site_check(
        session, office.inspector, cid, "赵质检", "2026-09-30 14:00", "约 3 吨受潮",
        customer_confirmed=True, qc_confirmed=True,
    )  # fmt: skip
    complaints.find_cause(
        session, office.inspector, cid, complaints.CAUSE_OURS, office.zjb, "孙班长",
        found_at="2026-09-30 16:00",
    )  # fmt: skip
    complaints.propose_solution(
        session, office.inspector, cid, "退换受潮水泥 3 吨", proposed_at="2026-10-08 10:00"
    )
    return complaints.finish(
        session, office.clerk, cid, "已退换 3 吨", handled_at="2026-10-09 15:00"
    )


def closed_complaint(session: Session, office: ComplaintOffice, folder: Path) -> Complaint:
    """Handled, reported on (顾客投诉处理报告表), called back (satisfied, with its 客户回访
    报告表), with a 会议纪要 and an 改进措施, and closed."""
    complaint = handled(session, office)
    cid = complaint.id
    complaint_handling_reports.create_report(
        session, office.clerk, cid, "仓储防潮不到位", "已退换", "修订仓库防潮管理制度"
    )
    revisit = revisits.record_revisit(
        session,
        office.clerk,
        {"complaint_id": cid, "visited_on": "2026-10-12", "method": "电话",
         "contact_name": "王建国", "discussion": "退换后的使用情况", "satisfaction": "满意"},
    )  # fmt: skip
    revisit_reports.write_report(session, office.clerk, revisit.id, "客户满意", "处理及时")
    minutes = folder / "质量分析会纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    complaint_files.add_attachment(
        session, office.clerk, cid, minutes, complaint_files.MEETING_MINUTES, "2026-10-10"
    )
    measures = folder / "防潮改进措施.docx"
    measures.write_bytes(b"measures")
    complaint_files.add_attachment(session, office.clerk, cid, measures, complaint_files.MEASURES)
    return complaints.close(session, office.clerk, cid, "客户满意，结案")
