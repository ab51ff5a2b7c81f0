"""The complaint record's 处理报告 and 附件 tabs as the 客服 uses them: write the
顾客投诉处理报告表 of a handled complaint, see it on the 审批 page of the department head, see
its steps and state fill in, print it; keep an accident's 会议纪要 and 改进措施 with it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtGui import QDesktopServices  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QComboBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
)

from desktop_crm.services import approvals, complaint_handling_reports  # noqa: E402
from desktop_crm.views.approvals import ApprovalsPage  # noqa: E402
from desktop_crm.views.approvals.approvals_page import PENDING  # noqa: E402
from desktop_crm.views.complaints.action_forms import ActionForm  # noqa: E402
from desktop_crm.views.complaints.complaint_dialog import ComplaintDialog  # noqa: E402
from desktop_crm.views.pdf_preview import PdfPreviewDialog  # noqa: E402
from tests.pdf_text import pdf_text  # noqa: E402
from tests.services.test_complaint_handling_reports import (  # noqa: E402
    ADVICE,
    RESULT,
    Staff,
    handled_complaint,
    make_staff,
    registered,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SCREENSHOTS = os.environ.get("COMPLAINT_SCREENSHOTS")  # a folder: save what the screens look like
TODAY = date.today()


def shot(widget, name: str) -> None:  # noqa: ANN001
    if SCREENSHOTS:
        widget.grab().save(os.path.join(SCREENSHOTS, f"complaint_{name}.png"))


@pytest.fixture
def staff(session, admin) -> Staff:  # noqa: ANN001
    return make_staff(session, admin)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes answered at once (Yes); what they said is kept."""
    said: list[str] = []

    def show(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Yes

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(show))
    return said


