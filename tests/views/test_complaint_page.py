"""The complaint register as the 客服 uses it: register a complaint in the dialog, move it
through every state to 结案 with the action buttons, see a reopened round, find overdue
complaints marked in the list, filter and search by pinyin."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date, datetime, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QBrush  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
)

from desktop_crm.models import User  # noqa: E402
from desktop_crm.services import complaints, customers, staff  # noqa: E402
from desktop_crm.views.complaints.action_forms import ActionForm  # noqa: E402
from desktop_crm.views.complaints.complaint_dialog import ComplaintDialog  # noqa: E402
from desktop_crm.views.complaints.complaint_page import (  # noqa: E402
    OVERDUE_BACKGROUND,
    OVERDUE_MARK,
    ComplaintPage,
)
from desktop_crm.views.pdf_preview import PdfPreviewDialog  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SCREENSHOTS = os.environ.get("COMPLAINT_SCREENSHOTS")  # a folder: save what the screens look like
HEADS = [("市场营销部负责人", "电话"), ("质检部负责人", "电话")]


def shot(widget, name: str) -> None:  # noqa: ANN001
    if SCREENSHOTS:
        widget.grab().save(os.path.join(SCREENSHOTS, f"complaint_{name}.png"))


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes answered at once; what they said is kept."""
    said: list[str] = []

    def show(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Yes

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(show))
    return said


@pytest.fixture
def known(session, admin):  # noqa: ANN001, ANN201
    """Two customers of the administrator (who may do everything)."""
    hebei = customers.save_customer(session, admin, {"name": "河北工程集团有限公司"})
    xian = customers.save_customer(session, admin, {"name": "西安华盛商混站"})
    return {"hebei": hebei.id, "xian": xian.id}


def register(session, admin, customer_id: int, **values: object) -> int:  # noqa: ANN001
    data: dict[str, object] = {
        "channel": "电话",
        "customer_id": customer_id,
        "category": "受潮结块",
        "content": "水泥受潮结块",
        **values,
    }
    return complaints.register(session, admin, data).id


def button(widget, name: str) -> QPushButton:  # noqa: ANN001
    found = widget.findChild(QPushButton, name)
    assert found is not None, name
    return found


def do_action(qtbot, dialog: ComplaintDialog, name: str, **typed: str) -> ActionForm:  # noqa: ANN001
    """Click an action button, fill its form like a user and press its OK."""
    dialog.tabs.setCurrentIndex(dialog.handling_tab)
    action = button(dialog, name)
    assert action.isVisible(), f"{name} not offered in {dialog.stored.state}"
    qtbot.mouseClick(action, Qt.MouseButton.LeftButton)
    form = dialog.current_form
    assert isinstance(form, ActionForm)
    for key, text in typed.items():
        widget = form.widgets[key]
        if isinstance(widget, QPlainTextEdit):
            widget.insertPlainText(text)  # committed input-method text
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.findText(text))
        else:
            assert isinstance(widget, QLineEdit)
            widget.insert(text)
    qtbot.mouseClick(button(form, "complaintFormOk"), Qt.MouseButton.LeftButton)
    return form


def steps(dialog: ComplaintDialog) -> list[str]:
    table = dialog.findChild(QTableWidget, "complaintSteps")
    return [table.item(row, 2).text() for row in range(table.rowCount())]


# ------------------------------------------------------------------ the dialog


