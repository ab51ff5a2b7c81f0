"""Refusals shown beside the fields they concern (DESIGN rule 2), in any small form dialog."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop_crm.services.errors import ValidationError

ERROR_COLOR = "#c0392b"
ERROR_STYLE = f"color: {ERROR_COLOR};"  # a refusal's text
INVALID_STYLE = f"border: 1px solid {ERROR_COLOR};"  # the box of a field at fault


@dataclass
class FieldEditor:
    """One form field on screen: its widget, how to read and fill it, where its refusal
    goes. `field` is the service's description of it (a CustomerField, ComplaintField…);
    `tab_index` the tab it sits on in a dialog of tabs."""

    field: Any
    widget: QWidget
    error: QLabel
    get: Callable[[], object]
    put: Callable[[object], None]
    tab_index: int = 0

    def show_error(self, message: str | None) -> None:
        """The refusal beside the field (None clears it); the typing stays as it is."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.widget.setToolTip(message or "")
        if isinstance(self.widget, QLineEdit | QPlainTextEdit):
            self.widget.setStyleSheet(INVALID_STYLE if message else "")

    def set_read_only(self, read_only: bool) -> None:
        """Text stays selectable and copyable when read-only; choices are disabled. A
        composite widget takes part by having a `setReadOnly` of its own."""
        if isinstance(self.widget, QLineEdit | QPlainTextEdit) or getattr(
            self.widget, "has_read_only_mode", False
        ):
            self.widget.setReadOnly(read_only)
        else:
            self.widget.setEnabled(not read_only)


def show_field_errors(
    form: QWidget,
    error: ValidationError,
    labels: Mapping[str, QLabel],
    general: QLabel,
    focus: Mapping[str, QWidget],
) -> None:
    """Each problem under its field (those without a field together in `general`), the
    form grown to fit the word-wrapped messages, and the first field at fault focused."""
    loose = []
    for problem in error.problems:
        label = labels.get(problem.field)
        if label is None:
            loose.append(problem.message)
            continue
        label.setText(problem.message)
        label.show()
    if loose:
        general.setText("\n".join(loose))
        general.show()
    form.layout().activate()
    form.resize(form.width(), max(form.height(), form.sizeHint().height()))
    for problem in error.problems:
        if problem.field in focus:
            focus[problem.field].setFocus()
            break
