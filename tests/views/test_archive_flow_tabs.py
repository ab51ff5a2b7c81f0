"""The 签收, 借阅 and 鉴定销毁 tabs of the 档案 page as the archive keeper uses them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QPushButton  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop_crm.models import ArchiveNote  # noqa: E402
from desktop_crm.services import approvals, archive_loans, archives, complaints, customers  # noqa: E402
from desktop_crm.views.archives.archive_page import ArchivePage  # noqa: E402
from tests.services.archive_office import (
    person,  # noqa: E402
    volume_values,  # noqa: E402
)
from tests.views.archive_helpers import act_as, office_for, shot, type_text  # noqa: E402

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
    beside = page.appraisal.problems.labels["decisions"]  # under the due list, not elsewhere
    assert f"关联的投诉 {complaint_no} 尚未结案" in beside.text()
    assert beside.isVisible()
    assert page.appraisal.due.cellWidget(0, 3).currentText() == "销毁"  # the choice is kept
    assert page.appraisal.due.item(0, 5).text() == "已过保管期限"
    shot(page, "appraisal_tab")


def test_refusals_stand_beside_their_fields_and_the_typing_stays(
    qtbot, app_context, office
) -> None:  # noqa: ANN001, E501
    page = open_page(qtbot, app_context, "receipts")
    dialog = page.receipts.new_receipt()
    dialog.month.setText("十月")
    dialog.set_item(1, "YX〔2026〕7号", "客户来函", 2)
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    errors = dialog.problems.labels
    assert "所属月份" in errors["month"].text() and errors["month"].isVisible()
    assert "移交人：必须填写" in errors["handed_by"].text() and errors["handed_by"].isVisible()
    assert not dialog.problems.general.isVisible()
    assert dialog.month.text() == "十月" and dialog._text(1, 1) == "客户来函"
    shot(dialog, "receipt_refused")
    dialog.month.setText("2026-10")
    dialog.handed_by.setText("钱程")
    dialog.set_item(0, "不存在的档号")
    dialog.save()
    assert errors["items"].text().startswith("第 1 行：没有档号为「不存在的档号」的案卷")
    assert not errors["month"].isVisible() and not errors["handed_by"].isVisible()
    dialog.set_item(0, "")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.problems.text()


def test_loan_dialog_refusals_beside_fields(qtbot, app_context, office) -> None:  # noqa: ANN001
    page = open_page(qtbot, app_context, "loans")
    dialog = page.loans.new_loan()
    dialog.kind.setCurrentText("外部人员")
    dialog.name.setText("张三")
    dialog.save()
    errors = dialog.problems.labels
    assert "借阅目的" in errors["purpose"].text()
    assert "单位" in errors["borrower_unit"].text()
    assert "请选择要借阅的案卷" in errors["volume_ids"].text()
    assert "证件号码" in errors["id_number"].text()
    assert dialog.name.text() == "张三"
    shot(dialog, "loan_refused")


def test_volumes_picked_by_search_with_an_input_method(qtbot, app_context, office) -> None:  # noqa: ANN001, E501
    _id, number = file(app_context, office, title="渭南华源走访记录", pages=9)
    file(app_context, office, title="年度工作总结")
    page = open_page(qtbot, app_context, "receipts")
    dialog = page.receipts.new_receipt()
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.picker.line, "华源走访")  # committed by the input method
    qtbot.waitUntil(lambda: dialog.picker.matches.isVisible())
    assert dialog.picker.matches.count() == 1
    assert number in dialog.picker.matches.item(0).text()
    shot(dialog, "receipt_picker")
    qtbot.keyClick(dialog.picker.line, Qt.Key.Key_Return)
    assert dialog.volume_numbers() == [number]
    assert dialog._text(0, 1) == "渭南华源走访记录" and dialog._text(0, 2) == "9"
    assert dialog.picker.line.text() == "" and not dialog.picker.matches.isVisible()
    dialog.handed_by.setText("钱程")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.problems.text()

    page.tabs.setCurrentWidget(page.loans)
    loan = page.loans.new_loan()
    qtbot.waitExposed(loan)
    type_text(qtbot, loan.picker.line, "走访")
    qtbot.waitUntil(lambda: loan.picker.matches.isVisible())
    loan.picker.matches.itemClicked.emit(loan.picker.matches.item(0))
    assert loan.volume_numbers() == [number]
    shot(loan, "loan_dialog")


def test_buttons_follow_the_rights(qtbot, app_context, office) -> None:  # noqa: ANN001
    page = open_page(qtbot, app_context, "receipts")
    assert page.receipts.tick_button.isVisible()
    assert not page.loans.buttons["loanLend"].isHidden()
    act_as(app_context, office.clerk)  # 部门档案员 of 市场营销部
    page.apply_rights()
    assert page.receipts.new_button.isVisible()
    assert page.receipts.tick_button.isHidden()
    for name in ("loanLend", "loanExtend", "loanReturn"):
        assert page.loans.buttons[name].isHidden()
    assert page.appraisal.save_button.isHidden()
    assert page.appraisal.carry_out_button.isHidden()
    dialog = page.receipts.new_receipt()
    assert [dialog.department.itemText(i) for i in range(dialog.department.count())] == [
        "市场营销部"
    ]
    dialog.reject()
    with app_context.session() as s:
        admin = s.get(type(office.admin), office.admin.id)
        outsider = person(s, admin, "孙立", "YXB", "客户服务专员")
        s.commit()
        outsider_id = outsider.id
    app_context.user_id = outsider_id
    page.apply_rights()
    for index in map(page.tabs.indexOf, (page.receipts, page.loans, page.appraisal)):
        assert not page.tabs.isTabVisible(index)


def test_print_buttons_ask_which_year(qtbot, app_context, office, monkeypatch) -> None:  # noqa: ANN001
    from desktop_crm.views import pdf_preview

    asked: list[str] = []
    monkeypatch.setattr(pdf_preview, "preview_form", lambda *args: asked.append(args[-1]))
    page = open_page(qtbot, app_context, "receipts")
    assert page.receipts.print_year.value() == date.today().year
    page.receipts.print_year.setValue(2024)
    qtbot.mouseClick(page.receipts.print_button, Qt.MouseButton.LeftButton)
    page.tabs.setCurrentWidget(page.loans)
    page.loans.print_year.setValue(2023)
    qtbot.mouseClick(page.loans.findChild(QPushButton, "loanPrint"), Qt.MouseButton.LeftButton)
    assert asked == ["档案签收簿2024", "借阅登记簿2023"]
