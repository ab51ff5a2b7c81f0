"""The 档案台账 as the archive keeper uses it: the list with its filters, search by typing and
by an input method's committed text, 机密 volumes hidden from the uncleared, the access log
tab only for the 档案管理员 and 总经理, export logging confidential volumes, the location
tree."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402
from sqlalchemy import select  # noqa: E402

from desktop_crm.models import ArchiveAccess  # noqa: E402
from desktop_crm.services import archive_locations, archives, customers  # noqa: E402
from desktop_crm.views.archives.archive_page import ArchivePage  # noqa: E402
from tests.services.archive_office import volume_values  # noqa: E402
from tests.views.archive_helpers import act_as, answer_forms, office_for, shot, type_text  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []

    def show(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return QMessageBox.StandardButton.Yes

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(show))
    return said


@pytest.fixture
def ledger(app_context):  # noqa: ANN001, ANN201
    """Four volumes: two of 市场营销部 (one 机密), one of 质检部 kept 30 years from 2010,
    one customer volume."""
    office = office_for(app_context)
    with app_context.session() as s:
        keeper = s.get(type(office.keeper), office.keeper.id)
        archives.file_volume(s, keeper, volume_values(office, title="客户走访工作文件"))
        archives.file_volume(s, keeper, volume_values(office, title="重要供货合同", secrecy="机密"))
        archives.file_volume(
            s,
            keeper,
            volume_values(
                office, title="质量检验记录", year=2010, period_code="D10",
                department_id=office.zjb, filed_on=date(2011, 3, 1),
            ),
        )  # fmt: skip
        customer = customers.save_customer(s, office.admin, {"name": "西安宏达建材有限公司"})
        archives.file_volume(
            s, keeper, volume_values(office, title="宏达客户档案", customer_id=customer.id)
        )
    return office


def open_page(qtbot, app_context) -> ArchivePage:  # noqa: ANN001
    page = ArchivePage(app_context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.ledger.count_label.text() != "")
    return page


def titles(page: ArchivePage) -> list[str]:
    model = page.ledger.model
    column = [c.key for c in model.query.columns].index("title")
    return sorted(model.index(r, column).data() for r in range(model.rowCount()))


def test_the_keeper_sees_every_volume_and_filters(qtbot, app_context, ledger, boxes):
    act_as(app_context, ledger.keeper)
    page = open_page(qtbot, app_context)
    shot(page, "ledger")
    assert page.ledger.count_label.text() == "共 4 个案卷"
    assert titles(page) == sorted(
        ["客户走访工作文件", "重要供货合同", "质量检验记录", "宏达客户档案"]
    )

    ledger_tab = page.ledger
    ledger_tab.secrecy_filter.setCurrentIndex(ledger_tab.secrecy_filter.findData("机密"))
    assert titles(page) == ["重要供货合同"]
    ledger_tab.clear_filters()
    ledger_tab.department_filter.setCurrentIndex(ledger_tab.department_filter.findData(ledger.zjb))
    assert titles(page) == ["质量检验记录"]
    ledger_tab.clear_filters()
    ledger_tab.year_filter.setCurrentIndex(ledger_tab.year_filter.findData(2010))
    assert titles(page) == ["质量检验记录"]
    ledger_tab.clear_filters()
    # due for appraisal: 2010 kept 10 years is due from 2021-01-01
    ledger_tab.due_date.setDate(date(2020, 12, 31))
    ledger_tab.due_check.setChecked(True)
    assert titles(page) == []
    ledger_tab.due_date.setDate(date(2021, 1, 1))
    assert titles(page) == ["质量检验记录"]
    assert ledger_tab.count_label.text() == "共 1 个案卷"


def test_search_by_typing_and_by_input_method(qtbot, app_context, ledger, boxes):
    act_as(app_context, ledger.keeper)
    page = open_page(qtbot, app_context)
    page.search.setFocus()
    for text in ("Z001", "-WS·", "2010"):  # the 档号 typed on the keyboard
        type_text(qtbot, page.search, text)
    qtbot.waitUntil(lambda: titles(page) == ["质量检验记录"])
    page.search.clear()
    qtbot.keyClicks(page.search, "zf")  # nothing by these letters: no customer, no title
    qtbot.waitUntil(lambda: page.ledger.count_label.text() == "共 0 个案卷")
    page.search.clear()
    type_text(qtbot, page.search, "走访")
    qtbot.waitUntil(lambda: titles(page) == ["客户走访工作文件"])
    page.search.clear()
    qtbot.waitUntil(lambda: len(titles(page)) == 4)

    # Chinese typed through an input method arrives as one committed string.
    page.search.setFocus()
    preedit = QInputMethodEvent("hetong", [])
    QApplication.sendEvent(page.search, preedit)
    commit = QInputMethodEvent()
    commit.setCommitString("合同")
    QApplication.sendEvent(page.search, commit)
    assert page.search.text() == "合同"
    qtbot.waitUntil(lambda: titles(page) == ["重要供货合同"])

    # the linked customer, by pinyin initials
    page.search.setText("xahd")
    qtbot.waitUntil(lambda: titles(page) == ["宏达客户档案"])


def test_uncleared_people_do_not_see_secret_volumes_nor_the_log(qtbot, app_context, ledger):
    act_as(app_context, ledger.head)
    page = open_page(qtbot, app_context)
    # the 部门负责人 of 市场营销部: the department's volumes, not the 机密 one
    assert titles(page) == ["宏达客户档案", "客户走访工作文件"]
    assert not page.tabs.isTabVisible(page.access_index)
    assert not page.ledger.new_button.isVisible()

    act_as(app_context, ledger.gm)
    app_context.hub.sig_user_changed.emit()
    qtbot.waitUntil(lambda: len(titles(page)) == 4)
    assert page.tabs.isTabVisible(page.access_index)


def test_access_log_lists_openings_for_the_keeper(qtbot, app_context, ledger, boxes):
    act_as(app_context, ledger.keeper)
    page = open_page(qtbot, app_context)
    assert page.tabs.isTabVisible(page.access_index)
    page.ledger.search.setText("合同")
    qtbot.waitUntil(lambda: titles(page) == ["重要供货合同"])
    page.ledger.table.setCurrentIndex(page.ledger.model.index(0, 0))
    dialog = page.ledger.open_volume(page.ledger.selected_volume_id())
    assert dialog is not None and dialog.objectName() == "archiveDialog"
    dialog.close()
    page.tabs.setCurrentIndex(page.access_index)
    log = page.access_log
    qtbot.waitUntil(lambda: log.model.rowCount() == 1)
    row = [log.model.index(0, c).data() for c in range(log.model.columnCount())]
    assert "孙丽" in row and "查看" in row and "重要供货合同" in row and "机密" in row
    shot(page, "access_log")


def test_export_writes_the_list_and_logs_confidential_volumes(
    qtbot, app_context, ledger, tmp_path, boxes
):
    act_as(app_context, ledger.keeper)
    page = open_page(qtbot, app_context)
    target = tmp_path / "台账.xlsx"
    page.ledger.export(str(target))
    qtbot.waitUntil(lambda: "已导出 4 个案卷" in page.ledger.message_label.text(), timeout=10000)
    sheet = openpyxl.load_workbook(target).active
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert "档号" in texts and "重要供货合同" in texts and "宏达客户档案" in texts
    with app_context.session() as s:
        logged = sorted(
            (a.act, a.number)
            for a in s.scalars(select(ArchiveAccess).where(ArchiveAccess.act == "导出"))
        )
    assert len(logged) == 2  # the 机密 volume and the customer volume, not the others


def test_location_tree_add_rename_and_show_volumes(qtbot, app_context, ledger, boxes):
    act_as(app_context, ledger.keeper)
    page = open_page(qtbot, app_context)
    page.tabs.setCurrentIndex(page.locations_index)
    tree = page.locations
    assert tree.add_store_button.isVisible()

    def name(text: str):  # noqa: ANN202
        return lambda form: form.fields["name"].setText(text)

    refused = answer_forms(name(""), name("一号库房"))
    assert tree.add_store()
    assert refused == ["名称：必须填写。"]
    assert [n.label for n in tree.nodes] == ["一号库房"]
    answer_forms(name("A柜"))
    assert tree.add_child()
    assert [n.kind for n in tree.nodes] == ["库房", "柜"]
    answer_forms(name("甲柜"))
    assert tree.rename()
    assert tree.nodes[1].label == "一号库房 › 甲柜"

    with app_context.session() as s:
        keeper = s.get(type(ledger.keeper), ledger.keeper.id)
        first = next(iter(s.scalars(select(archives.ArchiveVolume))))
        archive_locations.move_volume(s, keeper, first.id, tree.nodes[1].id, "上架")
    tree.reload()
    assert tree.nodes[1].volumes == 1
    tree.tree.setCurrentIndex(tree.model.index(0, 0))
    shot(page, "locations")
    tree.show_volumes()
    assert page.tabs.currentWidget() is page.ledger
    qtbot.waitUntil(lambda: page.ledger.count_label.text() == "共 1 个案卷")


def test_the_area_is_in_the_main_window(qtbot, app_context, ledger, boxes):
    from desktop_crm.views.main_window import MainWindow

    act_as(app_context, ledger.keeper)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    titles_shown = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "档案" in titles_shown
    window.show_area(window.archives)
    assert window.pages.currentWidget() is window.archives
    assert window.archives.findChild(type(window.archives.table), "archiveTable") is not None
    _ = Qt
