"""The archive keeper's day on the screens (issue 6): file a 案卷 with three documents, print
its 卷内文件目录 and read it back, lend it with the head's approval given on the 审批 page,
see it overdue on 今日待办 once the days have passed, extend it (续借), return it; and take
an expired file through appraisal, the approvals and the destruction (执行销毁) to its
档案销毁清册 PDF. Everything is typed, clicked and read back as the people do it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QWidget,
)
from sqlalchemy import text  # noqa: E402

from desktop_crm.services import archives  # noqa: E402
from desktop_crm.services import today as today_service  # noqa: E402
from desktop_crm.services.archive_list import COLUMNS  # noqa: E402
from desktop_crm.views.approvals import ApprovalsPage  # noqa: E402
from desktop_crm.views.approvals.approvals_page import PENDING  # noqa: E402
from desktop_crm.views.archives.archive_dialog import ArchiveDialog  # noqa: E402
from desktop_crm.views.archives.archive_page import ArchivePage  # noqa: E402
from desktop_crm.views.archives.item_grid import KEYS  # noqa: E402
from desktop_crm.views.pdf_preview import PdfPreviewDialog  # noqa: E402
from desktop_crm.views.today_page import TodayPage  # noqa: E402
from tests.pdf_text import pdf_text  # noqa: E402
from tests.services.archive_office import volume_values  # noqa: E402
from tests.views.archive_helpers import act_as, office_for, shot, type_cells, type_text  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

LEFT = Qt.MouseButton.LeftButton
COLUMN = {column.key: index for index, column in enumerate(COLUMNS)}


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the message boxes said (a refusal the screens show in a box, not beside a field)."""
    said: list[str] = []

    def show(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Yes

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(show))
    return said


@pytest.fixture
def office(app_context):  # noqa: ANN001, ANN201
    office = office_for(app_context)
    act_as(app_context, office.keeper)  # 孙丽, 档案管理员
    return office


# ------------------------------------------------------------------ driving the screens


def click(qtbot, parent: QWidget, name: str) -> QPushButton:  # noqa: ANN001
    button = parent.findChild(QPushButton, name)
    assert button is not None, name
    assert button.isVisible() and button.isEnabled(), f"{name} cannot be clicked"
    qtbot.mouseClick(button, LEFT)
    return button


def press_ok(qtbot, dialog: QWidget) -> None:  # noqa: ANN001
    box = dialog.findChild(QDialogButtonBox)
    button = box.button(QDialogButtonBox.StandardButton.Ok) or box.button(
        QDialogButtonBox.StandardButton.Save
    )
    qtbot.mouseClick(button, LEFT)


def show_tab(qtbot, page: ArchivePage, tab: QWidget) -> None:  # noqa: ANN001
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(page.tabs.indexOf(tab)).center())
    assert page.tabs.currentWidget() is tab


def click_row(qtbot, table: QTableWidget, row: int, column: int = 0) -> None:  # noqa: ANN001
    table.scrollToItem(table.item(row, column))
    rect = table.visualItemRect(table.item(row, column))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    assert table.currentRow() == row


def row_of(table: QTableWidget, column: int, value: str) -> int:
    rows = [r for r in range(table.rowCount()) if table.item(r, column).text() == value]
    assert rows, f"{value} not in the table"
    return rows[0]


def ledger_value(page: ArchivePage, number: str, key: str) -> str:
    page.ledger.apply()
    model = page.ledger.model
    for row in range(model.rowCount()):
        if model.index(row, COLUMN["number"]).data() == number:
            return str(model.index(row, COLUMN[key]).data())
    raise AssertionError(f"{number} not in the ledger")


def error_beside(dialog: QWidget, name: str) -> str:
    label = dialog.findChild(QLabel, name)
    assert label is not None, name
    return label.text() if label.isVisible() else ""