def test_register_in_the_dialog_and_move_it_to_closed(
    qtbot, app_context, known, session, admin, boxes
) -> None:  # noqa: ANN001
    changed: list[bool] = []
    app_context.hub.sig_complaints_changed.connect(lambda: changed.append(True))
    dialog = ComplaintDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.show()

    picker = dialog.customer_picker
    qtbot.keyClicks(picker.line, "hbgc")  # pinyin initials of the customer
    qtbot.waitUntil(lambda: picker.matches.isVisible() and picker.matches.count() == 1)
    assert "河北工程集团有限公司" in picker.matches.item(0).text()
    qtbot.mouseClick(
        picker.matches.viewport(),
        Qt.MouseButton.LeftButton,
        pos=picker.matches.visualItemRect(picker.matches.item(0)).center(),
    )
    assert picker.value() == known["hebei"]
    category = dialog.findChild(QComboBox, "field_category")
    category.setCurrentIndex(category.findText("受潮结块"))
    dialog.findChild(QLineEdit, "field_product").insert("P.O 42.5 袋装")

    # Saved without 投诉内容: refused beside the field, the typing stays
    qtbot.mouseClick(button(dialog, "complaintSave"), Qt.MouseButton.LeftButton)
    error = dialog.findChild(QLabel, "error_content")
    assert error.isVisible() and "必须填写" in error.text()
    assert dialog.complaint_id is None
    assert dialog.findChild(QLineEdit, "field_product").text() == "P.O 42.5 袋装"
    shot(dialog, "dialog_refused")
    dialog.findChild(QPlainTextEdit, "field_content").insertPlainText("工地收到的水泥结块")
    assert not error.isVisible()
    qtbot.mouseClick(button(dialog, "complaintSave"), Qt.MouseButton.LeftButton)
    assert dialog.complaint_id is not None
    number = f"TS{date.today().year}-0001"
    assert number in dialog.header.text() and "已登记" in dialog.header.text()
    assert "下一期限" in dialog.deadline_label.text() and "上报领导" in dialog.deadline_label.text()
    assert changed

    do_action(qtbot, dialog, "complaintReport")
    assert dialog.stored.state == "已上报"
    reports = dialog.findChild(QTableWidget, "complaintReports")
    assert reports.rowCount() == 3 and reports.item(0, 0).text() == "市场营销部负责人"
    do_action(qtbot, dialog, "complaintSiteCheck", site_checker="赵质检", findings="约 3 吨受潮")
    assert dialog.stored.state == "调查核实"
    do_action(
        qtbot, dialog, "complaintFindCause", cause="我方原因", responsible_department_id="质检部"
    )
    assert dialog.stored.state == "处理中"
    assert "提出处理方案" in dialog.deadline_label.text()
    assert button(dialog, "complaintFinish").isHidden()  # a solution comes first
    do_action(qtbot, dialog, "complaintPropose", solution="退换受潮水泥 3 吨")
    do_action(qtbot, dialog, "complaintFinish", result="已退换")
    assert dialog.stored.state == "已处理"
    assert button(dialog, "complaintRevisit").isVisible()
    shot(dialog, "dialog_handled")

    # 记录回访 opens the revisit dialog; the revisit itself is recorded through the service
    qtbot.mouseClick(button(dialog, "complaintRevisit"), Qt.MouseButton.LeftButton)
    revisit = dialog.current_form
    assert revisit is not None and revisit.objectName() == "revisitDialog"
    revisit.reject()
    complaint = complaints.get_complaint(session, admin, dialog.complaint_id)
    complaints.revisited(session, admin, complaint, "满意", "电话回访")
    session.commit()
    dialog.reload()
    assert dialog.stored.state == "已回访"

    do_action(qtbot, dialog, "complaintClose", note="客户满意")
    assert dialog.stored.state == "已结案"
    assert steps(dialog) == [
        "登记", "上报", "现场核实", "认定原因", "提出方案", "处理完毕", "回访", "结案",
    ]  # fmt: skip
    assert [b for b, w in dialog.action_buttons.items() if not w.isHidden()] == ["重新处理"]
    assert not button(dialog, "complaintSave").isVisible()  # closed: no corrections
    assert "下一期限：无" in dialog.deadline_label.text()
    shot(dialog, "dialog_closed")
    assert boxes == []


