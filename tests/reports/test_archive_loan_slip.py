"""档案借阅单 of one loan as the archive keeper prints it: PDF text read back with pdftotext,
workbook cells with openpyxl, and what printing leaves behind (access log, audit)."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import ArchiveAccess, AuditEntry, User
from desktop_crm.services import approvals, archive_loans
from desktop_crm.services.errors import PermissionDenied
from tests.pdf_text import pdf_text
from tests.services.archive_office import ArchiveOffice, file, make_office, person

from .archive_flow_setup import TODAY, Flow, make_flow


def flat(content: bytes) -> str:
    return "".join(pdf_text(content).split())


def cells(content: bytes) -> list[object]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]


@pytest.fixture
def office(session: Session, admin: User) -> ArchiveOffice:
    return make_office(session, admin)


@pytest.fixture
def flow(session: Session, office: ArchiveOffice) -> Flow:
    return make_flow(session, office)


def test_slip_of_a_staff_loan_lent_and_returned_damaged(session, office, flow) -> None:  # noqa: ANN001
    text = flat(documents.archive_loan_slip(session, office.keeper, flow.loan.id, True))
    assert text.startswith("档案借阅单")
    assert f"借阅单号：{flow.loan.number}" in text and "状态：已归还" in text
    for shown in (
        "借阅人钱程", "借阅人类别本单位职工", "单位/部门市场营销部", "利用方式借出",
        "借阅目的核对走访记录", flow.visits.number, "2026年客户走访工作文件",
        f"申请日期{TODAY:%Y-%m-%d}", f"应还日期{TODAY + timedelta(days=7):%Y-%m-%d}",
        "续借无", "归还状况缺损，第5页缺失",
        f"市场营销部部门负责人批准李明{TODAY:%Y-%m-%d}系统",
        "借阅人签字：", "经办人（档案管理员）：孙丽", "归还验收：孙丽",
    ):  # fmt: skip
        assert shown in text, shown
    # the volume's line: 页数 12, counted out 12 by both sides, back 11, 缺损 with the note
    assert "内部12121211缺损第5页缺失" in text
    assert "打印人：孙丽" in text

    workbook = cells(documents.archive_loan_slip(session, office.keeper, flow.loan.id, False))
    assert f"借阅单号：{flow.loan.number}" in workbook
    for shown in ("档案借阅单", "钱程", "市场营销部", flow.visits.number, "核对走访记录",
                  "缺损", "第5页缺失", "市场营销部部门负责人", "批准", "李明", "孙丽"):  # fmt: skip
        assert shown in workbook, shown
    assert workbook.count(12) >= 3 and 11 in workbook  # 页数 and the counts, as numbers
    assert TODAY in [c.date() if hasattr(c, "date") else c for c in workbook]
    acts = list(
        session.scalars(
            select(AuditEntry.act)
            .where(AuditEntry.object_type == "archive_loan", AuditEntry.object_label.like("JY%"))
            .order_by(AuditEntry.id.desc())
            .limit(2)
        )
    )
    assert acts == ["导出", "打印"]


def _outside_loan_of_a_secret(session: Session, office: ArchiveOffice):  # noqa: ANN202
    """An outside person reads a 机密 file: the archive's head recorded from paper, the
    总经理 in the program; the due date moved on once."""
    zhb_head = person(session, office.admin, "赵敏", "ZHB", "部门负责人")
    del zhb_head  # the paper signature below stands for the head's
    volume = file(session, office.keeper, office, title="2025年价格策略", secrecy="机密")
    loan = archive_loans.request_loan(
        session,
        office.keeper,
        {"borrower_kind": "外部人员", "borrower_name": "郑律师", "borrower_unit": "陕西某律师事务所",
         "letter": "陕律函〔2026〕18号", "id_number": "610102198001011234",
         "purpose": "诉讼取证", "use": "借出", "due_on": TODAY + timedelta(days=3)},
        [volume.id],
    )  # fmt: skip
    step = approvals.open_step(loan.approval)
    approvals.record_paper(session, office.keeper, step.id, "赵敏", TODAY, None)
    approvals.decide(session, office.gm, approvals.open_step(loan.approval).id, True, "同意")
    archive_loans.lend(session, office.keeper, loan.id, {volume.id: (12, 12)})
    archive_loans.extend_loan(
        session, office.keeper, loan.id, TODAY + timedelta(days=10), "取证未完"
    )
    return volume, loan


def test_slip_of_an_outsider_shows_letter_id_paper_step_and_mark(session, office) -> None:  # noqa: ANN001
    volume, loan = _outside_loan_of_a_secret(session, office)
    content = documents.archive_loan_slip(session, office.keeper, loan.id, True)
    text = flat(content)
    # the copy of a 机密 file is marked as such on the page, above the title
    assert text.startswith("机密") and "档案借阅单借阅单号" in text
    for shown in (
        "借阅人郑律师", "借阅人类别外部人员", "单位/部门陕西某律师事务所",
        "介绍信/证明陕律函〔2026〕18号", "证件号码610102198001011234", "借阅目的诉讼取证",
        "状态：已借出", "机密", f"综合服务部部门负责人批准赵敏{TODAY:%Y-%m-%d}纸质",
        f"总经理批准周强{TODAY:%Y-%m-%d}系统同意",
        f"{TODAY + timedelta(days=3):%Y-%m-%d}延至{TODAY + timedelta(days=10):%Y-%m-%d}（取证未完）",
    ):  # fmt: skip
        assert shown in text, shown
    # printing it is written to the access log (打印), the workbook as 导出
    workbook = cells(documents.archive_loan_slip(session, office.keeper, loan.id, False))
    for shown in ("郑律师", "外部人员", "陕律函〔2026〕18号", "610102198001011234", "机密",
                  "赵敏", "纸质", "周强", "同意", "诉讼取证"):  # fmt: skip
        assert shown in workbook, shown
    logged = list(
        session.scalars(
            select(ArchiveAccess).where(ArchiveAccess.volume_id == volume.id)
            .order_by(ArchiveAccess.id)
        )
    )  # fmt: skip
    acts = [(a.act, a.detail) for a in logged if a.act in ("打印", "导出")]
    assert acts == [
        ("打印", f"档案借阅单 {loan.number}（郑律师）"),
        ("导出", f"档案借阅单 {loan.number}（郑律师）"),
    ]


def test_slip_refused_to_someone_who_may_not_see_its_file(session, office) -> None:  # noqa: ANN001
    volume, loan = _outside_loan_of_a_secret(session, office)
    before = session.scalar(select(func.count(ArchiveAccess.id)))
    # the 市场营销部 head sees the department's files, but is not cleared for 机密
    with pytest.raises(PermissionDenied):
        documents.archive_loan_slip(session, office.head, loan.id, True)
    assert session.scalar(select(func.count(ArchiveAccess.id))) == before
    assert volume.secrecy == "机密"
