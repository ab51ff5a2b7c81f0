"""登录: the sign-in dialog shown at start and for 切换用户."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.config import APP_TITLE
from desktop_crm.services import accounts
from desktop_crm.services.errors import ServiceError
from desktop_crm.views import messages
from desktop_crm.views.field_errors import ERROR_STYLE


def quiet(label: QLabel) -> None:
    """Secondary text: readable, but grey like a placeholder, in light and dark themes."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)


# Signs `login` in with `password`; returns the user's id or raises SignInRefused.
SignInAttempt = Callable[[str, str], int]


class SignInDialog(QDialog):
    """Asks for login name and password; stays open, showing why, until one is accepted."""

    def __init__(
        self,
        attempt: SignInAttempt,
        login: str = "",
        message: str = "",
        store_description: str = "",
        log_path: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("登录") + " — " + APP_TITLE)
        self._attempt = attempt
        self._log_path = log_path
        self.user_id: int | None = None

        heading = QLabel(APP_TITLE, self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.store_label = QLabel(self.tr("数据库：") + store_description, self)
        self.store_label.setObjectName("signInStore")
        quiet(self.store_label)
        self.store_label.setWordWrap(True)
        self.store_label.setVisible(bool(store_description))

        self.user_edit = QLineEdit(login, self)
        self.user_edit.setObjectName("signInUser")
        self.user_edit.setMaxLength(40)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("signInPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("signInError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("登录名："), self.user_edit)
        form.addRow(self.tr("密码："), self.password_edit)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.sign_in_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("登录"))
        self.sign_in_button.setObjectName("signInButton")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("取消"))
        cancel.setObjectName("signInCancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.store_label)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        self.show_error(message)
        (self.password_edit if login else self.user_edit).setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def accept(self) -> None:
        """Try the typed name and password; close only when they are accepted."""
        login = self.user_edit.text().strip()
        if not login:
            self.show_error(self.tr("请填写登录名。"))
            self.user_edit.setFocus()
            return
        try:
            self.user_id = self._attempt(login, self.password_edit.text())
        except ServiceError as error:
            self.show_error(error.message)
            self.password_edit.clear()
            unknown = isinstance(error, accounts.SignInRefused) and error.reason == "unknown"
            (self.user_edit if unknown else self.password_edit).setFocus()
            return
        except Exception as error:  # database trouble or a bug: told plainly, dialog stays
            messages.show_unexpected(self, error, self._log_path)
            return
        self.password_edit.clear()
        self.show_error("")
        super().accept()


def store_attempt(open_session: Callable[[], AbstractContextManager[Session]]) -> SignInAttempt:
    """A sign-in attempt against the store, each in its own short session."""

    def attempt(login: str, password: str) -> int:
        with open_session() as session:
            return accounts.sign_in(session, login, password, accounts.this_workstation()).id

    return attempt


def ask_sign_in(
    parent: QWidget | None,
    open_session: Callable[[], AbstractContextManager[Session]],
    login: str = "",
    message: str = "",
    store_description: str = "",
    log_path: str = "",
) -> int | None:
    """Show the sign-in dialog; the signed-in user's id, or None when cancelled."""
    dialog = SignInDialog(
        store_attempt(open_session), login, message, store_description, log_path, parent
    )
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.user_id
        return None
    finally:
        dialog.deleteLater()
