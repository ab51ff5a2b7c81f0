"""分类列表设置 → 投诉类别: which categories are service complaints (服务类投诉), set and unset
by the administrator; open complaints of the category follow, renamed ones stay service."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from desktop_crm.models import Complaint  # noqa: E402
from desktop_crm.services import complaints  # noqa: E402
from desktop_crm.views.admin import LookupListsDialog  # noqa: E402
from desktop_crm.views.admin.lookup_dialog import SERVICE_COLUMN  # noqa: E402
from tests.services.test_complaint_handling_reports import (  # noqa: E402
    HEADS,
    Staff,
    make_staff,
    registered,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS")  # a folder: save what the dialog looks like


@pytest.fixture
def staff(session, admin) -> Staff:  # noqa: ANN001
    return make_staff(session, admin)


@pytest.fixture
def warnings(monkeypatch):  # noqa: ANN001, ANN201
    said: list[str] = []

    def warn(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warn)
    return said


def column(dialog: LookupListsDialog, index: int) -> list[str]:
    table = dialog.table
    return [table.item(row, index).text() for row in range(table.rowCount())]


def service_values(dialog: LookupListsDialog) -> list[str]:
    marks = zip(column(dialog, 0), column(dialog, SERVICE_COLUMN), strict=True)
    return [value for value, mark in marks if mark == "是"]


def test_the_administrator_makes_a_category_a_service_complaint(
    qtbot, app_context, session, staff
) -> None:  # noqa: ANN001
    open_one = registered(session, staff, category="产品质量")
    complaints.report(session, staff.clerk, open_one.id, HEADS)
    dialog = LookupListsDialog(app_context)
    qtbot.addWidget(dialog)

    dialog.select_list("grade")  # other lists know nothing of service complaints
    assert dialog.table.isColumnHidden(SERVICE_COLUMN) and dialog.service_button.isHidden()
    dialog.select_list("投诉类别")
    assert not dialog.table.isColumnHidden(SERVICE_COLUMN)
    assert dialog.table.horizontalHeaderItem(3).text() == "使用投诉数"
    assert service_values(dialog) == ["服务态度", "专业素质", "服务效率", "其他服务"]
    dialog.select_value("产品质量")
    assert dialog.service_button.text() == "设为服务类投诉"

    with qtbot.waitSignal(app_context.hub.sig_complaints_changed, timeout=1000):
        qtbot.mouseClick(dialog.service_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == "「产品质量」已设为服务类投诉。1 条未结案投诉已重算期限。"
    assert "产品质量" in service_values(dialog)
    assert dialog.selected_row().value == "产品质量"
    assert dialog.service_button.text() == "取消服务类投诉"
    session.expire_all()
    refreshed = session.get(Complaint, open_one.id)
    assert (refreshed.is_service, refreshed.due_what) == (True, "开始调查")
    if SCREENSHOTS:
        dialog.show()
        dialog.grab().save(os.path.join(SCREENSHOTS, "admin_lookups_service.png"))

    dialog.select_value("服务态度")
    qtbot.mouseClick(dialog.service_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == "「服务态度」已不再是服务类投诉。"
    assert "服务态度" not in service_values(dialog)
    assert registered(session, staff, category="服务态度").is_service is False


def test_someone_without_the_settings_right_is_refused(
    qtbot, app_context, session, staff, warnings
) -> None:  # noqa: ANN001
    dialog = LookupListsDialog(replace(app_context, user_id=staff.clerk.id))
    qtbot.addWidget(dialog)
    dialog.select_list("complaint_category")
    dialog.select_value("产品质量")
    qtbot.mouseClick(dialog.service_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1 and "设置·修改" in warnings[0]
    assert "产品质量" not in service_values(dialog)
