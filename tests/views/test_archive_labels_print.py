"""打印标签 from the 档案台账: the keeper picks a 年度 and the kind of labels, the sheet is made
in the background and opens in the preview; a year without volumes is refused in words."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from desktop_crm.views.archives.archive_page import ArchivePage  # noqa: E402
from desktop_crm.views.archives.labels_print import LabelsDialog  # noqa: E402
from tests.pdf_text import pdf_text  # noqa: E402
from tests.services.archive_office import file  # noqa: E402
from tests.views.archive_helpers import act_as, office_for, shot  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def office(app_context):  # noqa: ANN001, ANN201
    office = office_for(app_context)
    with app_context.session() as s:
        keeper = s.get(type(office.keeper), office.keeper.id)
        first = file(s, keeper, office, title="2026年客户走访工作文件一", year=2026)
        second = file(s, keeper, office, title="2026年客户走访工作文件二", year=2026)
        for volume in (first, second):
            volume.box_no = 7  # the two stand in box 7
        s.commit()
        office.numbers = (first.number, second.number)
    act_as(app_context, office.keeper)
    return office


def open_dialog(qtbot, app_context) -> tuple[ArchivePage, LabelsDialog]:  # noqa: ANN001
    page = ArchivePage(app_context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.ledger.count_label.text() != "")
    button = page.ledger.labels_button
    assert button.isVisible() and button.text() == "打印标签…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), LabelsDialog))
    return page, QApplication.activeModalWidget()


def choose_year(qtbot, dialog: LabelsDialog, year: int) -> None:  # noqa: ANN001
    dialog.year.setFocus()
    dialog.year.selectAll()
    qtbot.keyClicks(dialog.year, str(year))


def test_a_years_stamps_and_box_spines_open_in_the_preview(qtbot, app_context, office) -> None:  # noqa: ANN001
    page, dialog = open_dialog(qtbot, app_context)
    assert dialog.objectName() == "labelsDialog"
    assert dialog.year.value() == date.today().year
    assert dialog.kind.currentText() == "档号章和档案盒盒脊标签"
    choose_year(qtbot, dialog, 2026)
    shot(dialog, "labels_dialog")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=15000)
    text = "".join(pdf_text(dialog.preview._pdf_data).split())
    first, second = office.numbers
    assert first in text and second in text  # a 档号章 each
    assert "起止档号" in text and "共2卷" in text  # one spine for box 7
    assert page.ledger.message_label.text() == "已生成 2026 年度的标签。"
    dialog.preview.close()


def test_only_the_spines(qtbot, app_context, office) -> None:  # noqa: ANN001
    _page, dialog = open_dialog(qtbot, app_context)
    choose_year(qtbot, dialog, 2026)
    dialog.kind.setCurrentIndex(dialog.kind.findText("只印盒脊标签"))
    qtbot.keyClick(dialog.preview_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=15000)
    text = "".join(pdf_text(dialog.preview._pdf_data).split())
    assert "共2卷" in text and "案卷号" not in text
    dialog.preview.close()


def test_a_year_without_volumes_is_refused(qtbot, app_context, office, monkeypatch) -> None:  # noqa: ANN001
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _parent, _title, text: told.append(text))
    )
    _page, dialog = open_dialog(qtbot, app_context)
    choose_year(qtbot, dialog, 1990)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert "1990 年度没有您可以打印标签的案卷" in told[0]
    assert dialog.preview is None and dialog.preview_button.isEnabled()
    dialog.close()