def open_dialog(qtbot, app_context, user, complaint_id: int) -> ComplaintDialog:  # noqa: ANN001
    dialog = ComplaintDialog(replace(app_context, user_id=user.id), complaint_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def button(widget, name: str) -> QPushButton:  # noqa: ANN001
    found = widget.findChild(QPushButton, name)
    assert found is not None, name
    return found


def cells(table: QTableWidget, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def write_form(qtbot, dialog: ComplaintDialog) -> ActionForm:  # noqa: ANN001
    dialog.tabs.setCurrentIndex(dialog.report_tab)
    qtbot.mouseClick(button(dialog, "handlingReportWrite"), Qt.MouseButton.LeftButton)
    form = dialog.report_part.current_window
    assert isinstance(form, ActionForm) and form.isVisible()
    return form


def test_the_clerk_writes_the_report_and_follows_its_approval(
    qtbot, app_context, session, staff, boxes
) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    head_page = ApprovalsPage(replace(app_context, user_id=staff.qc_head.id))
    qtbot.addWidget(head_page)
    assert head_page.tables[PENDING].rowCount() == 0

    dialog = open_dialog(qtbot, app_context, staff.clerk, complaint.id)
    assert dialog.tabs.tabText(dialog.report_tab) == "处理报告"
    table = dialog.findChild(QTableWidget, "handlingReportTable")
    assert table.rowCount() == 0
    assert "尚无处理报告表" in dialog.findChild(QLabel, "handlingReportDetail").text()

    form = write_form(qtbot, dialog)
    # started from the complaint's finding and result; the department is the responsible one
    assert form.widgets["cause"].toPlainText() == "我方原因；约 3 吨受潮"
    assert form.widgets["result"].toPlainText() == RESULT
    assert form.widgets["department_id"].currentText() == "质检部"
    shot(form, "handling_report_form")
    # sent without the recommendation: refused beside it, the form stays with the typing
    qtbot.mouseClick(button(form, "complaintFormOk"), Qt.MouseButton.LeftButton)
    error = form.findChild(QLabel, "error_recommendation")
    assert error.isVisible() and error.text() == "建议制定的制度或开展的培训：必须填写。"
    assert form.isVisible() and table.rowCount() == 0
    form.widgets["recommendation"].insertPlainText(ADVICE)
    qtbot.mouseClick(button(form, "complaintFormOk"), Qt.MouseButton.LeftButton)
    assert not form.isVisible()

    assert dialog.status_label.text() == "处理报告表已提交审批。"
    assert table.rowCount() == 1
    written, department, writer, state, steps = cells(table, 0)
    assert (department, writer, state) == ("质检部", "陈客服", "待审批")
    assert steps == "质检部部门负责人：待审批；市场营销部部门负责人：待审批；总经理：待审批"
    detail = dialog.findChild(QLabel, "handlingReportDetail").text()
    assert "建议制定的制度或开展的培训：" + ADVICE in detail
    assert not button(dialog, "handlingReportWrite").isEnabled()  # one open report at a time
    assert "已有一份待审批的处理报告表" in dialog.findChild(QLabel, "handlingReportHint").text()
    shot(dialog, "handling_report_pending")

    # the department head finds it on the 审批 page (told by the change signal) and signs
    assert head_page.tables[PENDING].rowCount() == 1
    assert head_page.tables[PENDING].item(0, 0).text() == "顾客投诉处理报告表"
    head_page.show()
    head_page.select(PENDING, head_page.rows(PENDING)[0].id)
    assert "建议：" + ADVICE in head_page.detail_label.text()
    head_page.comment_edit.setText("同意")
    qtbot.mouseClick(head_page.approve_button, Qt.MouseButton.LeftButton)
    assert head_page.tables[PENDING].rowCount() == 0
    # the 营销部 countersigns in the program; the 总经理 signs on paper, recorded by the clerk
    (countersign,) = approvals.pending_for(session, staff.marketing_head)
    approvals.decide(session, staff.marketing_head, countersign.open_step_id, True, "会签")
    signed_on = TODAY - timedelta(days=1)
    approvals.record_paper(
        session, staff.clerk, countersign.open_step_id + 1, "王总经理", signed_on, None
    )

    dialog.reload()
    assert cells(table, 0)[3] == "已批准"
    assert "总经理：批准（纸质，王总经理" in cells(table, 0)[4]
    assert "第 1 步 质检部部门负责人：批准（孙部长" in dialog.report_part.detail.text()
    assert button(dialog, "handlingReportWrite").isEnabled()  # approved: a new one may follow
    shot(dialog, "handling_report_approved")

    qtbot.mouseClick(button(dialog, "handlingReportPrint"), Qt.MouseButton.LeftButton)
    preview = dialog.report_part.current_window
    assert isinstance(preview, PdfPreviewDialog)
    text = "".join(pdf_text(preview._pdf_data).split())
    assert "顾客投诉处理报告表" in text and complaint.number in text
    assert "责任部门负责人：孙部长" in text and "市场营销部会签：李部长" in text
    assert f"总经室批准：王总经理日期：{signed_on:%Y-%m-%d}" in text
    preview.reject()
    assert boxes == []


def test_before_the_complaint_is_handled_no_report_can_be_written(
    qtbot, app_context, session, staff
) -> None:  # noqa: ANN001
    complaint = registered(session, staff)
    dialog = open_dialog(qtbot, app_context, staff.clerk, complaint.id)
    assert not button(dialog, "handlingReportWrite").isEnabled()
    hint = dialog.findChild(QLabel, "handlingReportHint").text()
    assert hint == "投诉处理完毕后才能填写处理报告表（现在是「已登记」）。"


def test_someone_who_may_only_look_sees_the_reports_but_cannot_write_or_add_files(
    qtbot, app_context, session, staff
) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    complaint_handling_reports.create_report(
        session, staff.clerk, complaint.id, "原因", RESULT, ADVICE
    )
    dialog = open_dialog(qtbot, app_context, staff.sales, complaint.id)  # the 客户经理
    assert dialog.findChild(QTableWidget, "handlingReportTable").rowCount() == 1
    assert button(dialog, "handlingReportWrite").isHidden()
    assert not button(dialog, "handlingReportPrint").isHidden()
    dialog.tabs.setCurrentIndex(dialog.files_tab_index)
    assert button(dialog, "attachmentAdd").isHidden()
    assert button(dialog, "attachmentRemove").isHidden()
    assert not button(dialog, "attachmentOpen").isHidden()


def test_an_accidents_meeting_minutes_are_added_opened_and_removed(
    qtbot, app_context, session, staff, boxes, monkeypatch, tmp_path
) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff, accident="未遂质量事故")
    minutes = tmp_path / "质量分析会纪要.docx"
    minutes.write_bytes("会议纪要：封口机压力不足".encode())
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(minutes), ""))
    )
    opened: list[Path] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(Path(url.toLocalFile())) or True),
    )
    dialog = open_dialog(qtbot, app_context, staff.clerk, complaint.id)
    assert dialog.tabs.tabText(dialog.files_tab_index) == "附件（会议纪要、改进措施）"
    dialog.tabs.setCurrentIndex(dialog.files_tab_index)
    kind = dialog.findChild(QComboBox, "attachmentKind")
    assert [kind.itemText(i) for i in range(kind.count())] == ["会议纪要", "改进措施", "其他"]
    meeting = dialog.files_tab.meeting_edit
    assert meeting.isEnabled()
    meeting_day = TODAY - timedelta(days=3)
    meeting.setDate(QDate(meeting_day.year, meeting_day.month, meeting_day.day))
    qtbot.mouseClick(button(dialog, "attachmentAdd"), Qt.MouseButton.LeftButton)

    table = dialog.findChild(QTableWidget, "attachmentTable")
    assert table.rowCount() == 1
    shown = cells(table, 0)
    assert shown[0] == "会议纪要" and shown[1] == f"{meeting_day:%Y-%m-%d} 质量分析会纪要.docx"
    assert shown[4] == "陈客服"
    assert "已添加" in dialog.status_label.text()

    kind.setCurrentIndex(kind.findText("改进措施"))
    assert not meeting.isEnabled()  # only 会议纪要 carry the meeting's date
    measures = tmp_path / "改进措施.pdf"
    measures.write_bytes(b"%PDF-1.4 measures")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(measures), ""))
    )
    qtbot.mouseClick(button(dialog, "attachmentAdd"), Qt.MouseButton.LeftButton)
    assert [cells(table, r)[:2] for r in range(table.rowCount())] == [
        ["会议纪要", f"{meeting_day:%Y-%m-%d} 质量分析会纪要.docx"],
        ["改进措施", "改进措施.pdf"],
    ]
    shot(dialog, "files")

    table.selectRow(0)
    qtbot.mouseClick(button(dialog, "attachmentOpen"), Qt.MouseButton.LeftButton)
    assert opened[0].read_bytes() == minutes.read_bytes()
    table.selectRow(1)
    qtbot.mouseClick(button(dialog, "attachmentRemove"), Qt.MouseButton.LeftButton)
    assert table.rowCount() == 1 and cells(table, 0)[0] == "会议纪要"
    assert boxes == ["确定删除附件“改进措施.pdf”吗？删除会记入变更记录。"]


