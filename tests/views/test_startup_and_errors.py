"""Start-up and trouble as a user meets them: demo data offer, errors in Chinese, lost files."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_crm.config import sqlite_store
from desktop_crm.services import customers
from desktop_crm.services.errors import StoreUnavailable
from desktop_crm.views import startup
from desktop_crm.views.main_window import MainWindow
from tests.conftest import sqlite_only


@pytest.fixture
def boxes(monkeypatch):  # noqa: ANN001, ANN201
    shown: list[tuple[str, str, str]] = []
    for kind in ("critical", "warning", "information"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda _p, title, body, *a, _k=kind, **kw: shown.append((_k, title, body)),
        )
    return shown


def test_first_start_offers_demo_data(qtbot, tmp_path, monkeypatch, boxes) -> None:  # noqa: ANN001
    monkeypatch.setattr(startup, "DEMO_CUSTOMERS", 20)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window = startup.open_main_window(sqlite_store(tmp_path / "new.sqlite3"), str(tmp_path / "log"))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.customers.model.total == 20, timeout=20_000)
    assert (tmp_path / "new.sqlite3").exists()


def test_unreadable_store_is_explained_not_raised(tmp_path, boxes) -> None:  # noqa: ANN001
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    assert startup.open_main_window(sqlite_store(broken), str(tmp_path / "log")) is None
    kind, _, body = boxes[0]
    assert kind == "critical" and "无法打开数据库" in body and "日志" in body


def test_unexpected_error_shows_log_path_and_window_stays(qtbot, app_context, boxes) -> None:  # noqa: ANN001
    from desktop_crm.app import run_gui  # installs the excepthook only when the GUI runs

    assert callable(run_gui)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    from desktop_crm.views.messages import show_unexpected

    try:
        raise KeyError("bug")
    except KeyError as error:
        show_unexpected(window, error, app_context.log_path)
    kind, title, body = boxes[0]
    assert kind == "critical" and title == "程序出错" and app_context.log_path in body
    assert "Traceback" not in body and window.isEnabled()


def test_excepthook_turns_a_slot_error_into_a_message(tmp_path, monkeypatch, boxes) -> None:  # noqa: ANN001
    from desktop_crm import app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(startup, "open_main_window", lambda location, log_file: None)
    assert app.run_gui(["--db", str(tmp_path / "x.sqlite3")], str(tmp_path / "crm.log")) == 1
    try:
        raise ValueError("boom")
    except ValueError as error:
        sys.excepthook(ValueError, error, error.__traceback__)
    kind, title, body = boxes[-1]
    assert kind == "critical" and "crm.log" in body and "Traceback" not in body


def test_deleted_database_refuses_further_work(
    qtbot, app_context, store, session, admin, boxes
) -> None:  # noqa: ANN001
    sqlite_only(store)
    customers.save_customer(session, admin, {"name": "甲公司"})
    session.close()
    app_context.session_factory.kw["bind"].dispose()
    app_context.store.sqlite_path.unlink()
    with pytest.raises(StoreUnavailable, match="已不存在"):
        with app_context.session():
            pass


def test_qt_own_buttons_speak_chinese(qapp) -> None:  # noqa: ANN001
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_crm.app import install_qt_translations

    install_qt_translations(qapp)
    try:
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消"])
    finally:
        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)
