"""The 签收, 借阅 and 鉴定销毁 tabs of the 档案 page as the archive keeper uses them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop_crm.models import ArchiveNote  # noqa: E402
from desktop_crm.services import approvals, archive_loans, archives, complaints, customers  # noqa: E402
from desktop_crm.views.archives.archive_page import ArchivePage  # noqa: E402
from tests.services.archive_office import volume_values  # noqa: E402
from tests.views.archive_helpers import act_as, office_for, shot  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def office(app_context):  # noqa: ANN001, ANN201
    office = office_for(app_context)
    act_as(app_context, office.keeper)
    return office


def file(app_context, office, **changes):  # noqa: ANN001, ANN003, ANN201
    with app_context.session() as s:
        keeper = s.get(type(office.keeper), office.keeper.id)
        volume = archives.file_volume(s, keeper, volume_values(office, **changes))
        return volume.id, volume.number


def open_page(qtbot, app_context, tab: str) -> ArchivePage:  # noqa: ANN001
    page = ArchivePage(app_context)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.tabs.setCurrentWidget(getattr(page, tab))
    return page


def test_hand_over_with_a_missing_item_is_incomplete(qtbot, app_context, office) -> None:  # noqa: ANN001
    _id, number = file(app_context, office, title="客户走访记录")
    page = open_page(qtbot, app_context, "receipts")
    dialog = page.receipts.new_receipt()
    dialog.handed_by.setText("钱程")
    dialog.set_item(0, number)
    dialog.set_item(1, "YX〔2026〕7号", "客户来函", 2)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.problems.text()
    assert page.receipts.table.rowCount() == 1
    assert page.receipts.state_of(f"QS{date.today().year}-0001") == "待清点"
    page.receipts.table.selectRow(0)
    tick = page.receipts.tick()
    tick.set_received(0, True)
    tick.set_received(1, False, "未见原件")
    shot(tick, "receipt_tick")
    tick.save()
    assert page.receipts.state_of(f"QS{date.today().year}-0001") == "不完整"
    assert "客户来函" in page.receipts.table.item(0, 7).text()
    shot(page, "receipts_tab")


def test_loan_approved_lent_and_returned_damaged(qtbot, app_context, office) -> None:  # noqa: ANN001
    volume_id, number = file(app_context, office, title="客户走访记录", pages=12)
    page = open_page(qtbot, app_context, "loans")
    dialog = page.loans.new_loan()
    dialog.borrower.setCurrentIndex(dialog.borrower.findText("钱程"))
    dialog.purpose.setText("核对走访记录")
    dialog.numbers.setText(number)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.problems.text()
    loan_no = page.loans.rows[0].number
    assert page.loans.state_of(loan_no) == "申请中"
    assert "待审批" in page.loans.table.item(0, 8).text()
    with app_context.session() as s:  # the head approves on the 审批 page
        loan = archive_loans.get_loan(
            s, s.get(type(office.keeper), office.keeper.id), page.loans.rows[0].id
        )
        from desktop_crm.models import Approval

        approval = s.get(Approval, loan.approval_id)
        approvals.decide(
            s, s.get(type(office.head), office.head.id), approvals.open_step(approval).id, True
        )
    page.loans.reload()
    assert page.loans.state_of(loan_no) == "已批准"
    page.loans.select(loan_no)
    lend = page.loans.lend()
    lend.save()
    assert page.loans.state_of(loan_no) == "已借出"
    page.loans.select(loan_no)
    back = page.loans.give_back()
    back.set_return(0, 11, "缺损", "第5页缺失")
    shot(back, "loan_return")
    back.save()
    assert page.loans.state_of(loan_no) == "已归还"
    shot(page, "loans_tab")
    with app_context.session() as s:
        notes = s.scalars(select(ArchiveNote.text).where(ArchiveNote.volume_id == volume_id))
        assert any("第5页缺失" in n for n in notes)


def test_destroy_refused_for_a_volume_of_an_open_complaint(qtbot, app_context, office) -> None:  # noqa: ANN001
    with app_context.session() as s:
        admin = s.get(type(office.admin), office.admin.id)
        customer = customers.save_customer(s, admin, {"name": "渭南华源商砼有限公司"})
        complaint = complaints.register(
            s, admin, {"customer_id": customer.id, "content": "水泥强度不足",
                       "category": "产品质量", "channel": "电话"},
        )  # fmt: skip
        complaint_no, complaint_id = complaint.number, complaint.id
    file(app_context, office, title="2015年营销工作总结", year=2015, filed_on=date(2016, 3, 1),
         complaint_id=complaint_id)  # fmt: skip
    page = open_page(qtbot, app_context, "appraisal")
    assert page.appraisal.due.rowCount() == 1
    page.appraisal.decide(0, "销毁", "已过保管期限")
    page.appraisal.appraise()
    assert f"关联的投诉 {complaint_no} 尚未结案" in page.appraisal.message.text()
    shot(page, "appraisal_tab")
