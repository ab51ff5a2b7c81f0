"""打印案卷目录 from the 档案台账: the keeper asks for a 年度 (and a 保管期限), the catalogue is
made in the background behind a progress bar and opens in the preview; 取消 stops it with
nothing made; 导出 Excel writes a sheet per 保管期限. People without the print right do
not get the button."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time  # noqa: E402
from datetime import date  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton  # noqa: E402

from desktop_crm.reports.table_xlsx import ExportCancelled  # noqa: E402
from desktop_crm.views import workers  # noqa: E402
from desktop_crm.views.archives import catalogue_print  # noqa: E402
from desktop_crm.views.archives.archive_page import ArchivePage  # noqa: E402
from desktop_crm.views.archives.catalogue_print import CatalogueDialog  # noqa: E402
from tests.pdf_text import pdf_text  # noqa: E402
from tests.services.archive_office import file  # noqa: E402
from tests.views.archive_helpers import act_as, office_for, shot  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def office(app_context):  # noqa: ANN001, ANN201
    office = office_for(app_context)
    with app_context.session() as s:
        keeper = s.get(type(office.keeper), office.keeper.id)
        for n in range(1, 4):
            file(s, keeper, office, title=f"2026年客户走访工作文件{n}")
        file(s, keeper, office, title="公司章程修订", period_code="Y")
        file(s, keeper, office, title="2025年客户走访工作文件", year=2025)
    act_as(app_context, office.keeper)
    return office


def open_dialog(qtbot, app_context) -> tuple[ArchivePage, CatalogueDialog]:  # noqa: ANN001
    page = ArchivePage(app_context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.ledger.count_label.text() != "")
    button = page.ledger.catalogue_button
    assert button.isVisible() and button.text() == "打印案卷目录…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CatalogueDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == "catalogueDialog"
    return page, dialog


def choose_year(qtbot, dialog: CatalogueDialog, year: int) -> None:  # noqa: ANN001
    dialog.year.setFocus()
    dialog.year.selectAll()
    qtbot.keyClicks(dialog.year, str(year))


def test_print_a_year_with_progress_then_preview(qtbot, app_context, office, monkeypatch) -> None:  # noqa: ANN001
    shown: list[int] = []
    real_progress = workers.JobControl.progress

    def record(control, value: int) -> None:  # noqa: ANN001
        shown.append(value)
        real_progress(control, value)

    monkeypatch.setattr(workers.JobControl, "progress", record)
    page, dialog = open_dialog(qtbot, app_context)
    assert dialog.year.value() == date.today().year  # this year unless chosen
    assert dialog.period.currentText().startswith("全部期限")
    choose_year(qtbot, dialog, 2026)
    shot(dialog, "catalogue_dialog")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=15000)
    preview = dialog.preview
    assert preview.objectName() == "pdfPreviewDialog" and preview.document.pageCount() == 4
    pages = ["".join(p.split()) for p in pdf_text(preview._pdf_data).split("\f")]
    assert "保管期限：永久" in pages[0] and "案卷数：1卷" in pages[0]
    assert "保管期限：定期10年" in pages[2] and "年度：2026" in pages[2]
    assert "案卷数：3卷" in pages[2] and "2026年客户走访工作文件3" in pages[3]
    assert "2025年客户走访工作文件" not in "".join(pages)
    assert shown and shown == sorted(shown) and shown[-1] == catalogue_print.PROGRESS_STEPS - 1
    assert page.ledger.message_label.text() == "已生成 2026 年度案卷目录。"
    preview.close()


def test_one_period_only(qtbot, app_context, office) -> None:  # noqa: ANN001
    _page, dialog = open_dialog(qtbot, app_context)
    choose_year(qtbot, dialog, 2026)
    dialog.period.setCurrentIndex(dialog.period.findText("永久"))
    qtbot.keyClick(dialog.preview_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=15000)
    text = "".join(pdf_text(dialog.preview._pdf_data).split())
    assert text.count("起止档号") == 1 and "公司章程修订" in text and "客户走访" not in text
    dialog.preview.close()


def test_cancel_makes_nothing(qtbot, app_context, office, monkeypatch) -> None:  # noqa: ANN001
    def slow_catalogue(session, actor, pdf, filters, progress, is_cancelled):  # noqa: ANN001, ANN202
        progress(0, 100)
        deadline = time.monotonic() + 10
        while not is_cancelled() and time.monotonic() < deadline:
            time.sleep(0.02)
        raise ExportCancelled

    monkeypatch.setattr(
        catalogue_print, "documents", SimpleNamespace(archive_catalogue=slow_catalogue)
    )
    _page, dialog = open_dialog(qtbot, app_context)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert not dialog.preview_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.findChild(QProgressDialog, "jobProgress") is not None)
    bar = dialog.findChild(QProgressDialog, "jobProgress")
    qtbot.waitUntil(bar.isVisible, timeout=5000)
    shot(bar, "catalogue_progress")
    [cancel] = [b for b in bar.findChildren(QPushButton) if b.text() == "取消"]
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() == "已取消，没有生成案卷目录。", timeout=5000)
    assert dialog.preview is None and dialog.preview_button.isEnabled()
    dialog.reject()


def test_export_a_sheet_per_period(qtbot, app_context, office, tmp_path) -> None:  # noqa: ANN001
    _page, dialog = open_dialog(qtbot, app_context)
    choose_year(qtbot, dialog, 2026)
    target = tmp_path / "案卷目录2026.xlsx"
    dialog.export_xlsx(str(target))
    qtbot.waitUntil(lambda: dialog.message.text().startswith("已导出案卷目录"), timeout=15000)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["永久", "定期10年"]
    cells = [c for row in book["定期10年"].iter_rows(values_only=True) for c in row if c]
    assert "全宗号：" in cells and "2026年客户走访工作文件2" in cells and "3 卷" in cells
    dialog.reject()


def test_no_print_right_no_button(qtbot, app_context, office) -> None:  # noqa: ANN001
    act_as(app_context, office.head)  # 部门负责人: views the archive, does not print it
    page = ArchivePage(app_context)
    qtbot.addWidget(page)
    page.show()
    assert not page.ledger.catalogue_button.isVisible()
    act_as(app_context, office.keeper)
    app_context.hub.sig_user_changed.emit()
    assert page.ledger.catalogue_button.isVisible()
