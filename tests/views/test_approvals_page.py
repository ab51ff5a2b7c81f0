"""The 审批 page and the request dialogs, as the people who use them see them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop_crm.models import AccessGrant, Approval, DiscountRequest, GiftRecord  # noqa: E402
from desktop_crm.services import access, approvals, gifts_discounts, grants  # noqa: E402
from desktop_crm.views.approvals import (  # noqa: E402
    ApprovalsPage,
    DiscountDialog,
    GiftDialog,
    GrantRequestDialog,
    PaperDecisionDialog,
)
from desktop_crm.views.approvals.approvals_page import DECIDED, MINE, PENDING  # noqa: E402
from tests.services.test_approvals import (  # noqa: E402
    department_id,
    make_customer,
    make_people,
    write_png,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

TODAY = date.today()
SCREENSHOT = os.environ.get("APPROVALS_SCREENSHOT", "/tmp/approvals.png")
DIALOG_SHOTS = os.environ.get("APPROVALS_DIALOG_SHOTS")  # a folder: save each dialog's look


def shoot(widget, name: str) -> None:  # noqa: ANN001
    if DIALOG_SHOTS:
        widget.show()
        widget.grab().save(os.path.join(DIALOG_SHOTS, f"{name}.png"))


@pytest.fixture
def people(session, admin):  # noqa: ANN001, ANN201
    return make_people(session, admin)


@pytest.fixture
def warnings(monkeypatch):  # noqa: ANN001, ANN201
    said: list[str] = []

    def warn(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warn)
    return said


def page_for(qtbot, app_context, user) -> ApprovalsPage:  # noqa: ANN001
    page = ApprovalsPage(replace(app_context, user_id=user.id))
    qtbot.addWidget(page)
    page.resize(1100, 520)
    return page


def column(table, index: int) -> list[str]:  # noqa: ANN001
    return [table.item(row, index).text() for row in range(table.rowCount())]


def ask_grant(session, people):  # noqa: ANN001, ANN201
    return grants.request_grant(
        session,
        people.sales,
        department_id(session, "SHB"),
        TODAY,
        TODAY + timedelta(days=30),
        "协助售后服务部处理投诉",
    )


def test_the_manager_approves_a_grant_request_and_the_requester_sees_it_approved(
    qtbot, app_context, session, people
) -> None:  # noqa: ANN001
    customer = make_customer(session, people.service_sales)
    approval = ask_grant(session, people)
    page = page_for(qtbot, app_context, people.manager)
    pending = page.tables[PENDING]
    assert pending.rowCount() == 1
    assert column(pending, 0) == ["查看其他部门客户档案"]
    assert column(pending, 2) == ["张伟"] and column(pending, 4) == ["待审批"]
    assert page.tabs.tabText(0) == "待我审批 (1)"

    page.show()
    pending.selectRow(0)
    assert "协助售后服务部处理投诉" in page.detail_label.text()
    qtbot.waitUntil(lambda: page.detail_label.height() > page.comment_edit.height())
    page.grab().save(SCREENSHOT)
    page.comment_edit.setText("同意，限一个月")  # QTest types ASCII only
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)

    assert pending.rowCount() == 0 and page.tabs.tabText(0) == "待我审批"
    decided = page.tables[DECIDED]
    assert decided.rowCount() == 1 and column(decided, 4) == ["已批准"]
    assert "总经理：批准（王总" in column(decided, 5)[0]
    assert page.comment_edit.text() == ""
    assert page.grant_rows()[0].grantee == "张伟"  # the 查看授权 tab lists the new grant
    session.expire_all()
    assert access.owner_in_reach(session, people.sales, "customers", "view", customer.owner_id)
    assert session.get(Approval, approval.id).steps[0].comment == "同意，限一个月"

    mine = page_for(qtbot, app_context, people.sales)
    assert column(mine.tables[MINE], 4) == ["已批准"]
    assert [r.state for r in mine.grant_rows()] == ["生效中"]
    assert not mine.revoke_button.isVisibleTo(mine)  # only the 总经理 and the administrator


def test_a_refusal_without_a_reason_is_shown_beside_the_comment(
    qtbot, app_context, session, people, warnings
) -> None:  # noqa: ANN001
    approval = ask_grant(session, people)
    page = page_for(qtbot, app_context, people.manager)
    page.select(PENDING, approval.id)
    qtbot.mouseClick(page.refuse_button, Qt.MouseButton.LeftButton)
    assert not page.comment_error.isHidden()
    assert page.comment_error.text() == "拒绝时请写明理由。"
    assert page.tables[PENDING].rowCount() == 1
    page.comment_edit.setText("没有必要")
    qtbot.mouseClick(page.refuse_button, Qt.MouseButton.LeftButton)
    assert page.tables[PENDING].rowCount() == 0 and column(page.tables[DECIDED], 4) == ["已拒绝"]
    assert warnings == []


def test_a_decision_on_a_stale_list_is_refused_and_the_list_catches_up(
    qtbot, app_context, session, people, warnings
) -> None:  # noqa: ANN001
    approval = ask_grant(session, people)
    page = page_for(qtbot, app_context, people.manager)
    page.select(PENDING, approval.id)
    approvals.withdraw(session, people.sales, approval.id)  # meanwhile, on another PC
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    assert warnings and "已撤回" in warnings[0]
    assert page.tables[PENDING].rowCount() == 0


def test_an_unauthorised_user_has_nothing_to_decide(qtbot, app_context, session, people) -> None:  # noqa: ANN001
    ask_grant(session, people)
    page = page_for(qtbot, app_context, people.marketing_head)
    assert page.tables[PENDING].rowCount() == 0
    assert not page.approve_button.isEnabled()


def test_the_requester_records_the_paper_approval_with_its_scan(
    qtbot, app_context, session, people, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    approval = ask_grant(session, people)
    page = page_for(qtbot, app_context, people.sales)
    page.select(MINE, approval.id)
    assert page.paper_button.isEnabled() and page.withdraw_button.isEnabled()
    scan = write_png(tmp_path / "总经理签批.png")
    filled: list[PaperDecisionDialog] = []

    def run_dialog(dialog: PaperDecisionDialog) -> int:
        filled.append(dialog)
        dialog.name_edit.setText("  ")
        dialog.scan_edit.setText(str(tmp_path / "没有这个文件.png"))
        dialog.submit()  # refused: nothing closes, the typing stays
        assert not dialog.errors["approver_name"].isHidden()
        assert "找不到扫描件" in dialog.errors["scan"].text()
        assert dialog.scan_edit.text().endswith("没有这个文件.png")
        shoot(dialog, "paper_dialog")
        dialog.name_edit.setText("王总")
        dialog.scan_edit.setText(str(scan))
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(PaperDecisionDialog, "exec", run_dialog)
    qtbot.mouseClick(page.paper_button, Qt.MouseButton.LeftButton)
    assert filled and column(page.tables[MINE], 4) == ["已批准"]
    assert "纸质，王总" in column(page.tables[MINE], 5)[0]
    shoot(page, "page_after_paper")
    page.select(MINE, approval.id)
    assert page.scan_button.isEnabled()
    assert session.scalars(select(AccessGrant)).one().grantee_id == people.sales.id


def test_the_requester_withdraws(qtbot, app_context, session, people, monkeypatch) -> None:  # noqa: ANN001
    approval = ask_grant(session, people)
    page = page_for(qtbot, app_context, people.sales)
    page.select(MINE, approval.id)
    monkeypatch.setattr(page, "confirm", lambda title, text: True)
    qtbot.mouseClick(page.withdraw_button, Qt.MouseButton.LeftButton)
    assert column(page.tables[MINE], 4) == ["已撤回"]
    assert not page.withdraw_button.isEnabled()


def test_grant_request_dialog_shows_refusals_beside_the_fields(
    qtbot, app_context, session, people
) -> None:  # noqa: ANN001
    dialog = GrantRequestDialog(replace(app_context, user_id=people.sales.id))
    qtbot.addWidget(dialog)
    assert dialog.grantee_combo.isHidden()
    names = [dialog.department_combo.itemText(i) for i in range(dialog.department_combo.count())]
    assert "售后服务部" in names and "市场营销部" not in names  # not one's own
    dialog.select_department("售后服务部")
    dialog.until_edit.setDate(dialog.from_edit.date().addDays(-1))
    dialog.submit()
    assert "不能早于开始日期" in dialog.errors["valid_until"].text()
    assert "请写明为什么需要查看" in dialog.errors["reason"].text()
    assert dialog.department_combo.currentText() == "售后服务部"
    shoot(dialog, "grant_request_dialog")
    dialog.until_edit.setDate(dialog.from_edit.date().addDays(10))
    dialog.reason_edit.setPlainText("协助处理投诉")
    dialog.submit()
    assert dialog.result() == GrantRequestDialog.DialogCode.Accepted
    (approval,) = session.scalars(select(Approval)).all()
    assert approval.state == "待审批" and approval.requested_by_id == people.sales.id


def test_the_manager_grants_directly_from_the_dialog(qtbot, app_context, session, people) -> None:  # noqa: ANN001
    dialog = GrantRequestDialog(replace(app_context, user_id=people.manager.id))
    qtbot.addWidget(dialog)
    assert not dialog.grantee_combo.isHidden() and dialog.submit_button.text() == "授权"
    dialog.select_department("售后服务部")
    dialog.reason_edit.setPlainText("年底对账")
    dialog.submit()
    assert "请选择授权给谁" in dialog.errors["grantee_id"].text()
    shoot(dialog, "grant_direct_dialog")
    dialog.select_grantee(people.sales.id)
    dialog.submit()
    assert dialog.result_text == "已授权，立即生效。"
    grant = session.scalars(select(AccessGrant)).one()
    assert (grant.grantee_id, grant.created_by_id) == (people.sales.id, people.manager.id)


def test_gift_dialog(qtbot, app_context, session, people) -> None:  # noqa: ANN001
    customer = make_customer(session, people.sales)
    dialog = GiftDialog(replace(app_context, user_id=people.sales.id), customer.id)
    qtbot.addWidget(dialog)
    assert customer.code in dialog.heading.text() and "市场营销部负责人" in dialog.heading.text()
    dialog.gift_edit.setText("月饼礼盒 2 盒")
    dialog.value_edit.setText("三百")
    dialog.submit()
    assert "不是数字" in dialog.errors["value"].text()
    assert "请填写赠送理由" in dialog.errors["reason"].text()
    assert dialog.gift_edit.text() == "月饼礼盒 2 盒"
    dialog.value_edit.setText("300")
    dialog.reason_edit.setPlainText("中秋走访")
    dialog.submit()
    assert dialog.result() == GiftDialog.DialogCode.Accepted
    gift = session.scalars(select(GiftRecord)).one()
    assert gift.gift == "月饼礼盒 2 盒" and str(gift.value) == "300.00"

    again = GiftDialog(replace(app_context, user_id=people.sales.id), customer.id)
    qtbot.addWidget(again)
    assert column(again.history, 0) == ["月饼礼盒 2 盒"] and column(again.history, 4) == ["待审批"]
    shoot(again, "gift_dialog")


def test_discount_dialog_and_a_customer_out_of_reach(
    qtbot, app_context, session, people, warnings
) -> None:  # noqa: ANN001
    customer = make_customer(session, people.service_sales)
    dialog = DiscountDialog(replace(app_context, user_id=people.service_sales.id), customer.id)
    qtbot.addWidget(dialog)
    dialog.content_edit.setPlainText("每吨优惠 10 元")
    dialog.amount_edit.setText("5000")
    dialog.reason_edit.setPlainText("年度大单")
    dialog.submit()
    shoot(dialog, "discount_dialog_before")
    request = session.scalars(select(DiscountRequest)).one()
    assert request.content == "每吨优惠 10 元"
    assert [
        r.state
        for r in gifts_discounts.customer_discounts(session, people.service_head, customer.id)
    ] == ["待审批"]

    outsider = DiscountDialog(replace(app_context, user_id=people.sales.id), customer.id)
    qtbot.addWidget(outsider)
    assert not outsider.submit_button.isEnabled()
    assert warnings and "请向总经理申请授权" in warnings[0]
