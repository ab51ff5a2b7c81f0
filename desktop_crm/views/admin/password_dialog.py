"""修改密码 (one's own) and 重置密码 (the administrator, for someone else)."""

from __future__ import annotations

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

from desktop_crm.models import User
from desktop_crm.services import accounts
from desktop_crm.services.errors import NotFound, ValidationError
from desktop_crm.views.context import AppContext
from desktop_crm.views.field_errors import ERROR_STYLE
from desktop_crm.views.service_call import FAILED, run_service


def _target(session: Session, actor: User, user_id: int | None) -> tuple[str, bool]:
    user = actor if user_id is None else session.get(User, user_id)
    if user is None:
        raise NotFound("这个账户已不存在。")
    return user.name, user.password_hash is not None


class PasswordDialog(QDialog):
    """Own password when `user_id` is None (asks for the old one, if any); else a reset."""

    def __init__(
        self, context: AppContext, user_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self._context = context
        self._user_id = user_id
        self.done_name = ""

        self.intro = QLabel(self)
        self.intro.setObjectName("passwordIntro")
        self.intro.setWordWrap(True)
        self.old_edit = self._password_edit("oldPassword")
        self.new_edit = self._password_edit("newPassword")
        self.confirm_edit = self._password_edit("confirmPassword")
        self.new_edit.setPlaceholderText(
            self.tr("至少 {0} 个字符").replace("{0}", str(accounts.PASSWORD_MIN_LENGTH))
        )
        self.error_label = QLabel(self)
        self.error_label.setObjectName("passwordError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        self._old_label = QLabel(self.tr("原密码："), self)
        form.addRow(self._old_label, self.old_edit)
        form.addRow(self.tr("新密码："), self.new_edit)
        form.addRow(self.tr("再输一次："), self.confirm_edit)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定"))
        self.ok_button.setObjectName("passwordOk")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(400)
        self._load()

    def _password_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _load(self) -> None:
        user_id = self._user_id
        found = run_service(self, self._context, lambda s, a: _target(s, a, user_id))
        if found is FAILED:
            self.ok_button.setEnabled(False)
            return
        name, has_password = found
        self.done_name = name
        own = user_id is None
        if own:
            self.setWindowTitle(self.tr("修改密码"))
            self.intro.setText(
                self.tr("修改 {0} 的登录密码。")
                if has_password
                else self.tr("为 {0} 设置登录密码。")
            )
        else:
            self.setWindowTitle(self.tr("重置密码"))
            self.intro.setText(
                self.tr("为 {0} 设置新密码；账户如被锁定，也随之解锁。请把新密码当面告诉本人。")
            )
        self.intro.setText(self.intro.text().replace("{0}", name))
        ask_old = own and has_password
        self.old_edit.setVisible(ask_old)
        self._old_label.setVisible(ask_old)
        (self.old_edit if ask_old else self.new_edit).setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def save(self) -> None:
        old, new = self.old_edit.text(), self.new_edit.text()
        if new != self.confirm_edit.text():
            self.show_error(self.tr("两次输入的新密码不一样，请重新输入。"))
            self.confirm_edit.clear()
            self.confirm_edit.setFocus()
            return
        user_id = self._user_id

        def change(session: Session, actor: User) -> None:
            if user_id is None:
                accounts.change_own_password(session, actor, old, new)
            else:
                accounts.set_password(session, actor, user_id, new)

        if run_service(self, self._context, change, on_invalid=self._show_invalid) is FAILED:
            return
        self.accept()

    def _show_invalid(self, error: ValidationError) -> None:
        self.show_error(error.message)
        if "old_password" in error.by_field:
            self.old_edit.clear()
            self.old_edit.setFocus()
        else:
            self.new_edit.setFocus()
