"""The complaint dialog's 档案 tab as the 市场营销部's filer uses it: 归档 a closed complaint
by clicking, read the new volume in the tab, open it by double-click; a second 归档 is
refused in words; an open complaint's 归档 is held back; people without archive rights do
not see the tab."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableWidget  # noqa: E402

from desktop_crm.views.archives.item_grid import KEYS  # noqa: E402
from desktop_crm.views.complaints.complaint_dialog import ComplaintDialog  # noqa: E402
from tests.services.complaint_archive_setup import (  # noqa: E402
    CUSTOMER,
    closed_complaint,
    handled,
    make_office,
)
from tests.views.archive_helpers import answer_forms  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SCREENSHOTS = os.environ.get("COMPLAINT_SCREENSHOTS")  # a folder: save what the screens look like


@pytest.fixture
def office(session, admin):  # noqa: ANN001, ANN201
    return make_office(session, admin)


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


def open_dialog(qtbot, app_context, user, complaint_id: int) -> ComplaintDialog:  # noqa: ANN001
    dialog = ComplaintDialog(replace(app_context, user_id=user.id), complaint_id)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def button(widget, name: str) -> QPushButton:  # noqa: ANN001
    found = widget.findChild(QPushButton, name)
    assert found is not None, name
    return found


def row(table: QTableWidget, r: int) -> dict[str, str]:
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return {h: table.item(r, c).text() for c, h in enumerate(headers)}


def test_file_a_closed_complaint_and_open_its_volume(
    qtbot, app_context, session, office, boxes, tmp_path
):  # noqa: ANN001
    complaint = closed_complaint(session, office, tmp_path)
    number, year = complaint.number, complaint.closed_at.year
    dialog = open_dialog(qtbot, app_context, office.filer, complaint.id)
    tabs = dialog.tabs
    assert tabs.tabText(dialog.archives_tab_index) == "档案"
    assert tabs.isTabVisible(dialog.archives_tab_index)
    tabs.setCurrentIndex(dialog.archives_tab_index)
    table = dialog.findChild(QTableWidget, "complaintArchives")
    assert table is not None and table.rowCount() == 0
    assert dialog.findChild(QLabel, "complaintArchivesEmpty").isVisible()
    file_button = button(dialog, "complaintArchiveFile")
    assert file_button.isVisible() and file_button.isEnabled()

    shown_year: list[str] = []

    def accept_year(form):  # noqa: ANN001, ANN202
        shown_year.append(form.fields["year"].text())

    answer_forms(accept_year)
    qtbot.mouseClick(file_button, Qt.MouseButton.LeftButton)

    assert shown_year == [str(year)]  # the year it was closed is suggested
    assert table.rowCount() == 1
    line = row(table, 0)
    assert line["档号"] == f"Z001-KH·{year}-D10-YXB-0001"
    assert line["题名"] == f"{CUSTOMER}{number}顾客投诉调查处理档案"
    assert (line["年度"], line["状态"], line["保管期限"]) == (str(year), "在库", "定期10年")
    assert not dialog.findChild(QLabel, "complaintArchivesEmpty").isVisible()
    assert dialog.status_label.text() == f"已归档，档号 {line['档号']}"
    if SCREENSHOTS:
        dialog.grab().save(os.path.join(SCREENSHOTS, "complaint_archives_tab.png"))

    # double-click opens the volume, linked to the complaint, its papers listed
    cell = table.visualItemRect(table.item(0, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    tab = dialog.archives_tab
    assert len(tab.dialogs) == 1, boxes
    volume_dialog = tab.dialogs[0]
    assert volume_dialog.objectName() == "archiveDialog" and volume_dialog.isVisible()
    assert number in volume_dialog.editors["complaint_id"].get()
    assert volume_dialog.editors["customer_id"].get().endswith(CUSTOMER)
    grid = volume_dialog.grid.table
    titles = [grid.item(r, KEYS.index("title")).text() for r in range(grid.rowCount())]
    assert len(titles) == 6 and titles[0] == "顾客产品质量投诉调查处理记录"
    if SCREENSHOTS:
        volume_dialog.grab().save(os.path.join(SCREENSHOTS, "complaint_archive_volume.png"))
    volume_dialog.close()

    # a second 归档 is refused in words, and nothing is added
    answer_forms(lambda form: None)
    qtbot.mouseClick(file_button, Qt.MouseButton.LeftButton)
    assert any(f"已归档，档号 {line['档号']}" in said for said in boxes), boxes
    assert table.rowCount() == 1


def test_an_open_complaint_waits_for_closing(qtbot, app_context, session, office, boxes):  # noqa: ANN001
    complaint = handled(session, office)
    dialog = open_dialog(qtbot, app_context, office.filer, complaint.id)
    assert dialog.tabs.isTabVisible(dialog.archives_tab_index)
    file_button = button(dialog, "complaintArchiveFile")
    dialog.tabs.setCurrentIndex(dialog.archives_tab_index)
    assert file_button.isVisible() and not file_button.isEnabled()
    assert "结案后才能归档" in file_button.toolTip()
    if SCREENSHOTS:
        dialog.grab().save(os.path.join(SCREENSHOTS, "complaint_archives_open.png"))


def test_people_without_archive_rights_do_not_see_the_tab(
    qtbot, app_context, session, office, boxes, tmp_path
):  # noqa: ANN001
    complaint = closed_complaint(session, office, tmp_path)
    dialog = open_dialog(qtbot, app_context, office.clerk, complaint.id)
    assert not dialog.tabs.isTabVisible(dialog.archives_tab_index)
    assert not boxes
