"""A small form dialog (a few fields and 确定/取消) whose refusals stay beside the fields:
the dialog stays open with the typing kept until the service takes it or the user gives up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_crm.models import User
from desktop_crm.services.errors import ValidationError

from ..context import AppContext
from ..field_errors import ERROR_STYLE
from ..service_call import FAILED, run_service

T = TypeVar("T")


class SmallForm(QDialog):
    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.errors: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}
        self.general = self._error_label(name + "Error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._finished_rows = False

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(self, objectName=name)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(label, widget)
        error = self._error_label(f"{self.objectName()}_{key}_error")
        self.form.addRow("", error)
        self.errors[key] = error
        self.fields[key] = widget
        return widget

    def finish(self, width: int = 420) -> None:
        self.form.addRow(self.general)
        self.form.addRow(self.buttons)
        self.resize(width, self.sizeHint().height())

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        loose = []
        for label in (*self.errors.values(), self.general):
            label.hide()
        for field, message in problems:
            label = self.errors.get(field)
            if label is None:
                loose.append(message)
            else:
                label.setText(message)
                label.show()
        if loose:
            self.general.setText("\n".join(loose))
            self.general.show()
        for field, _message in problems:
            if field in self.fields:
                self.fields[field].setFocus()
                break
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def run(
        self,
        context: AppContext,
        write: Callable[[Session, User], T],
        checks=None,  # noqa: ANN001
    ) -> T | None:
        """exec() until `write` succeeds (its result) or the user cancels (None).
        `checks()` may give (field, message) problems found before asking the store."""
        while self.exec() == QDialog.DialogCode.Accepted:
            early = checks() if checks else []
            if early:
                self.show_problems(early)
                continue
            problems: list[tuple[str, str]] = []

            def invalid(error: ValidationError, found: list = problems) -> None:  # noqa: B006
                found.extend((p.field or "", p.message) for p in error.problems)

            result = run_service(self, context, write, on_invalid=invalid)
            if result is not FAILED:
                return result
            if not problems:
                return None
            self.show_problems(problems)
        return None