def test_an_unsatisfied_revisit_reopens_a_new_round(
    qtbot, app_context, known, session, admin
) -> None:  # noqa: ANN001
    cid = register(session, admin, known["hebei"], category="服务态度", content="司机态度差")
    complaints.report(session, admin, cid, HEADS)
    complaints.find_cause(session, admin, cid, "我方原因", responsible_department_id=1)
    complaints.propose_solution(session, admin, cid, "批评教育司机")
    complaints.finish(session, admin, cid, "已道歉")
    complaints.revisited(
        session, admin, complaints.get_complaint(session, admin, cid), "不满意", "回访"
    )
    session.commit()
    dialog = ComplaintDialog(app_context, complaint_id=cid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "重新处理" in dialog.header.text() and "第 2 轮" in dialog.header.text()
    assert "部门负责人" in dialog.header.text()
    shown = [action for action, w in dialog.action_buttons.items() if not w.isHidden()]
    assert shown == ["现场核实", "认定原因"]
    rounds = dialog.findChild(QTableWidget, "complaintSteps")
    assert rounds.item(rounds.rowCount() - 1, 0).text() == "2"
    assert "给客户满意答复" in dialog.deadline_label.text()


def test_a_refused_action_is_told_beside_its_field_and_keeps_the_typing(
    qtbot, app_context, known, session, admin
) -> None:  # noqa: ANN001
    cid = register(session, admin, known["hebei"])
    complaints.report(session, admin, cid, HEADS)
    dialog = ComplaintDialog(app_context, complaint_id=cid)
    qtbot.addWidget(dialog)
    dialog.show()
    form = do_action(qtbot, dialog, "complaintSiteCheck", findings="约 3 吨受潮")
    assert form.isVisible()
    assert "必须填写" in form.findChild(QLabel, "error_site_checker").text()
    assert form.widgets["findings"].toPlainText() == "约 3 吨受潮"
    shot(form, "form_refused")
    form.widgets["site_checker"].insert("赵质检")
    qtbot.mouseClick(button(form, "complaintFormOk"), Qt.MouseButton.LeftButton)
    assert dialog.stored.state == "调查核实"


def test_a_change_made_meanwhile_elsewhere_is_refused_not_overwritten(
    qtbot, app_context, known, session, admin, boxes
) -> None:  # noqa: ANN001
    cid = register(session, admin, known["hebei"])
    dialog = ComplaintDialog(app_context, complaint_id=cid)
    qtbot.addWidget(dialog)
    dialog.show()
    complaints.report(session, admin, cid, HEADS)  # another PC reports it
    qtbot.mouseClick(button(dialog, "complaintReport"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(dialog.current_form, "complaintFormOk"), Qt.MouseButton.LeftButton)
    assert any("刚被别人修改过" in text for text in boxes)


def test_read_only_for_someone_who_may_only_look(qtbot, app_context, known, session, admin) -> None:  # noqa: ANN001
    seller = staff.save_staff(
        session, admin, staff.StaffInput(name="张伟", department_id=1, roles=["客户开发专员"])
    )
    own = customers.save_customer(session, admin, {"name": "单县建材经销部", "owner_id": seller.id})
    cid = register(session, admin, own.id)
    app_context.user_id = seller.id
    dialog = ComplaintDialog(app_context, complaint_id=cid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not any(not w.isHidden() for w in dialog.action_buttons.values())
    assert not button(dialog, "complaintSave").isVisible()
    assert button(dialog, "complaintPrint").isVisible()
    assert "没有修改的权限" in dialog.status_label.text()


def test_print_opens_the_preview(qtbot, app_context, known, session, admin) -> None:  # noqa: ANN001
    cid = register(session, admin, known["hebei"])
    dialog = ComplaintDialog(app_context, complaint_id=cid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(button(dialog, "complaintPrint"), Qt.MouseButton.LeftButton)
    assert isinstance(dialog.current_form, PdfPreviewDialog)
    dialog.current_form.reject()


def test_a_new_complaint_from_a_customer_starts_with_that_customer(
    qtbot, app_context, known, boxes
) -> None:  # noqa: ANN001
    dialog = ComplaintDialog(app_context, customer_id=known["xian"])
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.customer_picker
    assert picker.value() == known["xian"]
    assert "西安华盛商混站" in picker.chosen_label.text()
    picker.line.insert("x")  # typing again drops the choice
    assert picker.value() is None
    qtbot.waitUntil(picker.matches.isVisible)
    dialog.close()  # unsaved typing: asked before it is thrown away
    assert any("未保存的修改" in text for text in boxes)


# ------------------------------------------------------------------ the list


@pytest.fixture
def page(qtbot, app_context, known, session, admin):  # noqa: ANN001, ANN201
    old = datetime.now().replace(microsecond=0) - timedelta(days=40)
    late = register(session, admin, known["hebei"], received_at=old)  # report overdue
    fresh = register(session, admin, known["xian"], accident="重大质量事故")
    widget = ComplaintPage(app_context)
    qtbot.addWidget(widget)
    widget.resize(1300, 500)
    widget.show()
    return widget, late, fresh


def rows(page: ComplaintPage) -> list[int]:
    return [page.model.row_id(r) for r in range(page.model.rowCount())]


def test_overdue_complaints_stand_out_by_colour_and_sign(page) -> None:  # noqa: ANN001
    widget, late, fresh = page
    assert rows(widget) == [fresh, late]  # newest first
    model = widget.model
    due = [c.key for c in widget.model.query.columns].index("due_on")
    late_row = rows(widget).index(late)
    text = model.index(late_row, due).data()
    assert text.startswith(OVERDUE_MARK) and "逾期" in text and "个工作日" in text
    background = model.index(late_row, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QBrush) and background.color() == OVERDUE_BACKGROUND
    assert model.index(late_row, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    fresh_row = rows(widget).index(fresh)
    assert model.index(fresh_row, due).data().endswith("今天到期")
    assert model.index(fresh_row, 0).data(Qt.ItemDataRole.DecorationRole) is None
    accident = [c.key for c in widget.model.query.columns].index("accident")
    assert "重大质量事故" in model.index(fresh_row, accident).data()
    assert "共 2 条投诉" in widget.count_label.text()
    shot(widget, "page")


def test_filter_overdue_and_states(qtbot, page) -> None:  # noqa: ANN001
    widget, late, fresh = page
    widget.findChild(type(widget.overdue), "complaintOverdue").setChecked(True)
    assert rows(widget) == [late]
    shot(widget, "page_overdue")
    widget.clear_filters()
    assert rows(widget) == [fresh, late]
    widget.accident.setChecked(True)
    assert rows(widget) == [fresh]
    widget.clear_filters()
    states = widget.state_filter
    states.setCurrentIndex(states.findText("未结案"))
    assert rows(widget) == [fresh, late]
    states.setCurrentIndex(states.findText("已结案"))
    assert rows(widget) == []


@pytest.mark.parametrize(
    ("typed", "which"), [("xahs", "fresh"), ("hbgc", "late"), ("河北", "late")]
)
def test_search_as_you_type(qtbot, page, typed, which) -> None:  # noqa: ANN001
    widget, late, fresh = page
    expected = {"late": late, "fresh": fresh}[which]
    search = widget.findChild(QLineEdit, "complaintSearch")
    if typed.isascii():
        qtbot.keyClicks(search, typed)
    else:
        search.insert(typed)  # input-method text arrives committed
    qtbot.waitUntil(lambda: rows(widget) == [expected], timeout=2000)
    search.clear()
    qtbot.waitUntil(lambda: len(rows(widget)) == 2, timeout=2000)


def test_list_follows_changes_and_opens_the_record(qtbot, page, session, admin) -> None:  # noqa: ANN001
    widget, late, fresh = page
    complaints.report(session, admin, late, HEADS)
    widget._context.hub.sig_complaints_changed.emit()
    state = [c.key for c in widget.model.query.columns].index("state")
    assert widget.model.index(rows(widget).index(late), state).data() == "已上报"
    widget.table.selectRow(rows(widget).index(late))
    qtbot.mouseClick(button(widget, "complaintOpen"), Qt.MouseButton.LeftButton)
    opened = [d for d in widget._dialogs if isinstance(d, ComplaintDialog)]
    assert len(opened) == 1 and opened[0].complaint_id == late
    opened[0].close()


def test_the_list_model_passes_qt_model_tester(qtmodeltester, page) -> None:  # noqa: ANN001
    qtmodeltester.check(page[0].model)


def test_someone_without_complaint_rights_sees_an_empty_list(
    qtbot, app_context, session, admin
) -> None:  # noqa: ANN001
    archivist = staff.save_staff(
        session, admin, staff.StaffInput(name="钱档案", department_id=1, roles=["档案管理员"])
    )
    app_context.user_id = archivist.id
    widget = ComplaintPage(app_context)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 0
    assert not widget.new_button.isVisibleTo(widget) and not widget.export_button.isVisibleTo(
        widget
    )
    assert isinstance(session.get(User, archivist.id), User)


def test_export_writes_the_list_as_shown(qtbot, page, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    widget, late, fresh = page
    target = tmp_path / "投诉登记簿.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    widget.overdue.setChecked(True)
    qtbot.mouseClick(button(widget, "complaintExport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已导出 1 条投诉" in widget.message_label.text(), timeout=5000)
    cells = [[c.value for c in row] for row in load_workbook(target).active.iter_rows()]
    header = next(row for row in cells if row and row[0] == "投诉编号")
    body = [row for row in cells[cells.index(header) + 1 :] if row[0]]
    assert len(body) == 1 and body[0][2] == "河北工程集团有限公司"


def test_a_double_click_or_enter_opens_the_complaint_once(qtbot, page) -> None:  # noqa: ANN001
    widget, _late, fresh = page
    opened: list[int] = []
    widget.sig_open_complaint.connect(opened.append)
    table = widget.table
    rect = table.visualRect(widget.model.index(0, 1))
    clicks: list[str] = []
    table.doubleClicked.connect(lambda _i: clicks.append("double"))
    table.activated.connect(lambda _i: clicks.append("activated"))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicks == ["double", "activated"]  # Qt's order; only the second one opens
    assert opened == [fresh]
    table.setFocus()
    table.setCurrentIndex(widget.model.index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [fresh, fresh]
