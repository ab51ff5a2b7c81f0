"""The main window's customer list as a clerk uses it: type, filter, sort, export, print."""

from __future__ import annotations

import subprocess

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLineEdit, QTableView

from desktop_crm.services import customers
from desktop_crm.services.customers import ContactInput
from desktop_crm.views.main_window import MainWindow
from desktop_crm.views.sql_list_model import SqlListModel


@pytest.fixture
def window(qtbot, app_context, session, admin):  # noqa: ANN001
    customers.save_customer(
        session,
        admin,
        {"name": "河北工程集团有限公司", "category": "重点工程", "phone": "0311-87654321"},
        contacts=[ContactInput(name="王建国", mobile="13812345678")],
    )
    customers.save_customer(
        session, admin, {"name": "西安华盛商混站", "category": "商混站", "grade": "A"}
    )
    customers.save_customer(
        session, admin, {"name": '=HYPERLINK("http://x")公司', "category": "商混站"}
    )
    main = MainWindow(app_context)
    qtbot.addWidget(main)
    main.show()
    return main


def table(window) -> QTableView:  # noqa: ANN001
    return window.findChild(QTableView, "customerTable")


def names(window) -> list[str]:  # noqa: ANN001
    model = table(window).model()
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def test_list_opens_with_all_customers_sorted_by_pinyin(window) -> None:  # noqa: ANN001
    # by pinyin: hebei… < hyperlink… < xian…
    assert names(window) == ["河北工程集团有限公司", '=HYPERLINK("http://x")公司', "西安华盛商混站"]
    assert "共 3 个客户" in window.customers.count_label.text()
    assert (
        window.findChild(type(window.customers.count_label), "statusStore")
        .text()
        .startswith("数据库：")
    )


@pytest.mark.parametrize("typed", ["hbgc", "hebeigongcheng", "8765", "王建"])
def test_search_box_matches_as_you_type(qtbot, window, typed) -> None:  # noqa: ANN001
    search = window.findChild(QLineEdit, "customerSearch")
    qtbot.keyClicks(search, typed) if typed.isascii() else search.insert(
        typed
    )  # IME text arrives committed
    qtbot.waitUntil(lambda: names(window) == ["河北工程集团有限公司"], timeout=2000)
    search.clear()
    qtbot.waitUntil(lambda: len(names(window)) == 3, timeout=2000)


def test_ctrl_f_focuses_search_and_filter_narrows(qtbot, window) -> None:  # noqa: ANN001
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.findChild(QLineEdit, "customerSearch").hasFocus()
    combo = window.customers.filters["category"]
    combo.setCurrentIndex(combo.findData("商混站"))
    assert sorted(names(window)) == sorted(['=HYPERLINK("http://x")公司', "西安华盛商混站"])
    window.customers.filters["grade"].setCurrentIndex(
        window.customers.filters["grade"].findData("A")
    )
    assert names(window) == ["西安华盛商混站"]
    window.customers.clear_filters()
    assert len(names(window)) == 3


def test_header_click_sorts_in_sql(qtbot, window) -> None:  # noqa: ANN001
    header = table(window).horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.rect().center().__class__(header.sectionViewportPosition(0) + 5, 5),
    )
    codes = [table(window).model().index(r, 0).data() for r in range(3)]
    assert codes in (["KH000001", "KH000002", "KH000003"], ["KH000003", "KH000002", "KH000001"])


def test_export_writes_the_list_as_seen(qtbot, window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    window.customers.filters["category"].setCurrentIndex(
        window.customers.filters["category"].findData("商混站")
    )
    target = tmp_path / "名册.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(target.exists, timeout=10_000)
    sheet = load_workbook(target).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[1] for r in rows] == ['=HYPERLINK("http://x")公司', "西安华盛商混站"]
    assert sheet["B2"].data_type == "s"  # formula-like text stays text
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet.cell(row=2, column=14).is_date


def test_print_opens_preview_with_the_card(qtbot, window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    shown = {}

    def fake_open(dialog) -> None:  # noqa: ANN001
        shown["pages"] = dialog.page_count()
        shown["title"] = dialog.windowTitle()

    from desktop_crm.views import pdf_preview

    monkeypatch.setattr(pdf_preview.PdfPreviewDialog, "open", fake_open)
    captured = {}
    original_init = pdf_preview.PdfPreviewDialog.__init__

    def spy_init(self, pdf_data, *args, **kwargs) -> None:  # noqa: ANN001
        captured["pdf"] = pdf_data
        original_init(self, pdf_data, *args, **kwargs)

    monkeypatch.setattr(pdf_preview.PdfPreviewDialog, "__init__", spy_init)
    view = table(window)
    view.setCurrentIndex(view.model().index(names(window).index("河北工程集团有限公司"), 0))
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert shown["pages"] >= 1
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(captured["pdf"])
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "河北工程集团有限公司" in text.replace("\n", "") and "王建国" in text


def test_list_model_passes_qt_model_tester(qtmodeltester, app_context, session, admin) -> None:  # noqa: ANN001
    from desktop_crm.services.customer_list import customer_query

    for i in range(3):
        customers.save_customer(session, admin, {"name": f"客户{i}"})
    model = SqlListModel(app_context.session_factory, customer_query(session, admin))
    model.refresh()
    qtmodeltester.check(model)


def test_window_size_and_columns_are_remembered(qtbot, app_context) -> None:  # noqa: ANN001
    first = MainWindow(app_context)
    qtbot.addWidget(first)
    first.resize(700, 600)
    first.customers.table.setColumnWidth(1, 333)
    first.close()
    second = MainWindow(app_context)
    qtbot.addWidget(second)
    assert second.customers.table.columnWidth(1) == 333
    assert (second.width(), second.height()) == (700, 600)


def test_incomplete_partner_files_filter_and_card_note(
    qtbot, window, app_context, session, admin
) -> None:  # noqa: ANN001
    partner = customers.save_customer(
        session, admin, {"name": "合作但缺资料公司", "status": "合作客户"}
    )
    window.customers.apply()
    box = window.customers.findChild(QCheckBox, "filter_incomplete")
    box.setChecked(True)
    assert names(window) == ["合作但缺资料公司"]
    from desktop_crm.views.customers.card_dialog import CustomerCardDialog

    card = CustomerCardDialog(app_context, partner.id)
    qtbot.addWidget(card)
    assert "资料不完整" in card.header_label.text() and "联系人" in card.header_label.text()


def test_long_list_pages_in_and_count_follows(qtbot, app_context, session, admin) -> None:  # noqa: ANN001
    from desktop_crm.services.customer_import import insert_customers
    from desktop_crm.views.customers.customer_page import CustomerPage

    insert_customers(
        session, admin, [(i, {"name": f"批量客户{i:04d}"}, None) for i in range(1200)], "测试"
    )
    session.commit()
    page = CustomerPage(app_context)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 500  # the first page only
    qtbot.waitUntil(lambda: "共 1,200 个客户" in page.count_label.text())
    page.model.fetchMore()
    page.model.fetchMore()
    assert page.model.rowCount() == 1200 and not page.model.canFetchMore()
