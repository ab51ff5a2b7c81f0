"""The printed 顾客投诉处理报告表 as a reader sees it: the complaint, cause, result and the
rule or training recommended; the approval record; the signature lines of the department
head, the 市场营销部 and the 总经室 filled in with name and date once each approved, blank
to sign by hand before — PDF text read back with pdftotext, workbook cells with openpyxl."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from desktop_crm import documents
from desktop_crm.models import Approval, AuditEntry
from desktop_crm.reports.forms.complaint_handling_report import COMPLAINT_HANDLING_REPORT
from desktop_crm.services import approvals
from desktop_crm.services.errors import PermissionDenied
from tests.pdf_text import pdf_text
from tests.services.test_complaint_handling_reports import (
    ADVICE,
    CAUSE,
    RESULT,
    Staff,
    handled_complaint,
    make_staff,
    write_report,
)

TODAY = date.today()


@pytest.fixture
def staff(session, admin) -> Staff:  # noqa: ANN001
    return make_staff(session, admin)


def flat(text: str) -> str:
    """The PDF's text without the spaces and line breaks the layout puts in."""
    return "".join(text.split())


def sheet_rows(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "投诉处理报告表"
    return [
        [c for c in row if c is not None]
        for row in sheet.iter_rows(values_only=True)
        if any(c is not None for c in row)
    ]


def approve_all(session, staff: Staff, report) -> None:  # noqa: ANN001
    for person, note in ((staff.qc_head, "同意"), (staff.marketing_head, "会签"),
                         (staff.manager, "批准")):  # fmt: skip
        (row,) = approvals.pending_for(session, person)
        approvals.decide(session, person, row.open_step_id, True, note)


def test_an_approved_report_prints_every_part_and_the_signatures(session, staff) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff, accident="重大质量事故")
    report = write_report(session, staff, complaint)
    approve_all(session, staff, report)

    text = flat(pdf_text(documents.complaint_handling_report_pdf(session, staff.clerk, report.id)))
    for expected in (
        "顾客投诉处理报告表",
        f"投诉编号：{complaint.number}",
        "审批状态：已批准",
        "填报人：陈客服",
        "河北工程集团有限公司",
        "受潮结块",
        "重大质量事故",
        "投诉原因" + flat(CAUSE),
        "处理结果" + flat(RESULT),
        flat(ADVICE),
        "质检部部门负责人批准孙部长",
        "市场营销部部门负责人批准李部长",
        f"总经理批准王总{TODAY:%Y-%m-%d}系统批准",
        f"责任部门负责人：孙部长日期：{TODAY:%Y-%m-%d}",
        f"市场营销部会签：李部长日期：{TODAY:%Y-%m-%d}",
        f"总经室批准：王总日期：{TODAY:%Y-%m-%d}",
        "内部资料",
        "打印人：陈客服",
        "第1页共1页",  # one A4 page
    ):
        assert expected in text, expected

    rows = sheet_rows(documents.complaint_handling_report_xlsx(session, staff.clerk, report.id))
    assert ["顾客投诉处理报告表"] in rows
    assert ["投诉原因", CAUSE] in rows and ["处理结果", RESULT] in rows
    assert ["建议制定的制度\n或开展的培训", ADVICE] in rows
    signatures = [r for r in rows if r and str(r[0]).endswith("：") and len(r) == 4]
    assert [(r[0], r[1], r[3].date()) for r in signatures] == [
        ("责任部门负责人：", "孙部长", TODAY),
        ("市场营销部会签：", "李部长", TODAY),
        ("总经室批准：", "王总", TODAY),
    ]


def test_a_pending_report_leaves_the_lines_to_sign_by_hand(session, staff) -> None:  # noqa: ANN001
    report = write_report(session, staff, handled_complaint(session, staff))
    (row,) = approvals.pending_for(session, staff.qc_head)
    approvals.decide(session, staff.qc_head, row.open_step_id, True)
    text = flat(pdf_text(documents.complaint_handling_report_pdf(session, staff.clerk, report.id)))
    assert "审批状态：待审批" in text
    assert f"责任部门负责人：孙部长日期：{TODAY:%Y-%m-%d}" in text
    assert "市场营销部会签：日期：" in text and "总经室批准：日期：" in text
    assert "市场营销部部门负责人待审批" in text

    rows = sheet_rows(documents.complaint_handling_report_xlsx(session, staff.clerk, report.id))
    assert ["市场营销部会签：", "日期："] in rows and ["总经室批准：", "日期："] in rows


def test_paper_signatures_print_the_name_and_the_day_written_on_the_paper(session, staff) -> None:  # noqa: ANN001
    report = write_report(session, staff, handled_complaint(session, staff))
    approve_all_but_manager = ((staff.qc_head, "同意"), (staff.marketing_head, "会签"))
    for person, note in approve_all_but_manager:
        (row,) = approvals.pending_for(session, person)
        approvals.decide(session, person, row.open_step_id, True, note)
    signed = TODAY - timedelta(days=2)
    step = approvals.to_row(session.get(Approval, report.approval_id)).open_step_id
    approvals.record_paper(session, staff.clerk, step, "王建国", signed, None, comment="同意")
    text = flat(pdf_text(documents.complaint_handling_report_pdf(session, staff.clerk, report.id)))
    assert f"总经室批准：王建国日期：{signed:%Y-%m-%d}" in text
    assert f"总经理批准王建国{signed:%Y-%m-%d}纸质同意" in text


def test_printing_is_recorded_and_needs_the_print_right(session, staff) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    report = write_report(session, staff, complaint)
    documents.complaint_handling_report_pdf(session, staff.clerk, report.id)
    documents.complaint_handling_report_xlsx(session, staff.clerk, report.id)
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.detail == COMPLAINT_HANDLING_REPORT.title)
        .order_by(AuditEntry.seq)
    ).all()
    assert [(e.act, e.object_type, e.object_id) for e in entries] == [
        ("打印", "complaint", str(complaint.id)),
        ("导出", "complaint", str(complaint.id)),
    ]
    with pytest.raises(PermissionDenied):
        documents.complaint_handling_report_pdf(session, staff.archivist, report.id)
    assert len(session.scalars(select(AuditEntry.id).where(
        AuditEntry.detail == COMPLAINT_HANDLING_REPORT.title)).all()) == 2  # fmt: skip
