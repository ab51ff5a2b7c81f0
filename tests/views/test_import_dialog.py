"""Importing through the window: unknown headers mapped, bad rows listed, the user's choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QLabel, QMessageBox, QTableWidget

from desktop_crm.services.customer_list import find_customers
from desktop_crm.views.customers import import_dialog
from desktop_crm.views.main_window import MainWindow


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    book = Workbook()
    book.active.append(["单位", "统一社会信用代码", "微信号"])  # 单位 is not a known header
    book.active.append(["甲建材有限公司", "91110000600037341L", "wx1"])
    book.active.append(["乙商混站", "91110000600037341X", "wx2"])
    book.active.append(["丙建设工程有限公司", None, None])
    path = tmp_path / "客户.xlsx"
    book.save(path)
    return path


@pytest.fixture
def messages(monkeypatch):  # noqa: ANN001, ANN201
    shown: list[tuple[str, str]] = []
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(
            QMessageBox, kind, lambda _p, title, body, *a, **k: shown.append((title, body))
        )
    return shown


def test_map_preview_and_import_only_valid_rows(
    qtbot, app_context, session, admin, sheet, monkeypatch, messages
) -> None:  # noqa: ANN001
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    seen: dict[str, object] = {}

    def map_headers(dialog: import_dialog.HeaderMappingDialog) -> int:
        table = dialog.findChild(QTableWidget, "headerMappingTable")
        combo: QComboBox = table.cellWidget(0, 1)
        combo.setCurrentIndex(combo.findData("name"))
        dialog._check()  # the OK button's check
        return dialog.result()

    def preview(dialog: import_dialog.ImportPreviewDialog) -> int:
        seen["summary"] = dialog.findChild(QLabel, "importSummary").text()
        problems = dialog.findChild(QTableWidget, "importProblems")
        seen["problem"] = [problems.item(0, c).text() for c in range(3)]
        seen["all_or_nothing_enabled"] = dialog.all_or_nothing.isEnabled()
        dialog.only_valid.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog.HeaderMappingDialog, "exec", map_headers)
    monkeypatch.setattr(import_dialog.ImportPreviewDialog, "exec", preview)
    window.import_action.trigger()
    qtbot.waitUntil(lambda: any(title == "导入完成" for title, _ in messages), timeout=10_000)
    assert "共 3 行：可导入 2 行，有问题 1 行" in seen["summary"]
    assert (
        seen["problem"][0] == "3"
        and seen["problem"][1] == "B 统一社会信用代码"
        and "校验位" in seen["problem"][2]
    )
    assert seen["all_or_nothing_enabled"] is False
    assert [n for _, n in find_customers(session, admin, "建")] == [
        "丙建设工程有限公司",
        "甲建材有限公司",
    ]
    qtbot.waitUntil(lambda: window.customers.model.total == 2)


def test_broken_file_gets_a_clear_answer(
    qtbot, app_context, tmp_path, monkeypatch, messages
) -> None:  # noqa: ANN001
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(broken), ""))
    window.import_action.trigger()
    title, body = messages[0]
    assert title == "无法导入" and "坏.xlsx" in body
