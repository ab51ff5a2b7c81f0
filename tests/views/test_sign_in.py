"""Signing in as a user meets it: at start, after a restart, when switching user."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox, QPushButton

from desktop_crm.models import local_now
from desktop_crm.services import accounts
from desktop_crm.views import startup
from desktop_crm.views.admin.password_dialog import PasswordDialog
from desktop_crm.views.admin.staff_dialog import StaffDialog
from desktop_crm.views.main_window import MainWindow
from desktop_crm.views.sign_in_dialog import SignInDialog
from tests.conftest import sqlite_only

HINT = "尚未设置账户密码：任何人打开程序都是系统管理员。请在 设置→人员管理 中为账户设置密码。"


@pytest.fixture(autouse=True)
def _no_demo_offer(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)


@pytest.fixture
def accounts_set_up(session, admin):  # noqa: ANN001, ANN201
    """admin/admin-pass and 张三 zhang/zhang-pass, as the administrator set them up."""
    accounts.set_password(session, admin, admin.id, "admin-pass")
    accounts.add_account(session, admin, "zhang", "张三", "YXB", ["客户开发专员"], "zhang-pass")
    session.close()


def drive_dialog(monkeypatch, cls, steps: Callable[[QDialog], None]) -> list[QDialog]:  # noqa: ANN001
    """Replace `cls.exec` by `steps` working on the shown dialog; returns the dialogs seen."""
    seen: list[QDialog] = []

    def fake_exec(dialog: QDialog) -> int:
        seen.append(dialog)
        dialog.show()
        steps(dialog)
        dialog.hide()
        return dialog.result()

    monkeypatch.setattr(cls, "exec", fake_exec)
    return seen


def type_and_sign_in(qtbot, dialog: QDialog, login: str, password: str) -> str:  # noqa: ANN001
    """Type as a user would, press 登录; the message the dialog shows ('' when accepted)."""
    user = dialog.findChild(QLineEdit, "signInUser")
    secret = dialog.findChild(QLineEdit, "signInPassword")
    user.clear()
    qtbot.keyClicks(user, login)
    qtbot.keyClicks(secret, password)
    dialog.findChild(QPushButton, "signInButton").click()
    if not dialog.isVisible():
        return ""  # accepted
    error = dialog.findChild(QLabel, "signInError")
    assert error.isVisible()
    return error.text()


def status(window: MainWindow, name: str) -> QLabel:
    return window.findChild(QLabel, name)


def test_store_without_passwords_opens_as_admin_with_hint(qtbot, store, monkeypatch) -> None:  # noqa: ANN001
    seen = drive_dialog(monkeypatch, SignInDialog, lambda d: pytest.fail("no sign-in expected"))
    window = startup.open_main_window(store, "log")
    qtbot.addWidget(window)
    assert not seen
    assert status(window, "statusUser").text() == "当前用户：系统管理员"
    hint = status(window, "statusAccountsHint")
    assert hint.text() == HINT and hint.isVisibleTo(window)


def test_restart_five_wrong_then_locked_then_right(
    qtbot, store, accounts_set_up, monkeypatch
) -> None:  # noqa: ANN001
    messages: list[str] = []

    def steps(dialog: QDialog) -> None:
        assert dialog.objectName() == "signInDialog"
        secret = dialog.findChild(QLineEdit, "signInPassword")
        assert secret.echoMode() == QLineEdit.EchoMode.Password
        for _ in range(5):
            messages.append(type_and_sign_in(qtbot, dialog, "zhang", "wrong-pass"))
        assert dialog.isVisible()  # still asking
        messages.append(type_and_sign_in(qtbot, dialog, "zhang", "zhang-pass"))
        later = local_now() + timedelta(minutes=16)
        monkeypatch.setattr(accounts, "local_now", lambda: later)
        messages.append(type_and_sign_in(qtbot, dialog, "zhang", "zhang-pass"))

    seen = drive_dialog(monkeypatch, SignInDialog, steps)
    window = startup.open_main_window(store, "log")
    qtbot.addWidget(window)
    assert len(seen) == 1
    assert messages[0] == "登录名或密码不正确。"
    assert "再输错 1 次，账户将锁定 15 分钟" in messages[3]
    assert "账户已锁定，请在" in messages[4] and "后再试" in messages[4]
    assert "账户已锁定，请在" in messages[5]  # the right password while locked
    assert messages[6] == ""
    assert status(window, "statusUser").text() == "当前用户：张三"
    assert not status(window, "statusAccountsHint").isVisibleTo(window)


def test_cancel_at_start_ends_the_program_quietly(
    qapp, store, accounts_set_up, monkeypatch
) -> None:  # noqa: ANN001
    from PySide6.QtCore import QTranslator

    from desktop_crm import app

    sqlite_only(store)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    drive_dialog(
        monkeypatch, SignInDialog, lambda d: d.findChild(QPushButton, "signInCancel").click()
    )
    opened: list[MainWindow] = []
    monkeypatch.setattr(MainWindow, "show", lambda w: opened.append(w))
    try:
        assert app.run_gui(["--db", str(store.sqlite_path)], "log") == 0
    finally:
        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)
    assert not opened


def test_user_option_right_password_skips_dialog(
    qtbot, store, accounts_set_up, monkeypatch
) -> None:  # noqa: ANN001
    seen = drive_dialog(monkeypatch, SignInDialog, lambda d: pytest.fail("no sign-in expected"))
    window = startup.open_main_window(store, "log", login="zhang", password="zhang-pass")
    qtbot.addWidget(window)
    assert not seen and status(window, "statusUser").text() == "当前用户：张三"


def test_user_option_wrong_password_shows_dialog_prefilled(
    qtbot, store, accounts_set_up, monkeypatch
) -> None:  # noqa: ANN001
    shown: list[tuple[str, str]] = []

    def steps(dialog: QDialog) -> None:
        shown.append(
            (
                dialog.findChild(QLineEdit, "signInUser").text(),
                dialog.findChild(QLabel, "signInError").text(),
            )
        )
        dialog.findChild(QLineEdit, "signInPassword").setText("zhang-pass")
        dialog.findChild(QPushButton, "signInButton").click()

    drive_dialog(monkeypatch, SignInDialog, steps)
    window = startup.open_main_window(store, "log", login="zhang", password="bad-pass")
    qtbot.addWidget(window)
    assert shown == [("zhang", "登录名或密码不正确。")]
    assert status(window, "statusUser").text() == "当前用户：张三"


def test_switch_user_changes_user_and_refreshes(
    qtbot, app_context, accounts_set_up, monkeypatch
) -> None:  # noqa: ANN001
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    assert status(window, "statusUser").text() == "当前用户：系统管理员"
    drive_dialog(
        monkeypatch, SignInDialog, lambda d: type_and_sign_in(qtbot, d, "zhang", "zhang-pass")
    )
    action = window.findChild(type(window.switch_user_action), "actionSwitchUser")
    with qtbot.waitSignals(
        [app_context.hub.sig_customers_changed, window.sig_user_changed], timeout=2000
    ):
        action.trigger()
    zhang = accounts.find_account(app_context.session_factory(), "zhang")
    assert app_context.user_id == zhang.id
    assert status(window, "statusUser").text() == "当前用户：张三"

    # Cancelling a switch keeps the user.
    drive_dialog(monkeypatch, SignInDialog, lambda d: d.reject())
    action.trigger()
    assert app_context.user_id == zhang.id


def test_change_own_password_from_the_menu(qtbot, app_context, monkeypatch) -> None:  # noqa: ANN001
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    assert status(window, "statusAccountsHint").isVisibleTo(window)

    def steps(dialog: QDialog) -> None:
        assert not dialog.findChild(QLineEdit, "oldPassword").isVisibleTo(dialog)
        dialog.findChild(QLineEdit, "newPassword").setText("admin-pass")
        dialog.findChild(QLineEdit, "confirmPassword").setText("admin-pazz")
        dialog.findChild(QPushButton, "passwordOk").click()
        assert "不一样" in dialog.findChild(QLabel, "passwordError").text()
        dialog.findChild(QLineEdit, "newPassword").setText("admin")
        dialog.findChild(QLineEdit, "confirmPassword").setText("admin")
        dialog.findChild(QPushButton, "passwordOk").click()
        assert "至少要 6 个字符" in dialog.findChild(QLabel, "passwordError").text()
        dialog.findChild(QLineEdit, "newPassword").setText("admin-pass")
        dialog.findChild(QLineEdit, "confirmPassword").setText("admin-pass")
        dialog.findChild(QPushButton, "passwordOk").click()

    drive_dialog(monkeypatch, PasswordDialog, steps)
    window.findChild(type(window.change_password_action), "actionChangePassword").trigger()
    assert not status(window, "statusAccountsHint").isVisibleTo(window)
    with app_context.session() as session:
        assert accounts.sign_in(session, "admin", "admin-pass").name == "系统管理员"


def test_admin_resets_a_password_in_staff_dialog(
    qtbot, app_context, accounts_set_up, monkeypatch
) -> None:  # noqa: ANN001
    dialog = StaffDialog(app_context)
    qtbot.addWidget(dialog)
    zhang = next(r for r in dialog.rows() if r.login == "zhang")
    dialog.select_staff(zhang.id)
    button = dialog.findChild(QPushButton, "staffResetPassword")
    assert button.isEnabled()

    def steps(reset: QDialog) -> None:
        assert not reset.findChild(QLineEdit, "oldPassword").isVisibleTo(reset)
        assert "张三" in reset.findChild(QLabel, "passwordIntro").text()
        reset.findChild(QLineEdit, "newPassword").setText("new-zhang")
        reset.findChild(QLineEdit, "confirmPassword").setText("new-zhang")
        reset.findChild(QPushButton, "passwordOk").click()

    drive_dialog(monkeypatch, PasswordDialog, steps)
    button.click()
    assert "已为 张三 设置新密码" in dialog.status_label.text()
    with app_context.session() as session:
        assert accounts.sign_in(session, "zhang", "new-zhang").login == "zhang"


def test_run_gui_with_user_option_signs_in_from_the_environment(
    qapp, store, accounts_set_up, monkeypatch
) -> None:  # noqa: ANN001
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from desktop_crm import app

    sqlite_only(store)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setenv("DESKTOP_CRM_PASSWORD", "zhang-pass")
    drive_dialog(monkeypatch, SignInDialog, lambda d: pytest.fail("no sign-in expected"))
    opened: list[MainWindow] = []
    monkeypatch.setattr(MainWindow, "show", lambda w: opened.append(w))
    monkeypatch.setattr(QApplication, "exec", lambda *a: 0)
    try:
        argv = ["--db", str(store.sqlite_path), "--user", "zhang"]
        assert app.run_gui(argv, "log") == 0
    finally:
        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)
    assert len(set(opened)) == 1  # an empty store shows it early, for the demo-data offer
    assert status(opened[0], "statusUser").text() == "当前用户：张三"
    opened[0].deleteLater()
