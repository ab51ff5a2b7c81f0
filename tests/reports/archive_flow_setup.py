"""A year of the archive room's traffic for the flow forms' tests: a hand-over with one
item missing, a loan lent and returned 缺损, and a destruction batch carried out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from desktop_crm.models import ArchiveDestruction, ArchiveLoan, ArchiveReceipt, ArchiveVolume, User
from desktop_crm.services import approvals, archive_appraisal, archive_loans, archive_receipts
from tests.services.archive_office import ArchiveOffice, file, person

TODAY = date.today()


@dataclass
class Flow:
    visits: ArchiveVolume
    old: ArchiveVolume
    receipt: ArchiveReceipt
    loan: ArchiveLoan
    destruction: ArchiveDestruction
    supervisor: User


def decide_all(session: Session, approval, *deciders: User) -> None:  # noqa: ANN001
    for decider in deciders:
        approvals.decide(session, decider, approvals.open_step(approval).id, True)


def make_flow(session: Session, office: ArchiveOffice) -> Flow:
    visits = file(session, office.keeper, office, title="2026年客户走访工作文件", pages=12)
    receipt = archive_receipts.create_receipt(
        session,
        office.clerk,
        {"received_on": TODAY, "month": archive_receipts.previous_month(TODAY)},
        [
            {"volume_id": visits.id},
            {"title": "客户来函", "doc_number": "YX〔2026〕7号", "pages": 2},
        ],
    )
    items = receipt.items
    archive_receipts.tick_items(
        session, office.keeper, receipt.id, {items[0].id: True, items[1].id: False},
        {items[1].id: "未见原件"},
    )  # fmt: skip
    loan = archive_loans.request_loan(
        session,
        office.keeper,
        {"borrower_kind": "本单位职工", "borrower_id": office.clerk.id, "purpose": "核对走访记录",
         "use": "借出", "due_on": TODAY + timedelta(days=7)},
        [visits.id],
    )  # fmt: skip
    decide_all(session, loan.approval, office.head)
    archive_loans.lend(session, office.keeper, loan.id, {visits.id: (12, 12)})
    archive_loans.return_loan(
        session, office.keeper, loan.id, {visits.id: {"pages": 11, "condition": "缺损",
                                                       "note": "第5页缺失"}},
    )  # fmt: skip
    old = file(
        session, office.keeper, office, title="2015年营销工作总结", year=2015, pages=20,
        filed_on=date(2016, 3, 1),
    )  # fmt: skip
    archive_appraisal.create_appraisal(
        session,
        office.keeper,
        [{"volume_id": old.id, "decision": "销毁", "reason": "已过保管期限"}],
    )
    destruction = archive_appraisal.request_destruction(
        session, office.keeper, [old.id], "到期档案销毁"
    )
    decide_all(session, destruction.approval, office.head, office.gm)
    supervisor = person(session, office.admin, "马兰", "ZHB", "档案管理员")
    archive_appraisal.carry_out_destruction(
        session, office.keeper, destruction.id, [supervisor.id, office.clerk.id], TODAY,
        "档案室碎纸间",
    )  # fmt: skip
    session.refresh(destruction)
    return Flow(visits, old, receipt, loan, destruction, supervisor)
