"""A clerk's round through the real main window: register, collide, find by pinyin, edit,
see the history — all through the screens, read back from the store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
)

from desktop_crm.services import customers
from desktop_crm.views.customers.card_dialog import CustomerCardDialog
from desktop_crm.views.customers.collision_dialog import CollisionDialog
from desktop_crm.views.main_window import MainWindow


@pytest.fixture
def window(qtbot, app_context, monkeypatch):  # noqa: ANN001
    for kind in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    main = MainWindow(app_context)
    qtbot.addWidget(main)
    main.show()
    return main


def open_card(qtbot, window) -> CustomerCardDialog:  # noqa: ANN001
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, CustomerCardDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        )
    )
    card = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, CustomerCardDialog) and w.isVisible()
    )
    assert card.objectName() == "customerDialog"
    return card


def test_register_collide_find_edit_and_history(qtbot, window, session, admin) -> None:  # noqa: ANN001
    customers.save_customer(session, admin, {"name": "河北工程集团有限公司"})
    window.customers.apply()

    # Ctrl+N opens an empty card; the name arrives through the input method as committed text.
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    card = open_card(qtbot, window)
    card.findChild(QLineEdit, "field_name").insert("河北工程集团有限责任公司")
    qtbot.mouseClick(card.findChild(QPushButton, "customerSave"), Qt.MouseButton.LeftButton)
    collision = card.findChild(CollisionDialog, "collisionDialog")
    assert collision is not None and collision.isVisible()
    assert collision.findChild(QTableWidget, "collisionTable").item(0, 0).text() == "KH000001"
    qtbot.mouseClick(collision.findChild(QPushButton, "collisionBack"), Qt.MouseButton.LeftButton)
    name = card.findChild(QLineEdit, "field_name")
    name.clear()
    name.insert("西安华盛商混站")
    qtbot.mouseClick(card.findChild(QPushButton, "customerSave"), Qt.MouseButton.LeftButton)
    assert "KH000002" in card.findChild(QLabel, "customerHeader").text()
    card.close()

    # The list heard about it; pinyin initials find it.
    search = window.findChild(QLineEdit, "customerSearch")
    qtbot.keyClicks(search, "xahs")
    view = window.findChild(QTableView, "customerTable")
    qtbot.waitUntil(
        lambda: view.model().rowCount() == 1 and view.model().index(0, 1).data() == "西安华盛商混站"
    )

    # Opening it from the list, editing, and the history shows old and new value.
    view.activated.emit(view.model().index(0, 1))
    card = open_card(qtbot, window)
    phone = card.findChild(QLineEdit, "field_phone")
    qtbot.keyClicks(phone, "029-88886666")
    qtbot.mouseClick(card.findChild(QPushButton, "customerSave"), Qt.MouseButton.LeftButton)
    history = card.findChild(QTableWidget, "historyTable")
    rows = [
        [
            history.item(r, c).text() if history.item(r, c) else ""
            for c in range(history.columnCount())
        ]
        for r in range(history.rowCount())
    ]
    assert any("电话" in row and "029-88886666" in row for row in rows)
    card.close()
    assert customers.get_by_code(session, admin, "KH000002").phone == "029-88886666"