def open_archive_page(qtbot, app_context) -> ArchivePage:  # noqa: ANN001
    page = ArchivePage(app_context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def approve_on_the_approvals_page(qtbot, app_context, person, title_part: str) -> None:  # noqa: ANN001
    """`person` signs in on their own PC, opens 审批, finds the request and approves it."""
    approvals_page = ApprovalsPage(replace(app_context, user_id=person.id))
    qtbot.addWidget(approvals_page)
    approvals_page.resize(1100, 520)
    approvals_page.show()
    pending = approvals_page.tables[PENDING]
    titles = [pending.item(r, 1).text() for r in range(pending.rowCount())]
    matching = [r for r, title in enumerate(titles) if title_part in title]
    assert matching, (person.name, titles)
    click_row(qtbot, pending, matching[0], 1)
    type_text(qtbot, approvals_page.comment_edit, "同意")
    qtbot.mouseClick(approvals_page.approve_button, LEFT)
    assert approvals_page.comment_error.isHidden()
    assert "已批准" in approvals_page.status_label.text()
    approvals_page.close()


def preview_text(parent: QWidget) -> str:
    previews = [w for w in parent.findChildren(PdfPreviewDialog) if w.isVisible()]
    assert len(previews) == 1
    found = pdf_text(previews[0]._pdf_data)
    previews[0].close()
    return found


# ------------------------------------------------------------------ the day


def test_file_print_lend_overdue_extend_and_return(qtbot, app_context, office, boxes) -> None:  # noqa: ANN001
    page = open_archive_page(qtbot, app_context)

    # 1. a new 案卷 with three documents, typed in
    click(qtbot, page.ledger, "archiveNew")
    dialog = page.ledger.findChild(ArchiveDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # the keeper types into the window that just opened
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    type_text(qtbot, dialog.editors["title"].widget, "2026年客户走访工作文件")
    category = dialog.editors["category_code"].widget
    category.setCurrentIndex(category.findData("WS"))
    department = dialog.editors["department_id"].widget
    department.setCurrentIndex(department.findData(office.yxb))
    dialog.tabs.setCurrentIndex(dialog.items_index)
    table = dialog.grid.table
    table.setFocus()
    table.setCurrentCell(0, KEYS.index("doc_number"))
    # 文号, 责任者, 题名, 日期, 页数, 文种, 密级, 备注 — Enter after each
    type_cells(qtbot, table, ["YX-2026-011", "市场营销部", "关于客户走访安排的通知",
                              "2026-01-06", "3", None, None, None])  # fmt: skip
    type_cells(qtbot, table, ["YX-2026-015", "市场营销部", "客户走访记录表",
                              "2026-02-10", "2", None, None, None])  # fmt: skip
    type_cells(qtbot, table, [None, "市场营销部", "走访情况汇总", "2026-02-28", "5",
                              None, None, None])  # fmt: skip
    click(qtbot, dialog, "archiveSave")
    number = dialog.number_edit.text()
    assert number.startswith("Z001-WS·2026-D30-YXB-"), dialog.status_label.text()
    assert dialog.editors["pages"].get() == "10"

    # 2. its 卷内文件目录, printed and read back
    click(qtbot, dialog, "archivePrintItems")
    printed = preview_text(dialog)
    assert "卷内文件目录" in printed and number in printed
    for title in ("关于客户走访安排的通知", "客户走访记录表", "走访情况汇总"):
        assert title in printed
    assert "YX-2026-015" in printed and "6-10" in printed
    click(qtbot, dialog, "archiveClose")
    assert ledger_value(page, number, "state") == "在库"
    assert ledger_value(page, number, "pages") == "10"

    # 3. 钱程 of 市场营销部 asks to take it out for a week
    show_tab(qtbot, page, page.loans)
    loans = page.loans
    click(qtbot, loans, "loanNew")
    request = loans.dialog
    assert request.objectName() == "loanDialog" and request.isVisible()
    request.borrower.setCurrentIndex(request.borrower.findText("钱程"))
    type_text(qtbot, request.picker.line, "客户走访工作")
    qtbot.waitUntil(lambda: request.picker.matches.isVisible())
    qtbot.keyClick(request.picker.line, Qt.Key.Key_Return)
    assert request.volume_numbers() == [number]
    assert request.isVisible()  # Enter picked the file; it did not send the form
    press_ok(qtbot, request)  # no purpose yet: refused beside the field named as its label
    assert request.isVisible()
    assert request.layout().itemAt(0).layout().labelForField(request.purpose).text() == "借阅目的"
    assert error_beside(request, "loanDialog_purpose_error") == "借阅目的：必须填写。"
    assert request.focusWidget() is request.purpose  # the cursor waits where it is missing
    assert request.volume_numbers() == [number]  # the typing stays
    type_text(qtbot, request.purpose, "核对客户走访记录")
    qtbot.wait(20)  # the matches fold away
    shot(request, "workflow_loan_request")
    press_ok(qtbot, request)
    assert not request.isVisible(), request.problems.general.text()
    assert loans.table.rowCount() == 1
    loan_no = loans.table.item(0, 0).text()
    assert loans.state_of(loan_no) == "申请中"
    assert "市场营销部部门负责人：待审批" in loans.table.item(0, 8).text()

    # not lent without the approval
    click_row(qtbot, loans.table, 0)
    assert not loans.buttons["loanLend"].isEnabled()
    assert "待审批" in loans.buttons["loanLend"].toolTip()

    # 4. the department head 李明 approves on his 审批 page
    approve_on_the_approvals_page(qtbot, app_context, office.head, number)
    click(qtbot, loans, "loanRefresh")
    assert loans.state_of(loan_no) == "已批准"
    assert "批准（李明" in loans.table.item(0, 8).text()

    # 5. lent: both sides count ten pages
    click_row(qtbot, loans.table, 0)
    click(qtbot, loans, "loanLend")
    lend = loans.dialog
    assert lend.objectName() == "loanLendDialog"
    counts = [lend.table.cellWidget(0, c).value() for c in (2, 3)]
    assert counts == [10, 10]
    shot(lend, "workflow_loan_lend")
    press_ok(qtbot, lend)
    assert not lend.isVisible()
    assert loans.state_of(loan_no) == "已借出"
    assert ledger_value(page, number, "state") == "借出"

    # 6. ten days pass and the file is not back: the store's dates move as the days would
    lent = date.today() - timedelta(days=17)
    with app_context.session() as s:
        s.execute(
            text(
                "UPDATE archive_loan SET requested_on = :lent, due_on = :due, lent_at = :at "
                "WHERE number = :number"
            ),
            {"lent": lent, "due": date.today() - timedelta(days=10),
             "at": datetime.combine(lent, datetime.min.time()).replace(hour=9),
             "number": loan_no},
        )  # fmt: skip
        s.commit()
    today_page = TodayPage(app_context)
    qtbot.addWidget(today_page)
    today_page.resize(1000, 600)
    today_page.show()
    qtbot.mouseClick(today_page.refresh_button, LEFT)
    headings = [
        today_page.tree.topLevelItem(i).text(0) for i in range(today_page.tree.topLevelItemCount())
    ]
    assert "逾期未还的档案借阅 (1)" in headings
    (line,) = today_page.line_items(today_service.LOANS_OVERDUE)
    assert line.text(0) == loan_no and line.text(1) == "钱程（市场营销部）"
    assert "逾期 10 天" in line.text(3) and number in line.text(3)
    assert not line.icon(0).isNull()  # not colour alone
    shot(today_page, "workflow_today_overdue")
    # a click on the line opens the 案卷
    today_page.tree.scrollToItem(line)
    rect = today_page.tree.visualItemRect(line)
    qtbot.mouseClick(today_page.tree.viewport(), LEFT, pos=rect.center())
    opened = today_page.current_dialog
    assert isinstance(opened, ArchiveDialog) and opened.isVisible()
    assert opened.number_edit.text() == number and "借出" in opened.state_label.text()
    opened.reject()

    # the loans list says so too, in words
    click(qtbot, loans, "loanRefresh")
    assert loans.state_of(loan_no) == "已借出 ⚠ 逾期"

    # 7. 续借: a week from today, with the reason
    click_row(qtbot, loans.table, 0)
    click(qtbot, loans, "loanExtend")
    extend = loans.dialog
    assert extend.objectName() == "loanExtendDialog"
    assert extend.due_on.date().toPython() > date.today()  # not a day already past
    extend.due_on.setDate(date.today() + timedelta(days=7))
    press_ok(qtbot, extend)
    assert extend.isVisible()  # no reason given: refused beside the field, the date kept
    # the message names the field as its label does
    assert extend.layout().labelForField(extend.reason).text() == "延期原因"
    assert "延期原因：必须填写" in error_beside(extend, "loanExtend_reason_error")
    assert extend.focusWidget() is extend.reason
    assert extend.due_on.date().toPython() == date.today() + timedelta(days=7)
    type_text(qtbot, extend.reason, "客户对账尚未完成")
    shot(extend, "workflow_loan_extend")
    press_ok(qtbot, extend)
    assert not extend.isVisible()
    assert loans.state_of(loan_no) == "已借出"
    assert loans.table.item(0, 6).text() == str(date.today() + timedelta(days=7))
    qtbot.mouseClick(today_page.refresh_button, LEFT)
    assert today_page.line_items(today_service.LOANS_OVERDUE) == []

    # 8. returned, counted again: intact
    click_row(qtbot, loans.table, 0)
    click(qtbot, loans, "loanReturn")
    back = loans.dialog
    assert back.objectName() == "loanReturnDialog"
    assert back.table.cellWidget(0, 2).value() == 10
    assert back.table.cellWidget(0, 3).currentText() == "完好"
    shot(back, "workflow_loan_return")
    press_ok(qtbot, back)
    assert not back.isVisible()
    assert loans.state_of(loan_no) == "已归还"
    assert ledger_value(page, number, "state") == "在库"
    shot(page, "workflow_loans_tab")
    assert boxes == []


def test_expired_file_appraised_destroyed_and_its_register_printed(
    qtbot, app_context, office, boxes
) -> None:  # noqa: ANN001
    with app_context.session() as s:  # on the shelf since 2016, kept 10 years: due 2026
        keeper = s.get(type(office.keeper), office.keeper.id)
        number = archives.file_volume(
            s, keeper,
            volume_values(office, title="2015年客户走访记录", year=2015, filed_on=date(2016, 3, 1),
                          pages=24),
        ).number  # fmt: skip
    page = open_archive_page(qtbot, app_context)
    show_tab(qtbot, page, page.appraisal)
    appraisal = page.appraisal
    row = row_of(appraisal.due, 0, number)

    # 1. appraised: 销毁, with the reason typed into the line
    appraisal.due.cellWidget(row, 3).setCurrentText("销毁")
    appraisal.due.setCurrentCell(row, 5)
    qtbot.keyClick(appraisal.due, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    if not isinstance(editor, QLineEdit):  # offscreen: the window may not be the active one
        (editor,) = appraisal.due.viewport().findChildren(QLineEdit)
    type_text(qtbot, editor, "已过保管期限，无保存价值")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(20)
    # a look at the loans and back (the lists are read again): the choice is not lost
    show_tab(qtbot, page, page.loans)
    show_tab(qtbot, page, appraisal)
    row = row_of(appraisal.due, 0, number)
    assert appraisal.due.cellWidget(row, 3).currentText() == "销毁"
    assert appraisal.due.item(row, 5).text() == "已过保管期限，无保存价值"
    assert not appraisal.due.cellWidget(row, 4).isEnabled()  # a new period only for 延长
    click(qtbot, appraisal, "appraisalSave")
    assert appraisal.message.text().startswith("已保存鉴定批次"), appraisal.problems.general.text()
    assert ledger_value(page, number, "state") == "待鉴定"

    # 2. the destruction is asked for; not carried out before the approvals
    click(qtbot, appraisal, "destructionRequest")
    batch_no = f"XH{date.today().year}-01"
    assert batch_no in appraisal.message.text()
    batch_row = row_of(appraisal.batch_table, 0, batch_no)
    click_row(qtbot, appraisal.batch_table, batch_row)
    assert appraisal.batch_table.item(batch_row, 1).text() == "申请中"
    assert not appraisal.carry_out_button.isEnabled()

    # 3. the department head reviews, the 总经理 approves, each on their 审批 page
    approve_on_the_approvals_page(qtbot, app_context, office.head, batch_no)
    approve_on_the_approvals_page(qtbot, app_context, office.gm, batch_no)
    click(qtbot, appraisal, "appraisalRefresh")
    batch_row = row_of(appraisal.batch_table, 0, batch_no)
    assert appraisal.batch_table.item(batch_row, 1).text() == "已批准"

    # 4. 执行销毁: two different supervisors, the place, shredding
    click_row(qtbot, appraisal.batch_table, batch_row)
    click(qtbot, appraisal, "destructionCarryOut")
    destroy = appraisal.dialog
    assert destroy.objectName() == "destructionDialog" and destroy.isVisible()
    summary = destroy.findChild(QLabel, "destructionSummary").text()
    assert batch_no in summary and "1 卷，共 24 页" in summary and "2015年客户走访记录" in summary
    first, second = destroy.supervisors
    assert first.currentText() != second.currentText()  # two people offered from the start
    second.setCurrentIndex(first.currentIndex())
    press_ok(qtbot, destroy)
    assert destroy.isVisible()
    assert "两位监销人必须是不同的人" in error_beside(
        destroy, "destructionDialog_supervisor2_id_error"
    )
    assert "销毁地点：必须填写" in error_beside(destroy, "destructionDialog_place_error")
    assert destroy.focusWidget() is second
    first.setCurrentIndex(first.findText("孙丽"))
    second.setCurrentIndex(second.findText("钱程"))
    type_text(qtbot, destroy.place, "档案室碎纸间")
    assert destroy.method.currentText() == "粉碎"
    shot(destroy, "workflow_destruction")
    press_ok(qtbot, destroy)
    assert not destroy.isVisible()
    assert appraisal.message.text().startswith(f"已执行销毁 {batch_no}")
    batch_row = row_of(appraisal.batch_table, 0, batch_no)
    assert appraisal.batch_table.item(batch_row, 1).text() == "已销毁"
    assert appraisal.batch_table.item(batch_row, 4).text() == "孙丽、钱程"
    assert ledger_value(page, number, "state") == "已销毁"  # the row stays, marked
    qtbot.wait(100)
    shot(page, "workflow_appraisal_tab")

    # 5. the 档案销毁清册, printed and read back
    click_row(qtbot, appraisal.batch_table, batch_row)
    click(qtbot, appraisal, "destructionPrint")
    printed = preview_text(appraisal)
    assert "档案销毁清册" in printed and batch_no in printed
    assert number in printed and "2015年客户走访记录" in printed
    for name in ("李明", "周强", "孙丽", "钱程", "档案室碎纸间"):
        assert name in printed
    assert boxes == []
