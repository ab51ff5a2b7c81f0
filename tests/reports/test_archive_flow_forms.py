"""档案签收簿, 借阅登记簿 and 档案销毁清册 as the archive keeper reads them: PDF text read back
with pdftotext, workbook cells with openpyxl, and what printing leaves behind."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_crm import documents
from desktop_crm.models import ArchiveAccess, AuditEntry, User
from desktop_crm.services.errors import NotFound, PermissionDenied
from tests.pdf_text import pdf_text
from tests.services.archive_office import ArchiveOffice, make_office

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


def test_receipt_book_lists_the_hand_over_and_what_was_missing(session, office, flow) -> None:  # noqa: ANN001
    content = documents.archive_receipt_book(session, office.keeper, TODAY.year, True)
    text = flat(content)
    assert text.startswith("档案签收簿")
    assert f"年度：{TODAY.year}" in text
    for shown in ("市场营销部", "钱程", "孙丽", flow.visits.number, "YX〔2026〕7号客户来函",
                  "不完整", "移交人签字", "接收人签字"):  # fmt: skip
        assert shown in text, shown
    assert "不完整（次）1" in text
    workbook = cells(documents.archive_receipt_book(session, office.keeper, TODAY.year, False))
    assert "不完整" in workbook and "YX〔2026〕7号 客户来函" in workbook
    assert 2 in workbook  # 件数
    # another year: an empty book, still with its headings
    empty = flat(documents.archive_receipt_book(session, office.keeper, TODAY.year - 5, True))
    assert "移交部门" in empty and flow.visits.number not in empty


def test_loan_book_shows_the_loan_its_return_and_approval(session, office, flow) -> None:  # noqa: ANN001
    text = flat(documents.archive_loan_book(session, office.keeper, TODAY.year, True))
    assert text.startswith("借阅登记簿")
    for shown in (flow.loan.number, "钱程", flow.visits.number, "核对走访记录", "借出",
                  "缺损", "第5页缺失", "市场营销部部门负责人：批准"):  # fmt: skip
        assert shown in text, shown
    workbook = cells(documents.archive_loan_book(session, office.keeper, TODAY.year, False))
    assert flow.loan.number in workbook
    assert any(isinstance(c, str) and c.startswith("缺损") and "第5页缺失" in c for c in workbook)
    audit = session.scalars(select(AuditEntry.object_label).order_by(AuditEntry.id.desc())).first()
    assert audit == "借阅登记簿"


def test_destruction_register_has_rows_approvers_and_supervisors(session, office, flow) -> None:  # noqa: ANN001
    batch = flow.destruction.batch_no
    text = flat(documents.archive_destruction_register(session, office.keeper, batch, True))
    assert text.startswith("档案销毁清册") and f"批次号：{batch}" in text
    for shown in ("2015年营销工作总结", flow.old.number, "定期10年", f"{TODAY.year - 2016}年",
                  "李明", "周强", "马兰", "钱程", "档案室碎纸间", "粉碎", "已销毁", "监销人"):  # fmt: skip
        assert shown in text, shown
    workbook = cells(documents.archive_destruction_register(session, office.keeper, batch, False))
    assert flow.old.number in workbook and "档案室碎纸间" in workbook and 20 in workbook


def test_refusals(session, office, flow) -> None:  # noqa: ANN001
    with pytest.raises(NotFound):
        documents.archive_destruction_register(session, office.keeper, "XH1999-09", True)
    with pytest.raises(PermissionDenied):
        documents.archive_destruction_register(
            session, office.head, flow.destruction.batch_no, True
        )


def test_a_customer_file_in_the_loan_book_is_logged(session, office, flow) -> None:  # noqa: ANN001
    before = session.scalar(select(ArchiveAccess.id).order_by(ArchiveAccess.id.desc()))
    documents.archive_loan_book(session, office.keeper, TODAY.year, True)
    after = session.scalar(select(ArchiveAccess.id).order_by(ArchiveAccess.id.desc()))
    # a 文书 volume of 市场营销部 is not a logged one: nothing written
    assert after == before
