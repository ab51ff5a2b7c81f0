"""The survey's fields on screen, built from ``surveys.FIELDS``: an editor per field by its
kind and a red line under each for the service's refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop_crm.services import surveys
from desktop_crm.services.surveys import SurveyField

from ..field_errors import ERROR_STYLE, FieldEditor
from ..widgets import OptionalDateEdit


def percent_text(value: object) -> str:
    """A stored percentage as typed: 85, 92.5 (no trailing zeros)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def make_editor(
    field: SurveyField, parent: QWidget, on_edited: Callable[[str], None], tab_index: int = 0
) -> FieldEditor:
    error = QLabel(parent)
    error.setObjectName(f"surveyError_{field.key}")
    error.setWordWrap(True)
    error.setStyleSheet(ERROR_STYLE)
    error.hide()
    key = field.key
    widget: QWidget
    if field.kind == "long":
        text = QPlainTextEdit(parent)
        text.setTabChangesFocus(True)
        text.setFixedHeight(text.fontMetrics().lineSpacing() * 3 + 14)
        text.textChanged.connect(lambda: on_edited(key))
        widget = text

        def get() -> object:
            return text.toPlainText().strip() or None

        def put(value: object) -> None:
            text.setPlainText("" if value is None else str(value))

    elif field.kind == "date":
        day = OptionalDateEdit(parent)
        day.sig_changed.connect(lambda: on_edited(key))
        widget = day
        get = day.value

        def put(value: object) -> None:
            day.set_value(value if isinstance(value, date) else None)

    elif field.kind == "choice":
        combo = QComboBox(parent)
        if key == "kind":
            for kind in surveys.KINDS:
                combo.addItem(kind, kind)
        else:  # 调查方式: the usual ways offered, any other written in
            combo.setEditable(True)
            combo.addItem("", None)
            for method in surveys.METHODS:
                combo.addItem(method, method)
            combo.editTextChanged.connect(lambda _t: on_edited(key))
        combo.currentIndexChanged.connect(lambda _i: on_edited(key))
        widget = combo

        def get() -> object:
            return combo.currentText().strip() or None

        def put(value: object) -> None:
            text_value = "" if value is None else str(value)
            index = combo.findText(text_value)
            if index < 0 and combo.isEditable():
                combo.setEditText(text_value)
            else:
                combo.setCurrentIndex(max(index, 0))

    else:
        line = QLineEdit(parent)
        line.setMaxLength(max(field.max_length, 10))
        line.textChanged.connect(lambda _t: on_edited(key))
        if field.kind == "percent":
            line.setPlaceholderText("如 90 或 92.5")
            box = QWidget(parent)
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(line, 1)
            row.addWidget(QLabel("%", box))
            box.setFocusProxy(line)
            line.setObjectName(f"surveyField_{key}")
            widget_holder = box
        elif field.kind == "year":
            line.setPlaceholderText("如 2025")
            widget_holder = line
        else:
            widget_holder = line
        widget = line

        def get() -> object:
            return line.text().strip() or None

        def put(value: object) -> None:
            line.setText(percent_text(value) if field.kind == "percent" else (
                "" if value is None else str(value)
            ))  # fmt: skip

        editor = FieldEditor(field, widget, error, get, put, tab_index)
        editor.holder = widget_holder  # type: ignore[attr-defined]
        if not line.objectName():
            line.setObjectName(f"surveyField_{key}")
        return editor
    widget.setObjectName(f"surveyField_{key}")
    editor = FieldEditor(field, widget, error, get, put, tab_index)
    editor.holder = widget  # type: ignore[attr-defined]
    return editor


def holder_of(editor: FieldEditor) -> QWidget:
    """The widget to place in a layout (a percent field sits with its % sign)."""
    return getattr(editor, "holder", editor.widget)