def test_a_plain_complaint_has_a_plain_files_tab(qtbot, app_context, session, staff) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, app_context, staff.clerk, registered(session, staff).id)
    assert dialog.tabs.tabText(dialog.files_tab_index) == "附件"
    assert dialog.tabs.isTabEnabled(dialog.files_tab_index)


def test_a_new_complaint_has_no_report_or_files_yet(qtbot, app_context) -> None:  # noqa: ANN001
    dialog = ComplaintDialog(app_context)
    qtbot.addWidget(dialog)
    assert not dialog.tabs.isTabEnabled(dialog.report_tab)
    assert not dialog.tabs.isTabEnabled(dialog.files_tab_index)


def test_the_form_keeps_the_typing_when_the_service_refuses(
    qtbot, app_context, session, staff, boxes
) -> None:  # noqa: ANN001
    complaint = handled_complaint(session, staff)
    dialog = open_dialog(qtbot, app_context, staff.clerk, complaint.id)
    form = write_form(qtbot, dialog)
    # meanwhile someone else wrote one on another PC
    complaint_handling_reports.create_report(
        session, staff.clerk, complaint.id, "原因", RESULT, ADVICE
    )
    text = form.widgets["recommendation"]
    assert isinstance(text, QPlainTextEdit)
    text.insertPlainText("开展装车培训")
    qtbot.mouseClick(button(form, "complaintFormOk"), Qt.MouseButton.LeftButton)
    assert len(boxes) == 1 and "已有一份待审批的处理报告表" in boxes[0]
    assert form.isVisible() and text.toPlainText() == "开展装车培训"
