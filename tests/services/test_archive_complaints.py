"""归档 from a complaint (DOMAIN §2, §5): the volume filled from a closed complaint, the
refusals (not closed, twice, no right), the complaint's list of its volumes, and a filed
complaint reopened that appraisal then refuses to destroy."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from desktop_crm.models import ArchiveVolume, Complaint
from desktop_crm.services import archive_appraisal, archive_complaints, archive_settings
from desktop_crm.services.errors import Conflict, PermissionDenied, ValidationError
from tests.services.complaint_archive_setup import (
    CUSTOMER,
    closed_complaint,
    handled,
    make_office,
    person,
)


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    return make_office(session, admin)


def volume_count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(ArchiveVolume)) or 0


def test_filing_fills_the_volume_from_the_complaint(session, office, tmp_path) -> None:  # noqa: ANN001
    complaint = closed_complaint(session, office, tmp_path)
    number = complaint.number
    volume = archive_complaints.file_complaint(session, office.filer, complaint.id)

    assert volume.title == f"{CUSTOMER}{number}顾客投诉调查处理档案"
    assert volume.category_code == archive_settings.CUSTOMER_CATEGORY
    assert volume.period_code == "D10"  # the 保管期限表's period of 客户档案
    assert volume.year == complaint.closed_at.year
    assert volume.department_id == office.yxb  # the 受理人's department files it
    assert volume.number == f"Z001-KH·{volume.year}-D10-YXB-0001"
    assert (volume.customer_id, volume.complaint_id) == (office.customer_id, complaint.id)
    assert volume.secrecy == "内部" and volume.state == "在库"
    assert volume.compiler == "吴敏"
    assert number in volume.description and "质检部" in volume.description
    assert "2026-09-30 受理" in volume.description

    revisit_number = "HF2026-0001"
    rows = [(i.seq, i.doc_number, i.title, i.doc_date, i.author) for i in volume.items]
    assert rows == [
        (1, number, "顾客产品质量投诉调查处理记录", date(2026, 9, 30), "市场营销部"),
        (2, number, "会议纪要（质量分析会纪要）", date(2026, 10, 10), None),
        (3, revisit_number, "客户投诉回访记录（第 1 轮）", date(2026, 10, 12), "市场营销部"),
        (4, number, "顾客投诉处理报告表", date.today(), "质检部"),
        (5, revisit_number, "客户回访报告表（第 1 轮）", date.today(), "市场营销部"),
        (6, number, "改进措施（防潮改进措施）", date.today(), None),
    ]  # fmt: skip
    assert volume.items[2].remarks == "满意"  # the customer's satisfaction
    assert volume.items[3].remarks == "待审批"  # the report's approval, as it stands
    assert volume.pages == 6 and volume.copies == 6

    listed = archive_complaints.complaint_volumes(session, office.filer, complaint.id)
    assert [v.number for v in listed] == [volume.number]


def test_the_year_may_be_given(session, office, tmp_path) -> None:  # noqa: ANN001
    complaint = closed_complaint(session, office, tmp_path)
    volume = archive_complaints.file_complaint(session, office.keeper, complaint.id, 2025)
    assert volume.year == 2025 and "-KH·2025-" in volume.number


def test_an_open_complaint_is_not_filed(session, office) -> None:  # noqa: ANN001
    complaint = handled(session, office)
    with pytest.raises(ValidationError, match="现在是「已处理」，结案后才能归档"):
        archive_complaints.file_complaint(session, office.filer, complaint.id)
    assert volume_count(session) == 0


def test_a_complaint_is_filed_once(session, office, tmp_path) -> None:  # noqa: ANN001
    complaint = closed_complaint(session, office, tmp_path)
    first = archive_complaints.file_complaint(session, office.filer, complaint.id)
    number = first.number
    with pytest.raises(Conflict, match=f"已归档，档号 {number}"):
        archive_complaints.file_complaint(session, office.keeper, complaint.id, 2025)
    assert volume_count(session) == 1
    # a volume linked to the complaint by hand counts as well
    assert [v.number for v in archive_complaints.complaint_volumes(
        session, office.keeper, complaint.id
    )] == [number]  # fmt: skip


def test_who_may_file(session, office, tmp_path) -> None:  # noqa: ANN001
    complaint = closed_complaint(session, office, tmp_path)
    # works the complaint, holds no archive right
    with pytest.raises(PermissionDenied, match="档案"):
        archive_complaints.file_complaint(session, office.clerk, complaint.id)
    # files the department's volumes, but may not see complaints
    with pytest.raises(PermissionDenied, match="没有查看这条投诉的权限"):
        archive_complaints.file_complaint(session, office.archivist, complaint.id)
    # sees the complaint and files, but only for another department
    other = person(session, office.admin, "刘洋", "SHB", "客户服务主管", "部门档案员")
    with pytest.raises(PermissionDenied, match="只能为本部门立卷"):
        archive_complaints.file_complaint(session, other, complaint.id)
    assert volume_count(session) == 0
    # the archive room (全部) files any complaint without working complaints
    volume = archive_complaints.file_complaint(session, office.keeper, complaint.id)
    assert volume.department_id == office.yxb
    # the list keeps to the reader's archive scope
    assert archive_complaints.complaint_volumes(session, office.archivist, complaint.id)
    assert archive_complaints.complaint_volumes(session, other, complaint.id) == []
    with pytest.raises(PermissionDenied):
        archive_complaints.complaint_volumes(session, office.clerk, complaint.id)


def test_a_filed_complaint_reopened_cannot_be_destroyed(session, office, tmp_path) -> None:  # noqa: ANN001
    from desktop_crm.services import complaints

    complaint = closed_complaint(session, office, tmp_path)
    volume = archive_complaints.file_complaint(session, office.keeper, complaint.id, 2014)
    assert volume.appraisal_due_on == date(2025, 1, 1)  # due now
    complaints.reopen(session, office.admin, complaint.id, "客户再次投诉同一批次")
    assert session.get(Complaint, complaint.id).state == "重新处理"
    with pytest.raises(ValidationError, match=f"关联的投诉 {complaint.number} 尚未结案"):
        archive_appraisal.create_appraisal(
            session, office.keeper, [{"volume_id": volume.id, "decision": "销毁"}]
        )
    session.refresh(volume)
    assert volume.state == "在库"
